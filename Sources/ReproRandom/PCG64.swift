/// numpy's `PCG64`: a 128-bit LCG with the XSL-RR output function (PCG-XSL-RR 128/64).
///
/// Seeded through ``SeedSequence`` exactly as `numpy.random.PCG64(seed)`; every output, `advance`
/// and `jumped` match numpy bit for bit, including the buffered 32-bit draws.
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct PCG64: BitGenerator {
    /// The 128-bit LCG state and increment (numpy `state['state']`).
    public var lcg: LCG128
    /// numpy's `has_uint32` / `uinteger`.
    public var buffer: UInt32Buffer

    /// numpy's `PCG64(seed)`.
    public init(seed: UInt64) { self.init(SeedSequence(seed)) }

    /// numpy's `PCG64(seed_sequence)`.
    public init(_ seedSequence: SeedSequence) {
        self.lcg = LCG128(seedSequence, multiplier: LCG128.multiplier)
        self.buffer = UInt32Buffer()
    }

    /// A generator in an exact state (numpy's `bit_generator.state = {...}`).
    public init(state: UInt128, increment: UInt128, buffer: UInt32Buffer = UInt32Buffer()) {
        self.lcg = LCG128(state: state, increment: increment)
        self.buffer = buffer
    }

    @inlinable
    public mutating func next() -> UInt64 {
        lcg.step(multiplier: LCG128.multiplier)
        let high = UInt64(truncatingIfNeeded: lcg.state >> 64)
        let low = UInt64(truncatingIfNeeded: lcg.state)
        let rotation = high >> 58
        let mixed = high ^ low
        return mixed &>> rotation | mixed &<< (64 &- rotation)
    }

    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        buffer.take() ?? buffer.split(next())
    }

    /// Advances the stream by `delta` steps (mod 2^128) and clears the 32-bit buffer (numpy `advance`).
    public mutating func advance(_ delta: UInt128) {
        lcg.advance(delta, multiplier: LCG128.multiplier)
        buffer = UInt32Buffer()
    }

    /// A copy advanced by `jumps` × (φ − 1)·2^128 steps (numpy `jumped`), for parallel streams.
    public func jumped(_ jumps: UInt128 = 1) -> PCG64 {
        var copy = self
        copy.advance(LCG128.jumpStep &* jumps)
        return copy
    }
}

/// numpy's `PCG64DXSM`: the 128-bit LCG with the cheap multiplier and the DXSM output function.
///
/// Seeded exactly as `numpy.random.PCG64DXSM(seed)` (the seeding steps use the full 128-bit
/// multiplier, as numpy does); outputs, `advance` and `jumped` match numpy bit for bit.
///
/// - Stability: the stream for a given seed is frozen; changing it is a breaking change.
public struct PCG64DXSM: BitGenerator {
    /// The 128-bit LCG state and increment (numpy `state['state']`).
    public var lcg: LCG128
    /// numpy's `has_uint32` / `uinteger`.
    public var buffer: UInt32Buffer

    /// numpy's `PCG64DXSM(seed)`.
    public init(seed: UInt64) { self.init(SeedSequence(seed)) }

    /// numpy's `PCG64DXSM(seed_sequence)`.
    public init(_ seedSequence: SeedSequence) {
        self.lcg = LCG128(seedSequence, multiplier: LCG128.multiplier)
        self.buffer = UInt32Buffer()
    }

    /// A generator in an exact state (numpy's `bit_generator.state = {...}`).
    public init(state: UInt128, increment: UInt128, buffer: UInt32Buffer = UInt32Buffer()) {
        self.lcg = LCG128(state: state, increment: increment)
        self.buffer = buffer
    }

    @inlinable
    public mutating func next() -> UInt64 {
        var high = UInt64(truncatingIfNeeded: lcg.state >> 64)
        let low = UInt64(truncatingIfNeeded: lcg.state) | 1
        high ^= high >> 32
        high &*= LCG128.cheapMultiplier
        high ^= high >> 48
        high &*= low
        lcg.step(multiplier: UInt128(LCG128.cheapMultiplier))
        return high
    }

    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        buffer.take() ?? buffer.split(next())
    }

    /// Advances the stream by `delta` steps (mod 2^128) and clears the 32-bit buffer (numpy `advance`).
    public mutating func advance(_ delta: UInt128) {
        lcg.advance(delta, multiplier: UInt128(LCG128.cheapMultiplier))
        buffer = UInt32Buffer()
    }

    /// A copy advanced by `jumps` × (φ − 1)·2^128 steps (numpy `jumped`), for parallel streams.
    public func jumped(_ jumps: UInt128 = 1) -> PCG64DXSM {
        var copy = self
        copy.advance(LCG128.jumpStep &* jumps)
        return copy
    }
}
