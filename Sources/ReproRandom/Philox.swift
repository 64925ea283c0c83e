/// numpy's `Philox`: the counter-based Philox4x64-10 generator (Salmon et al., Random123).
///
/// Seeded exactly as `numpy.random.Philox(seed)` (key from `generate_state(2, uint64)`, counter 0);
/// the counter is incremented before each block of four outputs. Outputs, `advance` and `jumped`
/// match numpy bit for bit, including its buffering.
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct Philox: BitGenerator {
    // Scalar storage: moving words in and out of SIMD lanes costs more than the Philox rounds.
    @usableFromInline var c0, c1, c2, c3: UInt64
    @usableFromInline var k0, k1: UInt64
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64)
    /// The block for counter + 1, computed together with `words` (two independent blocks keep the
    /// multiplier busy). A cache derived from counter and key: not part of the state, its
    /// equality or its encoding, and dropped whenever the counter or key is set.
    @usableFromInline var ahead: (UInt64, UInt64, UInt64, UInt64)
    @usableFromInline var aheadIsReady: Bool
    /// The next unused word of `block`; 4 means empty (numpy `buffer_pos`).
    public var blockPosition: Int
    /// numpy's `has_uint32` / `uinteger`.
    public var buffer: UInt32Buffer

    /// numpy's `Philox(seed)`.
    public init(seed: UInt64) { self.init(SeedSequence(seed)) }

    /// numpy's `Philox(seed_sequence)`.
    public init(_ seedSequence: SeedSequence) {
        let words = seedSequence.generateState64(count: 2)
        self.init(key: SIMD2(words[0], words[1]))
    }

    /// numpy's `Philox(key=..., counter=...)`: an explicit key and counter, empty buffers.
    public init(key: SIMD2<UInt64>, counter: SIMD4<UInt64> = .zero) {
        (c0, c1, c2, c3) = (counter[0], counter[1], counter[2], counter[3])
        (k0, k1) = (key[0], key[1])
        words = (0, 0, 0, 0)
        ahead = (0, 0, 0, 0)
        aheadIsReady = false
        blockPosition = 4
        buffer = UInt32Buffer()
    }

    /// The 256-bit counter, least significant word first.
    public var counter: SIMD4<UInt64> {
        get { SIMD4(c0, c1, c2, c3) }
        set {
            (c0, c1, c2, c3) = (newValue[0], newValue[1], newValue[2], newValue[3])
            aheadIsReady = false
        }
    }

    /// The 128-bit key.
    public var key: SIMD2<UInt64> {
        get { SIMD2(k0, k1) }
        set {
            (k0, k1) = (newValue[0], newValue[1])
            aheadIsReady = false
        }
    }

    /// The current block of four outputs (numpy `buffer`).
    public var block: SIMD4<UInt64> {
        get { SIMD4(words.0, words.1, words.2, words.3) }
        set { words = (newValue[0], newValue[1], newValue[2], newValue[3]) }
    }

    public static func == (a: Philox, b: Philox) -> Bool {
        a.counter == b.counter && a.key == b.key && a.block == b.block
            && a.blockPosition == b.blockPosition && a.buffer == b.buffer
    }

    @inlinable
    public mutating func next() -> UInt64 {
        if blockPosition < 4 {
            let word = withUnsafeBytes(of: words) { $0.load(fromByteOffset: blockPosition &* 8, as: UInt64.self) }
            blockPosition &+= 1
            return word
        }
        (c0, c1, c2, c3) = Self.increment(c0, c1, c2, c3)
        if aheadIsReady {
            words = ahead
            aheadIsReady = false
        } else {
            let (d0, d1, d2, d3) = Self.increment(c0, c1, c2, c3)
            (words, ahead) = Philox4x64.rounds(c0, c1, c2, c3, and: d0, d1, d2, d3, key: k0, k1)
            aheadIsReady = true
        }
        blockPosition = 1
        return words.0
    }

    /// The 256-bit counter plus one, carrying as numpy does.
    @inlinable
    static func increment(
        _ c0: UInt64, _ c1: UInt64, _ c2: UInt64, _ c3: UInt64
    ) -> (UInt64, UInt64, UInt64, UInt64) {
        var (c0, c1, c2, c3) = (c0, c1, c2, c3)
        c0 &+= 1
        if c0 == 0 {
            c1 &+= 1
            if c1 == 0 {
                c2 &+= 1
                if c2 == 0 { c3 &+= 1 }
            }
        }
        return (c0, c1, c2, c3)
    }

    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        buffer.take() ?? buffer.split(next())
    }

    /// Advances the counter by `delta` blocks and empties every buffer (numpy `advance`).
    ///
    /// `delta` is a 256-bit number, least significant word first. The carry handling reproduces
    /// numpy's `philox_advance` exactly.
    public mutating func advance(_ delta: SIMD4<UInt64>) {
        var carry = false
        for i in 0..<4 {
            if carry {
                counter[i] &+= 1
                carry = counter[i] == 0
            }
            let original = counter[i]
            counter[i] &+= delta[i]
            if counter[i] < original && !carry { carry = true }
        }
        words = (0, 0, 0, 0)
        blockPosition = 4
        buffer = UInt32Buffer()
    }

    /// Advances the counter by `delta` blocks (numpy `advance` with an integer below 2^128).
    public mutating func advance(_ delta: UInt128) {
        advance(SIMD4(UInt64(truncatingIfNeeded: delta), UInt64(truncatingIfNeeded: delta >> 64), 0, 0))
    }

    /// A copy whose counter is advanced by `jumps` × 2^128 blocks (numpy `jumped`).
    public func jumped(_ jumps: UInt128 = 1) -> Philox {
        var copy = self
        copy.advance(SIMD4(0, 0, UInt64(truncatingIfNeeded: jumps), UInt64(truncatingIfNeeded: jumps >> 64)))
        return copy
    }
}

