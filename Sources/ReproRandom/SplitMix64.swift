/// Sebastiano Vigna's SplitMix64: a 64-bit counter passed through a strong mixing function.
///
/// Not a numpy bit generator; it is here because many Java, C++ and Rust libraries seed with it.
/// Outputs match the reference `splitmix64.c` for the same state. `nextUInt32` follows numpy's
/// convention for 64-bit generators (low half first, high half buffered).
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct SplitMix64: BitGenerator {
    /// The counter; the reference implementation's `x`.
    public var state: UInt64
    public var buffer: UInt32Buffer

    /// A generator whose counter starts at `seed`, as in the reference implementation.
    public init(seed: UInt64, buffer: UInt32Buffer = UInt32Buffer()) {
        self.state = seed
        self.buffer = buffer
    }

    /// A generator whose counter is the first 64-bit word of `seedSequence.generateState64`.
    public init(_ seedSequence: SeedSequence) {
        self.init(seed: seedSequence.generateState64(count: 1)[0])
    }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        buffer.take() ?? buffer.split(next())
    }
}
