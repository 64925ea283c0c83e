import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

/// The character-level language model, a ``TrainingTask`` like any user's: a small GPT
/// (``ReproNN/GPT``, nanoGPT's design) trained to predict the next character of a text, built the
/// same way in every process from its ``CharLMConfiguration`` alone.
///
/// - Data: the text's characters as tokens (``ReproData/CharacterCorpus``: the vocabulary is the
///   sorted set of its characters), the first 1 − `validationFraction` for training and the rest
///   for validation, cut into non-overlapping windows of `context` characters
///   (``ReproData/CharacterWindows``); each epoch shuffles the training windows.
/// - Loss: the mean cross-entropy over every position of the batch; the validation loss in
///   `eval.csv` is per character (the mean over every validation position; per-sample losses, so
///   it does not depend on the validation batch size, G9).
/// - Optimizer: AdamW with decay on weight matrices and embeddings only; linear warmup, then cosine
///   decay to `minLearningRate` over the run.
public struct CharLMRecipe: TrainingTask {
    public typealias Model = GPT
    public typealias Data = CharacterWindows
    public typealias Batch = TokenBatch

    public let configuration: CharLMConfiguration
    /// The text, its vocabulary and its tokens.
    public let corpus: CharacterCorpus
    public let trainingSet: CharacterWindows
    public let validationSet: CharacterWindows

    /// The task's name in run records.
    public static let taskName = "charlm"
    /// The loop settings the command line uses for this recipe unless told otherwise: 8 epochs of
    /// 32 sequences (928 steps on the embedded text, about 3 minutes on two cores).
    public static let defaultEpochs = 8
    public static let defaultBatchSize = 32

    public var name: String { Self.taskName }
    public var settings: JSONValue { get throws { try JSONValue(encoding: configuration) } }
    public var dataDigest: String? { corpus.contentDigest }
    public var dataSource: String { configuration.corpus.description }

    /// The GPT's shape for this text.
    public var modelConfiguration: GPT.Configuration { configuration.model(vocabularySize: corpus.vocabularySize) }

    /// Reads the text and cuts it into windows.
    ///
    /// - Throws: ``ReproRuns/ConfigurationError`` for an invalid configuration; `DataError` for a
    ///   text that cannot be read, is empty, is not UTF-8, or is too short for one window in each
    ///   part.
    public init(_ configuration: CharLMConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        switch configuration.corpus {
        case .shakespeare: corpus = try CharacterCorpus(try Shakespeare.text(), source: Shakespeare.source)
        case .file(let path): corpus = try CharacterCorpus(contentsOf: path)
        }
        (trainingSet, validationSet) = try corpus.windows(context: configuration.context,
                                                          validationFraction: configuration.validationFraction)
    }

    public func collate(_ samples: [TokenWindow], info: BatchInfo) throws -> TokenBatch {
        try TokenBatch.collate(samples, indices: info.indices)
    }

    /// nanoGPT's initialisation from the run's `init` stream (``ReproNN/GPT/init(_:using:)``).
    public func makeModel(using generator: inout Generator<PCG64>) throws -> GPT {
        try GPT(modelConfiguration, using: &generator)
    }

    /// AdamW (betas 0.9 and `beta2`), decaying the parameters of rank 2 (weight matrices and
    /// embeddings), not biases and norms: nanoGPT's `configure_optimizers`.
    public func makeOptimizer(for model: GPT) throws -> any Optimizer {
        try AdamW(model.namedParameters, learningRate: configuration.learningRate, betas: (0.9, configuration.beta2),
                  weightDecay: configuration.weightDecay, decays: AdamW.decaysWeightMatrices)
    }

    /// `warmupSteps` of linear warmup from a tenth of the rate, then cosine decay to
    /// `minLearningRate` over the remaining steps.
    public func learningRateSchedule(totalSteps: Int, optimizer: any Optimizer) throws -> any LearningRateSchedule {
        let cosine = try CosineAnnealingLR(baseLearningRate: configuration.learningRate,
                                           tMax: max(1, totalSteps - configuration.warmupSteps),
                                           etaMin: configuration.minLearningRate)
        guard configuration.warmupSteps > 0 else { return cosine }
        return try LinearWarmup(warmupSteps: configuration.warmupSteps, startFactor: 0.1, after: cosine)
    }

    /// The mean cross-entropy of the next character over every position of the batch.
    public func loss(of batch: TokenBatch, model: GPT, context: ForwardContext) throws -> Tensor {
        try logits(batch, model: model, context: context).crossEntropy(labels: batch.targets)
    }

    /// Each sequence's mean cross-entropy per character (its positions summed in order), so the
    /// validation loss is the mean over every validation character.
    public func evaluate(_ batch: TokenBatch, model: GPT) throws -> BatchEvaluation {
        let losses = try logits(batch, model: model, context: .inference).crossEntropyPerSample(labels: batch.targets)
        let length = batch.context
        let perSequence = (0..<batch.batchSize).map { s in
            var sum: Float = 0
            for position in 0..<length { sum += losses.scalars[s * length + position] }
            return sum / Float(length)
        }
        return BatchEvaluation(loss: Tensor(perSequence), count: batch.batchSize)
    }

    /// The logits of every position, `[batch · context, vocabularySize]`.
    private func logits(_ batch: TokenBatch, model: GPT, context: ForwardContext) throws -> Tensor {
        let inputs = try Tensor(shape: [batch.batchSize, batch.context], scalars: batch.inputs.map(Float.init))
        return try model.forward(inputs, context: context).reshaped([batch.batchSize * batch.context, corpus.vocabularySize])
    }
}
