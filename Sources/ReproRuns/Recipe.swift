import ReproData
import ReproNN
import ReproRandom
import ReproTensor

/// The built-in recipe: what a ``TrainingConfiguration`` trains, built the same way in every
/// process from the configuration alone.
///
/// - Data: the dataset split by `dataSeed` (``Dataset/split(validationFraction:seed:)``),
///   standardised with statistics of the training part (per feature for CSV rows, one mean and
///   deviation over all pixels for images), image datasets augmented (shift, then noise, on raw
///   pixels, then standardisation).
/// - Model: `mlp` is Linear → ReLU → Dropout per hidden size, then Linear to the classes; `cnn`
///   (square images only) is Conv(1→16, 3×3, pad 1) → ReLU → MaxPool 2 → Conv(16→32) → ReLU →
///   MaxPool 2 → Flatten → Linear. Initialised from the `init` stream of ``SeedStreams``.
/// - Optimizer and schedule as configured; the schedule spans ``totalSteps``.
public struct Recipe {
    public let configuration: TrainingConfiguration
    public let train: Subset<TensorDataset>
    public let validation: Subset<TensorDataset>
    public let normalization: FeatureNormalization
    /// The image height and width of an image dataset (digits, IDX), nil for CSV rows.
    public let imageSize: (height: Int, width: Int)?
    public let model: Sequential
    public let optimizer: any Optimizer
    public let schedule: any LearningRateSchedule
    public let streams: SeedStreams
    /// The dataset's ``TensorDataset/contentDigest``, recorded in `run.json` and checked on resume.
    public let datasetDigest: String
    /// The number of optimizer steps the run takes.
    public let totalSteps: Int
    public let batchesPerEpoch: Int

    /// Builds everything from `configuration`.
    ///
    /// - Throws: ``RunFileError`` for an invalid configuration, `DataError` for a dataset that
    ///   cannot be read.
    public init(_ configuration: TrainingConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let (dataset, imageSize, labels) = try Self.loadDataset(configuration.dataset)
        try Self.checkTrainable(dataset, labels: labels, configuration: configuration, imageSize: imageSize)
        self.imageSize = imageSize
        datasetDigest = dataset.contentDigest
        (train, validation) = try dataset.split(validationFraction: configuration.validationFraction,
                                                seed: configuration.dataSeed)
        normalization = imageSize == nil ? try FeatureNormalization(fitting: train)
            : try FeatureNormalization(fittingGlobally: train)
        streams = SeedStreams(seed: configuration.seed)

        var generator = streams.generator("init")
        model = try Self.model(configuration, features: dataset.featureCount, classes: dataset.classCount,
                               imageSize: imageSize, using: &generator)
        batchesPerEpoch = train.count / configuration.batchSize + (train.count % configuration.batchSize == 0 ? 0 : 1)
        totalSteps = min(configuration.epochs * batchesPerEpoch, configuration.maxSteps ?? .max)
        optimizer = try Self.optimizer(configuration, parameters: model.namedParameters)
        schedule = try Self.schedule(configuration, totalSteps: totalSteps)
    }

    /// The training loader: shuffled by the `loader` stream, augmented for images, standardised.
    public func trainLoader(workers: Int) throws -> DataLoader<Subset<TensorDataset>, LabeledBatch> {
        var transforms: [any SampleTransform<LabeledExample>] = []
        if let imageSize, configuration.augmentShift > 0 {
            transforms.append(try RandomShift(height: imageSize.height, width: imageSize.width,
                                              maxShift: configuration.augmentShift))
        }
        if imageSize != nil, configuration.augmentNoise > 0 {
            transforms.append(try RandomNoise(standardDeviation: Float(configuration.augmentNoise)))
        }
        transforms.append(normalization)
        return try DataLoader(train, batchSize: configuration.batchSize, shuffle: true,
                              seed: streams.seed(for: "loader"), workers: workers, transforms: transforms)
    }

