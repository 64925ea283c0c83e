import Foundation
import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTraining

// A user-defined task written against the public API only (no `@testable`): a regression with
// its own dataset, sample type, batch type, transform, layer (with dropout inside) and state.

/// y = sin-like wave of x, computed with basic operations only: sample i has x in [-1, 1) from a
/// fixed integer hash of i, and y = x·(1 - x²).
struct WaveData: Dataset {
    let first: Int
    let count: Int

    func sample(at index: Int) throws -> [Float] {
        var bits = SplitMix64(seed: UInt64(first + index))
        let x = Float(bits.next() >> 40) / Float(1 << 23) - 1
        return [x, x * (1 - x * x)]
    }
}

/// Jitters x with the sample's own generator (keyed by seed, epoch and index).
struct Jitter: SampleTransform {
    func apply(to sample: [Float], generator: inout Generator<Philox>) throws -> [Float] {
        [sample[0] + Float(try generator.normal(standardDeviation: 0.01)), sample[1]]
    }
}

/// Inputs `[n, 1]` and targets `[n, 1]`.
struct WaveBatch: Sendable {
    let inputs: Tensor
    let targets: Tensor
}

/// Linear → tanh → Dropout → Linear, a layer of its own; `width` sets the hidden size.
final class WaveNet: Layer {
    let first: Linear
    let dropout: Dropout
    let second: Linear

    init(width: Int, using generator: inout Generator<PCG64>) throws {
        first = try Linear(1, width, using: &generator)
        dropout = try Dropout(probability: 0.1)
        second = try Linear(width, 1, using: &generator)
    }

    func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let hidden = try dropout(try first(input, context: context.child(0)).tanh(), context: context.child(1))
        return try second(hidden, context: context.child(2))
    }

    var namedParameters: [(name: String, tensor: Tensor)] {
        first.namedParameters.map { ("first." + $0.name, $0.tensor) } + second.namedParameters.map { ("second." + $0.name, $0.tensor) }
    }
}

/// The forward contexts a task was given, in order.
final class ContextLog: @unchecked Sendable {
    private(set) var contexts: [ForwardContext] = []
    func append(_ context: ForwardContext) { contexts.append(context) }
}

/// The task. It keeps state of its own: an exponential average of the training loss (a value)
/// and of the output layer's weights (a tensor), both checkpointed and both visible in the
/// metrics (`loss_average`, `weight_average`), so a resume that lost them changes the digest.
struct WaveTask: TrainingTask {
    var name = "wave"
    var width = 16
    /// A hidden size that the settings do not record (to test a model that changes shape).
    var unrecordedWidth: Int? = nil
    var metrics = ["mae", "loss_average", "weight_average"]
    /// Return the per-sample losses instead of their mean (a broken task).
    var perSampleLoss = false
    /// Where to record the context of every loss computed (for tests of what the trainer passes).
    var contexts: ContextLog? = nil
    var lossAverage: Float = 0
    var weightAverage: Tensor? = nil

    var settings: JSONValue { .object(["width": .integer(Int64(width))]) }
    var metricNames: [String] { metrics }
    var trainingSet: WaveData { WaveData(first: 0, count: 200) }
    var validationSet: WaveData { WaveData(first: 1_000_000, count: 60) }
    var trainingTransforms: [any SampleTransform<[Float]>] { [Jitter()] }

    func collate(_ samples: [[Float]], info: BatchInfo) throws -> WaveBatch {
        WaveBatch(inputs: try Tensor(shape: [samples.count, 1], scalars: samples.map { $0[0] }),
                  targets: try Tensor(shape: [samples.count, 1], scalars: samples.map { $0[1] }))
    }

    func makeModel(using generator: inout Generator<PCG64>) throws -> WaveNet {
        try WaveNet(width: unrecordedWidth ?? width, using: &generator)
    }

    func makeOptimizer(for model: WaveNet) throws -> any Optimizer {
        try SGD(model.namedParameters, learningRate: 0.1, momentum: 0.9)
    }

    func learningRateSchedule(totalSteps: Int, optimizer: any Optimizer) throws -> any LearningRateSchedule {
        try CosineAnnealingLR(baseLearningRate: 0.1, tMax: totalSteps)
    }

    func loss(of batch: WaveBatch, model: WaveNet, context: ForwardContext) throws -> Tensor {
        contexts?.append(context)
        let error = try model(batch.inputs, context: context) - batch.targets
        let squared = try error * error
        return perSampleLoss ? squared : squared.mean()
    }

    func evaluate(_ batch: WaveBatch, model: WaveNet) throws -> BatchEvaluation {
        let prediction = try model(batch.inputs, context: .inference)
        let error = try prediction - batch.targets
        let count = batch.inputs.shape[0]
        let absolute = error.scalars.reduce(0.0) { $0 + Double(abs($1)) }
        let weights = weightAverage?.scalars.reduce(0.0) { $0 + Double($1) } ?? 0
        let sums = ["mae": absolute, "loss_average": Double(lossAverage) * Double(count),
                    "weight_average": weights * Double(count)]
        return BatchEvaluation(loss: try (error * error).mean(), count: count,
                               sums: sums.filter { metrics.contains($0.key) })
    }

    mutating func stepEnded(_ step: Int, loss: Float, model: WaveNet) throws {
        lossAverage = step == 1 ? loss : 0.9 * lossAverage + 0.1 * loss
        let weight = model.second.namedParameters[0].tensor.detached()
        weightAverage = try weightAverage.map { try $0 * 0.9 + weight * 0.1 } ?? weight
    }

    func state() throws -> TaskState {
        TaskState(values: try JSONValue(encoding: ["lossAverage": lossAverage]),
                  tensors: weightAverage.map { [("weight_average", $0)] } ?? [])
    }

    mutating func restore(_ state: TaskState) throws {
        guard let average = try state.values?.decode([String: Float].self)["lossAverage"] else {
            throw TrainingError(message: "the wave task's state has no lossAverage")
        }
        lossAverage = average
        weightAverage = state.tensors.first { $0.name == "weight_average" }?.tensor
    }
}
