import ReproRandom

/// A random change to one sample (augmentation), drawing from a generator that belongs to that
/// sample alone.
///
/// ``DataLoader`` gives each sample a fresh ``SampleContext/generator()`` keyed by (seed, epoch,
/// dataset index) and runs the loader's transforms in order on it, so a transform's draws never
/// depend on which worker ran it, in which order, or whether the run was resumed.
public protocol SampleTransform<Sample>: Sendable {
    associatedtype Sample
    /// `sample` transformed with draws from `generator`. Must be a function of its arguments only.
    func apply(to sample: Sample, generator: inout Generator<Philox>) throws -> Sample
}

/// Where a sample's randomness comes from: the loader's seed, the epoch and the dataset index.
public struct SampleContext: Sendable, Hashable {
    /// The loader's seed.
    public let seed: UInt64
    /// The epoch the sample is drawn in.
    public let epoch: Int
    /// The sample's index in the dataset (not its position in the batch or epoch).
    public let index: Int

    public init(seed: UInt64, epoch: Int, index: Int) {
        self.seed = seed
        self.epoch = epoch
        self.index = index
    }

    /// The sample's generator, the same for every call. In numpy:
    ///
    /// ```python
    /// np.random.Generator(np.random.Philox(np.random.SeedSequence(
    ///     seed, spawn_key=(purpose_key("augment"), epoch, index))))
    /// ```
    ///
    /// with `purpose_key` as in ``SeedSequence/purposeKey(_:)``.
    ///
    /// - Stability: frozen; changing it changes every augmented run.
    public func generator() -> Generator<Philox> {
        Generator(Philox(SeedSequence(seed, purpose: "augment", path: [UInt64(epoch), UInt64(index)])))
    }
}
