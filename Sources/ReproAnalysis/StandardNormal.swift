import Foundation

/// The standard normal distribution's quantile function, for sample-size calculations
/// (``SeedSpread/seedsNeeded(toDetect:)``).
enum StandardNormal {
    /// `P(Z ≤ z) = erfc(−z/√2)/2`.
    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The `p` quantile (`scipy.stats.norm.ppf(p)`): the `z` with `P(Z ≤ z) = p`, found by
    /// bisection on ``cdf(_:)`` until the bracket is two adjacent doubles.
    ///
    /// - Precondition: `0 < p < 1`.
    static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "StandardNormal.quantile: p must be in (0, 1), got \(p)")
        var low = -40.0, high = 40.0  // cdf(±40) is 0 and 1 in Double
        while true {
            let middle = low + (high - low) / 2
            if middle <= low || middle >= high { break }
            if cdf(middle) < p { low = middle } else { high = middle }
        }
        return abs(cdf(low) - p) < abs(cdf(high) - p) ? low : high
    }
}
