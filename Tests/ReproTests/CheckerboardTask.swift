import Foundation
import Repro

/// The data: points of the square [-1, 1)², labelled by their quarter of a checkerboard. Sample
/// `index` is computed from the index alone (a fixed integer hash), so no file is read.
struct Checkerboard: LabeledDataset {
    let first: Int
    let count: Int
    var featureShape: [Int] { [2] }
    var classCount: Int { 2 }

    func sample(at index: Int) throws -> LabeledExample {
        var bits = SplitMix64(seed: UInt64(first + index))
        let x = Float(bits.next() >> 40) / Float(1 << 24), y = Float(bits.next() >> 40) / Float(1 << 24)
        return LabeledExample(features: [2 * x - 1, 2 * y - 1], label: (x < 0.5) == (y < 0.5) ? 0 : 1)
    }
}

/// The model: a layer type of our own, two linear maps with a tanh between them.
final class TwoLayerNet: Layer {
    let hidden: Linear
    let output: Linear

    init(width: Int, using generator: inout Generator<PCG64>) throws {
        hidden = try Linear(2, width, using: &generator)
        output = try Linear(width, 2, using: &generator)
    }

    func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try output(try hidden(input, context: context.child(0)).tanh(), context: context.child(1))
    }

    var namedParameters: [(name: String, tensor: Tensor)] {
        hidden.namedParameters.map { ("hidden." + $0.name, $0.tensor) }
            + output.namedParameters.map { ("output." + $0.name, $0.tensor) }
    }
}

/// The task: what to train and how to score it. Repro's trainer does the rest.
struct CheckerboardTask: TrainingTask {
    var width = 32
    var learningRate = 0.01

    var name: String { "checkerboard" }
    var settings: JSONValue { .object(["width": .integer(Int64(width)), "learningRate": .number(learningRate)]) }
    var metricNames: [String] { ["accuracy"] }
    var trainingSet: Checkerboard { Checkerboard(first: 0, count: 2048) }
    var validationSet: Checkerboard { Checkerboard(first: 1 << 40, count: 512) }

    func makeModel(using generator: inout Generator<PCG64>) throws -> TwoLayerNet {
        try TwoLayerNet(width: width, using: &generator)
    }

    func makeOptimizer(for model: TwoLayerNet) throws -> any Optimizer {
        try Adam(model.namedParameters, learningRate: learningRate)
    }

    func loss(of batch: LabeledBatch, model: TwoLayerNet, context: ForwardContext) throws -> Tensor {
        try model(batch.inputs, context: context).crossEntropy(labels: batch.labels)
    }

    func evaluate(_ batch: LabeledBatch, model: TwoLayerNet) throws -> BatchEvaluation {
        let logits = try model(batch.inputs, context: .inference)
        let correct = zip(try logits.argmax(), batch.labels).filter { $0 == $1 }.count
        return BatchEvaluation(loss: try logits.crossEntropy(labels: batch.labels), count: batch.labels.count,
                               sums: ["accuracy": Double(correct)])
    }
}

/// Trains the task with seed 42 into `path`: a new run, or the rest of an interrupted one.
/// Shows progress on standard error. Returns the run's digest.
func trainCheckerboard(into path: String) throws -> String {
    let task = CheckerboardTask()
    let progress = ConsoleProgress()   // without it, the trainer prints nothing
    let outcome: TrainingOutcome
    if FileManager.default.fileExists(atPath: path + "/run.json") {
        outcome = try Trainer.resume(task, path, progress: progress)
    } else {
        var configuration = try TrainingConfiguration(seed: 42, task: task)
        configuration.epochs = 5
        outcome = try Trainer.train(task, configuration, seed: seedEverything(42), into: path, progress: progress)
    }
    guard case .finished(let manifest) = outcome else { throw TrainingError(message: "\(path) did not finish") }
    return manifest.digest
}
