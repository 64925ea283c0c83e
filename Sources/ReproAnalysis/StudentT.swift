import Foundation

/// Student's t distribution with `degreesOfFreedom` ν > 0 (any real ν, as Welch's test needs):
/// the distribution function, its complement, two-sided p-values and the quantile function,
/// computed without SciPy.
///
/// The distribution function comes from the regularized incomplete beta function,
/// `P(T > t) = I_x(ν/2, 1/2) / 2` with `x = ν/(ν + t²)` for `t > 0`, evaluated by its continued
/// fraction (modified Lentz), with `x` and `1 − x = t²/(ν + t²)` each computed directly so that
/// neither loses digits to cancellation. The quantile is found by bisection on `t` over the
/// upper tail, or on the central part `P(0 < T ≤ t)` near 0, until the bracket is two adjacent
/// doubles, so its accuracy is that of the probabilities. Agrees with 50-digit mpmath values
/// (`Tests/ReproRunsTests/Vectors/stats.json`) to 1e-12 relative for ν up to 1000 and 2e-12 at
/// ν = 10⁴ (the error grows with ν through `lgamma`'s cancellation in the beta function);
/// `scipy.stats.t` is itself off by up to 3e-9 near t = 0 for small ν.
///
/// - Determinism: basic operations plus the platform's `log`, `exp` and `lgamma`; results can
///   differ in the last bits between platforms. Statistics are never part of a run's digest.
struct StudentT: Sendable, Hashable {
    /// ν, positive and finite.
    let degreesOfFreedom: Double

    /// The t distribution with `degreesOfFreedom` ν.
    ///
    /// - Precondition: ν is positive and finite.
    init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0 && degreesOfFreedom.isFinite,
                     "StudentT: degrees of freedom must be positive and finite, got \(degreesOfFreedom)")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// `P(T ≤ t)`, as `scipy.stats.t.cdf(t, ν)`. NaN for a NaN `t`.
    func cdf(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if abs(t) < 1 { return t >= 0 ? 0.5 + central(t) : 0.5 - central(-t) }
        return t > 0 ? 1 - survival(t) : survival(-t)
    }

    /// `P(T > t)`, as `scipy.stats.t.sf(t, ν)`; accurate in relative terms far into the upper tail.
    func survival(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if t == 0 { return 0.5 }
        if t < 0 { return 0.5 + central(-t) }
        if t < 1 { return 0.5 - central(t) }
        if t.isInfinite { return 0 }
        let nu = degreesOfFreedom
        let t2 = t * t
        if t2.isInfinite { return 0 }
        let x = nu / (nu + t2)
        let y = t2 / (nu + t2)
        return 0.5 * Self.regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: x, y: y)
    }

    /// `P(|T| ≥ |t|)`, the two-sided p-value of a t statistic (`2 * t.sf(|t|, ν)` in SciPy).
    func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        return min(1, 2 * survival(abs(t)))
    }

    /// `P(0 < T ≤ t)` for `t ≥ 0`: `I_y(1/2, ν/2) / 2` with `y = t²/(ν + t²)`, accurate in
    /// relative terms for small `t` (where `cdf(t) − 0.5` would cancel).
    func central(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        precondition(t >= 0, "StudentT.central: t must be non-negative, got \(t)")
        if t == 0 { return 0 }
        let nu = degreesOfFreedom
        let t2 = t * t
        if t2.isInfinite { return 0.5 }
        return 0.5 * Self.regularizedIncompleteBeta(a: 0.5, b: nu / 2, x: t2 / (nu + t2), y: nu / (nu + t2))
    }

    /// The `p` quantile: the `t` with `P(T ≤ t) = p`, as `scipy.stats.t.ppf(p, ν)`; `-∞` for
    /// `p = 0`, `+∞` for `p = 1`, NaN outside [0, 1].
    ///
    /// Found by bisection on `|t|` until the bracket is two adjacent doubles: against the upper
    /// tail `P(T > |t|) = min(p, 1 − p)` when `|p − 0.5| ≥ 0.25`, else against the central part
    /// `P(0 < T ≤ |t|) = |p − 0.5|` (computed exactly from `p`), so both tails and the
    /// neighbourhood of 0 keep their relative accuracy.
    func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let offset = abs(p - 0.5)  // exact for p in [0.25, 1] (Sterbenz), and within an ulp of 0.5 otherwise
        // above(t) is true while t is below the quantile: a decreasing tail still above its target,
        // or an increasing central part still below it.
        let above: (Double) -> Bool
        if offset >= 0.25 {
            let tail = min(p, 1 - p)
            above = { self.survival($0) > tail }
        } else {
            above = { self.central($0) < offset }
        }
        var low = 0.0
        var high = 1.0
        while above(high) {
            low = high
            high *= 2
            if high.isInfinite { return p > 0.5 ? .infinity : -.infinity }
        }
        // above(low), not above(high): halve until the bracket is two adjacent doubles.
        while true {
            let middle = low + (high - low) / 2
            if middle <= low || middle >= high { break }
            if above(middle) { low = middle } else { high = middle }
        }
        let error: (Double) -> Double = offset >= 0.25 ? { abs(self.survival($0) - min(p, 1 - p)) }
                                                       : { abs(self.central($0) - offset) }
        let t = error(low) < error(high) ? low : high
        return p > 0.5 ? t : -t
    }

    /// The regularized incomplete beta function `I_x(a, b)`, with `y = 1 − x` given separately
    /// (computed without cancellation by the caller). Numerical Recipes' `betai` with the modified
    /// Lentz continued fraction, switching to `1 − I_y(b, a)` where that converges faster.
    ///
    /// - Precondition: `a, b > 0`, `0 ≤ x ≤ 1`, `y = 1 − x`.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, y: Double) -> Double {
        precondition(a > 0 && b > 0, "incomplete beta: a and b must be positive, got \(a), \(b)")
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logFront = a * log(x) + b * log(y) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * continuedFraction(a: b, b: a, x: y) / b
    }

    /// `log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b)`.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// The continued fraction of `I_x(a, b)` (Numerical Recipes' `betacf`), to full precision.
    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= 2 * Double.ulpOfOne { break }
        }
        return h
    }
}
