/// Everything that determines a training run's numbers: the seed, the task trained (its name and
/// settings) and the loop's settings. Two runs with equal configurations, trained by the same
/// code, give identical bits (docs/ARCHITECTURE.md G1–G6), whatever their thread or worker counts.
///
/// It is written to `run.json` before training starts and into every checkpoint and the manifest;
/// a resume rebuilds the run from it. Runtime choices that do not change the numbers (threads,
/// workers, where to stop) are not part of it.
public struct TrainingConfiguration: Codable, Sendable, Hashable {
    /// The root seed of initialisation, dropout, shuffling and augmentation (``SeedStreams``).
    public var seed: UInt64
    /// What is trained: the task's name and settings.
    public var task: TaskRecord
    public var epochs: Int = 10
    /// Stop after this many optimizer steps (before the epochs are done), if set.
    public var maxSteps: Int? = nil
    /// Training samples per optimizer step.
    public var batchSize: Int = 64
    /// Samples per evaluation batch. Speed and memory only for tasks whose evaluation reports
    /// per-sample losses, as the built-in recipes do (G9).
    public var validationBatchSize: Int = 512
    /// A checkpoint every this many steps, besides the one at each epoch's end (0: epoch ends only).
    public var checkpointEvery: Int = 100
    /// Allow the nondeterministic fast paths (`DeterminismSettings(deterministicAlgorithms: false)`).
    public var allowNondeterministic: Bool = false
    /// Pick matrix-multiply kernels by timing (`benchmark`, like cuDNN's); needs
    /// ``allowNondeterministic``.
    public var benchmark: Bool = false
    /// Clip the gradients' global L2 norm to this before each optimizer step (PyTorch
    /// `clip_grad_norm_(model.parameters(), max_norm)`); nil: no clipping.
    ///
    /// Optional and left out of the encoded JSON when nil, like ``accumulationSteps``, so that
    /// records written before the field existed read back, and runs without it keep their bytes.
    public var gradientClipNorm: Double? = nil
    /// Micro-batches per optimizer step (gradient accumulation): the loader reads batches of
    /// ``batchSize`` / K samples and each step accumulates the gradients of K of them; nil: 1.
    public var accumulationSteps: Int? = nil

    public init(seed: UInt64, task: TaskRecord) {
        self.seed = seed
        self.task = task
    }

    /// Bounds that keep every count and product of a run far from `Int`'s limits (a total step
    /// count is at most epochs × samples) and a mistyped value from becoming an allocation.
    static let maxEpochs = 1_000_000
    package static let maxSteps = 1 << 40
    static let maxBatchSize = 1 << 20

    /// Checks the loop's values and the task's name (the task checks its own settings).
    ///
    /// - Throws: ``ConfigurationError`` naming the field.
    public func validate() throws {
        try ConfigurationError.require(!task.name.isEmpty && task.name.allSatisfy { $0.isASCII && !$0.isWhitespace },
                                       "task.name", "must be a non-empty ASCII word, got '\(task.name)'")
        try ConfigurationError.require((1...Self.maxEpochs).contains(epochs), "epochs",
                                       "must be 1 to \(Self.maxEpochs), got \(epochs)")
        try ConfigurationError.require((1...Self.maxSteps).contains(maxSteps ?? 1), "maxSteps",
                                       "must be 1 to \(Self.maxSteps), got \(maxSteps ?? 0)")
        try ConfigurationError.require((1...Self.maxBatchSize).contains(batchSize), "batchSize",
                                       "must be 1 to \(Self.maxBatchSize), got \(batchSize)")
        try ConfigurationError.require((1...Self.maxBatchSize).contains(validationBatchSize), "validationBatchSize",
                                       "must be 1 to \(Self.maxBatchSize), got \(validationBatchSize)")
        try ConfigurationError.require((0...Self.maxSteps).contains(checkpointEvery), "checkpointEvery",
                                       "must be 0 to \(Self.maxSteps), got \(checkpointEvery)")
        try ConfigurationError.require(!benchmark || allowNondeterministic, "benchmark",
                                       "picks kernels by timing, which is nondeterministic: it needs allowNondeterministic")
        if let gradientClipNorm {
            try ConfigurationError.require(gradientClipNorm.isFinite && gradientClipNorm > 0, "gradientClipNorm",
                                           "must be positive and finite, got \(gradientClipNorm)")
        }
        if let accumulationSteps {
            try ConfigurationError.require((1...batchSize).contains(accumulationSteps) && batchSize % accumulationSteps == 0,
                                           "accumulationSteps",
                                           "must be a divisor of batchSize (\(batchSize)), from 1 to \(batchSize), "
                                           + "got \(accumulationSteps)")
        }
    }

    /// Micro-batches per optimizer step: ``accumulationSteps``, 1 when nil.
    public var microBatchesPerStep: Int { accumulationSteps ?? 1 }
}

/// The task a run trains, as its records hold it: a name (`classifier`, or a user's) and its
/// settings as JSON (the task's own `Codable` settings). A resume requires both to be equal.
public struct TaskRecord: Codable, Sendable, Hashable {
    public var name: String
    public var settings: JSONValue

    public init(name: String, settings: JSONValue = .object([:])) {
        self.name = name
        self.settings = settings
    }
}

/// A configuration value that is out of range or inconsistent, naming the field by its path in
/// the configuration (`batchSize`, `task.settings.optimizer.sgd.learningRate`): a library error
/// never names a command-line flag; the command line maps fields to its flags.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field's path, e.g. `epochs` or `model.mlp.hidden`.
    public let field: String
    /// What is wrong, e.g. `must be 1 to 1048576, got 0`.
    public let message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// `field message`, e.g. `batchSize must be 1 to 1048576, got 0`.
    public var description: String { "\(field) \(message)" }

    /// The error with `prefix` and a dot before its field (a task's settings checked inside a
    /// configuration become `task.settings.…`).
    func nested(in prefix: String) -> ConfigurationError {
        ConfigurationError(field: prefix + "." + field, message)
    }

    /// Throws `ConfigurationError(field:message)` unless `condition` holds.
    package static func require(_ condition: Bool, _ field: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConfigurationError(field: field, message()) }
    }
}
