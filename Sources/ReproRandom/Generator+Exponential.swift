/// Exponential draws: numpy's 256-layer ziggurat (`random_standard_exponential`,
/// `random_standard_exponential_f`).
extension Generator {
    /// A standard exponential double, mean 1 (numpy `standard_exponential()`, its default
    /// `method='zig'`).
    ///
    /// numpy's ziggurat: one 64-bit word, shifted right by 3, gives the layer (low 8 bits) and a
    /// 53-bit magnitude; draws outside a layer's rectangle take numpy's wedge test or its tail
    /// (`r - log1p(-U)`), with further `random()` draws.
    ///
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func standardExponential() -> Double {
        ZigguratTables.exponentialDouble { standardExponential($0) }
    }

    /// A standard exponential float (numpy `standard_exponential(dtype=np.float32)`).
    ///
    /// numpy's float ziggurat on one buffered 32-bit word shifted right by 1: layer (low 8 bits) and a
    /// 23-bit magnitude; the slow paths draw `randomFloat()` values.
    ///
    /// - Stability: frozen; matches numpy bit for bit, including the 32-bit buffering.
    @inlinable
    public mutating func standardExponentialFloat() -> Float {
        ZigguratTables.exponentialFloat { standardExponentialFloat($0) }
    }

    /// An exponential double with the given scale (mean): `scale * standardExponential()`
    /// (numpy `exponential(scale)`).
    ///
    /// - Throws: ``RandomArgumentError`` when `scale` is negative (numpy tests the sign bit, so
    ///   `-0.0` is rejected too; NaN is accepted, as in numpy).
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func exponential(scale: Double = 1) throws -> Double {
        guard scale.isNaN || scale.sign == .plus else {
            throw RandomArgumentError("exponential", "scale must be non-negative, got \(scale)")
        }
        return scale * standardExponential()
    }

    /// Fills `out` with standard exponential doubles, in order (numpy `standard_exponential(size)`).
    ///
    /// - Stability: frozen; the values equal `out.count` calls of ``standardExponential()``.
    @inlinable
    public mutating func fillStandardExponential(_ out: UnsafeMutableBufferPointer<Double>) {
        ZigguratTables.exponentialDouble { tables in
            for i in out.indices {
                out[i] = standardExponential(tables)
            }
        }
    }

    /// Fills `out` with standard exponential floats, in order
    /// (numpy `standard_exponential(size, dtype=np.float32)`).
    ///
    /// - Stability: frozen; the values equal `out.count` calls of ``standardExponentialFloat()``.
    @inlinable
    public mutating func fillStandardExponentialFloat(_ out: UnsafeMutableBufferPointer<Float>) {
        ZigguratTables.exponentialFloat { tables in
            for i in out.indices {
                out[i] = standardExponentialFloat(tables)
            }
        }
    }

    // MARK: numpy's algorithm

    /// numpy `random_standard_exponential`. Always inlined: it is the whole hot loop of the `fill…` methods.
    @inlinable @inline(__always)
    mutating func standardExponential(_ tables: Ziggurat<UInt64, Double>) -> Double {
        while true {
            let word = bitGenerator.next() >> 3
            let layer = Int(truncatingIfNeeded: word & 0xFF)
            let magnitude = word >> 8
            let x = Double(magnitude) * tables.widths[layer]
            if magnitude < tables.bounds[layer] { return x }
            if layer == 0 { return ZigguratTables.exponentialRadius - cLog1p(-bitGenerator.nextDouble()) }
            if exponentialWedgeAccepts(x, layer: layer, tables) { return x }
        }
    }

    /// numpy's wedge test for layer `layer > 0`: `(f[i-1] - f[i]) * U + f[i] < exp(-x)`.
    @inlinable @inline(never)
    mutating func exponentialWedgeAccepts(_ x: Double, layer: Int, _ tables: Ziggurat<UInt64, Double>) -> Bool {
        let height = tables.densities[layer]
        return (tables.densities[layer - 1] - height) * bitGenerator.nextDouble() + height < cExp(-x)
    }

    /// numpy `random_standard_exponential_f`. Always inlined: it is the whole hot loop of the `fill…` methods.
    @inlinable @inline(__always)
    mutating func standardExponentialFloat(_ tables: Ziggurat<UInt32, Float>) -> Float {
        while true {
            let word = bitGenerator.nextUInt32() >> 1
            let layer = Int(truncatingIfNeeded: word & 0xFF)
            let magnitude = word >> 8
            let x = Float(magnitude) * tables.widths[layer]
            if magnitude < tables.bounds[layer] { return x }
            if layer == 0 { return ZigguratTables.exponentialRadiusFloat - cLog1pf(-randomFloat()) }
            if exponentialWedgeAcceptsFloat(x, layer: layer, tables) { return x }
        }
    }

    /// numpy's float wedge test, in single precision (`expf`).
    @inlinable @inline(never)
    mutating func exponentialWedgeAcceptsFloat(_ x: Float, layer: Int, _ tables: Ziggurat<UInt32, Float>) -> Bool {
        let height = tables.densities[layer]
        return (tables.densities[layer - 1] - height) * randomFloat() + height < cExpf(-x)
    }
}
