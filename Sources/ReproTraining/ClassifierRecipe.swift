import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

/// The built-in recipe, a ``TrainingTask`` like any user's: a classifier of the digits, a CSV file
/// or IDX files, built the same way in every process from its ``ClassifierConfiguration`` alone.
///
/// - Data: the dataset split by `dataSeed` (``Dataset/split(validationFraction:seed:)``),
///   standardised with statistics of the training part (per feature for CSV rows, one mean and
///   deviation over all pixels for images), image datasets augmented (shift, then noise, on raw
///   pixels, then standardisation).
/// - Model: ``ClassifierConfiguration/Model``, initialised from the run's `init` stream.
/// - Loss: mean cross-entropy; metric `accuracy` (the share of validation samples whose largest
///   logit is their label).
/// - Optimizer and schedule as configured; the schedule spans the run's steps.
public struct ClassifierRecipe: TrainingTask {
    public typealias Model = Sequential
    public typealias Data = Subset<TensorDataset>
    public typealias Batch = LabeledBatch

    public let configuration: ClassifierConfiguration
    public let trainingSet: Subset<TensorDataset>
    public let validationSet: Subset<TensorDataset>
    let normalization: FeatureNormalization
    /// The image height and width of an image dataset (digits, IDX), nil for CSV rows.
    let imageSize: (height: Int, width: Int)?
    /// The dataset's ``TensorDataset/contentDigest``, recorded in `run.json` and checked on resume.
    public let dataDigest: String?
    /// The number of features and classes of the dataset.
    public let featureCount: Int
    public let classCount: Int

    /// The task's name in run records.
    static let taskName = "classifier"

    public var name: String { Self.taskName }
    public var settings: JSONValue { get throws { try JSONValue(encoding: configuration) } }
    public var metricNames: [String] { ["accuracy"] }
    /// The dataset's files (`digits` for the built-in set).
    public var dataSource: String { configuration.data.description }

    /// Loads and splits the data and checks that it can be trained.
    ///
    /// - Throws: ``ReproRuns/ConfigurationError`` for an invalid configuration, `DataError` for a
    ///   dataset that cannot be read or trained (too few samples, fewer than two classes, a class
    ///   with no sample).
    public init(_ configuration: ClassifierConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let (dataset, imageSize, labels) = try Self.loadDataset(configuration.data)
        try Self.checkTrainable(dataset, labels: labels, configuration: configuration, imageSize: imageSize)
        self.imageSize = imageSize
        dataDigest = dataset.contentDigest
        featureCount = dataset.featureCount
        classCount = dataset.classCount
        (trainingSet, validationSet) = try dataset.split(validationFraction: configuration.validationFraction,
                                                         seed: configuration.dataSeed)
        normalization = imageSize == nil ? try FeatureNormalization(fitting: trainingSet)
            : try FeatureNormalization(fittingGlobally: trainingSet)
    }

    /// Augmentation for images (shift, then noise, on raw pixels), then standardisation.
    public var trainingTransforms: [any SampleTransform<LabeledExample>] {
        get throws {
            var transforms: [any SampleTransform<LabeledExample>] = []
            if let imageSize, configuration.augmentShift > 0 {
                transforms.append(try RandomShift(height: imageSize.height, width: imageSize.width,
                                                  maxShift: configuration.augmentShift))
            }
            if imageSize != nil, configuration.augmentNoise > 0 {
                transforms.append(try RandomNoise(standardDeviation: Float(configuration.augmentNoise)))
            }
            return transforms + [normalization]
        }
    }

    /// Standardisation only.
    public var validationTransforms: [any SampleTransform<LabeledExample>] { [normalization] }

