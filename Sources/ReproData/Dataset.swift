import ReproTensor

/// A collection of samples addressed by index: the source a data loader draws batches from.
///
/// `sample(at:)` must be a pure function of the index (no hidden state, no randomness), so that
/// which worker reads a sample, and when, never changes what it gets. Randomness (augmentation) is
/// applied afterwards from keys derived from (seed, epoch, index).
public protocol Dataset<Sample>: Sendable {
    /// The type of one sample.
    associatedtype Sample: Sendable
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index` in `0..<count`.
    func sample(at index: Int) throws -> Sample
}

/// A classification dataset whose samples all have one feature shape: what ``DataLoader`` collates
/// into ``LabeledBatch``es and what ``FeatureNormalization`` fits.
public protocol LabeledDataset: Dataset where Sample == LabeledExample {
    /// The shape of each sample's features (`[64]` for digits).
    var featureShape: [Int] { get }
    /// The number of classes; every label is in `0..<classCount`.
    var classCount: Int { get }
}
