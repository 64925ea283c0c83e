import Foundation
import ReproData
import ReproAnalysis
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTestSupport
import Testing
@testable import ReproTraining

/// Training traces (`RuntimeOptions(trace: true)`, `trace.bin`): the same bytes for any thread and
/// worker count and across a stop and resume (a torn record included), outside the digest, with
/// the entries in execution order, for the built-in models and a user's own; and two runs that
/// differ in one planted element are localised to that step and tensor.
@Suite struct TraceTests {
    static let seed: UInt64 = 5

    /// The digits classifier with one hidden layer of 8, 6 steps, checkpoints every 3, traced.
    static func trainClassifier(_ path: String, threads: Int? = nil, workers: Int = 0, stopAfterStep: Int? = nil,
                                trace: Bool = true) throws -> TrainingOutcome {
        let task = try Recipes.classifier()
        let configuration = try Recipes.configuration(task, seed: seed, maxSteps: 6, checkpointEvery: 3)
        return try Trainer.train(task, configuration, seed: Recipes.seedRecord(seed), into: path,
                                 runtime: RuntimeOptions(threads: threads, workers: workers, stopAfterStep: stopAfterStep,
                                                         trace: trace),
                                 progress: SilentProgress())
    }

    static let reference = Result {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            _ = try trainClassifier(path, threads: 1)
            return try AtomicFile.read(path + "/trace.bin")
        }
    }

    @Test(arguments: [(2, 1), (3, 3), (7, 0)])
    func threadsAndWorkersDoNotChangeTheTrace(threads: Int, workers: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            _ = try Self.trainClassifier(path, threads: threads, workers: workers)
            #expect(try AtomicFile.read(path + "/trace.bin") == Self.reference.get())
        }
    }

    /// Stopped before the first checkpoint (resumes from 0), at a checkpoint, and after it; resumed
    /// with other threads and workers.
    @Test(arguments: [2, 3, 5])
    func aStoppedAndResumedRunHasTheSameTrace(stop: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            guard case .stopped = try Self.trainClassifier(path, stopAfterStep: stop) else {
                Issue.record("not stopped")
                return
            }
            _ = try Trainer.resume(try Recipes.classifier(), path, runtime: RuntimeOptions(threads: 3, workers: 2),
                                   progress: SilentProgress())
            #expect(try AtomicFile.read(path + "/trace.bin") == Self.reference.get())
        }
    }

    /// A kill during an append leaves part of a record: the resume cuts it off with the steps after
    /// the checkpoint.
    @Test func aTornRecordIsCutOffOnResume() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            _ = try Self.trainClassifier(path, stopAfterStep: 4)
            try AtomicFile.append([200, 0, 0, 0, 1, 2, 3], to: path + "/trace.bin")
            #expect(throws: RunFileError.self) { try TraceFile.read(at: path + "/trace.bin") }
            _ = try Trainer.resume(try Recipes.classifier(), path, progress: SilentProgress())
            #expect(try AtomicFile.read(path + "/trace.bin") == Self.reference.get())
        }
    }

    @Test func theTraceIsNotPartOfTheDigestAndRunJsonRecordsIt() throws {
        try withTemporaryDirectory { directory in
            let (traced, plain) = (directory.file("traced"), directory.file("plain"))
            guard case .finished(let a) = try Self.trainClassifier(traced),
                  case .finished(let b) = try Self.trainClassifier(plain, trace: false) else {
                Issue.record("not finished")
                return
            }
            #expect(a.digest == b.digest)
            #expect(try RunDirectory(path: traced).readStart().trace == true)
            #expect(try RunDirectory(path: plain).readStart().trace == nil)
            #expect(!FileManager.default.fileExists(atPath: plain + "/trace.bin"))
            let stopped = directory.file("stopped")
            _ = try Self.trainClassifier(stopped, stopAfterStep: 2, trace: false)
            #expect(throws: TrainingError.self) {
                try Trainer.resume(try Recipes.classifier(), stopped, runtime: RuntimeOptions(trace: true), progress: SilentProgress())
            }
        }
    }

    /// The entries of a step in execution order; the last step's parameters are the final weights
    /// of `model.safetensors` (hashed here from the file), its indices the loader's first batch.
    @Test func aStepRecordsItsEntriesInExecutionOrder() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            _ = try Self.trainClassifier(path)
            let trace = try TraceFile.read(at: path + "/trace.bin")
            #expect(trace.steps.map(\.step) == Array(1...6))
            let parameters = ["0.weight", "0.bias", "3.weight", "3.bias"]
            let expected: [(TraceKind, String)] = [
                (.stream, "loader.epoch"), (.stream, "loader.position"), (.batch, "indices"), (.stream, "dropout.key"),
                (.stream, "dropout.step"), (.forward, "0"), (.forward, "1"), (.forward, "2"), (.forward, "3"), (.loss, "loss"),
            ] + parameters.reversed().map { (.gradient, $0) } + parameters.map { (.parameter, $0) }
            for step in trace.steps {
                #expect(step.entries.map(\.kind) == expected.map(\.0) && step.entries.map(\.name) == expected.map(\.1))
                let values = step.entries.map(\.value)
                #expect(values[0] == 0 && values[1] == UInt64(step.step) && values[4] == UInt64(step.step - 1))
            }
            let weights = try SafeTensorsFile(contentsOf: path + "/model.safetensors")
            let last = trace.steps.last!.entries.filter { $0.kind == .parameter }
            for entry in last {
                let (shape, values) = try weights.floats(entry.name)
                #expect(entry.value == TraceHash.hash(values, shape: shape), "\(entry.name)")
            }
            let task = try Recipes.classifier()
            let sampler = try ShuffledSampler(count: try task.trainingSet.count,
                                              seed: SeedStreams(seed: Self.seed).seed(for: "loader"))
            let batchSize = try Recipes.configuration(task, seed: Self.seed).batchSize
            let firstBatch = Array(sampler.indices(epoch: 0).prefix(batchSize))
            #expect(trace.steps[0].entries[2].value == TraceHash.hash(indices: firstBatch))
        }
    }

    /// The GPT traces its embeddings, each block's branches and output, the final norm and the
    /// logits; the same bytes for 1 and 3 threads.
    @Test func theGPTTracesItsBlocksForAnyThreadCount() throws {
        try withTemporaryDirectory { directory in
            let recipe = try CharLMRecipeTests.recipe(in: directory)
            var configuration = try TrainingConfiguration(seed: 11, task: recipe)
            (configuration.epochs, configuration.batchSize, configuration.maxSteps) = (1, 8, 3)
            var traces: [[UInt8]] = []
            for threads in [1, 3] {
                let path = directory.file("run-\(threads)")
                _ = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(11), into: path,
                                      runtime: RuntimeOptions(threads: threads, trace: true), progress: SilentProgress())
                traces.append(try AtomicFile.read(path + "/trace.bin"))
            }
            #expect(traces[0] == traces[1])
            let step = try TraceFile.decode(traces[0]).steps[0]
            #expect(step.entries.filter { $0.kind == .forward }.map(\.name)
                    == ["transformer.drop", "transformer.h.0.attn", "transformer.h.0.mlp", "transformer.h.0", "transformer.ln_f",
                        "lm_head"])
        }
    }

    /// Two runs of a user's task that differ in one element of its hidden layer at the third step
    /// (`context.step` 2): the comparison names step 3 and the user's traced tensor.
    @Test func aPlantedDifferenceIsLocalisedToItsStepAndTensor() throws {
        try withTemporaryDirectory { directory in
            let (plain, planted) = (directory.file("plain"), directory.file("planted"))
            for (path, task) in [(plain, PlantedTask(plantedStep: nil)), (planted, PlantedTask(plantedStep: 2))] {
                var configuration = try TrainingConfiguration(seed: 3, task: task)
                (configuration.epochs, configuration.batchSize) = (1, 16)
                _ = try Trainer.train(task, configuration, seed: Recipes.seedRecord(3), into: path,
                                      runtime: RuntimeOptions(trace: true), progress: SilentProgress())
            }
            let comparison = try RunComparison(plain, planted)
            guard case .compared(let traces) = comparison.traces, let difference = traces.firstDifference else {
                Issue.record("no trace difference: \(comparison.traces)")
                return
            }
            #expect(difference.step == 3)
            #expect(difference.a?.kind == .forward && difference.a?.name == "hidden")
            #expect(difference.equalBefore.map(\.kind) == [.stream, .stream, .batch, .stream, .stream])
            #expect(traces.summary == "step 3, forward: the output of `hidden` differs first; the batch indices "
                    + "and the random streams are equal")
            #expect(comparison.report.contains("traces\n  step 3, forward: the output of `hidden` differs first;"))
        }
    }
}