    /// The validation loader: in order, standardised, batches of 512.
    public func validationLoader() throws -> DataLoader<Subset<TensorDataset>, LabeledBatch> {
        try DataLoader(validation, batchSize: 512, shuffle: false, seed: 0, transforms: [normalization])
    }

    /// The dropout key of step-wise randomness (``ForwardContext``).
    public var dropoutKey: ThreefryKey { streams.key("dropout") }

    // MARK: - Parts

    /// The most parameters a recipe's model may have (2^28, 1 GiB of `Float`s, held about four
    /// times over by training), so that a mistyped width fails with a message, not an allocation.
    static let parameterLimit = 1 << 28

    /// Refuses a dataset the recipe cannot train meaningfully: too few samples to split, fewer
    /// than two classes, a class with no sample (labels must be `0..<K`, every class present), an
    /// augmentation shift as large as the image, or a model beyond ``parameterLimit``.
    ///
    /// - Parameter labels: the file holding the labels, for messages about them.
    /// - Throws: `DataError` naming the dataset, or ``RunFileError`` naming the configuration field.
    static func checkTrainable(_ dataset: TensorDataset, labels: String, configuration: TrainingConfiguration,
                               imageSize: (height: Int, width: Int)?) throws {
        let validationCount = Int((configuration.validationFraction * Double(dataset.count)).rounded(.toNearestOrEven))
        guard validationCount >= 1, validationCount < dataset.count else {
            throw DataError(source: dataset.source, "has \(dataset.count) samples: too few to hold out "
                            + "\(configuration.validationFraction * 100) % for validation and train on the rest")
        }
        guard dataset.classCount <= dataset.count else {
            throw DataError(source: labels, "the labels go up to \(dataset.classCount - 1) (\(dataset.classCount) classes) but "
                            + "there are only \(dataset.count) samples: labels must be 0..<K with every class present")
        }
        var counts = [Int](repeating: 0, count: dataset.classCount)
        for label in dataset.labels { counts[label] += 1 }
        let present = counts.filter { $0 > 0 }.count
        guard present >= 2 else {
            throw DataError(source: labels, "every sample has the label \(dataset.labels[0]): a classifier needs at least two classes")
        }
        if let missing = counts.firstIndex(of: 0) {
            throw DataError(source: labels, "the labels go up to \(dataset.classCount - 1) (\(dataset.classCount) classes) but "
                            + "label \(missing) never occurs (\(present) distinct labels): labels must be 0..<K with every class present")
        }
        if let imageSize, configuration.augmentShift >= min(imageSize.height, imageSize.width) {
            throw RunFileError(source: "configuration", "--augment-shift must be smaller than the images "
                               + "(\(imageSize.height)×\(imageSize.width)), got \(configuration.augmentShift)")
        }
        if configuration.model == "mlp" {
            var (parameters, width) = (0, dataset.featureCount)
            for hidden in configuration.hiddenSizes + [dataset.classCount] {
                parameters += (width + 1) * hidden
                width = hidden
            }
            guard parameters <= parameterLimit else {
                throw RunFileError(source: "configuration", "--hidden \(configuration.hiddenSizes.map(String.init).joined(separator: ",")) "
                                   + "makes a model of \(parameters) parameters for \(dataset.featureCount) features and "
                                   + "\(dataset.classCount) classes, more than the \(parameterLimit) allowed")
            }
        }
    }

