import ReproFiles

/// An in-memory classification dataset: `count` feature vectors of one shape, stored contiguously,
/// and their labels.
///
/// Readers (``CSVReader``, ``IDXReader``) and the built-in ``Digits`` produce one; it can also be
/// built from arrays or a tensor. Samples are copies, so transforms never change the dataset.
public struct TensorDataset: LabeledDataset, Hashable {
    /// The shape of one sample's features (`[64]` for digits, `[28, 28]` for MNIST).
    public let featureShape: [Int]
    /// All features, sample after sample (`count × featureShape.product`).
    public let features: [Float]
    /// The label of each sample, each in `0..<classCount`.
    public let labels: [Int]
    /// The number of classes.
    public let classCount: Int
    /// What the data was read from, for error messages (`digits (embedded)`, a file path, `arrays`).
    public let source: String

    /// The number of features per sample.
    public var featureCount: Int { featureShape.reduce(1, *) }

    public var count: Int { labels.count }

    /// A dataset over `features` (row-major, `labels.count` samples of `featureShape`).
    ///
    /// - Parameter classCount: the number of classes; `nil` takes the largest label + 1.
    /// - Throws: ``DataError`` when there are no samples, the feature count does not match the
    ///   shape and the number of labels, a feature is not finite, or a label is outside
    ///   `0..<classCount`.
    public init(features: [Float], featureShape: [Int], labels: [Int], classCount: Int? = nil,
                source: String = "arrays") throws {
        guard !labels.isEmpty else { throw DataError(source: source, "the dataset is empty (no samples)") }
        guard !featureShape.isEmpty, featureShape.allSatisfy({ $0 >= 1 }) else {
            throw DataError(source: source, "feature shape must have positive dimensions, got \(featureShape)")
        }
        let perSample = featureShape.reduce(1, *)
        guard features.count == labels.count * perSample else {
            throw DataError(source: source, "expected \(labels.count) samples × \(perSample) features = "
                            + "\(labels.count * perSample) values, got \(features.count)")
        }
        if let bad = features.firstIndex(where: { !$0.isFinite }) {
            throw DataError(source: source, location: "sample \(bad / perSample), feature \(bad % perSample)",
                            "expected a finite number, found \(features[bad])")
        }
        let classes = classCount ?? (labels.max()! + 1)
        guard classes >= 1 else { throw DataError(source: source, "classCount must be at least 1, got \(classes)") }
        if let bad = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw DataError(source: source, location: "sample \(bad)",
                            "expected a label in 0..<\(classes), found \(labels[bad])")
        }
        self.featureShape = featureShape
        self.features = features
        self.labels = labels
        self.classCount = classes
        self.source = source
    }

    /// The sample at `index`: a copy of its features and its label.
    ///
    /// - Throws: ``DataError`` when `index` is outside `0..<count`.
    public func sample(at index: Int) throws -> LabeledExample {
        guard (0..<count).contains(index) else {
            throw DataError(source: source, "sample index \(index) is outside 0..<\(count)")
        }
        let size = featureCount
        return LabeledExample(features: Array(features[index * size..<(index + 1) * size]), label: labels[index])
    }
}

extension TensorDataset {
    /// sha256 of the dataset's content, in hex: the feature shape, the class count, every
    /// feature's `Float` bits and every label, each as little-endian integers. Equal exactly when
    /// two datasets train identically (the source name and the file's format, plain or gzip, CSV
    /// or IDX, do not count). A run records it at start and checks it on every resume.
    public var contentDigest: String {
        var hash = SHA256()
        func add(_ value: UInt64) { hash.update(withUnsafeBytes(of: value.littleEndian) { Array($0) }) }
        add(UInt64(featureShape.count))
        for size in featureShape { add(UInt64(size)) }
        add(UInt64(classCount))
        add(UInt64(features.count))
        features.map(\.bitPattern.littleEndian).withUnsafeBytes { hash.update($0) }
        labels.map { UInt64(bitPattern: Int64($0)).littleEndian }.withUnsafeBytes { hash.update($0) }
        return hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
