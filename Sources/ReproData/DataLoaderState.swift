/// Where a ``DataLoader`` is, as a checkpoint stores it: restoring it gives exactly the batch that
/// would have come next, mid-epoch or at an epoch boundary, for any worker count.
///
/// The loader has no generator whose state evolves: each epoch's order is a function of
/// (seed, epoch) and each sample's augmentation of (seed, epoch, index). So the position plus the
/// configuration it applies to is the whole state; the configuration is kept so that restoring
/// into a loader set up differently is an error instead of a silently different run.
public struct DataLoaderState: Codable, Sendable, Hashable {
    /// The epoch being read.
    public var epoch: Int
    /// How many of the epoch's batches have been delivered (the next batch's number).
    public var batch: Int
    /// The loader's seed (shuffle order and augmentation).
    public let seed: UInt64
    /// The sampler's ``Sampler/identity``.
    public let sampler: String
    /// The number of samples in the dataset.
    public let datasetCount: Int
    public let batchSize: Int
    public let dropLast: Bool
}