    /// The dataset `name`, its image size (nil for CSV rows), and the file holding its labels.
    static func loadDataset(_ name: String) throws -> (TensorDataset, (height: Int, width: Int)?, labels: String) {
        if name == "digits" {
            let digits = try Digits.load()
            return (digits, (Digits.height, Digits.width), digits.source)
        }
        let lowered = name.lowercased()
        if lowered.hasSuffix(".csv") || lowered.hasSuffix(".csv.gz") {
            return (try CSVReader.read(name, labelColumn: .last), nil, name)
        }
        let parts = name.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let (images, labels): (String, String)
        if parts.count == 2 {
            (images, labels) = (parts[0], parts[1])
        } else if name.contains("images-idx3") {
            (images, labels) = (name, name.replacingOccurrences(of: "images-idx3", with: "labels-idx1"))
        } else {
            throw RunFileError(source: name, "not a dataset Repro reads: expected 'digits', a .csv or .csv.gz file, "
                               + "IDX files as IMAGES,LABELS, or an images file named like *images-idx3*")
        }
        let dataset = try IDXReader.read(images: images, labels: labels)
        let image = dataset.featureShape.count == 2 ? (dataset.featureShape[0], dataset.featureShape[1]) : nil
        let flat = try TensorDataset(features: dataset.features, featureShape: [dataset.featureCount],
                                     labels: dataset.labels, classCount: dataset.classCount, source: dataset.source)
        return (flat, image.map { (height: $0.0, width: $0.1) }, labels)
    }

    static func model<Bits: BitGenerator>(_ configuration: TrainingConfiguration, features: Int, classes: Int,
                                          imageSize: (height: Int, width: Int)?,
                                          using generator: inout Generator<Bits>) throws -> Sequential {
        var layers: [any Layer] = []
        if configuration.model == "cnn" {
            guard let imageSize else {
                throw RunFileError(source: "configuration", "the cnn model needs an image dataset (digits or IDX), "
                                   + "not CSV rows; use --model mlp")
            }
            let pooled = (imageSize.height / 4) * (imageSize.width / 4)
            guard pooled >= 1 else { throw RunFileError(source: "configuration", "images are too small for the cnn") }
            layers = [try Reshape([1, imageSize.height, imageSize.width]),
                      try Conv2d(1, 16, kernelSize: 3, stride: 1, padding: 1, using: &generator), ReLU(),
                      try MaxPool2d(kernelSize: 2),
                      try Conv2d(16, 32, kernelSize: 3, stride: 1, padding: 1, using: &generator), ReLU(),
                      try MaxPool2d(kernelSize: 2), Flatten(),
                      try Linear(32 * pooled, classes, using: &generator)]
        } else {
            var width = features
            for hidden in configuration.hiddenSizes {
                layers.append(try Linear(width, hidden, using: &generator))
                layers.append(ReLU())
                if configuration.dropout > 0 { layers.append(try Dropout(probability: Float(configuration.dropout))) }
                width = hidden
            }
            layers.append(try Linear(width, classes, using: &generator))
        }
        return Sequential(layers)
    }

    static func optimizer(_ configuration: TrainingConfiguration,
                          parameters: [(name: String, tensor: Tensor)]) throws -> any Optimizer {
        switch configuration.optimizer {
        case "adam": try Adam(parameters, learningRate: configuration.learningRate, weightDecay: configuration.weightDecay)
        case "adamw": try AdamW(parameters, learningRate: configuration.learningRate, weightDecay: configuration.weightDecay)
        default: try SGD(parameters, learningRate: configuration.learningRate, momentum: configuration.momentum,
                         weightDecay: configuration.weightDecay)
        }
    }

    static func schedule(_ configuration: TrainingConfiguration, totalSteps: Int) throws -> any LearningRateSchedule {
        let rate = configuration.learningRate
        let main = max(1, totalSteps - configuration.warmupSteps)
        let schedule: any LearningRateSchedule = switch configuration.schedule {
        case "constant": try ConstantSchedule(rate)
        case "step": try StepLR(baseLearningRate: rate, stepSize: max(1, main / 3))
        default: try CosineAnnealingLR(baseLearningRate: rate, tMax: main)
        }
        guard configuration.warmupSteps > 0 else { return schedule }
        return try LinearWarmup(warmupSteps: configuration.warmupSteps, after: schedule)
    }
}
