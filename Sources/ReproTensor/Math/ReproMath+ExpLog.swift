// exp, log and their shared constants. Coefficients and constants from scripts/fit_elementary.py.

extension ReproMath {
    /// ln 2 in two parts: `ln2Hi` has 15 significant bits, so `n * ln2Hi` is exact for |n| < 512,
    /// and `ln2Lo` is ln 2 − `ln2Hi` rounded to Float32.
    static let ln2Hi: Float = 0x1.62e4p-1
    static let ln2Lo: Float = 0x1.7f7d1cp-20
    static let log2e: Float = 0x1.715476p+0

    /// e^x: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite reduction, exact first step, r carried as
    /// r + dr), e^r by a minimax polynomial 1 + r + r²·E(r), then scaled by 2^n in two steps, the
    /// first exact and the second rounding once.
    @inline(__always)
    static func expLanes<V: FloatLanes>(_ x: V) -> V { expParts(x).hi }

    /// e^x as hi + lo: `hi` is ``expLanes(_:)``, and `lo` carries most of what rounding `hi` lost
    /// (exactly so before the scaling by 2^n; `lo` loses bits when it is subnormal).
    @inline(__always)
    static func expParts<V: FloatLanes>(_ x: V) -> (hi: V, lo: V) {
        // Outside [-104, 89] the result is 0 or +inf whatever the exact value: clamping keeps n in
        // [-150, 128]. NaN passes (its comparisons are false) and propagates below.
        var x = x.replacing(with: .splat(89), where: .splat(89) .< x)
        x = x.replacing(with: .splat(-104), where: x .< .splat(-104))

        let shifted = V.splat(roundingShifter).addingProduct(x, .splat(log2e))
        let n = shifted - .splat(roundingShifter)  // x·log2 e rounded to an integer, ties to even
        // r + dr = x − n·ln2 to within 2^-37: x − n·ln2Hi is exact, and dr keeps what rounding r
        // loses (r1 − r is exact or off by under 2^-37).
        let r1 = x - n * .splat(ln2Hi)
        let r = r1.addingProduct(n, .splat(-ln2Lo))
        let dr = (r1 - r).addingProduct(n, .splat(-ln2Lo))

        var e = V.splat(0x1.6ac6e4p-10)
        e = V.splat(0x1.123ddcp-7).addingProduct(e, r)
        e = V.splat(0x1.555858p-5).addingProduct(e, r)
        e = V.splat(0x1.55548cp-3).addingProduct(e, r)
        e = V.splat(0x1.fffffcp-2).addingProduct(e, r)
        // p = 1 + r + (dr + r²·E(r)), in [0.70, 1.42]: 1 + r is kept exact as s + (1 − s) + r
        // (Fast2Sum), so only the last addition rounds at p's scale; pLo is what it rounds off.
        let s = V.splat(1) + r
        let w = ((V.splat(1) - s) + r) + dr.addingProduct(r * r, e)
        let p = s + w
        let pLo = (s - p) + w

        // 2^n = 2^n1 · 2^n2 with both factors normal: p·2^n1 is exact and the second product
        // rounds once, also to a subnormal or to infinity.
        let ni = shifted.bits.subtracting(V.splat(roundingShifter).bits)
        let n1 = ni.shiftedRight(1)
        let n2 = ni.subtracting(n1)
        let scale1 = V(bits: n1.adding(.splat(127)).shiftedLeft(23))
        let scale2 = V(bits: n2.adding(.splat(127)).shiftedLeft(23))
        return (p * scale1 * scale2, pLo * scale1 * scale2)
    }

    /// ln x: x = 2^e·m with m in [2/3, 4/3), f = m − 1 exact, ln x = e·ln2 + f − f²/2 + f³·M(f)
    /// (minimax), summed so that only the last addition rounds at the result's scale.
    @inline(__always)
    static func logLanes<V: FloatLanes>(_ x: V) -> V {
        // Subnormals: scale by 2^23 (exact) and take 23 off the exponent.
        let subnormal = x .< .splat(0x1p-126)
        let scaled = x.replacing(with: x * .splat(0x1p23), where: subnormal)
        let offset = V.Bits.splat(0x3f2a_aaab)  // bits of 2/3
        let exponent = scaled.bits.subtracting(offset).shiftedRight(23)
        let m = V(bits: scaled.bits.subtracting(exponent.shiftedLeft(23)))
        let f = m - .splat(1)
        let e = V.converting(exponent) - V.splat(0).replacing(with: .splat(23), where: subnormal)

        // L(f) = −1/2 + f·M(f): the −f²/2 term is applied exactly (f² as f2 + f2Lo).
        var mf = V.splat(-0x1.ff8bp-4)
        mf = V.splat(0x1.1ff958p-3).addingProduct(mf, f)
        mf = V.splat(-0x1.f6b3fep-4).addingProduct(mf, f)
        mf = V.splat(0x1.1e828p-3).addingProduct(mf, f)
        mf = V.splat(-0x1.557e26p-3).addingProduct(mf, f)
        mf = V.splat(0x1.99d58cp-3).addingProduct(mf, f)
        mf = V.splat(-0x1.ffff94p-3).addingProduct(mf, f)
        mf = V.splat(0x1.5554fap-2).addingProduct(mf, f)
        let f2 = f * f
        let f2Lo = f2.negated.addingProduct(f, f)

        // hi + lo = e·ln2Hi + f exactly (Fast2Sum: |e·ln2Hi| ≥ ln2Hi > 1/3 ≥ |f| unless e = 0).
        let a = e * .splat(ln2Hi)
        let hi = a + f
        let lo = (a - hi) + f
        let tail = (lo.addingProduct(e, .splat(ln2Lo)) + f2 * .splat(-0.5))
            + (f2Lo * .splat(-0.5)).addingProduct(f2 * f, mf)
        var y = hi + tail

        y = y.replacing(with: .splat(.infinity), where: x .== .splat(.infinity))
        y = y.replacing(with: .splat(-.infinity), where: x .== .splat(0))
        y = y.replacing(with: .splat(.nan), where: x .< .splat(0))
        return y.replacing(with: x + x, where: x .!= x)
    }
}
