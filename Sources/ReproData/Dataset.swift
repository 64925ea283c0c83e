import ReproTensor

/// A collection of samples addressed by index: the source a data loader draws batches from.
///
/// `sample(at:)` must be a pure function of the index (no hidden state, no randomness), so that
/// which worker reads a sample, and when, never changes what it gets. Randomness (augmentation) is
/// applied afterwards from keys derived from (seed, epoch, index).
public protocol Dataset: Sendable {
    /// The type of one sample.
    associatedtype Sample: Sendable
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index` in `0..<count`.
    func sample(at index: Int) throws -> Sample
}
