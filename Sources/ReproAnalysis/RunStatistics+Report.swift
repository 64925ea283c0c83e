import ReproRuns

extension RunStatistics {
    /// The number of training-loss steps the report shows (evenly spaced, first and last
    /// included); `--per-step` writes them all.
    static let reportedLossSteps = 10
    /// The most evaluation steps the report shows; more are thinned to this many, evenly spaced.
    static let reportedEvaluationSteps = 20

    /// The plain-text summary `repro stats` prints for one group, titled `title` (`sweep` or
    /// `baseline`): its paths, runs and seeds, configuration warnings, the final metrics (an
    /// accuracy in percent), what the seeds predict for one more seed (``SeedSpread``: the
    /// prediction interval, the resolution, and the seeds needed to detect a difference of
    /// `tolerance`, or of one validation sample without one), and the per-step curves at
    /// ``reportedLossSteps`` steps and every evaluation step.
    public func report(title: String, tolerance: Double? = nil) -> String {
        let runs = group.runs
        var text = "\(title): \(group.paths.joined(separator: " ")) — \(ReportFormat.plural(runs.count, "run"))"
        text += runs.count <= 3 ? " (\(runs.map(\.name).joined(separator: ", ")))" : " (\(runs.first!.name) … \(runs.last!.name))"
        text += ", seeds \(Self.seedList(group.seeds))\n"
        for (field, values) in group.varyingSettings {
            text += "  warning: the runs differ in more than the seed: \(field) is "
                + values.map { "\($0.text) in \(ReportFormat.plural($0.count, "run"))" }.joined(separator: ", ") + "\n"
        }
        let repeated = Dictionary(grouping: group.seeds, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !repeated.isEmpty {
            text += "  warning: seeds run more than once (such runs are likely identical and count twice): "
                + repeated.map(String.init).joined(separator: ", ") + "\n"
        }

        let level = runs.count > 1 ? "95% CI of the mean (t, df \(runs.count - 1))" : "95% CI of the mean"
        var finals = TextTable(["final metric", "mean", "sd", "min", "max", level])
        for (name, summary) in finalMetrics { finals.append([name] + Self.cells(summary, interval: true)) }
        text += "\n" + finals.rendered() + "\n" + spreadReport(tolerance: tolerance)

        let lossRows = Self.evenlySpaced(loss.count, count: Self.reportedLossSteps)
        text += "\ntraining loss per step (metrics.csv: \(ReportFormat.plural(loss.count, "step")), "
            + (lossRows.count < loss.count ? "\(lossRows.count) evenly spaced shown" : "all shown") + ")\n"
        text += Self.curveTable(lossRows.map { loss[$0] }).rendered()

        let evalRows = Self.evenlySpaced(validationLoss.count, count: Self.reportedEvaluationSteps)
        text += "\nvalidation per evaluation (eval.csv: \(ReportFormat.plural(validationLoss.count, "evaluation"))"
            + (evalRows.count < validationLoss.count ? ", \(evalRows.count) evenly spaced shown" : "") + ")\n"
        let curves = ValidationMetric.all(metrics: group.metricNames).map(curve)
        let metrics = ValidationMetric.all(metrics: group.metricNames)
        var table = TextTable(["step"] + metrics.flatMap { ["\($0.name)\($0.unitSuffix) mean", "sd", "min", "max"] })
        for index in evalRows {
            table.append([String(validationLoss[index].step)]
                         + zip(metrics, curves).flatMap { Self.cells($0.displayed($1[index].summary), interval: false) })
        }
        return text + table.rendered()
    }

    /// What the seeds predict for one more seed (``SeedSpread/predictionText``), the metric's
    /// resolution and, for `tolerance` (or one validation sample), the seeds a difference needs.
    func spreadReport(tolerance: Double?) -> String {
        var lines = [spread.predictionText]
        if !spread.repeatedSeedRuns.isEmpty {
            lines[0] += " (" + spread.repeatedSeedRuns.map(\.name).joined(separator: ", ") + " left out: seed already counted)"
        }
        if let resolution = spread.resolutionText { lines.append(resolution) }
        if let delta = tolerance ?? spread.resolution, let needed = spread.seedsNeededText(toDetect: delta) { lines.append(needed) }
        return lines.map { "  " + $0 + "\n" }.joined()
    }

    /// A per-step table: step, mean, sd, min, max.
    static func curveTable(_ steps: [Step]) -> TextTable {
        var table = TextTable(["step", "mean", "sd", "min", "max"])
        for step in steps { table.append([String(step.step)] + cells(step.summary, interval: false)) }
        return table
    }

    /// mean, sd, min, max (and the 95 % interval) as text; `—` where undefined (one run).
    static func cells(_ summary: SampleSummary, interval: Bool) -> [String] {
        var cells = [summary.mean, summary.standardDeviation, summary.minimum, summary.maximum]
            .map { $0.map(ReportFormat.number) ?? "—" }
        if interval {
            cells.append(summary.confidenceInterval().map {
                "[\(ReportFormat.number($0.lowerBound)), \(ReportFormat.number($0.upperBound))]"
            } ?? "— (needs 2 runs)")
        }
        return cells
    }

    /// Seeds as ascending ranges: `40–47`, `1, 3, 5–9`.
    static func seedList(_ seeds: [UInt64]) -> String {
        let sorted = Set(seeds).sorted()
        var parts: [String] = []
        var start = 0
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end > start + 1 ? "\(sorted[start])–\(sorted[end])"
                                         : (start...end).map { String(sorted[$0]) }.joined(separator: ", "))
            start = end + 1
        }
        return parts.joined(separator: ", ")
    }

    /// The full per-step table as CSV: `step`, then mean, sd, min and max of `loss`,
    /// `validation_loss` and each metric's `validation_<metric>` (each `NAME_mean`, `NAME_sd`, …),
    /// and with a baseline its columns prefixed `baseline_`. One row per step either group logs; fields
    /// without a value (a step without evaluation, sd of one run) are empty. Numbers are written
    /// in shortest round-trip form (min and max as the logged values: a loss as its `Float`), so
    /// the same runs always give the same bytes.
    package static func perStepCSV(_ groups: [RunStatistics]) -> String {
        var header = ["step"]
        for (index, statistics) in groups.enumerated() {
            for name in ["loss"] + ValidationMetric.all(metrics: statistics.group.metricNames).map(\.column) {
                header += ["mean", "sd", "min", "max"].map { "\(index == 0 ? "" : "baseline_")\(name)_\($0)" }
            }
        }
        let steps = Set(groups.flatMap { $0.loss.map(\.step) + $0.validationLoss.map(\.step) }).sorted()
        let lookups = groups.map { statistics in
            ([statistics.loss] + ValidationMetric.all(metrics: statistics.group.metricNames).map(statistics.curve)).map { curve in
                Dictionary(uniqueKeysWithValues: curve.map { ($0.step, $0.summary) })
            }
        }
        var text = header.joined(separator: ",") + "\n"
        for step in steps {
            var fields = [String(step)]
            for curves in lookups {
                for curve in curves {
                    guard let summary = curve[step] else { fields += ["", "", "", ""]; continue }
                    fields += [MetricValue.double(summary.mean).text,
                               summary.standardDeviation.map { MetricValue.double($0).text } ?? "",
                               ReportFormat.exact(summary.minimum), ReportFormat.exact(summary.maximum)]
                }
            }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }
}

