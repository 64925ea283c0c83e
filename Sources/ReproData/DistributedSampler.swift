/// One rank's share of each epoch, for data-parallel training over `worldSize` processes, with
/// PyTorch `torch.utils.data.DistributedSampler` semantics.
///
/// Each epoch, every rank builds the same full list — `ShuffledSampler(count:seed:)`'s
/// permutation for the epoch when `shuffle` is true, else `0..<count` — and makes its length a
/// multiple of `worldSize`:
/// - without `dropLast`, by appending the list's own first elements (repeated whole as many times
///   as needed when the padding is longer than the list) up to `ceil(count / worldSize) * worldSize`;
/// - with `dropLast`, by cutting it to `floor(count / worldSize) * worldSize`.
///
/// Rank `r` then takes `list[r::worldSize]`. The ranks' shares are disjoint except for the padding,
/// and together they cover the (cut) list.
///
/// Unlike PyTorch, the shuffle is not `torch.randperm` seeded with `seed + epoch` but the numpy
/// recipe documented on ``ShuffledSampler``, so a numpy user can reproduce every rank's indices.
public struct DistributedSampler: Sampler, Hashable {
    /// The dataset size.
    public let datasetCount: Int
    /// This process's rank, in `0..<worldSize`.
    public let rank: Int
    /// The number of processes sharing the dataset.
    public let worldSize: Int
    /// Whether each epoch's list is the seeded permutation (else `0..<datasetCount`).
    public let shuffle: Bool
    /// The seed of the permutation (unused when `shuffle` is false).
    public let seed: UInt64
    /// Whether the tail that does not divide evenly is dropped (else the list is padded).
    public let dropLast: Bool
    /// The permutation source when `shuffle` is true.
    private let shuffled: ShuffledSampler

    public var identity: String {
        "DistributedSampler(datasetCount: \(datasetCount), rank: \(rank), worldSize: \(worldSize), "
            + "shuffle: \(shuffle), seed: \(seed), dropLast: \(dropLast))"
    }

    /// The number of indices each rank gets per epoch (PyTorch `num_samples`).
    public var count: Int {
        datasetCount / worldSize + (dropLast || datasetCount % worldSize == 0 ? 0 : 1)
    }

    /// - Throws: ``SamplerArgumentError`` when `count` is negative, `worldSize < 1`, or `rank` is
    ///   outside `0..<worldSize`.
    public init(count: Int, rank: Int, worldSize: Int, shuffle: Bool = true, seed: UInt64 = 0,
                dropLast: Bool = false) throws {
        try requireNonNegativeCount(count, in: "DistributedSampler")
        guard worldSize >= 1 else {
            throw SamplerArgumentError("DistributedSampler", "worldSize must be at least 1, got \(worldSize)")
        }
        guard (0..<worldSize).contains(rank) else {
            throw SamplerArgumentError(
                "DistributedSampler", "rank must be in 0..<\(worldSize) (worldSize), got \(rank)")
        }
        self.datasetCount = count
        self.rank = rank
        self.worldSize = worldSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.shuffled = try ShuffledSampler(count: count, seed: seed)
    }

    /// This rank's indices for `epoch`, as described above.
    ///
    /// - Precondition: `epoch >= 0`.
    public func indices(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "DistributedSampler: epoch must be non-negative, got \(epoch)")
        let full = shuffle ? shuffled.indices(epoch: epoch) : Array(0..<datasetCount)
        let totalSize = count * worldSize
        var list = full
        if totalSize > list.count {
            // Non-empty here: totalSize > 0 needs datasetCount > 0.
            while list.count < totalSize {
                list.append(contentsOf: full.prefix(totalSize - list.count))
            }
        } else {
            list.removeLast(list.count - totalSize)
        }
        return stride(from: rank, to: totalSize, by: worldSize).map { list[$0] }
    }
}
