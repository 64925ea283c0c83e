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
}

/// Visits `0..<count` in order, every epoch (PyTorch `SequentialSampler`).
public struct SequentialSampler: Sampler, Hashable {
    public let count: Int

    /// - Throws: ``SamplerArgumentError`` when `count` is negative.
    public init(count: Int) throws {
        try requireNonNegativeCount(count, in: "SequentialSampler")
        self.count = count
    }

    /// `Array(0..<count)`, whatever the epoch.
    public func indices(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "SequentialSampler: epoch must be non-negative, got \(epoch)")
        return Array(0..<count)
    }
}
