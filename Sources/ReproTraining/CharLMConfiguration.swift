import ReproNN
import ReproRuns

/// The settings of the character-level language-model recipe (``CharLMRecipe``): the text, the
/// GPT's shape, AdamW and its schedule. Recorded in the run as the task's settings; the loop's
/// settings (epochs, batch size, checkpoints) are in ``ReproRuns/TrainingConfiguration``.
///
/// The defaults are a small nanoGPT (`shakespeare_char` scaled down to train in a few minutes on
/// two cores): 4 layers, 4 heads, width 128, context 64, AdamW (lr 3e-3, betas 0.9/0.99, weight
/// decay 0.1 on matrices only), 100 steps of linear warmup, then cosine decay to 3e-4 (a tenth, as
/// nanoGPT's `min_lr`). On the embedded text, 8 epochs of 32 sequences (928 steps) reach a
/// validation loss of about 1.7 per character.
public struct CharLMConfiguration: Codable, Sendable, Hashable {
    /// Where the text comes from.
    public enum Corpus: Codable, Sendable, Hashable {
        /// The embedded Tiny Shakespeare excerpt (``ReproData/Shakespeare``).
        case shakespeare
        /// A UTF-8 text file.
        case file(path: String)

        /// `shakespeare`, or a file's path.
        public init(parsing text: String) {
            self = text == "shakespeare" ? .shakespeare : .file(path: text)
        }

        /// The corpus as the command line writes it.
        public var description: String {
            switch self {
            case .shakespeare: "shakespeare"
            case .file(let path): path
            }
        }
    }

    public var corpus: Corpus = .shakespeare
    /// The share of the text (its end) held out for validation (nanoGPT: 0.1).
    public var validationFraction: Double = 0.1
    /// Characters per training sequence (nanoGPT's `block_size`).
    public var context: Int = 64
    /// Transformer blocks (`n_layer`).
    public var layers: Int = 4
    /// Attention heads (`n_head`), dividing ``width``.
    public var heads: Int = 4
    /// The model width (`n_embd`).
    public var width: Int = 128
    /// Dropout while training (nanoGPT's `shakespeare_char`: 0.2; 0 trains faster on a short budget).
    public var dropout: Double = 0
    /// AdamW's peak learning rate.
    public var learningRate: Double = 3e-3
    /// The rate the cosine decays to.
    public var minLearningRate: Double = 3e-4
    /// AdamW's decoupled weight decay, on weight matrices and embeddings only (not on biases and
    /// norms), as nanoGPT's `configure_optimizers`.
    public var weightDecay: Double = 0.1
    /// AdamW's second-moment decay (nanoGPT's `shakespeare_char`: 0.99).
    public var beta2: Double = 0.99
    /// Steps of linear warmup before the cosine.
    public var warmupSteps: Int = 100

    public init() {}

    /// The model this configuration trains on a vocabulary of `vocabularySize` characters.
    public func model(vocabularySize: Int) -> GPT.Configuration {
        GPT.Configuration(vocabularySize: vocabularySize, contextLength: context, layers: layers, heads: heads,
                          width: width, dropout: Float(dropout))
    }

    /// Checks every value.
    ///
    /// - Throws: ``ReproRuns/ConfigurationError`` naming the field.
    public func validate() throws {
        typealias Check = ConfigurationError
        try Check.require((1...4096).contains(context), "context", "must be 1 to 4096, got \(context)")
        try Check.require((1...64).contains(layers), "layers", "must be 1 to 64, got \(layers)")
        try Check.require((1...1024).contains(heads), "heads", "must be 1 to 1024, got \(heads)")
        try Check.require((1...8192).contains(width), "width", "must be 1 to 8192, got \(width)")
        try Check.require(width % heads == 0, "heads", "must divide the width \(width), got \(heads)")
        try Check.require((0..<1).contains(dropout), "dropout", "must be in [0, 1), got \(dropout)")
        try Check.require(learningRate > 0 && learningRate.isFinite, "learningRate", "must be positive and finite, got \(learningRate)")
        try Check.require(minLearningRate >= 0 && minLearningRate <= learningRate, "minLearningRate",
                          "must be 0 to the learning rate \(learningRate), got \(minLearningRate)")
        try Check.require(weightDecay >= 0 && weightDecay.isFinite, "weightDecay", "must be non-negative and finite, got \(weightDecay)")
        try Check.require(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1), got \(beta2)")
        try Check.require((0...TrainingConfiguration.maxSteps).contains(warmupSteps), "warmupSteps",
                          "must be 0 to \(TrainingConfiguration.maxSteps), got \(warmupSteps)")
        try Check.require(validationFraction > 0 && validationFraction < 1, "validationFraction",
                          "must be in (0, 1), got \(validationFraction)")
    }

    /// The run record of the recipe with these settings, made without loading the text.
    public func record() throws -> TaskRecord {
        TaskRecord(name: CharLMRecipe.taskName, settings: try JSONValue(encoding: self))
    }

    /// The settings a run of the recipe recorded.
    ///
    /// - Throws: ``TrainingError`` when the record is another task's or its settings do not decode.
    public init(record: TaskRecord) throws {
        guard record.name == CharLMRecipe.taskName else {
            throw TrainingError(message: "the run trains the task '\(record.name)', not the built-in "
                                + "\(CharLMRecipe.taskName) recipe")
        }
        do {
            self = try record.settings.decode(CharLMConfiguration.self)
        } catch {
            throw TrainingError(message: "the run's charlm settings (task.settings in run.json) do not decode: \(error)")
        }
    }
}
