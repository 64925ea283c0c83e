import Foundation
import Synchronization

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

/// What ``seedEverything(_:)`` seeded, for the run manifest.
public struct SeedRecord: Codable, Sendable, Hashable {
    /// The root seed.
    public let seed: UInt64
    /// True when no seed was given and this one was drawn from the operating system (and printed).
    public let drawn: Bool
    /// The streams derived from it and their numpy recipe.
    public let streams: [String: String]
    /// Whether `Hasher` is seeded deterministically in this process (see ``HashSeeding``).
    public let deterministicHashing: Bool
}

/// The purposes ``seedEverything(_:)`` records; any other name also works with ``SeedStreams``.
public let standardPurposes = ["default", "init", "dropout", "loader"]

private let defaultGeneratorStorage = Mutex<Generator<PCG64>?>(nil)

/// Seeds everything from one root seed, before the model is built (the lesson's `set_seed(42)`):
/// installs the default generator (stream `"default"`) and returns the record of what was seeded.
/// Named streams for initialisation, dropout and the loader come from `SeedStreams(seed:)`.
///
/// With `nil`, a seed is drawn from the operating system's generator, printed to standard error and
/// recorded as drawn, so even an unseeded run can be repeated. Nothing is ever seeded from the clock.
///
/// Swift's hash seed cannot be fixed from inside the process; the record says whether it was fixed
/// at launch, and ``HashSeeding/reexecuteWithDeterministicHashing()`` restarts the process so it is.
@discardableResult
public func seedEverything(_ seed: UInt64?) -> SeedRecord {
    let root: UInt64
    if let seed {
        root = seed
    } else {
        var system = SystemRandomNumberGenerator()
        root = system.next()
        FileHandle.standardError.write(Data(
            "repro: no seed given; drew seed \(root) (recorded; pass it to repeat this run)\n".utf8))
    }
    let streams = SeedStreams(seed: root)
    defaultGeneratorStorage.withLock { $0 = streams.generator("default") }
    var recipes: [String: String] = [:]
    for purpose in standardPurposes {
        recipes[purpose] = "SeedSequence(\(root), spawn_key=(\(SeedSequence.purposeKey(purpose)),))"
    }
    return SeedRecord(seed: root, drawn: seed == nil, streams: recipes,
                      deterministicHashing: HashSeeding.isDeterministic)
}

/// The default generator installed by ``seedEverything(_:)``: for code that is given no generator.
public enum DefaultGenerator {
    /// Runs `body` with the default generator.
    ///
    /// - Throws: ``UnseededError`` when ``seedEverything(_:)`` has not been called: there is no
    ///   silent default seed.
    public static func with<R>(_ body: (inout Generator<PCG64>) throws -> R) throws -> R {
        try defaultGeneratorStorage.withLock { (generator: inout Generator<PCG64>?) throws -> R in
            guard generator != nil else { throw UnseededError() }
            return try body(&generator!)
        }
    }
}

/// The default generator was used before ``seedEverything(_:)`` installed it.
public struct UnseededError: Error, CustomStringConvertible {
    public var description: String {
        "the default generator is not seeded: call seedEverything(seed) first (Repro never seeds from the clock)"
    }
}