/// The Philox4x64-10 block function (Random123 `philox4x64_R(10, ctr, key)`).
public enum Philox4x64 {
    @usableFromInline static let m0: UInt64 = 0xD2E7_470E_E14C_6C93
    @usableFromInline static let m1: UInt64 = 0xCA5A_8263_9512_1157
    @usableFromInline static let w0: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline static let w1: UInt64 = 0xBB67_AE85_84CA_A73B

    /// Ten rounds of Philox over `counter` with `key`.
    @inlinable
    public static func block(counter: SIMD4<UInt64>, key: SIMD2<UInt64>) -> SIMD4<UInt64> {
        let out = rounds(counter[0], counter[1], counter[2], counter[3], key[0], key[1])
        return SIMD4(out.0, out.1, out.2, out.3)
    }

    /// The ten rounds on scalar words: lane moves of `SIMD4` would cost more than the rounds.
    @inlinable
    static func rounds(
        _ c0: UInt64, _ c1: UInt64, _ c2: UInt64, _ c3: UInt64, _ k0: UInt64, _ k1: UInt64
    ) -> (UInt64, UInt64, UInt64, UInt64) {
        var (c0, c1, c2, c3) = (c0, c1, c2, c3)
        var (k0, k1) = (k0, k1)
        for round in 0..<10 {
            if round > 0 {
                k0 &+= w0
                k1 &+= w1
            }
            let p0 = m0.multipliedFullWidth(by: c0)
            let p1 = m1.multipliedFullWidth(by: c2)
            (c0, c1, c2, c3) = (p1.high ^ c1 ^ k0, p1.low, p0.high ^ c3 ^ k1, p0.low)
        }
        return (c0, c1, c2, c3)
    }

    /// The ten rounds for two counters under one key, interleaved so that the two independent
    /// chains of multiplications overlap.
    @inlinable
    static func rounds(
        _ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64,
        and b0: UInt64, _ b1: UInt64, _ b2: UInt64, _ b3: UInt64,
        key k0: UInt64, _ k1: UInt64
    ) -> ((UInt64, UInt64, UInt64, UInt64), (UInt64, UInt64, UInt64, UInt64)) {
        var (a0, a1, a2, a3) = (a0, a1, a2, a3)
        var (b0, b1, b2, b3) = (b0, b1, b2, b3)
        var (k0, k1) = (k0, k1)
        for round in 0..<10 {
            if round > 0 {
                k0 &+= w0
                k1 &+= w1
            }
            let pa0 = m0.multipliedFullWidth(by: a0)
            let pb0 = m0.multipliedFullWidth(by: b0)
            let pa1 = m1.multipliedFullWidth(by: a2)
            let pb1 = m1.multipliedFullWidth(by: b2)
            (a0, a1, a2, a3) = (pa1.high ^ a1 ^ k0, pa1.low, pa0.high ^ a3 ^ k1, pa0.low)
            (b0, b1, b2, b3) = (pb1.high ^ b1 ^ k0, pb1.low, pb0.high ^ b3 ^ k1, pb0.low)
        }
        return ((a0, a1, a2, a3), (b0, b1, b2, b3))
    }
}

extension Philox: Codable {
    enum CodingKeys: String, CodingKey { case counter, key, block, blockPosition, buffer }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try container.decode(SIMD2<UInt64>.self, forKey: .key),
                  counter: try container.decode(SIMD4<UInt64>.self, forKey: .counter))
        block = try container.decode(SIMD4<UInt64>.self, forKey: .block)
        blockPosition = try container.decode(Int.self, forKey: .blockPosition)
        buffer = try container.decode(UInt32Buffer.self, forKey: .buffer)
        guard (0...4).contains(blockPosition) else {
            throw DecodingError.dataCorruptedError(
                forKey: .blockPosition, in: container,
                debugDescription: "Philox block position must be in 0...4, found \(blockPosition)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(counter, forKey: .counter)
        try container.encode(key, forKey: .key)
        try container.encode(block, forKey: .block)
        try container.encode(blockPosition, forKey: .blockPosition)
        try container.encode(buffer, forKey: .buffer)
    }
}
