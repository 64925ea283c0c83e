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

    /// Bounds that keep every count and product of a run far from `Int`'s limits (a total step
    /// count is at most epochs × samples) and a mistyped value from becoming an allocation.
    public static let maxEpochs = 1_000_000
    public static let maxSteps = 1 << 40
    public static let maxBatchSize = 1 << 20
    public static let maxWidth = 1 << 16
    public static let maxHiddenLayers = 64
    public static let maxShift = 4096

    /// Checks the values, naming the flag to change.
    ///
    /// - Throws: ``RunFileError`` with source `configuration`.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw RunFileError(source: "configuration", message) }
        }
        try require(["mlp", "cnn"].contains(model), "model must be mlp or cnn, got '\(model)'")
        try require((1...Self.maxHiddenLayers).contains(hiddenSizes.count),
                    "--hidden takes 1 to \(Self.maxHiddenLayers) widths, got \(hiddenSizes.count)")
        try require(hiddenSizes.allSatisfy { (1...Self.maxWidth).contains($0) },
                    "--hidden widths must be 1 to \(Self.maxWidth), got \(hiddenSizes.map(String.init).joined(separator: ","))")
        try require((0..<1).contains(dropout), "--dropout must be in [0, 1), got \(dropout)")
        try require((1...Self.maxEpochs).contains(epochs), "--epochs must be 1 to \(Self.maxEpochs), got \(epochs)")
        try require((1...Self.maxSteps).contains(maxSteps ?? 1), "--max-steps must be 1 to \(Self.maxSteps), got \(maxSteps ?? 0)")
        try require((1...Self.maxBatchSize).contains(batchSize), "--batch-size must be 1 to \(Self.maxBatchSize), got \(batchSize)")
        try require(["sgd", "adam", "adamw"].contains(optimizer), "optimizer must be sgd, adam or adamw, got '\(optimizer)'")
        try require(learningRate > 0 && learningRate.isFinite, "--lr must be positive and finite, got \(learningRate)")
        try require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay must be non-negative and finite, got \(weightDecay)")
        try require(["cosine", "constant", "step"].contains(schedule), "schedule must be cosine, constant or step, got '\(schedule)'")
        try require((0...Self.maxSteps).contains(warmupSteps), "warmup steps must be 0 to \(Self.maxSteps), got \(warmupSteps)")
        try require((0..<1).contains(validationFraction) && validationFraction > 0,
                    "validation fraction must be in (0, 1), got \(validationFraction)")
        try require((0...Self.maxShift).contains(augmentShift), "--augment-shift must be 0 to \(Self.maxShift), got \(augmentShift)")
        try require(augmentNoise >= 0 && augmentNoise.isFinite, "--augment-noise must be non-negative and finite, got \(augmentNoise)")
        try require((0...Self.maxSteps).contains(checkpointEvery), "--checkpoint-every must be 0 to \(Self.maxSteps), got \(checkpointEvery)")
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
