/// One sample of a classification dataset: a feature vector (an image's pixels in row-major
/// order, a CSV row's numeric fields) and its class label.
public struct LabeledExample: Sendable, Hashable {
    /// The features, `featureShape`'s product of them in row-major order.
    public var features: [Float]
    /// The class, in `0..<classCount` of the dataset it came from.
    public var label: Int

    public init(features: [Float], label: Int) {
        self.features = features
        self.label = label
    }
}
