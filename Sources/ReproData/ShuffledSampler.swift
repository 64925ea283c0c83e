import ReproRandom

/// Visits a fresh permutation of `0..<count` each epoch; the permutation is a pure function of
/// (seed, epoch), so it does not depend on earlier epochs having run.
///
/// Epoch `e`'s order is exactly numpy's
///
/// ```python
/// import numpy as np
/// np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(e,)))).permutation(count)
/// ```
///
/// (`SeedSequence(seed, spawnKey: [UInt64(e)])` → ``PCG64`` → ``Generator/permutation(_:)`` in
/// ReproRandom).
///
/// - Stability: frozen; changing the recipe is a breaking change, guarded by the vectors of
///   `scripts/reference_samplers.py`.
public struct ShuffledSampler: Sampler, Hashable {
    public let count: Int
    /// The root seed (numpy `SeedSequence(seed)` entropy).
    public let seed: UInt64

    /// - Throws: ``SamplerArgumentError`` when `count` is negative.
    public init(count: Int, seed: UInt64) throws {
        try requireNonNegativeCount(count, in: "ShuffledSampler")
        self.count = count
        self.seed = seed
    }

    public var identity: String { "ShuffledSampler(count: \(count), seed: \(seed))" }

    /// The permutation of `0..<count` for `epoch`, as in the recipe above.
    ///
    /// - Precondition: `epoch >= 0` (it is a `SeedSequence` spawn key, which numpy requires to be
    ///   non-negative).
    public func indices(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "ShuffledSampler: epoch must be non-negative, got \(epoch)")
        var generator = Generator(PCG64(SeedSequence(seed, spawnKey: [UInt64(epoch)])))
        var values = Array(0..<count)
        generator.shuffle(&values)  // numpy permutation(count): arange(count), shuffled
        return values
    }
}
