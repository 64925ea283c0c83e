@testable import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import Testing
@testable import ReproTraining

/// Inputs that the fuzz targets in `Fuzz/` (scripts/fuzz.sh) showed to escape a run-file reader's
/// contract, with the error the fixed reader gives. A decoder must return a value or throw
/// `RunFileError` for any bytes.
@Suite struct FuzzRegressionTests {
    /// fuzz-checkpoint: a checkpoint (valid checksum, valid header) whose F32 tensor `model.w` has
    /// shape [1, 1, 1, 1, 1] made `Checkpoint.decode` throw `TensorError` ("rank 5 exceeds the maximum
    /// rank 4") instead of a `RunFileError`, so callers that catch `RunFileError` (resume skips
    /// damaged checkpoints that way) missed it. The fuzzer's file had a version-1 header; the same
    /// file is rebuilt here with a current header and its checksum, so that decoding reaches the
    /// tensor.
    @Test func aTensorOfRankAboveFourIsARunFileError() throws {
        let configuration = TrainingConfiguration(seed: 42, task: TaskRecord(name: "fuzz"))
        let loader = DataLoaderState(epoch: 0, batch: 3, seed: 1, sampler: "s", datasetCount: 1438, batchSize: 64,
                                     dropLast: false)
        let header = Checkpoint.Header(step: 3, loader: loader,
                                       optimizer: OptimizerState(algorithm: "SGD", learningRate: 0.05, stepCount: 3, parameters: []),
                                       configuration: configuration, seed: SeedRecord(seed: 42, drawn: false, deterministicHashing: false))
        let json = String(decoding: try Checkpoint.encoder.encode(header), as: UTF8.self)
        let tensors = ["model.w": try SafeTensor([Float(1)], shape: [1, 1, 1, 1, 1])]
        let bytes = try SafeTensorsFile(tensors: tensors, metadata: ["repro": json, "sha256": Checkpoint.digest(json, tensors)])
            .serialized()
        let error = #expect(throws: RunFileError.self) { try Checkpoint.decode(bytes, source: "rank5.safetensors") }
        #expect(error?.description == "rank5.safetensors: tensor 'model.w': rank 5 (shape [1, 1, 1, 1, 1]) exceeds the maximum rank 4")
    }
}
