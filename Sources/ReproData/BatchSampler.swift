/// Groups a sampler's indices, in order, into batches of `batchSize` (PyTorch `BatchSampler`).
///
/// The last batch is shorter when `batchSize` does not divide the sampler's `count`, or is left
/// out with `dropLast`.
public struct BatchSampler<Base: Sampler>: Sendable {
    /// The sampler whose indices are grouped.
    public let base: Base
    /// The number of indices in each full batch, at least 1.
    public let batchSize: Int
    /// Whether a final batch shorter than `batchSize` is left out.
    public let dropLast: Bool

    /// The number of batches per epoch.
    public var count: Int {
        base.count / batchSize + (dropLast || base.count % batchSize == 0 ? 0 : 1)
    }

    /// - Throws: ``SamplerArgumentError`` when `batchSize` is less than 1.
    public init(_ base: Base, batchSize: Int, dropLast: Bool = false) throws {
        guard batchSize >= 1 else {
            throw SamplerArgumentError("BatchSampler", "batchSize must be at least 1, got \(batchSize)")
        }
        self.base = base
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// `base.indices(epoch:)` cut into consecutive batches of `batchSize`.
    public func batches(epoch: Int) -> [[Int]] {
        let indices = base.indices(epoch: epoch)
        return (0..<count).map { b in
            Array(indices[b * batchSize..<min((b + 1) * batchSize, indices.count)])
        }
    }
}
