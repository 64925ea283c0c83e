/// The order in which a data loader visits a dataset's indices, epoch by epoch.
///
/// `indices(epoch:)` must be a pure function of the sampler's parameters and the epoch: resuming
/// a run at epoch `e` gives exactly the order the uninterrupted run had, whichever process or
/// thread asks.
public protocol Sampler: Sendable {
    /// How many indices `indices(epoch:)` returns (the same for every epoch).
    var count: Int { get }
    /// The dataset indices to visit in epoch `epoch` (`epoch >= 0`), in order.
    func indices(epoch: Int) -> [Int]
    /// A stable text naming the sampler's kind and every parameter its order depends on, e.g.
    /// `ShuffledSampler(count: 1437, seed: 7)`. A loader's checkpointed state records it, and
    /// restoring into a loader whose sampler has another identity is refused: two samplers with
    /// equal identities must give equal orders. It is part of the checkpoint format, so it is
    /// spelled out, never derived from the type's fields.
    var identity: String { get }
}

/// Visits `0..<count` in order, every epoch (PyTorch `SequentialSampler`).
public struct SequentialSampler: Sampler, Hashable {
    public let count: Int

    /// - Throws: ``SamplerArgumentError`` when `count` is negative.
    public init(count: Int) throws {
        try requireNonNegativeCount(count, in: "SequentialSampler")
        self.count = count
    }

    public var identity: String { "SequentialSampler(count: \(count))" }

    /// `Array(0..<count)`, whatever the epoch.
    public func indices(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "SequentialSampler: epoch must be non-negative, got \(epoch)")
        return Array(0..<count)
    }
}
