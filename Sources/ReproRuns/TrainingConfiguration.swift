/// Everything that determines a training run's numbers: two runs with equal configurations give
/// identical bits (DESIGN.md G1–G6), whatever their thread or worker counts.
///
/// It is written to the run directory before training starts (`config.json`) and into every
/// checkpoint and the manifest; `--resume` rebuilds the run from it. Runtime choices that do not
/// change the numbers (threads, workers, where to stop) are in ``RuntimeOptions``.
public struct TrainingConfiguration: Codable, Sendable, Hashable {
    /// The root seed of initialisation, dropout, shuffling and augmentation (``SeedStreams``).
    public var seed: UInt64
    /// `digits`, a CSV file (label in the last column), or IDX files: `IMAGES,LABELS`, or an images
    /// file whose name contains `images-idx3` (the labels file then has `labels-idx1` there).
    public var dataset: String = "digits"
    /// The seed of the train/validation split, independent of ``seed`` so the split stays put
    /// across a seed sweep.
    public var dataSeed: UInt64 = 0
    /// The share of samples held out for validation.
    public var validationFraction: Double = 0.2
    /// `mlp` (hidden layers with ReLU and dropout) or `cnn` (two small convolutions, for 8×8 images).
    public var model: String = "mlp"
    /// The MLP's hidden layer widths.
    public var hiddenSizes: [Int] = [128, 128]
    /// Dropout probability after each hidden layer.
    public var dropout: Double = 0.1
    public var epochs: Int = 10
    /// Stop after this many optimizer steps (before the epochs are done), if set.
    public var maxSteps: Int? = nil
    public var batchSize: Int = 64
    /// `sgd` (with ``momentum``, Nesterov off), `adam` or `adamw`.
    public var optimizer: String = "sgd"
    public var learningRate: Double = 0.05
    public var momentum: Double = 0.9
    public var weightDecay: Double = 0
    /// `cosine` (to 0 over the run), `constant`, or `step` (×0.1 every third of the run).
    public var schedule: String = "cosine"
    /// Steps of linear warmup before the schedule (0 for none).
    public var warmupSteps: Int = 0
    /// Augmentation of image datasets: the largest shift in pixels, and the noise's standard
    /// deviation in pixel units (both 0 turn augmentation off).
    public var augmentShift: Int = 0
    public var augmentNoise: Double = 0.5
    /// A checkpoint every this many steps, besides the one at each epoch's end (0: epoch ends only).
    public var checkpointEvery: Int = 100
    /// Allow the nondeterministic fast paths (`DeterminismSettings(deterministicAlgorithms: false)`).
    public var allowNondeterministic: Bool = false
    /// Pick matrix-multiply kernels by timing (`benchmark`, like cuDNN's); needs
    /// ``allowNondeterministic``.
    public var benchmark: Bool = false

    public init(seed: UInt64) { self.seed = seed }

    /// Checks the values, naming the flag to change.
    ///
    /// - Throws: ``RunFileError`` with source `configuration`.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw RunFileError(source: "configuration", message) }
        }
        try require(["mlp", "cnn"].contains(model), "model must be mlp or cnn, got '\(model)'")
        try require(hiddenSizes.allSatisfy { $0 >= 1 }, "hidden sizes must be at least 1, got \(hiddenSizes)")
        try require((0..<1).contains(dropout), "dropout must be in [0, 1), got \(dropout)")
        try require(epochs >= 1, "--epochs must be at least 1, got \(epochs)")
        try require((maxSteps ?? 1) >= 1, "--max-steps must be at least 1, got \(maxSteps ?? 0)")
        try require(batchSize >= 1, "--batch-size must be at least 1, got \(batchSize)")
        try require(["sgd", "adam", "adamw"].contains(optimizer), "optimizer must be sgd, adam or adamw, got '\(optimizer)'")
        try require(learningRate > 0 && learningRate.isFinite, "--lr must be positive and finite, got \(learningRate)")
        try require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weight decay must be non-negative, got \(weightDecay)")
        try require(["cosine", "constant", "step"].contains(schedule), "schedule must be cosine, constant or step, got '\(schedule)'")
        try require(warmupSteps >= 0, "warmup steps must be non-negative, got \(warmupSteps)")
        try require((0..<1).contains(validationFraction) && validationFraction > 0,
                    "validation fraction must be in (0, 1), got \(validationFraction)")
        try require(augmentShift >= 0 && augmentNoise >= 0 && augmentNoise.isFinite,
                    "augmentation shift and noise must be non-negative, got \(augmentShift) and \(augmentNoise)")
        try require(checkpointEvery >= 0, "--checkpoint-every must be non-negative, got \(checkpointEvery)")
        try require(!benchmark || allowNondeterministic,
                    "--benchmark picks kernels by timing, which is nondeterministic: add --allow-nondeterministic")
    }
}

/// Choices that do not change a run's numbers: they may differ between a run and its resumption.
public struct RuntimeOptions: Codable, Sendable, Hashable {
    /// Compute threads; nil for `REPRO_NUM_THREADS` or the core count.
    public var threads: Int? = nil
    /// Data-loader worker threads.
    public var workers: Int = 0
    /// End the process after this step as if interrupted (for resume checks).
    public var stopAfterStep: Int? = nil

    public init(threads: Int? = nil, workers: Int = 0, stopAfterStep: Int? = nil) {
        self.threads = threads
        self.workers = workers
        self.stopAfterStep = stopAfterStep
    }
}
