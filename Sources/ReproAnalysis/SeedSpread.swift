import Foundation

/// What a set of seeds says about one more seed (statistical reproducibility as a test with a
/// criterion): the spread of the runs' final headline metric (``ValidationMetric/headline(metrics:)``),
/// the 95 % prediction interval for one more seed's final value, the metric's resolution (one
/// validation sample), and how many seeds a difference needs to be detectable.
///
/// `repro exercise` judges seed N+1 against the seeds other than N and N+1 with it, `repro stats`
/// prints it for a sweep and the report for each sweep on the page, all with the texts below, so
/// the three show the same figures for the same runs.
///
/// Values are in the unit shown (``ValidationMetric/displayed(_:)``: an accuracy in percent, its
/// differences in percentage points, `pp`). The prediction interval assumes the final values of
/// different seeds are independent draws from one normal distribution.
package struct SeedSpread: Sendable {
    /// The level of the prediction intervals.
    static let level = 0.95
    /// The significance level and power of ``seedsNeeded(toDetect:)``.
    static let alpha = 0.05
    static let power = 0.8

    /// The metric judged.
    let metric: ValidationMetric
    /// The runs, one per seed (a run whose seed an earlier run has is left out), in the order given.
    let runs: [RunRecord]
    /// The runs left out because an earlier run has their seed.
    let repeatedSeedRuns: [RunRecord]
    /// Each run's final value, in the unit shown.
    let finals: [Double]
    /// The summary of ``finals``.
    let summary: SampleSummary
    /// The evaluation steps every run logs, and each run's value there (`curves[run][step index]`).
    let steps: [Int]
    let curves: [[Double]]
    /// The number of validation samples behind an accuracy, inferred from the logged values
    /// (``sampleCount(_:limit:)``); nil for another metric or when no count explains them.
    let validationSamples: Int?

    /// The spread of `runs` (at least one, logging the same metrics).
    ///
    /// - Throws: ``RunFileError`` when a log lacks the metric's column.
    package init(_ runs: [RunRecord]) throws {
        precondition(!runs.isEmpty, "SeedSpread: no runs")
        try RunRecord.requireSameMetricNames(runs)
        var seen = Set<UInt64>()
        let firstOfSeed = runs.map { seen.insert($0.manifest.seed.seed).inserted }
        let distinct = zip(runs, firstOfSeed).filter(\.1).map(\.0)
        self.runs = distinct
        repeatedSeedRuns = zip(runs, firstOfSeed).filter { !$0.1 }.map(\.0)
        let metric = ValidationMetric.headline(metrics: runs[0].metricNames)
        self.metric = metric
        let logged = try distinct.map { try metric.values(in: $0.evaluations) }
        finals = distinct.map { metric.displayed(metric.finalValue($0.manifest.finalMetrics) ?? .nan) }
        summary = SampleSummary(finals)
        let lookups = zip(distinct, logged).map { run, values in
            Dictionary(zip(run.evaluations.steps, values).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
        let shared = distinct[0].evaluations.steps.filter { step in lookups.allSatisfy { $0[step] != nil } }
        steps = shared
        curves = lookups.map { lookup in shared.map { metric.displayed(lookup[$0]!) } }
        validationSamples = metric.isPercent ? Self.sampleCount(logged.flatMap { $0 }) : nil
    }

    /// The smallest `n ≤ limit` for which every value is exactly the `Double` nearest `k/n` for
    /// some integer `k`: the number of validation samples behind an accuracy (correct samples /
    /// samples, as the trainer divides). Two different fractions with denominators up to `limit`
    /// differ by far more than a `Double`'s rounding, so the answer is the true count divided by
    /// the greatest common divisor of the count and every numerator (the true count whenever the
    /// numerators share no factor with it). Nil when no value lies strictly between 0 and 1 or no
    /// `n` up to `limit` explains them all.
    static func sampleCount(_ values: [Double], limit: Int = 1_000_000) -> Int? {
        guard let probe = values.first(where: { $0 > 0 && $0 < 1 }) else { return nil }
        func explains(_ value: Double, _ n: Double) -> Bool { (value * n).rounded() / n == value }
        for n in 1...limit where explains(probe, Double(n)) && values.allSatisfy({ explains($0, Double(n)) }) {
            return n
        }
        return nil
    }

    /// The seeds, as ascending ranges (`44–47`).
    var seedText: String { RunStatistics.seedList(runs.map(\.manifest.seed.seed)) }

    /// The 95 % prediction interval for one more seed's final value:
    /// `mean ± t · SD · √(1 + 1/k)` over the ``finals`` of the k runs, t with k − 1 degrees of
    /// freedom, clamped to 0…100 % for an accuracy (which cannot lie outside); nil for fewer than
    /// two runs.
    var prediction: ClosedRange<Double>? { summary.predictionInterval(level: Self.level).map(clamped) }

    /// `interval` clamped to 0…100 for a percent metric; as is otherwise.
    func clamped(_ interval: ClosedRange<Double>) -> ClosedRange<Double> {
        guard metric.isPercent else { return interval }
        return min(max(interval.lowerBound, 0), 100)...min(max(interval.upperBound, 0), 100)
    }

    /// The per-step 95 % prediction interval at each of ``steps``; nil for fewer than two runs.
    var stepPredictions: [ClosedRange<Double>]? {
        guard runs.count >= 2 else { return nil }
        return steps.indices.map { index in clamped(SampleSummary(curves.map { $0[index] }).predictionInterval(level: Self.level)!) }
    }

    /// The smallest difference the metric can show: one validation sample, in the unit shown; nil
    /// when unknown.
    var resolution: Double? { validationSamples.map { metric.displayed(1 / Double($0)) } }

    /// The seeds per configuration a two-sided two-sample test at α = 0.05 needs to detect a
    /// difference `delta` between two configurations' mean final values with power 0.8, from this
    /// spread's SD: `n = ⌈2 · ((z₀.₉₇₅ + z₀.₈) · SD / δ)²⌉` (the normal approximation), at least 2;
    /// nil without an SD (one run) or for `delta ≤ 0`.
    func seedsNeeded(toDetect delta: Double) -> Int? {
        guard let sd = summary.standardDeviation, delta > 0, delta.isFinite else { return nil }
        let z = StandardNormal.quantile(1 - Self.alpha / 2) + StandardNormal.quantile(Self.power)
        let n = 2 * (z * sd / delta) * (z * sd / delta)
        return max(2, Int(n.rounded(.up)))
    }

    /// `value` as shown: `98.05 %` for a percent metric, four significant digits otherwise.
    func value(_ value: Double) -> String {
        metric.isPercent ? String(format: "%.2f %%", value) : String(format: "%.4g", value)
    }

    /// A difference or spread as shown: `0.279 pp` for a percent metric (three significant
    /// digits), four significant digits otherwise.
    func amount(_ value: Double) -> String {
        metric.isPercent ? String(format: "%.3g pp", value) : String(format: "%.4g", value)
    }

    /// The prediction interval in words, with how it is computed; or, for fewer than two runs,
    /// that it cannot be computed and what it needs.
    var predictionText: String {
        guard let interval = intervalText else {
            return "no prediction interval for one more seed: it needs the final \(metric.label) of at least 2 seeds, "
                + "there \(runs.count == 1 ? "is 1" : "are \(runs.count)") (seed \(seedText))"
        }
        return "95 % prediction interval for one more seed's final \(metric.label): " + interval
    }

    /// `97.08 % – 98.93 % (seeds 44–47: mean …, SD …; mean ± t·SD·√(1 + 1/4), t = 3.182 with 3
    /// degrees of freedom)`; nil for fewer than two runs.
    var intervalText: String? {
        guard let prediction, let t = summary.studentQuantile(level: Self.level) else { return nil }
        let k = runs.count
        return "\(value(prediction.lowerBound)) – \(value(prediction.upperBound)) (seeds \(seedText): mean "
            + "\(value(summary.mean)), SD \(amount(summary.standardDeviation!)); mean ± t·SD·√(1 + 1/\(k)), "
            + "t = \(String(format: "%.3f", t)) with \(k - 1) degree\(k == 2 ? "" : "s") of freedom)"
    }

    /// The resolution in words, nil when unknown: `one validation sample is 0.279 pp (359 samples, …)`.
    var resolutionText: String? {
        guard let resolution, let validationSamples else { return nil }
        return "one validation sample is \(amount(resolution)) of \(metric.name) (\(validationSamples) samples, "
            + "inferred from the logged \(metric.pluralLabel))"
    }

    /// How many seeds a difference `delta` (the tolerance, or one validation sample) needs, in words;
    /// nil without an SD.
    func seedsNeededText(toDetect delta: Double) -> String? {
        guard let n = seedsNeeded(toDetect: delta), let sd = summary.standardDeviation else { return nil }
        return "detecting a difference of \(amount(delta)) in mean final \(metric.shortLabel) between two configurations "
            + "needs about \(n) seeds per configuration (two-sided two-sample test, α = 0.05, power 0.8: "
            + "n = 2·((z₀.₉₇₅ + z₀.₈)·SD/δ)² with SD \(amount(sd)) from seeds \(seedText))"
    }

    /// A warning when `tolerance` is finer than one validation sample; nil otherwise.
    func toleranceWarning(_ tolerance: Double) -> String? {
        guard let resolution, tolerance < resolution else { return nil }
        return "warning: the tolerance ±\(amount(tolerance)) is finer than the metric resolves: one validation sample "
            + "is \(amount(resolution)), so only equal counts of correct samples agree within it"
    }
}

/// One run judged against the spread of seeds other than its own (``SeedSpread``): its final
/// value inside the 95 % prediction interval for one more seed, and the share of evaluation
/// steps at which its curve lies inside the per-step 95 % prediction interval.
package struct NewSeedCheck: Sendable {
    /// The spread judged against.
    let spread: SeedSpread
    /// The run's final value, in the unit shown.
    let value: Double
    /// How many of the evaluation steps the run and the spread share put the run's value inside
    /// the per-step interval, and of how many; nil for fewer than two runs in the spread.
    let stepsInside: (inside: Int, steps: Int)?

    /// Judges `run` against `spread`.
    ///
    /// - Precondition: the spread holds no run of `run`'s seed.
    /// - Throws: ``RunFileError`` when the run logs other metrics or lacks the metric's column.
    package init(_ run: RunRecord, against spread: SeedSpread) throws {
        precondition(!spread.runs.contains { $0.manifest.seed.seed == run.manifest.seed.seed },
                     "NewSeedCheck: the spread holds the run's own seed")
        try RunRecord.requireSameMetricNames([run] + spread.runs)
        self.spread = spread
        let metric = spread.metric
        value = metric.displayed(metric.finalValue(run.manifest.finalMetrics) ?? .nan)
        if let intervals = spread.stepPredictions {
            let logged = Dictionary(zip(run.evaluations.steps, try metric.values(in: run.evaluations)).map { ($0, $1) },
                                    uniquingKeysWith: { first, _ in first })
            let shared = spread.steps.indices.filter { logged[spread.steps[$0]] != nil }
            stepsInside = (shared.filter { intervals[$0].contains(metric.displayed(logged[spread.steps[$0]]!)) }.count, shared.count)
        } else {
            stepsInside = nil
        }
    }

    /// Whether the final value lies inside the prediction interval; nil when there is none.
    package var inside: Bool? { spread.prediction.map { $0.contains(value) } }

    /// `final accuracy 97.77 % is inside the 95 % prediction interval …; its accuracy curve …`,
    /// or that the interval cannot be computed.
    var text: String {
        guard let interval = spread.intervalText, let inside else { return "not judged: " + spread.predictionText }
        var text = "final \(spread.metric.shortLabel) \(spread.value(value)) is \(inside ? "inside" : "OUTSIDE") the 95 % "
            + "prediction interval for one more seed, " + interval
        if let stepsInside {
            text += "; its \(spread.metric.shortLabel) curve lies inside the per-step 95 % prediction interval at "
                + "\(stepsInside.inside) of \(ReportFormat.plural(stepsInside.steps, "evaluation"))"
        }
        return text
    }
}

extension SeedSpread {
    /// The verdicts `repro exercise` prints on seed N+1 (`b`) against seed N (`a`) and against
    /// the `others` (seeds N+2 …, neither N nor N+1): how the logs diverge (`divergence`, as
    /// `repro compare` finds it) and both final values, with `tolerance` (in the unit shown:
    /// percentage points for an accuracy) whether they agree within it; whether N+1 lies inside
    /// the others' prediction interval for one more seed (``NewSeedCheck``), or why that cannot
    /// be judged; the metric's resolution; the seeds a difference of `tolerance` (or of one
    /// validation sample) needs; a warning when `tolerance` is finer than one validation sample.
    package static func exerciseVerdicts(seed: UInt64, _ a: RunRecord, _ b: RunRecord, divergence: String,
                                         others: [RunRecord], tolerance: Double?) throws -> [String] {
        let pair = try SeedSpread([a, b])
        let (x, y) = (pair.finals[0], pair.finals[1])
        var first = "seed \(seed) vs seed \(seed + 1): \(divergence); final \(pair.metric.shortLabel) \(pair.value(x)) vs \(pair.value(y))"
        if let tolerance {
            let difference = Swift.abs(y - x)
            first += ", \(difference <= tolerance ? "within" : "NOT within") the tolerance ±\(pair.amount(tolerance)) "
                + "(difference \(pair.amount(difference)))"
        }
        var lines = [first]
        let minimum = "use --spread 4 or more for 2 seeds besides \(seed) and \(seed + 1)"
        guard !others.isEmpty else {
            return lines + ["seed \(seed + 1) vs the other seeds: not judged: there are none; " + minimum]
        }
        let spread = try SeedSpread(others)
        let check = try NewSeedCheck(b, against: spread)
        lines.append("seed \(seed + 1) vs seed\(spread.runs.count == 1 ? "" : "s") \(spread.seedText): \(check.text)"
                     + (spread.prediction == nil ? "; " + minimum : ""))
        if let resolution = spread.resolutionText { lines.append("resolution: " + resolution) }
        if let delta = tolerance ?? spread.resolution, let needed = spread.seedsNeededText(toDetect: delta) {
            lines.append("seeds needed: " + needed)
        }
        if let tolerance, let warning = pair.toleranceWarning(tolerance) { lines.append(warning) }
        return lines
    }
}
