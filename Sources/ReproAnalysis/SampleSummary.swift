import Foundation

/// The mean, spread and range of a sample of finite values (one metric over the runs of a seed
/// sweep), with a confidence interval of the mean from Student's t distribution.
///
/// Matches numpy: `mean`, `std(ddof=1)`, `min`, `max`; the interval is
/// `mean ± t.ppf((1 + level) / 2, n − 1) · sd / √n` (`scipy.stats.t.interval`).
public struct SampleSummary: Sendable, Hashable {
    /// The number of values, at least 1.
    public let count: Int
    /// The arithmetic mean.
    public let mean: Double
    /// The sample standard deviation (ddof = 1); nil for a single value.
    public let standardDeviation: Double?
    /// The smallest value.
    public let minimum: Double
    /// The largest value.
    public let maximum: Double

    /// The summary of `values`.
    ///
    /// - Precondition: `values` is not empty and every value is finite (callers report NaN and
    ///   infinities with the run and step that hold them before summarising).
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "SampleSummary: no values")
        precondition(values.allSatisfy(\.isFinite), "SampleSummary: a value is not finite")
        count = values.count
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        if values.count > 1 {
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardDeviation = (squares / Double(values.count - 1)).squareRoot()
        } else {
            standardDeviation = nil
        }
        minimum = values.min()!
        maximum = values.max()!
    }

    /// The variance (ddof = 1); nil for a single value.
    public var variance: Double? { standardDeviation.map { $0 * $0 } }

    /// The standard error of the mean, `sd / √n`; nil for a single value.
    public var standardError: Double? { standardDeviation.map { $0 / Double(count).squareRoot() } }

    /// The two-sided confidence interval of the mean at `level` (0.95 for 95 %), from Student's t
    /// with `n − 1` degrees of freedom; nil for a single value.
    ///
    /// - Precondition: `0 < level < 1`.
    public func confidenceInterval(level: Double = 0.95) -> ClosedRange<Double>? {
        precondition(level > 0 && level < 1, "confidence level must be in (0, 1), got \(level)")
        guard let standardError else { return nil }
        let half = studentQuantile(level: level)! * standardError
        return (mean - half)...(mean + half)
    }

    /// The two-sided prediction interval at `level` for one more value drawn from the same
    /// population: `mean ± t · sd · √(1 + 1/n)` with Student's t at `(1 + level)/2` and `n − 1`
    /// degrees of freedom (the values assumed normal); nil for a single value.
    ///
    /// - Precondition: `0 < level < 1`.
    public func predictionInterval(level: Double = 0.95) -> ClosedRange<Double>? {
        precondition(level > 0 && level < 1, "prediction level must be in (0, 1), got \(level)")
        guard let standardDeviation else { return nil }
        let half = studentQuantile(level: level)! * standardDeviation * (1 + 1 / Double(count)).squareRoot()
        return (mean - half)...(mean + half)
    }

    /// The t quantile of ``predictionInterval(level:)`` and ``confidenceInterval(level:)``:
    /// `t.ppf((1 + level)/2, n − 1)`; nil for a single value.
    public func studentQuantile(level: Double = 0.95) -> Double? {
        count > 1 ? StudentT(degreesOfFreedom: Double(count - 1)).quantile((1 + level) / 2) : nil
    }

    /// The summary of the values each multiplied by `factor` > 0 (a fraction shown in percent):
    /// mean, sd, minimum and maximum scaled.
    public func scaled(by factor: Double) -> SampleSummary {
        precondition(factor > 0 && factor.isFinite, "SampleSummary.scaled: factor must be positive, got \(factor)")
        return SampleSummary(count: count, mean: mean * factor, standardDeviation: standardDeviation.map { $0 * factor },
                             minimum: minimum * factor, maximum: maximum * factor)
    }

    private init(count: Int, mean: Double, standardDeviation: Double?, minimum: Double, maximum: Double) {
        self.count = count
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// Welch's unequal-variances t-test of two independent samples (`scipy.stats.ttest_ind(a, b,
/// equal_var=False)`): `t = (mean_a − mean_b) / √(s_a²/n_a + s_b²/n_b)`, the Welch–Satterthwaite
/// degrees of freedom, and the two-sided p-value from the t distribution.
public struct WelchTest: Sendable, Hashable {
    /// `mean_a − mean_b`.
    public let meanDifference: Double
    /// `√(s_a²/n_a + s_b²/n_b)`.
    public let standardError: Double
    /// The t statistic.
    public let t: Double
    /// `(s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))`.
    public let degreesOfFreedom: Double
    /// `P(|T| ≥ |t|)`.
    public let pValue: Double

    /// The test of `a` against `b`; nil when a sample has fewer than two values or neither varies
    /// (the statistic is then undefined).
    init?(_ a: SampleSummary, _ b: SampleSummary) {
        guard let va = a.variance, let vb = b.variance, va > 0 || vb > 0 else { return nil }
        let ea = va / Double(a.count), eb = vb / Double(b.count)
        meanDifference = a.mean - b.mean
        standardError = (ea + eb).squareRoot()
        t = meanDifference / standardError
        degreesOfFreedom = (ea + eb) * (ea + eb) / (ea * ea / Double(a.count - 1) + eb * eb / Double(b.count - 1))
        pValue = StudentT(degreesOfFreedom: degreesOfFreedom).twoSidedPValue(t)
    }
}

/// The paired t-test on per-pair differences `a_i − b_i` (`scipy.stats.ttest_rel(a, b)`): a
/// one-sample t-test of the differences' mean against 0 with `n − 1` degrees of freedom.
public struct PairedTTest: Sendable, Hashable {
    /// The number of pairs.
    public let count: Int
    /// The mean of the differences.
    public let meanDifference: Double
    /// The differences' sample standard deviation (ddof = 1).
    public let standardDeviation: Double
    /// `mean / (sd / √n)`.
    public let t: Double
    /// `n − 1`.
    public let degreesOfFreedom: Double
    /// `P(|T| ≥ |t|)`.
    public let pValue: Double

    /// The test over `differences`; nil for fewer than two pairs or differences that do not vary.
    init?(differences: [Double]) {
        guard differences.count >= 2 else { return nil }
        let summary = SampleSummary(differences)
        guard let sd = summary.standardDeviation, sd > 0 else { return nil }
        count = differences.count
        meanDifference = summary.mean
        standardDeviation = sd
        t = summary.mean / summary.standardError!
        degreesOfFreedom = Double(count - 1)
        pValue = StudentT(degreesOfFreedom: degreesOfFreedom).twoSidedPValue(t)
    }
}

/// Standardised mean differences of two independent samples: Cohen's d with the pooled standard
/// deviation, and Hedges' g, d corrected for small samples.
public struct EffectSize: Sendable, Hashable {
    /// `√(((n_a − 1)s_a² + (n_b − 1)s_b²) / (n_a + n_b − 2))`.
    public let pooledStandardDeviation: Double
    /// `(mean_a − mean_b) / pooled sd`.
    public let cohensD: Double
    /// `J · d` with the exact correction `J = Γ(ν/2) / (√(ν/2) · Γ((ν − 1)/2))`, `ν = n_a + n_b − 2`
    /// (Hedges 1981; about `1 − 3/(4ν − 1)`).
    public let hedgesG: Double

    /// The effect size of `a` against `b`; nil when a sample has fewer than two values, the
    /// pooled degrees of freedom are below 2, or neither sample varies.
    init?(_ a: SampleSummary, _ b: SampleSummary) {
        guard let va = a.variance, let vb = b.variance else { return nil }
        let nu = Double(a.count + b.count - 2)
        let pooled = ((Double(a.count - 1) * va + Double(b.count - 1) * vb) / nu).squareRoot()
        guard nu >= 2, pooled > 0 else { return nil }
        pooledStandardDeviation = pooled
        cohensD = (a.mean - b.mean) / pooled
        hedgesG = Self.hedgesCorrection(nu) * cohensD
    }

    /// Hedges' exact small-sample correction `J(ν)`.
    static func hedgesCorrection(_ nu: Double) -> Double {
        exp(lgamma(nu / 2) - lgamma((nu - 1) / 2)) / (nu / 2).squareRoot()
    }
}

/// Correlation of two series.
enum Correlation {
    /// Pearson's correlation coefficient of two equally long series (`numpy.corrcoef(a, b)[0, 1]`);
    /// nil for fewer than two points or a series that does not vary.
    ///
    /// - Precondition: the series have the same length.
    static func pearson(_ a: [Double], _ b: [Double]) -> Double? {
        precondition(a.count == b.count, "pearsonCorrelation: the series have \(a.count) and \(b.count) points")
        guard a.count >= 2 else { return nil }
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        guard saa > 0, sbb > 0 else { return nil }
        return sab / (saa * sbb).squareRoot()
    }
}
