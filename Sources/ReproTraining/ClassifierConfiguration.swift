import ReproRuns

/// The settings of the built-in classifier recipe (``ClassifierRecipe``): where the data comes
/// from, the model, the optimizer and the schedule, each a typed value with the library's
/// defaults. Recorded in the run as the task's settings; the loop's settings (epochs, batch size,
/// checkpoints) are in ``ReproRuns/TrainingConfiguration``.
public struct ClassifierConfiguration: Codable, Sendable, Hashable {
    /// Where the samples come from.
    public enum DataSource: Codable, Sendable, Hashable {
        /// The built-in 8×8 digits (1,797 samples, embedded in the package).
        case digits
        /// A CSV file (`.csv` or `.csv.gz`) whose last column is the label.
        case csv(path: String)
        /// IDX files (MNIST format): images and labels.
        case idx(images: String, labels: String)

        /// The source a command-line word names: `digits`, a `.csv`/`.csv.gz` file, `IMAGES,LABELS`
        /// IDX files, or an IDX images file named like `*images-idx3*` (its labels then have
        /// `labels-idx1` there).
        ///
        /// - Throws: ``ReproRuns/ConfigurationError`` (field `data`) for anything else.
        public init(parsing text: String) throws {
            let lowered = text.lowercased()
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if text == "digits" {
                self = .digits
            } else if lowered.hasSuffix(".csv") || lowered.hasSuffix(".csv.gz") {
                self = .csv(path: text)
            } else if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
                self = .idx(images: parts[0], labels: parts[1])
            } else if text.contains("images-idx3") {
                self = .idx(images: text, labels: text.replacingOccurrences(of: "images-idx3", with: "labels-idx1"))
            } else {
                throw ConfigurationError(field: "data", "'\(text)' is not a dataset Repro reads: expected 'digits', a .csv or "
                                         + ".csv.gz file, IDX files as IMAGES,LABELS, or an images file named like *images-idx3*")
            }
        }