/// A user's model (not a `Sequential`) that traces its hidden layer with one line, and shifts the
/// hidden layer's first element by 1e-3 at training step `plantedStep`.
final class PlantedNet: Layer {
    let first: Linear
    let second: Linear
    let plantedStep: Int?

    init(plantedStep: Int?, using generator: inout Generator<PCG64>) throws {
        first = try Linear(1, 8, using: &generator)
        second = try Linear(8, 1, using: &generator)
        self.plantedStep = plantedStep
    }

    func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        var hidden = try first(input, context: context.child(0)).tanh()
        if context.training, context.step == plantedStep {
            var shift = [Float](repeating: 0, count: hidden.count)
            shift[0] = 1e-3
            hidden = try hidden + Tensor(shape: hidden.shape, scalars: shift)
        }
        context.trace("hidden", hidden)
        return try second(hidden, context: context.child(1))
    }

    var namedParameters: [(name: String, tensor: Tensor)] {
        first.namedParameters.map { ("first." + $0.name, $0.tensor) } + second.namedParameters.map { ("second." + $0.name, $0.tensor) }
    }
}

/// The wave regression with ``PlantedNet``.
struct PlantedTask: TrainingTask {
    let name = "planted"
    let plantedStep: Int?

    var settings: JSONValue { .object(["planted": plantedStep.map { .integer(Int64($0)) } ?? .null]) }
    var trainingSet: WaveData { WaveData(first: 0, count: 64) }
    var validationSet: WaveData { WaveData(first: 1_000_000, count: 16) }

    func collate(_ samples: [[Float]], info: BatchInfo) throws -> WaveBatch {
        WaveBatch(inputs: try Tensor(shape: [samples.count, 1], scalars: samples.map { $0[0] }),
                  targets: try Tensor(shape: [samples.count, 1], scalars: samples.map { $0[1] }))
    }

    func makeModel(using generator: inout Generator<PCG64>) throws -> PlantedNet {
        try PlantedNet(plantedStep: plantedStep, using: &generator)
    }

    func makeOptimizer(for model: PlantedNet) throws -> any Optimizer {
        try SGD(model.namedParameters, learningRate: 0.1)
    }

    func loss(of batch: WaveBatch, model: PlantedNet, context: ForwardContext) throws -> Tensor {
        let error = try model(batch.inputs, context: context) - batch.targets
        return try (error * error).mean()
    }

    func evaluate(_ batch: WaveBatch, model: PlantedNet) throws -> BatchEvaluation {
        BatchEvaluation(loss: try loss(of: batch, model: model, context: .inference), count: batch.inputs.shape[0])
    }
}
