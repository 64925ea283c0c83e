// tanh and sigmoid, both built on exp(-|x|). Coefficients from scripts/fit_elementary.py.

extension ReproMath {
    /// Below this |x|, tanh is a polynomial; from it on, it goes through exp(−2|x|).
    static let tanhThreshold: Float = 0.625

    /// tanh x: |x| < 0.625: x + x³·T(x²) (minimax); beyond: 1 − 2t/(1 + t) with t = e^(−2|x|),
    /// carried in two parts through the division and the subtraction.
    /// Odd by construction (the sign of x is put back last), so tanh(−0) = −0.
    @inline(__always)
    static func tanhLanes<V: FloatLanes>(_ x: V) -> V {
        let a = x.absolute
        let z = a * a
        var p = V.splat(0x1.1a2816p-9)
        p = V.splat(-0x1.0c5edp-7).addingProduct(p, z)
        p = V.splat(0x1.63a55p-6).addingProduct(p, z)
        p = V.splat(-0x1.b9f188p-5).addingProduct(p, z)
        p = V.splat(0x1.11107ap-3).addingProduct(p, z)
        p = V.splat(-0x1.555554p-2).addingProduct(p, z)
        let small = a.addingProduct(a * z, p)

        // t = e^(−2|x|) in [0, 0.29], tanh|x| = 1 − q with q = 2t / (1 + t) in [0, 0.45], and
        // 1 − q summed exactly but for the last rounding.
        let t = expParts(a * .splat(-2))
        let q = divide(t.hi + t.hi, t.lo + t.lo, byOnePlus: t)
        let d = V.splat(1) - q.hi
        let large = d + (((V.splat(1) - d) - q.hi) - q.lo)
        // NaN fails the comparison and takes `large`, which is NaN too.
        return large.replacing(with: small, where: a .< .splat(tanhThreshold)).withSign(of: x)
    }

    /// 1 / (1 + e^(−x)), without overflow: with t = e^(−|x|) in [0, 1], 1/(1 + t) for x ≥ 0 and
    /// t/(1 + t) for x < 0 (so tiny results keep their relative accuracy, down to subnormals).
    @inline(__always)
    static func sigmoidLanes<V: FloatLanes>(_ x: V) -> V {
        let t = expParts(x.absolute.negated)
        let negative = x .< .splat(0)
        let q = divide(V.splat(1).replacing(with: t.hi, where: negative),
                       V.splat(0).replacing(with: t.lo, where: negative), byOnePlus: t)
        return q.hi + q.lo
    }

    /// (nHi + nLo) / (1 + tHi + tLo) for t in [0, 1], as qHi + qLo with |qLo| ≲ 2^-22·|qHi|: 1 + tHi
    /// is kept exact as s + c (Fast2Sum), qHi = nHi·(1/s), and the remainder nHi − qHi·s (one
    /// fused multiply-add) with the first-order terms of nLo, c and tLo goes into qLo. One division;
    /// rounding qHi + qLo once gives the quotient to about half an ulp.
    @inline(__always)
    static func divide<V: FloatLanes>(_ nHi: V, _ nLo: V, byOnePlus t: (hi: V, lo: V)) -> (hi: V, lo: V) {
        let s = V.splat(1) + t.hi
        let c = ((V.splat(1) - s) + t.hi) + t.lo
        let reciprocal = V.splat(1) / s
        let q = nHi * reciprocal
        let remainder = nHi.addingProduct(q.negated, s) + nLo
        return (q, remainder.addingProduct(q.negated, c) * reciprocal)
    }
}
