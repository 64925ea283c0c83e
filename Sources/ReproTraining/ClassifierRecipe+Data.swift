import ReproData
import ReproRuns

extension ClassifierRecipe {
    /// The most parameters a recipe's model may have (2^28, 1 GiB of `Float`s, held about four
    /// times over by training), so that a mistyped width fails with a message, not an allocation.
    static let parameterLimit = 1 << 28

    /// Refuses a dataset the recipe cannot train meaningfully: too few samples to split, fewer
    /// than two classes, a class with no sample (labels must be `0..<K`, every class present), an
    /// augmentation shift as large as the image, or a model beyond ``parameterLimit``.
    ///
    /// - Parameter labels: the file holding the labels, for messages about them.
    /// - Throws: `DataError` naming the dataset, or ``ReproRuns/ConfigurationError`` naming the field.
    static func checkTrainable(_ dataset: TensorDataset, labels: String, configuration: ClassifierConfiguration,
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
            throw ConfigurationError(field: "augmentShift", "must be smaller than the images "
                                     + "(\(imageSize.height)×\(imageSize.width)), got \(configuration.augmentShift)")
        }
        if case .mlp(let hidden, _) = configuration.model {
            var (parameters, width) = (0, dataset.featureCount)
            for size in hidden + [dataset.classCount] {
                parameters += (width + 1) * size
                width = size
            }
            guard parameters <= parameterLimit else {
                throw ConfigurationError(field: "model.mlp.hidden", "\(hidden.map(String.init).joined(separator: ",")) "
                                         + "makes a model of \(parameters) parameters for \(dataset.featureCount) features and "
                                         + "\(dataset.classCount) classes, more than the \(parameterLimit) allowed")
            }
        }
    }

    /// The dataset of `source`, its image size (nil for CSV rows), and the file holding its labels.
    static func loadDataset(_ source: ClassifierConfiguration.DataSource)
        throws -> (TensorDataset, (height: Int, width: Int)?, labels: String) {
        switch source {
        case .digits:
            let digits = try Digits.load()
            return (digits, (Digits.height, Digits.width), digits.source)
        case .csv(let path):
            return (try CSVReader.read(path, labelColumn: .last), nil, path)
        case .idx(let images, let labels):
            let dataset = try IDXReader.read(images: images, labels: labels)
            let image = dataset.featureShape.count == 2 ? (dataset.featureShape[0], dataset.featureShape[1]) : nil
            let flat = try TensorDataset(features: dataset.features, featureShape: [dataset.featureCount],
                                         labels: dataset.labels, classCount: dataset.classCount, source: dataset.source)
            return (flat, image.map { (height: $0.0, width: $0.1) }, labels)
        }
    }
}
