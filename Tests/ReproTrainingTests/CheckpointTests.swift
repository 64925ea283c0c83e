import Foundation
import Testing
import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTestSupport
@testable import ReproTraining

/// Checkpoint files: a round trip restores every tensor and the header exactly; a damaged,
/// truncated or foreign file is refused with the reason.
@Suite struct CheckpointTests {
    func sample() throws -> Checkpoint {
        let recipe = try Recipes.classifier()
        let configuration = try Recipes.configuration(recipe, seed: 7)
        var generator = SeedStreams(seed: 7).generator("init")
        let model = try recipe.makeModel(using: &generator)
        let optimizer = try recipe.makeOptimizer(for: model)
        let loader = try DataLoader(recipe.trainingSet, batchSize: 64, shuffle: true, seed: 7)
        _ = try loader.next()
        let header = Checkpoint.Header(step: 1, loader: loader.state, optimizer: optimizer.state(),
                                       configuration: configuration, seed: Recipes.seedRecord(7),
                                       taskValues: .object(["count": .integer(3)]))
        return Checkpoint(header: header, model: model.parameterTensors(), optimizer: optimizer.stateTensors(),
                          task: [("average", try Tensor(shape: [2], scalars: [1.5, -2]))])
    }

    @Test func roundTripRestoresTheHeaderAndEveryTensorBitForBit() throws {
        try withTemporaryDirectory { directory in
            let checkpoint = try sample()
            let path = directory.file(Checkpoint.fileName(step: 1))
            try checkpoint.write(to: path)
            let read = try Checkpoint.read(path)
            #expect(read.header.step == 1)
            #expect(read.header.loader == checkpoint.header.loader)
            #expect(read.header.configuration == checkpoint.header.configuration)
            #expect(read.header.optimizer == checkpoint.header.optimizer)
            #expect(read.header.taskValues == checkpoint.header.taskValues)
            #expect(read.task.map(\.name) == ["average"] && read.task.first?.tensor.scalars == [1.5, -2])
            let original = Dictionary(uniqueKeysWithValues: checkpoint.model.map { ($0.name, $0.tensor) })
            #expect(read.model.count == original.count)
            for (name, tensor) in read.model {
                #expect(tensor.shape == original[name]?.shape)
                #expect(tensor.scalars.map(\.bitPattern) == original[name]?.scalars.map(\.bitPattern), "\(name)")
            }
            // The same checkpoint always gives the same bytes.
            try checkpoint.write(to: directory.file("again.safetensors"))
            #expect(try AtomicFile.read(path) == AtomicFile.read(directory.file("again.safetensors")))
        }
    }

    @Test func fileNamesCarryTheStep() {
        #expect(Checkpoint.fileName(step: 42) == "step-00000042.safetensors")
        #expect(Checkpoint.step(ofFileName: "step-00000042.safetensors") == 42)
        #expect(Checkpoint.step(ofFileName: "step-123456789.safetensors") == 123_456_789)
        for name in [".step-00000042.safetensors.tmp-1-0", "step-.safetensors", "step-4x.safetensors", "model.safetensors"] {
            #expect(Checkpoint.step(ofFileName: name) == nil, "\(name)")
        }
    }

    @Test func aFlippedByteOrATruncationIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("c.safetensors")
            try sample().write(to: path)
            let bytes = try AtomicFile.read(path)
            // A byte in the tensor data: the checksum catches it.
            var flipped = bytes
            flipped[bytes.count - 3] ^= 0x01
            try AtomicFile.write(flipped, to: path)
            #expect { try Checkpoint.read(path) } throws: { "\($0)".contains("fails its checksum") }
            // A byte inside the header JSON's numbers: the checksum or the JSON parse catches it.
            for cut in [8, 100, bytes.count / 2, bytes.count - 1] {
                try AtomicFile.write(Array(bytes.prefix(cut)), to: path)
                #expect(throws: RunFileError.self, "cut at \(cut)") { try Checkpoint.read(path) }
            }
        }
    }

    @Test func aSafetensorsFileWithoutReproMetadataIsNotACheckpoint() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("foreign.safetensors")
            try SafeTensorsFile(tensors: ["w": try SafeTensor([Float(1), 2], shape: [2])]).write(to: path)
            #expect { try Checkpoint.read(path) } throws: { "\($0)".contains("not a Repro checkpoint") }
        }
    }
}

/// `stopAfterStep` must lie ahead of where a run resumes.
@Suite struct StopAfterStepTests {
    @Test func aStopAtOrBeforeTheResumeStepIsAnError() throws {
        try withTemporaryDirectory { directory in
            let recipe = try Recipes.classifier()
            let configuration = try Recipes.configuration(recipe, seed: 3, maxSteps: 6, checkpointEvery: 2)
            let run = directory.file("run")
            let quiet = SilentProgress()
            guard case .stopped(let step) = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(3), into: run,
                                                             runtime: RuntimeOptions(stopAfterStep: 4), progress: quiet)
            else { Issue.record("the run did not stop"); return }
            #expect(step == 4)
            #expect { try Trainer.resume(recipe, run, runtime: RuntimeOptions(stopAfterStep: 4), progress: quiet) } throws: {
                "\($0)".contains("stopAfterStep 4 is not after step 4")
            }
            guard case .finished = try Trainer.resume(recipe, run, progress: quiet) else { Issue.record("not finished"); return }
        }
    }
}
