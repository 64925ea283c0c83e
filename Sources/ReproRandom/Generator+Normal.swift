/// Normal draws: numpy's 256-layer ziggurat (`random_standard_normal`, `random_standard_normal_f`).
extension Generator {
    /// A standard normal double (numpy `standard_normal()`).
    ///
    /// numpy's ziggurat: one 64-bit word gives the layer (low 8 bits), the sign (next bit) and a
    /// 52-bit magnitude; draws outside a layer's rectangle take numpy's wedge test or, in the base
    /// layer, its tail algorithm, with further `random()` draws.
    ///
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func standardNormal() -> Double {
        ZigguratTables.normalDouble { standardNormal($0) }
    }

    /// A standard normal float (numpy `standard_normal(dtype=np.float32)`).
    ///
    /// numpy's float ziggurat on one buffered 32-bit word: layer (low 8 bits), sign (next bit) and a
    /// 23-bit magnitude; the slow paths draw `randomFloat()` values.
    ///
    /// - Stability: frozen; matches numpy bit for bit, including the 32-bit buffering.
    @inlinable
    public mutating func standardNormalFloat() -> Float {
        ZigguratTables.normalFloat { standardNormalFloat($0) }
    }

    /// A normal double with the given mean and standard deviation:
    /// `mean + standardDeviation * standardNormal()` (numpy `normal(loc, scale)`).
    ///
    /// - Throws: ``RandomArgumentError`` when `standardDeviation` is negative (numpy tests the sign
    ///   bit, so `-0.0` is rejected too; NaN is accepted, as in numpy).
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) throws -> Double {
        guard standardDeviation.isNaN || standardDeviation.sign == .plus else {
            throw RandomArgumentError(
                "normal", "standardDeviation must be non-negative, got \(standardDeviation)")
        }
        return mean + standardDeviation * standardNormal()
    }

    /// Fills `out` with standard normal doubles, in order (numpy `standard_normal(size)`).
    ///
    /// - Stability: frozen; the values equal `out.count` calls of ``standardNormal()``.
    @inlinable
    public mutating func fillStandardNormal(_ out: UnsafeMutableBufferPointer<Double>) {
        ZigguratTables.normalDouble { tables in
            for i in out.indices {
                out[i] = standardNormal(tables)
            }
        }
    }

    /// Fills `out` with standard normal floats, in order
    /// (numpy `standard_normal(size, dtype=np.float32)`).
    ///
    /// - Stability: frozen; the values equal `out.count` calls of ``standardNormalFloat()``.
    @inlinable
    public mutating func fillStandardNormalFloat(_ out: UnsafeMutableBufferPointer<Float>) {
        ZigguratTables.normalFloat { tables in
            for i in out.indices {
                out[i] = standardNormalFloat(tables)
            }
        }
    }

    /// `count` standard normal doubles (numpy `standard_normal(count)`).
    ///
    /// - Throws: ``RandomArgumentError`` when `count` is negative.
    /// - Stability: frozen; the values equal `count` calls of ``standardNormal()``.
    @inlinable
    public mutating func standardNormal(count: Int) throws -> [Double] {
        try Self.checkCount(count, "standardNormal")
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            fillStandardNormal(buffer)
            initialized = count
        }
    }

    // MARK: numpy's algorithm

    /// numpy `random_standard_normal`. Always inlined: it is the whole hot loop of the `fill…` methods.
    @inlinable @inline(__always)
    mutating func standardNormal(_ tables: Ziggurat<UInt64, Double>) -> Double {
        while true {
            var word = bitGenerator.next()
            let layer = Int(truncatingIfNeeded: word & 0xFF)
            word >>= 8
            let magnitude = (word >> 1) & 0x000F_FFFF_FFFF_FFFF
            let x = Double(magnitude) * tables.widths[layer]
            let signed = word & 1 == 0 ? x : -x
            if magnitude < tables.bounds[layer] { return signed }
            if layer == 0 { return normalTail(negative: (magnitude >> 8) & 1 == 1) }
            if normalWedgeAccepts(signed, layer: layer, tables) { return signed }
        }
    }

    /// numpy's wedge test for layer `layer > 0`: `(f[i-1] - f[i]) * U + f[i] < exp(-x²/2)`.
    @inlinable @inline(never)
    mutating func normalWedgeAccepts(_ x: Double, layer: Int, _ tables: Ziggurat<UInt64, Double>) -> Bool {
        let height = tables.densities[layer]
        return (tables.densities[layer - 1] - height) * bitGenerator.nextDouble() + height < cExp(-0.5 * x * x)
    }

    /// numpy's tail beyond r (Marsaglia's method), with `log1p(-U)` for `log(1 - U)`.
    @inlinable @inline(never)
    mutating func normalTail(negative: Bool) -> Double {
        while true {
            let xx = -ZigguratTables.normalInverseRadius * cLog1p(-bitGenerator.nextDouble())
            let yy = -cLog1p(-bitGenerator.nextDouble())
            if yy + yy > xx * xx {
                return negative ? -(ZigguratTables.normalRadius + xx) : ZigguratTables.normalRadius + xx
            }
        }
    }

    /// numpy `random_standard_normal_f`. Always inlined: it is the whole hot loop of the `fill…` methods.
    @inlinable @inline(__always)
    mutating func standardNormalFloat(_ tables: Ziggurat<UInt32, Float>) -> Float {
        while true {
            let word = bitGenerator.nextUInt32()
            let layer = Int(truncatingIfNeeded: word & 0xFF)
            let magnitude = (word >> 9) & 0x007F_FFFF
            let x = Float(magnitude) * tables.widths[layer]
            let signed = (word >> 8) & 1 == 0 ? x : -x
            if magnitude < tables.bounds[layer] { return signed }
            if layer == 0 { return normalTailFloat(negative: (magnitude >> 8) & 1 == 1) }
            if normalWedgeAcceptsFloat(signed, layer: layer, tables) { return signed }
        }
    }

    /// numpy's float wedge test; as in numpy's C, the comparison is made in double precision.
    @inlinable @inline(never)
    mutating func normalWedgeAcceptsFloat(_ x: Float, layer: Int, _ tables: Ziggurat<UInt32, Float>) -> Bool {
        let height = tables.densities[layer]
        let y = (tables.densities[layer - 1] - height) * randomFloat() + height
        let wide = Double(x)
        return Double(y) < cExp(-0.5 * wide * wide)
    }

    /// numpy's float tail beyond r, in single precision (`log1pf`).
    @inlinable @inline(never)
    mutating func normalTailFloat(negative: Bool) -> Float {
        while true {
            let xx = -ZigguratTables.normalInverseRadiusFloat * cLog1pf(-randomFloat())
            let yy = -cLog1pf(-randomFloat())
            if yy + yy > xx * xx {
                return negative
                    ? -(ZigguratTables.normalRadiusFloat + xx) : ZigguratTables.normalRadiusFloat + xx
            }
        }
    }
}
