import ReproRandom

/// Per-feature standardisation, `(x − mean) / std`, with the statistics fitted on one dataset
/// (the training split) and applied to any other of the same shape.
///
/// Fitting is numpy's `X.astype(np.float64).mean(0)` and `.std(0)` (population, `ddof=0`),
/// summed in index order in Float64, then rounded to Float32; a feature with standard deviation 0
/// gets 1, so it becomes `x − mean`. Applying it is Float32 arithmetic,
/// `(x - mean) / std` elementwise, exactly as numpy with float32 arrays.
public struct FeatureNormalization: Codable, Sendable, Hashable {
    /// The mean of each feature.
    public let mean: [Float]
    /// The divisor of each feature: its standard deviation, or 1 where that is 0.
    public let standardDeviation: [Float]

    /// Statistics given directly.
    ///
    /// - Throws: ``DataError`` when the arrays differ in length, or a divisor is not positive and finite.
    public init(mean: [Float], standardDeviation: [Float]) throws {
        guard mean.count == standardDeviation.count else {
            throw DataError(source: "FeatureNormalization",
                            "mean has \(mean.count) features but standardDeviation has \(standardDeviation.count)")
        }
        if let bad = standardDeviation.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw DataError(source: "FeatureNormalization", location: "feature \(bad)",
                            "expected a positive finite standard deviation, found \(standardDeviation[bad])")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Fits the statistics on every sample of `dataset`.
    public init(fitting dataset: some LabeledDataset) throws {
        let width = dataset.featureShape.reduce(1, *)
        var sum = [Double](repeating: 0, count: width)
        var examples: [[Float]] = []
        examples.reserveCapacity(dataset.count)
        for index in 0..<dataset.count {
            let features = try dataset.sample(at: index).features
            for j in 0..<width { sum[j] += Double(features[j]) }
            examples.append(features)
        }
        let n = Double(dataset.count)
        let mean = sum.map { $0 / n }
        var squares = [Double](repeating: 0, count: width)
        for features in examples {
            for j in 0..<width {
                let d = Double(features[j]) - mean[j]
                squares[j] += d * d
            }
        }
        let deviation = squares.map { Float(($0 / n).squareRoot()) }
        try self.init(mean: mean.map { Float($0) }, standardDeviation: deviation.map { $0 > 0 ? $0 : 1 })
    }

    /// One mean and standard deviation over every feature of every sample, used for all features
    /// (for images, where a per-pixel standard deviation near 0 at the border would blow up
    /// shifted pixels): numpy's `X.astype(np.float64).mean()` and `.std()` summed in index order,
    /// rounded to Float32; a standard deviation of 0 becomes 1.
    public init(fittingGlobally dataset: some LabeledDataset) throws {
        let width = dataset.featureShape.reduce(1, *)
        var sum = 0.0
        for index in 0..<dataset.count {
            for value in try dataset.sample(at: index).features { sum += Double(value) }
        }
        let n = Double(dataset.count * width)
        let mean = sum / n
        var squares = 0.0
        for index in 0..<dataset.count {
            for value in try dataset.sample(at: index).features {
                let d = Double(value) - mean
                squares += d * d
            }
        }
        let deviation = Float((squares / n).squareRoot())
        try self.init(mean: Array(repeating: Float(mean), count: width),
                      standardDeviation: Array(repeating: deviation > 0 ? deviation : 1, count: width))
    }

    /// `(x − mean) / std` for each feature.
    ///
    /// - Precondition: `features.count == mean.count`.
    public func apply(_ features: [Float]) -> [Float] {
        precondition(features.count == mean.count,
                     "FeatureNormalization: \(features.count) features, fitted on \(mean.count)")
        return (0..<features.count).map { (features[$0] - mean[$0]) / standardDeviation[$0] }
    }
}

extension FeatureNormalization: SampleTransform {
    /// Normalises the sample's features (draws nothing), so normalisation can follow augmentation
    /// in a loader's transforms.
    public func apply(to sample: LabeledExample, generator: inout Generator<Philox>) throws -> LabeledExample {
        guard sample.features.count == mean.count else {
            throw DataError(source: "FeatureNormalization", "expected \(mean.count) features (the fitted count), "
                            + "got \(sample.features.count)")
        }
        var result = sample
        result.features.withUnsafeMutableBufferPointer { features in
            for j in features.indices { features[j] = (features[j] - mean[j]) / standardDeviation[j] }
        }
        return result
    }
}

/// A labeled dataset with ``FeatureNormalization`` applied to every sample as it is read.
public struct NormalizedDataset<Base: LabeledDataset>: LabeledDataset {
    public let base: Base
    public let normalization: FeatureNormalization

    /// - Throws: ``DataError`` when the normalisation has a different number of features.
    public init(_ base: Base, normalization: FeatureNormalization) throws {
        let width = base.featureShape.reduce(1, *)
        guard normalization.mean.count == width else {
            throw DataError(source: "NormalizedDataset", "the normalisation has \(normalization.mean.count) "
                            + "features but the dataset has \(width) (shape \(base.featureShape))")
        }
        self.base = base
        self.normalization = normalization
    }

    public var count: Int { base.count }
    public var featureShape: [Int] { base.featureShape }
    public var classCount: Int { base.classCount }

    public func sample(at index: Int) throws -> LabeledExample {
        var example = try base.sample(at: index)
        example.features = normalization.apply(example.features)
        return example
    }
}
