import ReproTensor

/// A batch of labeled samples collated into one input tensor.
public struct LabeledBatch: Sendable {
    /// The features, shape `[batch] + featureShape`.
    public let inputs: Tensor
    /// The label of each sample.
    public let labels: [Int]
    /// The dataset index of each sample.
    public let indices: [Int]

    public init(inputs: Tensor, labels: [Int], indices: [Int]) {
        self.inputs = inputs
        self.labels = labels
        self.indices = indices
    }

    /// Stacks `examples` (each with `featureShape`'s features) into `[count] + featureShape`.
    ///
    /// - Throws: ``DataError`` when an example's feature count does not match the shape.
    public static func collate(_ examples: [LabeledExample], indices: [Int], featureShape: [Int]) throws -> LabeledBatch {
        let width = featureShape.reduce(1, *)
        var scalars: [Float] = []
        scalars.reserveCapacity(examples.count * width)
        for (position, example) in examples.enumerated() {
            guard example.features.count == width else {
                throw DataError(source: "collate", location: "sample \(indices[position])",
                                "expected \(width) features (shape \(featureShape)), got \(example.features.count)")
            }
            scalars += example.features
        }
        return LabeledBatch(inputs: try Tensor(shape: [examples.count] + featureShape, scalars: scalars),
                            labels: examples.map(\.label), indices: indices)
    }
}

extension LabeledBatch: Equatable {
    /// Bitwise equality: same shape, same Float32 bit patterns, same labels and indices.
    public static func == (a: LabeledBatch, b: LabeledBatch) -> Bool {
        a.inputs.shape == b.inputs.shape && a.labels == b.labels && a.indices == b.indices
            && a.inputs.scalars.map(\.bitPattern) == b.inputs.scalars.map(\.bitPattern)
    }
}