    public func makeModel(using generator: inout Generator<PCG64>) throws -> Sequential {
        var layers: [any Layer] = []
        switch configuration.model {
        case .cnn:
            guard let imageSize else {
                throw ConfigurationError(field: "model", "cnn needs an image dataset (digits or IDX), not CSV rows; use mlp")
            }
            let pooled = (imageSize.height / 4) * (imageSize.width / 4)
            guard pooled >= 1 else {
                throw ConfigurationError(field: "model", "cnn needs images of at least 4×4, got \(imageSize.height)×\(imageSize.width)")
            }
            layers = [try Reshape([1, imageSize.height, imageSize.width]),
                      try Conv2d(1, 16, kernelSize: 3, stride: 1, padding: 1, using: &generator), ReLU(),
                      try MaxPool2d(kernelSize: 2),
                      try Conv2d(16, 32, kernelSize: 3, stride: 1, padding: 1, using: &generator), ReLU(),
                      try MaxPool2d(kernelSize: 2), Flatten(),
                      try Linear(32 * pooled, classCount, using: &generator)]
        case .mlp(let hidden, let dropout):
            var width = featureCount
            for size in hidden {
                layers.append(try Linear(width, size, using: &generator))
                layers.append(ReLU())
                if dropout > 0 { layers.append(try Dropout(probability: Float(dropout))) }
                width = size
            }
            layers.append(try Linear(width, classCount, using: &generator))
        }
        return Sequential(layers)
    }

    public func makeOptimizer(for model: Sequential) throws -> any Optimizer {
        let parameters = model.namedParameters
        return switch configuration.optimizer {
        case .sgd(let rate, let momentum, let decay):
            try SGD(parameters, learningRate: rate, momentum: momentum, weightDecay: decay)
        case .adam(let rate, let decay): try Adam(parameters, learningRate: rate, weightDecay: decay)
        case .adamw(let rate, let decay): try AdamW(parameters, learningRate: rate, weightDecay: decay)
        }
    }

    public func learningRateSchedule(totalSteps: Int, optimizer: any Optimizer) throws -> any LearningRateSchedule {
        let rate = configuration.optimizer.learningRate
        let main = max(1, totalSteps - configuration.warmupSteps)
        let schedule: any LearningRateSchedule = switch configuration.schedule {
        case .constant: try ConstantSchedule(rate)
        case .step: try StepLR(baseLearningRate: rate, stepSize: max(1, main / 3))
        case .cosine: try CosineAnnealingLR(baseLearningRate: rate, tMax: main)
        }
        guard configuration.warmupSteps > 0 else { return schedule }
        return try LinearWarmup(warmupSteps: configuration.warmupSteps, after: schedule)
    }

    /// Mean cross-entropy of the batch's logits (PyTorch `F.cross_entropy`).
    public func loss(of batch: LabeledBatch, model: Sequential, context: ForwardContext) throws -> Tensor {
        try model(batch.inputs, context: context).crossEntropy(labels: batch.labels)
    }

    /// Each sample's cross-entropy (so the validation loss does not depend on the validation batch
    /// size, G9) and the batch's number of correct predictions (`accuracy`).
    public func evaluate(_ batch: LabeledBatch, model: Sequential) throws -> BatchEvaluation {
        let logits = try model(batch.inputs, context: .inference)
        let correct = zip(try logits.argmax(), batch.labels).filter { $0 == $1 }.count
        return BatchEvaluation(loss: try logits.crossEntropyPerSample(labels: batch.labels), count: batch.labels.count,
                               sums: ["accuracy": Double(correct)])
    }
}

extension ClassifierConfiguration {
    /// The run record of the recipe with these settings (what ``ClassifierRecipe`` records), made
    /// without loading the data.
    public func record() throws -> TaskRecord {
        TaskRecord(name: ClassifierRecipe.taskName, settings: try JSONValue(encoding: self))
    }

    /// The settings a run of the recipe recorded.
    ///
    /// - Throws: ``TrainingError`` when the record is another task's or its settings do not decode.
    public init(record: TaskRecord) throws {
        guard record.name == ClassifierRecipe.taskName else {
            throw TrainingError(message: "the run trains the task '\(record.name)', not the built-in "
                                + "\(ClassifierRecipe.taskName) recipe: resume it with the program that started it")
        }
        do {
            self = try record.settings.decode(ClassifierConfiguration.self)
        } catch {
            throw TrainingError(message: "the run's classifier settings (task.settings in run.json) do not decode: \(error)")
        }
    }
}