        /// The source as the command line writes it (``init(parsing:)`` reads it back).
        public var description: String {
            switch self {
            case .digits: "digits"
            case .csv(let path): path
            case .idx(let images, let labels): images + "," + labels
            }
        }
    }

    /// The network.
    public enum Model: Codable, Sendable, Hashable {
        /// Linear → ReLU → Dropout per hidden width, then Linear to the classes.
        case mlp(hidden: [Int] = [128, 128], dropout: Double = 0.1)
        /// Conv(1→16, 3×3, pad 1) → ReLU → MaxPool 2 → Conv(16→32) → ReLU → MaxPool 2 → Flatten →
        /// Linear, for square-ish image datasets (digits, IDX).
        case cnn
    }

    /// The optimizer, with PyTorch's defaults except SGD's learning rate and momentum.
    public enum Optimizer: Codable, Sendable, Hashable {
        /// PyTorch `SGD(lr, momentum, weight_decay)`, Nesterov off.
        case sgd(learningRate: Double = 0.05, momentum: Double = 0.9, weightDecay: Double = 0)
        /// PyTorch `Adam(lr, weight_decay)` (L2 added to the gradient).
        case adam(learningRate: Double = 1e-3, weightDecay: Double = 0)
        /// PyTorch `AdamW(lr, weight_decay)` (decoupled decay; PyTorch's default 0.01).
        case adamw(learningRate: Double = 1e-3, weightDecay: Double = 0.01)

        /// The learning rate the schedule starts from.
        public var learningRate: Double {
            switch self {
            case .sgd(let rate, _, _), .adam(let rate, _), .adamw(let rate, _): rate
            }
        }

        /// The same optimizer with another learning rate.
        public func with(learningRate rate: Double) -> Optimizer {
            switch self {
            case .sgd(_, let momentum, let decay): .sgd(learningRate: rate, momentum: momentum, weightDecay: decay)
            case .adam(_, let decay): .adam(learningRate: rate, weightDecay: decay)
            case .adamw(_, let decay): .adamw(learningRate: rate, weightDecay: decay)
            }
        }

        /// The same optimizer with another weight decay.
        public func with(weightDecay decay: Double) -> Optimizer {
            switch self {
            case .sgd(let rate, let momentum, _): .sgd(learningRate: rate, momentum: momentum, weightDecay: decay)
            case .adam(let rate, _): .adam(learningRate: rate, weightDecay: decay)
            case .adamw(let rate, _): .adamw(learningRate: rate, weightDecay: decay)
            }
        }
    }

    /// The learning rate over the run, after ``warmupSteps``.
    public enum Schedule: String, Codable, Sendable, Hashable, CaseIterable {
        /// Cosine annealing to 0 over the run (PyTorch `CosineAnnealingLR`).
        case cosine
        /// The optimizer's learning rate throughout.
        case constant
        /// ×0.1 every third of the run (PyTorch `StepLR`).
        case step
    }

    public var data: DataSource = .digits
    /// The seed of the train/validation split, independent of the run's seed so the split stays
    /// put across a seed sweep.
    public var dataSeed: UInt64 = 0
    /// The share of samples held out for validation.
    public var validationFraction: Double = 0.2
    public var model: Model = .mlp()
    public var optimizer: Optimizer = .sgd()
    public var schedule: Schedule = .cosine
    /// Steps of linear warmup before the schedule (0 for none).
    public var warmupSteps: Int = 0
    /// Augmentation of image datasets: the largest shift in pixels, and the noise's standard
    /// deviation in pixel units (0 turns each off).
    public var augmentShift: Int = 0
    public var augmentNoise: Double = 0.5

    public init() {}

    /// Bounds that keep a mistyped value from becoming an allocation.
    static let maxWidth = 1 << 16
    static let maxHiddenLayers = 64
    static let maxShift = 4096

    /// Checks every value.
    ///
    /// - Throws: ``ReproRuns/ConfigurationError`` naming the field (`model.mlp.hidden`,
    ///   `optimizer.learningRate`, …).
    public func validate() throws {
        typealias Check = ConfigurationError
        if case .mlp(let hidden, let dropout) = model {
            try Check.require((1...Self.maxHiddenLayers).contains(hidden.count), "model.mlp.hidden",
                              "takes 1 to \(Self.maxHiddenLayers) widths, got \(hidden.count)")
            try Check.require(hidden.allSatisfy { (1...Self.maxWidth).contains($0) }, "model.mlp.hidden",
                              "widths must be 1 to \(Self.maxWidth), got \(hidden.map(String.init).joined(separator: ","))")
            try Check.require((0..<1).contains(dropout), "model.mlp.dropout", "must be in [0, 1), got \(dropout)")
        }
        let rate = optimizer.learningRate
        try Check.require(rate > 0 && rate.isFinite, "optimizer.learningRate", "must be positive and finite, got \(rate)")
        switch optimizer {
        case .sgd(_, let momentum, let decay):
            try Check.require(momentum >= 0 && momentum < 1, "optimizer.momentum", "must be in [0, 1), got \(momentum)")
            try Check.require(decay >= 0 && decay.isFinite, "optimizer.weightDecay", "must be non-negative and finite, got \(decay)")
        case .adam(_, let decay), .adamw(_, let decay):
            try Check.require(decay >= 0 && decay.isFinite, "optimizer.weightDecay", "must be non-negative and finite, got \(decay)")
        }
        try Check.require((0...TrainingConfiguration.maxSteps).contains(warmupSteps), "warmupSteps",
                          "must be 0 to \(TrainingConfiguration.maxSteps), got \(warmupSteps)")
        try Check.require(validationFraction > 0 && validationFraction < 1, "validationFraction",
                          "must be in (0, 1), got \(validationFraction)")
        try Check.require((0...Self.maxShift).contains(augmentShift), "augmentShift",
                          "must be 0 to \(Self.maxShift), got \(augmentShift)")
        try Check.require(augmentNoise >= 0 && augmentNoise.isFinite, "augmentNoise",
                          "must be non-negative and finite, got \(augmentNoise)")
    }
}
