import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

/// What a user trains with Repro's guarantees (docs/ARCHITECTURE.md §6): a model, its optimizer,
/// the data, the loss of a batch and named evaluation metrics. ``Trainer`` supplies the rest: seed
/// streams, keyed dropout, the loader with workers and prefetch, checkpoints, exact resume from
/// any kill, `metrics.csv`, `eval.csv`, `model.safetensors`, the manifest and its digest.
///
/// A task is a description, built the same way in every process from its settings: the model is
/// made by ``makeModel(using:)`` from the run's `init` stream, so two processes with the same seed
/// start from the same weights, and a resumed process rebuilds the model before loading the
/// checkpoint into it. Everything a task computes must be a function of its settings, the
/// generator or context it is given and the batch: no clock, no global generator, no dictionary
/// order.
///
/// ```swift
/// struct XorTask: TrainingTask {
///     let name = "xor"
///     let trainingSet = try! TensorDataset(features: …, featureShape: [2], labels: …, classCount: 2)
///     var validationSet: TensorDataset { trainingSet }
///     let metricNames = ["accuracy"]
///     func makeModel(using generator: inout Generator<PCG64>) throws -> Sequential { … }
///     func makeOptimizer(for model: Sequential) throws -> any Optimizer {
///         try SGD(model.namedParameters, learningRate: 0.1, momentum: 0.9)
///     }
///     func loss(of batch: LabeledBatch, model: Sequential, context: ForwardContext) throws -> Tensor {
///         try model(batch.inputs, context: context).crossEntropy(labels: batch.labels)
///     }
///     func evaluate(_ batch: LabeledBatch, model: Sequential) throws -> BatchEvaluation { … }
/// }
/// ```
///
/// A run records the task's ``name`` and ``settings``; resuming with a task whose name or settings
/// differ, or whose model has other parameter names or shapes, is refused naming the difference.
public protocol TrainingTask: Sendable {
    /// The model: any layer, a user's own type included.
    associatedtype Model: Layer
    /// The training and validation data.
    associatedtype Data: Dataset
    /// What ``collate(_:info:)`` makes of a batch's samples.
    associatedtype Batch: Sendable

    /// The task's name, recorded in the run (an ASCII word, e.g. `classifier`).
    var name: String { get }
    /// The task's settings (hyperparameters, data source) as JSON, recorded in the run and compared
    /// on resume; ``JSONValue/init(encoding:)`` makes it from a `Codable` value. Default: none.
    var settings: JSONValue { get throws }
    /// The validation metrics' names, in `eval.csv` column order (`validation_<name>`); each is
    /// the mean over validation samples of what ``evaluate(_:model:)`` sums. Default: none.
    var metricNames: [String] { get }

    /// A digest of the data's content, recorded in `run.json` and checked on every resume, so a
    /// run is not continued on changed data (``ReproData/TensorDataset/contentDigest``). Default:
    /// nil (not checked).
    var dataDigest: String? { get throws }
    /// Where the data comes from, for messages (file paths). Default: `the data of the task 'NAME'`.
    var dataSource: String { get throws }

    /// The samples trained on; shuffled each epoch by the run's `loader` stream.
    var trainingSet: Data { get throws }
    /// The samples evaluated at each epoch's end and at the last step, in order.
    var validationSet: Data { get throws }
    /// Applied in order to each training sample, each with the sample's own generator keyed by
    /// (seed, epoch, index) (``SampleContext``): augmentation, then normalisation. Default: none.
    var trainingTransforms: [any SampleTransform<Data.Sample>] { get throws }
    /// Applied in order to each validation sample. Default: none.
    var validationTransforms: [any SampleTransform<Data.Sample>] { get throws }
    /// Collates a batch's samples (in batch order).
    func collate(_ samples: [Data.Sample], info: BatchInfo) throws -> Batch

    /// The model, initialised from `generator` (the run's `init` stream, ``SeedStreams``).
    func makeModel(using generator: inout Generator<PCG64>) throws -> Model
    /// The optimizer over `model`'s parameters.
    func makeOptimizer(for model: Model) throws -> any Optimizer
    /// The learning rate of every step of a run of `totalSteps` steps. Default: the optimizer's
    /// learning rate throughout.
    func learningRateSchedule(totalSteps: Int, optimizer: any Optimizer) throws -> any LearningRateSchedule

    /// The loss of a training batch: a tensor of one element, differentiable in the model's
    /// parameters. Dropout draws from `context` (keyed by the run's seed, the step and the layer).
    func loss(of batch: Batch, model: Model, context: ForwardContext) throws -> Tensor
    /// A validation batch's loss and metric sums, from one forward pass without dropout. Default:
    /// ``loss(of:model:context:)`` with ``ForwardContext/inference`` and no metric sums.
    func evaluate(_ batch: Batch, model: Model) throws -> BatchEvaluation

