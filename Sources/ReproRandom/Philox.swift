/// numpy's `Philox`: the counter-based Philox4x64-10 generator (Salmon et al., Random123).
///
/// Seeded exactly as `numpy.random.Philox(seed)` (key from `generate_state(2, uint64)`, counter 0);
/// the counter is incremented before each block of four outputs. Outputs, `advance` and `jumped`
/// match numpy bit for bit, including its buffering.
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct Philox: BitGenerator {
    /// The 256-bit counter, least significant word first.
    public var counter: SIMD4<UInt64>
    /// The 128-bit key.
    public var key: SIMD2<UInt64>
    /// The current block of four outputs (numpy `buffer`).
    public var block: SIMD4<UInt64>
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
        self.counter = counter
        self.key = key
        self.block = .zero
        self.blockPosition = 4
        self.buffer = UInt32Buffer()
    }

    @inlinable
    public mutating func next() -> UInt64 {
        if blockPosition < 4 {
            defer { blockPosition += 1 }
            return block[blockPosition]
        }
        counter[0] &+= 1
        if counter[0] == 0 {
            counter[1] &+= 1
            if counter[1] == 0 {
                counter[2] &+= 1
                if counter[2] == 0 { counter[3] &+= 1 }
            }
        }
        block = Philox4x64.block(counter: counter, key: key)
        blockPosition = 1
        return block[0]
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
        block = .zero
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
    ///
    /// The state lives in scalar registers: lane shuffles of `SIMD4` cost more than the rounds.
    @inlinable
    public static func block(counter: SIMD4<UInt64>, key: SIMD2<UInt64>) -> SIMD4<UInt64> {
        var (c0, c1, c2, c3) = (counter[0], counter[1], counter[2], counter[3])
        var (k0, k1) = (key[0], key[1])
        for round in 0..<10 {
            if round > 0 {
                k0 &+= w0
                k1 &+= w1
            }
            let p0 = m0.multipliedFullWidth(by: c0)
            let p1 = m1.multipliedFullWidth(by: c2)
            (c0, c1, c2, c3) = (p1.high ^ c1 ^ k0, p1.low, p0.high ^ c3 ^ k1, p0.low)
        }
        return SIMD4(c0, c1, c2, c3)
    }
}
