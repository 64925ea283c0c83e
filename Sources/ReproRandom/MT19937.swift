/// The Mersenne Twister MT19937, as numpy's `MT19937` bit generator, numpy's legacy
/// `RandomState` and CPython's `random` use it.
///
/// Three seedings, each matching its reference bit for bit:
/// - `init(seedSequence)`: numpy's `MT19937(seed)` (state words from `SeedSequence`).
/// - `init(legacySeed:)`: Matsumoto and Nishimura's `init_genrand`, used by `np.random.seed(n)`.
/// - `init(key:)`: `init_by_array`, used by `np.random.seed([..])` and CPython's `random.seed(n)`.
///
/// Native output is 32 bits. As in numpy, a 64-bit draw is two 32-bit draws (first one high) and a
/// double is `(a >> 5, b >> 6)` combined into 53 bits, so no 32-bit buffering is involved.
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct MT19937: BitGenerator {
    public static let stateCount = 624
    /// The 624 state words (numpy `state['state']['key']`).
    public var key: [UInt32]
    /// The index of the next word to temper; 624 means the block must be regenerated (numpy `pos`).
    public var position: Int

    /// numpy's `MT19937(seed)`.
    public init(seed: UInt64) { self.init(SeedSequence(seed)) }

    /// numpy's `MT19937(seed_sequence)`: word 0 is 0x80000000, words 1…623 come from
    /// `generate_state(624)`, and the position is 623.
    public init(_ seedSequence: SeedSequence) {
        var words = seedSequence.generateState(count: Self.stateCount)
        words[0] = 0x8000_0000
        self.init(key: words, position: Self.stateCount - 1)
    }

    /// Matsumoto and Nishimura's `init_genrand(seed)` (numpy's `_legacy_seeding` for an integer).
    public init(legacySeed seed: UInt32) {
        var words = [UInt32](repeating: 0, count: Self.stateCount)
        var value = seed
        for i in 0..<Self.stateCount {
            words[i] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(i + 1)
        }
        self.init(key: words, position: Self.stateCount)
    }

    /// Matsumoto and Nishimura's `init_by_array(key)` (CPython's `random.seed(n)` with the words of
    /// `abs(n)`, least significant first; numpy's `_legacy_seeding` for an array).
    ///
    /// - Precondition: `initKey` is not empty (CPython passes `[0]` for the seed 0).
    public init(initByArray initKey: [UInt32]) {
        precondition(!initKey.isEmpty, "init_by_array needs at least one word")
        var generator = MT19937(legacySeed: 19_650_218)
        var mt = generator.key
        let n = Self.stateCount
        var i = 1
        var j = 0
        for _ in 0..<max(n, initKey.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ initKey[j] &+ UInt32(truncatingIfNeeded: j)
            i += 1
            j += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
            if j >= initKey.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
        }
        mt[0] = 0x8000_0000
        generator.key = mt
        self = generator
    }

    /// A generator in an exact state (numpy's `state = {'key': ..., 'pos': ...}`).
    ///
    /// - Precondition: `key` has 624 words and `position` is in 0...624; decoding a saved state
    ///   checks this and throws instead.
    public init(key: [UInt32], position: Int) {
        precondition(key.count == Self.stateCount, "MT19937 state needs \(Self.stateCount) words, got \(key.count)")
        precondition((0...Self.stateCount).contains(position), "MT19937 position must be in 0...624, got \(position)")
        self.key = key
        self.position = position
    }

    /// The next tempered 32-bit word (`genrand_int32`).
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if position >= Self.stateCount { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// The native 32-bit word (numpy `MT19937.random_raw`).
    @inlinable
    public mutating func nextRaw() -> UInt64 { UInt64(nextUInt32()) }

    /// Two 32-bit draws, the first in the high half (numpy `mt19937_next64`).
    @inlinable
    public mutating func next() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// `(a >> 5) * 2^26 + (b >> 6)` over 2^53: numpy's `mt19937_next_double`, CPython's
    /// `random()` and numpy legacy `random_sample`.
    @inlinable
    public mutating func nextDouble() -> Double {
        let a = nextUInt32() >> 5
        let b = nextUInt32() >> 6
        return (Double(a) * 67_108_864.0 + Double(b)) / 9_007_199_254_740_992.0
    }

    @usableFromInline
    mutating func regenerate() {
        let n = Self.stateCount
        let m = 397
        func twist(_ upper: UInt32, _ lower: UInt32, _ far: UInt32) -> UInt32 {
            let y = (upper & 0x8000_0000) | (lower & 0x7FFF_FFFF)
            return far ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        key.withUnsafeMutableBufferPointer { mt in
            for i in 0..<(n - m) { mt[i] = twist(mt[i], mt[i + 1], mt[i + m]) }
            for i in (n - m)..<(n - 1) { mt[i] = twist(mt[i], mt[i + 1], mt[i + m - n]) }
            mt[n - 1] = twist(mt[n - 1], mt[0], mt[m - 1])
        }
        position = 0
    }
}

extension MT19937 {
    enum CodingKeys: String, CodingKey { case key, position }

    /// Decodes a saved state, rejecting one that is not 624 words with a position in 0...624.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let key = try container.decode([UInt32].self, forKey: .key)
        let position = try container.decode(Int.self, forKey: .position)
        guard key.count == Self.stateCount else {
            throw DecodingError.dataCorruptedError(
                forKey: .key, in: container,
                debugDescription: "MT19937 state needs \(Self.stateCount) words, found \(key.count)")
        }
        guard (0...Self.stateCount).contains(position) else {
            throw DecodingError.dataCorruptedError(
                forKey: .position, in: container,
                debugDescription: "MT19937 position must be in 0...\(Self.stateCount), found \(position)")
        }
        self.init(key: key, position: position)
    }
}
