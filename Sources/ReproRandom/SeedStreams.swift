/// The named random streams of one root seed: each purpose (`"init"`, `"dropout"`, `"loader"`, …)
/// gets its own `SeedSequence(seed, spawn_key=(purpose_key(purpose),))`, so adding a purpose
/// never shifts another's numbers.
///
/// `purpose_key` is ``SeedSequence/purposeKey(_:)`` (FNV-1a, written in the code, never Swift's
/// per-process `Hasher`). In numpy, `generator("init")` is
/// `np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose_key("init"),))))`.
public struct SeedStreams: Sendable, Hashable, Codable {
    /// The root seed.
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// `SeedSequence(seed, spawn_key=(purpose_key(purpose),))`.
    public func seedSequence(_ purpose: String) -> SeedSequence { SeedSequence(seed, purpose: purpose) }

    /// A PCG64 generator for `purpose`.
    public func generator(_ purpose: String) -> Generator<PCG64> { Generator(PCG64(seedSequence(purpose))) }

    /// A 64-bit seed for `purpose`: `seedSequence(purpose).generate_state(1, np.uint64)[0]`.
    public func seed(for purpose: String) -> UInt64 { seedSequence(purpose).generateState64(count: 1)[0] }

    /// A counter-based key for `purpose` (per-step randomness such as dropout):
    /// `ThreefryKey(seed: seed(for: purpose), enableX64: true)`, JAX's `jax.random.key` of that seed.
    public func key(_ purpose: String) -> ThreefryKey { ThreefryKey(seed: seed(for: purpose), enableX64: true) }
}

/// What was seeded from a root seed (by `seedEverything` in Repro, or a training run), for the run manifest.
public struct SeedRecord: Codable, Sendable, Hashable {
    /// The root seed.
    public let seed: UInt64
    /// True when no seed was given and this one was drawn from the operating system (and printed).
    public let drawn: Bool
    /// The streams derived from it and their numpy recipe.
    public let streams: [String: String]
    /// Whether `Hasher` is seeded deterministically in this process (see `HashSeeding` in Repro).
    public let deterministicHashing: Bool

    /// The purposes recorded: the default generator's and those of a training run.
    public static let purposes = ["default", "init", "dropout", "loader"]

    /// The record of `seed` and its ``purposes``' streams.
    public init(seed: UInt64, drawn: Bool, deterministicHashing: Bool) {
        self.seed = seed
        self.drawn = drawn
        self.deterministicHashing = deterministicHashing
        var streams: [String: String] = [:]
        for purpose in Self.purposes {
            streams[purpose] = "SeedSequence(\(seed), spawn_key=(\(SeedSequence.purposeKey(purpose)),))"
        }
        self.streams = streams
    }
}