    /// Called after each optimizer step with the step's number (1 for the first) and loss: where a
    /// task updates state of its own (an average of weights, a counter) that ``state()`` returns.
    /// Default: nothing.
    mutating func stepEnded(_ step: Int, loss: Float, model: Model) throws
    /// The task's own state, stored in every checkpoint. Default: ``TaskState/empty``.
    func state() throws -> TaskState
    /// Restores what ``state()`` returned when the checkpoint was written. Default: accepts only
    /// ``TaskState/empty``.
    mutating func restore(_ state: TaskState) throws
}

/// What one validation batch contributes: its loss, its sample count and, per metric, the sum over
/// its samples (accuracy: the number of correct predictions). The trainer divides the totals by the
/// number of validation samples, so every metric is a mean over samples.
///
/// Give the loss of each sample (`[count]`, e.g. ``ReproTensor/Tensor/crossEntropyPerSample(labels:)``)
/// and the validation loss is their mean taken in sample order: the same bits for any validation
/// batch size (G9). A one-element batch mean is accepted too; the validation loss is then the
/// mean of the batch means weighted by their counts, which depends on the batch size in the last bits.
public struct BatchEvaluation: Sendable {
    /// The loss of each sample (`[count]`), or the batch's mean loss (one element).
    public var loss: Tensor
    /// The number of samples in the batch.
    public var count: Int
    /// Per metric name, the sum over the batch's samples.
    public var sums: [String: Double]

    public init(loss: Tensor, count: Int, sums: [String: Double] = [:]) {
        self.loss = loss
        self.count = count
        self.sums = sums
    }
}

/// A task's own checkpointed state: `Codable` values (stored as JSON in the checkpoint's header)
/// and named tensors (stored as `task.<name>` in the checkpoint's safetensors file).
public struct TaskState: Sendable {
    public var values: JSONValue?
    public var tensors: [(name: String, tensor: Tensor)]

    public init(values: JSONValue? = nil, tensors: [(name: String, tensor: Tensor)] = []) {
        self.values = values
        self.tensors = tensors
    }

    /// No values and no tensors.
    public static let empty = TaskState()

    public var isEmpty: Bool { values == nil && tensors.isEmpty }
}

extension TrainingTask {
    public var settings: JSONValue { get throws { .object([:]) } }
    public var metricNames: [String] { [] }
    public var dataDigest: String? { get throws { nil } }
    public var dataSource: String { get throws { "the data of the task '\(name)'" } }
    public var trainingTransforms: [any SampleTransform<Data.Sample>] { get throws { [] } }
    public var validationTransforms: [any SampleTransform<Data.Sample>] { get throws { [] } }

    public func learningRateSchedule(totalSteps: Int, optimizer: any Optimizer) throws -> any LearningRateSchedule {
        try ConstantSchedule(optimizer.learningRate)
    }

    public func evaluate(_ batch: Batch, model: Model) throws -> BatchEvaluation {
        let loss = try loss(of: batch, model: model, context: .inference)
        return BatchEvaluation(loss: loss, count: try Self.sampleCount(of: batch))
    }

    public mutating func stepEnded(_ step: Int, loss: Float, model: Model) throws {}
    public func state() throws -> TaskState { .empty }

    public mutating func restore(_ state: TaskState) throws {
        guard state.isEmpty else {
            throw TrainingError(message: "the checkpoint holds task state (\(state.tensors.count) tensors"
                                + "\(state.values == nil ? "" : " and values")), but the task '\(name)' keeps none")
        }
    }

    /// The number of samples in `batch`: its labels' count for a ``LabeledBatch``, else the first
    /// dimension of a tensor batch.
    static func sampleCount(of batch: Batch) throws -> Int {
        if let labeled = batch as? LabeledBatch { return labeled.labels.count }
        if let tensor = batch as? Tensor, let first = tensor.shape.first { return first }
        throw TrainingError(message: "the task '\(String(describing: Self.self))' evaluates batches of type \(Batch.self), "
                            + "whose sample count the trainer cannot tell: implement evaluate(_:model:)")
    }
}

extension TrainingTask where Data: LabeledDataset, Batch == LabeledBatch {
    /// Stacks the samples' features into `[count] + featureShape` (``LabeledBatch/collate(_:indices:featureShape:)``).
    public func collate(_ samples: [LabeledExample], info: BatchInfo) throws -> LabeledBatch {
        try LabeledBatch.collate(samples, indices: info.indices, featureShape: try trainingSet.featureShape)
    }
}
