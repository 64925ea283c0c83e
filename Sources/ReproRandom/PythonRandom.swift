/// CPython's `random.Random` (Python 3.11 `Lib/random.py` over `Modules/_randommodule.c`): the
/// Mersenne Twister seeded with `init_by_array`, and the module's integer, sequence and Gaussian
/// methods.
///
/// For the same seed and the same sequence of calls, every value is CPython's, bit for bit:
///
/// ```swift
/// var r = PythonRandom(seed: 42)       // random.seed(42)
/// r.random()                           // 0.6394267984578837
/// try r.randrange(100)                 // 81
/// ```
///
/// - Stability: the streams are CPython 3.11's and are frozen; a stream changing for a given seed
///   and call sequence is a breaking change (guarded by `LegacyStabilityTests`).
/// - Determinism: a pure function of the seed and the calls made. ``gauss(mu:sigma:)`` calls the
///   platform's `log`, `cos` and `sin` as CPython does (glibc's on Linux, so the same bits).
public struct PythonRandom: Sendable, Equatable {
    /// The Mersenne Twister (CPython's `state` words and `index`).
    var mt: MT19937
    /// The second value of the last Box–Muller pair (CPython's `gauss_next`).
    var gaussNext: Double?

    /// `random.seed(n)` / `random.Random(n)` for an integer: `init_by_array` with the 32-bit words of
    /// `abs(n)`, least significant first (CPython takes the absolute value of a negative seed).
    public init(seed: some BinaryInteger) {
        self.init(key: seed.magnitudeWords32)
    }

    /// `random.seed(n)` for an integer written in decimal, of any width (CPython seeds with all
    /// bits of an `int`). A leading `-` is accepted: CPython seeds with the absolute value.
    ///
    /// - Throws: ``RandomArgumentError`` unless the text is an optional sign and 1 to 4300 digits.
    public init(decimalSeed text: String) throws {
        self.init(key: try DecimalSeed(text, function: "seed").magnitude)
    }

    /// `random.seed(s)` for a `str` (seed version 2, the default): the integer
    /// `int.from_bytes(b + sha512(b).digest(), 'big')` with `b = s.encode('utf-8')`.
    public init(seed text: String) {
        self.init(seed: Array(text.utf8))
    }

    /// `random.seed(b)` for `bytes` or a `bytearray` (seed version 2): as for a `str`, on the bytes
    /// themselves.
    public init(seed bytes: [UInt8]) {
        let bigEndian = bytes + SHA512.digest(bytes)
        // int.from_bytes(..., 'big') split into 32-bit words, least significant first.
        var words: [UInt32] = []
        var end = bigEndian.count
        while end > 0 {
            let start = max(0, end - 4)
            words.append(bigEndian[start..<end].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            end = start
        }
        while words.count > 1, words.last == 0 { words.removeLast() }
        self.init(key: words)
    }

    private init(key: [UInt32]) {
        self.mt = MT19937(initByArray: key)
        self.gaussNext = nil
    }
}

// MARK: - State

extension PythonRandom {
    /// CPython's `getstate()`: `(3, (w0, ..., w623, index), gauss_next)`. It is also the `Codable`
    /// form of ``PythonRandom``.
    public struct State: Codable, Sendable, Equatable {
        /// CPython's `Random.VERSION`; only version 3 states are accepted.
        public var version: Int
        /// The 624 Mersenne Twister words (the first 624 items of the inner tuple).
        public var key: [UInt32]
        /// The index of the next word, 0...624 (the inner tuple's last item).
        public var index: Int
        /// `gauss_next`: the cached second Gaussian, or nil (`None`).
        public var gaussNext: Double?

        public init(version: Int = 3, key: [UInt32], index: Int, gaussNext: Double?) {
            self.version = version
            self.key = key
            self.index = index
            self.gaussNext = gaussNext
        }
    }

    /// CPython's `getstate()`.
    public func getState() -> State {
        State(key: mt.key, index: mt.position, gaussNext: gaussNext)
    }

    /// A generator in exactly `state`.
    ///
    /// - Throws: ``RandomArgumentError`` unless `version` is 3, `key` has 624 words and `index` is
    ///   in 0...624 (CPython's `ValueError`s of `setstate`).
    public init(state: State) throws {
        let n = MT19937.stateCount
        guard state.version == 3 else {
            throw RandomArgumentError("setstate", "state with version \(state.version) passed to Random.setstate() "
                + "of version 3; only version 3 states are accepted")
        }
        guard state.key.count == n else {
            throw RandomArgumentError("setstate", "state vector is the wrong size: it needs \(n) words and an index, "
                + "got \(state.key.count) words")
        }
        guard (0...n).contains(state.index) else {
            throw RandomArgumentError("setstate", "invalid state: the index must be in 0...\(n), got \(state.index)")
        }
        self.mt = MT19937(key: state.key, position: state.index)
        self.gaussNext = state.gaussNext
    }

    /// CPython's `setstate(state)`.
    ///
    /// - Throws: as ``init(state:)``; on error the generator is unchanged.
    public mutating func setState(_ state: State) throws {
        self = try PythonRandom(state: state)
    }
}

extension PythonRandom: StateCodable {}
