import Foundation

/// The lesson's statistical reproducibility criterion, "the same final accuracy within ±X" and
/// "the same loss-curve shape", made precise (`repro stats --tolerance X`).
///
/// The criterion is checked on the headline metric (``RunStatistics/headline``): the task's first
/// validation metric (the built-in recipe's accuracy), or the validation loss for a task without
/// metrics. With a tolerance X in the unit the metric is shown in (for an accuracy percentage
/// points: 0.1 is ±0.1 %), the check passes when every criterion holds:
/// 1. For the sweep (and for the baseline, when given): every run's final value lies within X of
///    that sweep's mean (`|acc_i − mean| ≤ X`): the seed changes the result by no more than X.
/// 2. With a baseline: the two sweeps' mean final values differ by at most X.
/// 3. With a baseline: the per-step mean training-loss curves, over the steps both sweeps log,
///    have Pearson's r ≥ ``minimumCorrelation`` (0.99): the curves have the same shape. Fewer than
///    two common steps, or a flat curve, leave r undefined, which fails.
///
/// Comparisons are made in `Double` with `≤`, without slack, on the values in the unit shown. A
/// tolerance finer than one validation sample (``SeedSpread/resolution``) is reported with a
/// warning: only equal counts of correct samples agree within it.
package struct StatisticalReproducibility: Sendable {
    /// One criterion and its outcome.
    struct Criterion: Sendable, Hashable {
        /// What is required, in words.
        let requirement: String
        /// Whether it holds.
        let passed: Bool
        /// The measured numbers behind the outcome.
        let detail: String
    }

    /// The smallest correlation of the mean loss curves that counts as the same shape.
    static let minimumCorrelation = 0.99

    /// X.
    let tolerance: Double
    /// The unit of X: ` pp` (percentage points) for an accuracy, else empty.
    let unit: String
    /// The criteria, in the order of the type's documentation.
    let criteria: [Criterion]
    /// The warning that X is finer than the metric resolves; nil when it is not (or unknown).
    let warning: String?

    /// Whether every criterion holds (`repro stats` exits 0, else 1).
    package var passed: Bool { criteria.allSatisfy(\.passed) }

    /// The check of `sweep`, and of its comparison with a baseline when given.
    ///
    /// - Precondition: `tolerance` is non-negative and finite.
    package init(tolerance: Double, sweep: RunStatistics, comparison: SweepComparison? = nil) {
        precondition(tolerance >= 0 && tolerance.isFinite, "tolerance must be non-negative and finite, got \(tolerance)")
        self.tolerance = tolerance
        let metric = sweep.headline
        let unit = metric.isPercent ? " pp" : ""
        self.unit = unit
        func shown(_ value: Double) -> String { ReportFormat.number(metric.displayed(value)) }
        let x = ReportFormat.number(tolerance) + unit
        var criteria: [Criterion] = []
        for (label, statistics) in [("sweep", sweep)] + (comparison.map { [("baseline", $0.baseline)] } ?? []) {
            let worst = statistics.largestDeviation
            criteria.append(Criterion(
                requirement: "every \(label) run's final \(metric.label) is within ±\(x) of the \(label) mean",
                passed: metric.displayed(worst.deviation) <= tolerance,
                detail: "largest deviation \(shown(worst.deviation))\(unit): \(worst.run.name) "
                    + "\(shown(worst.value)) vs mean \(shown(statistics.finalSummary(metric).mean))"))
        }
        if let comparison {
            let difference = abs(comparison.metrics.first { $0.metric == metric }!.meanDifference)
            criteria.append(Criterion(
                requirement: "the sweep and baseline mean final \(metric.pluralLabel) differ by at most \(x)",
                passed: metric.displayed(difference) <= tolerance,
                detail: "|\(shown(comparison.sweep.finalSummary(metric).mean)) − "
                    + "\(shown(comparison.baseline.finalSummary(metric).mean))| = \(shown(difference))\(unit)"))
            let r = comparison.lossCurveCorrelation
            criteria.append(Criterion(
                requirement: "the per-step mean loss curves correlate with r ≥ \(Self.minimumCorrelation)",
                passed: (r ?? -.infinity) >= Self.minimumCorrelation,
                detail: (r.map { "r = \(String(format: "%.6f", $0))" } ?? "r undefined")
                    + " over \(ReportFormat.plural(comparison.commonLossSteps, "common step"))"))
        }
        self.criteria = criteria
        warning = sweep.spread.toleranceWarning(tolerance)
    }
}
