/// numpy's legacy `np.random.RandomState`, and so the global `np.random.seed(n)` functions
/// (`np.random.rand`, `randn`, `randint`, `shuffle`, `permutation`).
///
/// A Mersenne Twister with numpy's legacy seeding, plus the one cached value of the polar-method
/// Gaussian. For the same seed and the same sequence of calls, every value is the one numpy gives,
/// bit for bit:
///
/// ```swift
/// var rs = RandomState(seed: 42)       // np.random.seed(42)
/// rs.randomSample()                    // np.random.rand()      -> 0.3745401188473625
/// try rs.randint(0, 10)                // np.random.randint(0, 10)
/// ```
///
/// - Stability: numpy froze `RandomState`'s streams; Repro freezes them too. A stream changing for a
///   given seed and call sequence is a breaking change (guarded by `LegacyStabilityTests`).
/// - Determinism: a pure function of the seed and the calls made; no thread count, platform or
///   global state is involved (``standardNormal()`` uses the platform's `log`, which is glibc's on
///   Linux, as numpy's is).
public struct RandomState: Sendable, Equatable {
    /// The Mersenne Twister (numpy's `RandomState._bit_generator`).
    var mt: MT19937
    /// The second value of the last polar-method pair, returned by the next ``standardNormal()``
    /// (numpy's `has_gauss` and `gauss`).
    var cachedGaussian: Double?

    /// `np.random.seed(seed)` / `RandomState(seed)` for an integer: `init_genrand(seed)`.
    public init(seed: UInt32) {
        self.mt = MT19937(legacySeed: seed)
        self.cachedGaussian = nil
    }

    /// `np.random.seed(seed)` for an integer of any type, with numpy's range check.
    ///
    /// - Throws: ``RandomArgumentError`` when `seed` is negative or above 2^32 − 1, as numpy's
    ///   `ValueError: Seed must be between 0 and 2**32 - 1`.
    public init(validating seed: some BinaryInteger) throws {
        guard let word = UInt32(exactly: seed) else { throw Self.seedRangeError("\(seed)") }
        self.init(seed: word)
    }

    /// `np.random.seed(n)` for an integer written in decimal (a command-line or configuration value,
    /// any width), with numpy's range check.
    ///
    /// - Throws: ``RandomArgumentError`` when the text is not a decimal integer, or when its value is
    ///   negative or above 2^32 − 1.
    public init(decimalSeed text: String) throws {
        let seed = try DecimalSeed(text, function: "seed")
        guard !seed.isNegative, seed.magnitude.count == 1 else { throw Self.seedRangeError(text) }
        self.init(seed: seed.magnitude[0])
    }

    /// `np.random.seed([w0, w1, ...])` with a Python list of integers: `init_by_array(words)`.
    ///
    /// A one-element list is still `init_by_array` (`seed([42])` differs from `seed(42)`); numpy
    /// squeezes a one-element *ndarray* to a scalar, which is ``init(seed:)-(UInt32)`` here.
    ///
    /// - Throws: ``RandomArgumentError`` for an empty array (numpy: `Seed must be non-empty`).
    public init(seed words: [UInt32]) throws {
        guard !words.isEmpty else {
            throw RandomArgumentError("seed", "Seed must be non-empty: an array seed needs at least one 32-bit word")
        }
        self.mt = MT19937(initByArray: words)
        self.cachedGaussian = nil
    }

    private static func seedRangeError(_ seed: String) -> RandomArgumentError {
        RandomArgumentError("seed", "Seed must be between 0 and 2**32 - 1 (0...4294967295), got \(seed)")
    }
}

// MARK: - State

extension RandomState {
    /// The complete state, numpy's `get_state()` tuple
    /// `('MT19937', key, pos, has_gauss, cached_gaussian)`. It is also the `Codable` form of
    /// ``RandomState``, so a checkpoint restores the stream exactly, cached Gaussian included.
    public struct State: Codable, Sendable, Equatable {
        /// The 624 Mersenne Twister words (numpy `key`).
        public var key: [UInt32]
        /// The index of the next word to use, 0...624; 624 regenerates the block first (numpy `pos`).
        public var position: Int
        /// The cached second Gaussian, or nil (numpy `has_gauss == 0`).
        public var cachedGaussian: Double?

        public init(key: [UInt32], position: Int, cachedGaussian: Double?) {
            self.key = key
            self.position = position
            self.cachedGaussian = cachedGaussian
        }
    }

    /// numpy's `get_state()`.
    public func getState() -> State {
        State(key: mt.key, position: mt.position, cachedGaussian: cachedGaussian)
    }

    /// A generator in exactly `state` (numpy's `set_state` on a fresh `RandomState`).
    ///
    /// - Throws: ``RandomArgumentError`` unless `key` has 624 words and `position` is in 0...624.
    public init(state: State) throws {
        let n = MT19937.stateCount
        guard state.key.count == n else {
            throw RandomArgumentError("set_state", "the state key must have \(n) words, got \(state.key.count)")
        }
        guard (0...n).contains(state.position) else {
            throw RandomArgumentError("set_state", "the state position must be in 0...\(n), got \(state.position)")
        }
        self.mt = MT19937(key: state.key, position: state.position)
        self.cachedGaussian = state.cachedGaussian
    }

    /// numpy's `set_state(state)`.
    ///
    /// - Throws: as ``init(state:)``; on error the generator is unchanged.
    public mutating func setState(_ state: State) throws {
        self = try RandomState(state: state)
    }
}

extension RandomState: StateCodable {}
