/// numpy's `Generator`: the distributions of `numpy.random.Generator`, written once over any
/// ``BitGenerator``.
///
/// Every method runs numpy 2.4's own algorithm, so from the same bit generator state it returns
/// numpy's values bit for bit and leaves the bit generator, including its buffered 32-bit half word,
/// in numpy's state. `Generator(PCG64(seed: 42))` is `numpy.random.default_rng(42)`, and
/// `Generator(Philox(seed: 7))` is `numpy.random.Generator(numpy.random.Philox(7))`.
///
/// Calls may be interleaved freely: numpy's streams depend on the order of calls, and so do these.
/// The bulk `fill…` methods and the `count:` conveniences return exactly what the same number of
/// scalar calls would (as numpy's `size=` does); they exist for speed.
///
/// The rare slow paths of the normal and exponential ziggurats (about 1% of draws) call the C
/// library's `exp` and `log1p`, as numpy does; those draws match numpy where both use the same C math
/// library (the same machine, or identical libm builds).
///
/// - Determinism: a pure function of the bit generator's state and the arguments. No global state,
///   no clock, no threads.
/// - Stability: the values for a given state are frozen and pinned by reference vectors; changing a
///   stream is a breaking change.
public struct Generator<Bits: BitGenerator>: Codable, Sendable, Equatable {
    /// The bit generator whose words every draw consumes (numpy `Generator.bit_generator`).
    public var bitGenerator: Bits

    /// A generator drawing from `bitGenerator` (numpy `Generator(bit_generator)`).
    public init(_ bitGenerator: Bits) {
        self.bitGenerator = bitGenerator
    }
}

// MARK: - Uniform floating point

extension Generator {
    /// A double in [0, 1): the high 53 bits of one 64-bit word times 2^-53 (numpy `random()`; for
    /// ``MT19937`` numpy's two-word formula, through the bit generator's `nextDouble`).
    ///
    /// - Stability: frozen; matches numpy `Generator.random` bit for bit.
    @inlinable
    public mutating func random() -> Double {
        bitGenerator.nextDouble()
    }

    /// A float in [0, 1): `(u >> 8) * 2^-24` of one buffered 32-bit word
    /// (numpy `random(dtype=np.float32)`).
    ///
    /// - Stability: frozen; matches numpy bit for bit, including the 32-bit buffering.
    @inlinable
    public mutating func randomFloat() -> Float {
        Float(bitGenerator.nextUInt32() >> 8) * 0x1p-24
    }

    /// A double in [low, high): `low + (high - low) * random()` (numpy `uniform(low, high)`).
    ///
    /// As in numpy, `high` itself can come out when rounding reaches it, and `low == high` returns
    /// `low` (still consuming one draw).
    ///
    /// - Throws: ``RandomArgumentError`` when `high - low` is not finite (numpy's `OverflowError`),
    ///   or when it is negative (numpy tests the sign bit, so `high - low == -0.0` is rejected too).
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func uniform(low: Double = 0, high: Double = 1) throws -> Double {
        let range = try Self.uniformRange(low: low, high: high)
        return low + range * bitGenerator.nextDouble()
    }

    @usableFromInline
    static func uniformRange(low: Double, high: Double) throws -> Double {
        let range = high - low
        guard range.isFinite else {
            throw RandomArgumentError(
                "uniform", "high - low must be finite; got low \(low), high \(high) (numpy raises OverflowError)")
        }
        guard range.sign == .plus else {
            throw RandomArgumentError(
                "uniform", "high - low must be non-negative (high >= low); got low \(low), high \(high)")
        }
        return range
    }

    /// Fills `out` with `random()` draws, in order (numpy `random(size)`).
    ///
    /// - Stability: frozen; the values equal `out.count` calls of ``random()``.
    @inlinable
    public mutating func fillRandom(_ out: UnsafeMutableBufferPointer<Double>) {
        var bits = bitGenerator  // a local copy keeps the state in registers
        defer { bitGenerator = bits }
        for i in out.indices {
            out[i] = bits.nextDouble()
        }
    }

    /// Fills `out` with `randomFloat()` draws, in order (numpy `random(size, dtype=np.float32)`).
    ///
    /// - Stability: frozen; the values equal `out.count` calls of ``randomFloat()``.
    @inlinable
    public mutating func fillRandomFloat(_ out: UnsafeMutableBufferPointer<Float>) {
        var bits = bitGenerator  // a local copy keeps the state in registers
        defer { bitGenerator = bits }
        for i in out.indices {
            out[i] = Float(bits.nextUInt32() >> 8) * 0x1p-24
        }
    }

    /// `count` doubles in [0, 1) (numpy `random(count)`).
    ///
    /// - Throws: ``RandomArgumentError`` when `count` is negative.
    /// - Stability: frozen; the values equal `count` calls of ``random()``.
    @inlinable
    public mutating func random(count: Int) throws -> [Double] {
        try Self.checkCount(count, "random")
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            fillRandom(buffer)
            initialized = count
        }
    }

    /// Rejects a negative element count, as numpy rejects a negative `size`.
    @usableFromInline
    static func checkCount(_ count: Int, _ function: String) throws {
        guard count >= 0 else {
            throw RandomArgumentError(function, "count must be non-negative, got \(count)")
        }
    }
}
