/// numpy's `SFC64`: Chris Doty-Humphrey's Small Fast Chaotic generator, 256 bits of state.
///
/// Seeded exactly as `numpy.random.SFC64(seed)`: `a, b, c` from `generate_state(3, uint64)`,
/// counter 1, then 12 outputs discarded. Outputs match numpy bit for bit.
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct SFC64: BitGenerator {
    public var a: UInt64
    public var b: UInt64
    public var c: UInt64
    /// The counter (numpy `w`).
    public var counter: UInt64
    /// numpy's `has_uint32` / `uinteger`.
    public var buffer: UInt32Buffer

    /// numpy's `SFC64(seed)`.
    public init(seed: UInt64) { self.init(SeedSequence(seed)) }

    /// numpy's `SFC64(seed_sequence)`.
    public init(_ seedSequence: SeedSequence) {
        let words = seedSequence.generateState64(count: 3)
        self.init(a: words[0], b: words[1], c: words[2], counter: 1)
        for _ in 0..<12 { _ = next() }
    }

    /// A generator in an exact state.
    public init(a: UInt64, b: UInt64, c: UInt64, counter: UInt64, buffer: UInt32Buffer = UInt32Buffer()) {
        self.a = a
        self.b = b
        self.c = c
        self.counter = counter
        self.buffer = buffer
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = a &+ b &+ counter
        counter &+= 1
        a = b ^ (b >> 11)
        b = c &+ (c << 3)
        c = (c << 24 | c >> 40) &+ result
        return result
    }

    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        buffer.take() ?? buffer.split(next())
    }
}