extension SweepComparison {
    /// The plain-text comparison `repro stats --baseline` prints: the settings that differ,
    /// then for each final metric the difference of means, Welch's test, the effect size and the
    /// paired test (naming the paired seeds), then the loss curves' correlation.
    public var report: String {
        var text = "comparison: sweep − baseline\n"
        text += settingDifferences.isEmpty
            ? "  configuration: the same apart from the seed\n"
            : "  configuration differs: " + settingDifferences.map {
                "\($0.field.dropFirst("configuration.".count)) \($0.a) vs \($0.b)"
            }.joined(separator: ", ") + "\n"
        if pairedSeeds.isEmpty {
            text += "  paired by seed: none (no seed ran exactly once in each sweep)\n"
        } else {
            text += "  paired by seed: \(ReportFormat.plural(pairedSeeds.count, "pair")) (seeds \(RunStatistics.seedList(pairedSeeds)))"
            let unpaired = [("sweep", unpairedSweepSeeds), ("baseline", unpairedBaselineSeeds)].filter { !$0.1.isEmpty }
            text += unpaired.isEmpty ? "\n" : "; unpaired: " + unpaired.map { "\($0.0) \($0.1.map(String.init).joined(separator: ", "))" }
                .joined(separator: "; ") + "\n"
        }
        for metric in metrics {
            // Differences and spreads in the unit shown: an accuracy's in percentage points.
            let unit = metric.metric.isPercent ? " pp" : ""
            func signed(_ value: Double) -> String { Self.signed(metric.metric.displayed(value)) + unit }
            func amount(_ value: Double) -> String { ReportFormat.number(metric.metric.displayed(value)) + unit }
            text += "  final \(metric.name): difference of means \(signed(metric.meanDifference))\n"
            if let welch = metric.welch {
                text += "    Welch's t-test: t = \(ReportFormat.number(welch.t)), df = \(ReportFormat.number(welch.degreesOfFreedom)), "
                    + "p = \(ReportFormat.number(welch.pValue))\n"
            } else {
                text += "    Welch's t-test: undefined (needs 2 runs in each sweep and some variation)\n"
            }
            if let effect = metric.effectSize {
                text += "    effect size: Cohen's d = \(ReportFormat.number(effect.cohensD)) (pooled sd "
                    + "\(amount(effect.pooledStandardDeviation))), Hedges' g = \(ReportFormat.number(effect.hedgesG))\n"
            } else {
                text += "    effect size: undefined (needs 4 runs in all and some variation)\n"
            }
            if let paired = metric.paired {
                text += "    paired t-test over \(ReportFormat.plural(paired.count, "seed")): mean difference "
                    + "\(signed(paired.meanDifference)), sd \(amount(paired.standardDeviation)), "
                    + "t = \(ReportFormat.number(paired.t)), df = \(ReportFormat.number(paired.degreesOfFreedom)), "
                    + "p = \(ReportFormat.number(paired.pValue))\n"
            } else if !pairedSeeds.isEmpty {
                text += "    paired t-test: undefined (needs 2 pairs whose differences vary; differences "
                    + metric.pairedDifferences.map(signed).joined(separator: ", ") + ")\n"
            }
        }
        text += "  training loss curves: per-step means correlate "
            + (lossCurveCorrelation.map { "r = \(ReportFormat.number($0))" } ?? "undefined (r needs 2 steps and varying curves)")
            + " over \(ReportFormat.plural(commonLossSteps, "common step"))"
        let (stepsA, stepsB) = (sweep.loss.count, baseline.loss.count)
        text += stepsA == stepsB ? "\n" : " (the sweep logs \(stepsA) steps, the baseline \(stepsB))\n"
        return text
    }

    /// `+0.0012` / `-0.0012` / `0`.
    static func signed(_ value: Double) -> String { (value > 0 ? "+" : "") + ReportFormat.number(value) }
}

extension StatisticalReproducibility {
    /// `statistical reproducibility (±X): pass|fail`, then each criterion with its outcome.
    package var report: String {
        var text = "statistical reproducibility (±\(ReportFormat.number(tolerance))\(unit)): \(passed ? "pass" : "fail")\n"
        if let warning { text += "  \(warning)\n" }
        for criterion in criteria {
            text += "  \(criterion.passed ? "pass" : "FAIL")  \(criterion.requirement): \(criterion.detail)\n"
        }
        return text
    }
}

extension ValidationMetric {
    /// A summary of values as logged, in the unit shown (``displayed(_:)-(Double)``).
    func displayed(_ summary: SampleSummary) -> SampleSummary { isPercent ? summary.scaled(by: 100) : summary }

    /// ` (%)` after a percent metric's name in a table header, else nothing.
    var unitSuffix: String { isPercent ? " (%)" : "" }
}
