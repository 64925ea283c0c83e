/// Float64 scalar math for hyperparameters (bias corrections, decay factors), written with IEEE
/// basic operations and fused multiply-add only, so results do not depend on the platform's libm.
enum ScalarMath {
    /// `base` to the power `exponent` (`exponent >= 0`), as Python's `base ** exponent` with a
    /// correctly rounded `pow`: exponentiation by squaring in double-double arithmetic (about 100
    /// bits, error below 2^-95 relative for any exponent that fits in an `Int`), then rounded once.
    /// The result is the correctly rounded power except when the exact power lies within that error
    /// of a rounding boundary, and except deep in the subnormal range where the low word loses bits.
    ///
    /// - Precondition: `exponent >= 0`.
    static func power(_ base: Double, _ exponent: Int) -> Double {
        precondition(exponent >= 0, "power: the exponent must be non-negative, got \(exponent)")
        var result: DoubleDouble = (1, 0)
        var square: DoubleDouble = (base, 0)
        var n = exponent
        while n > 0 {
            if n & 1 == 1 { result = multiply(result, square) }
            n >>= 1
            if n > 0 { square = multiply(square, square) }
        }
        return result.hi + result.lo
    }

    /// The double-double product of two double-double numbers (Dekker's product with a fused
    /// multiply-add for the exact low part of `a.hi · b.hi`), renormalized.
    private typealias DoubleDouble = (hi: Double, lo: Double)

    private static func multiply(_ a: DoubleDouble, _ b: DoubleDouble) -> DoubleDouble {
        let product = a.hi * b.hi
        let error = (-product).addingProduct(a.hi, b.hi)
        let low = error + (a.hi * b.lo + a.lo * b.hi)
        let hi = product + low
        return (hi, low - (hi - product))
    }
}
