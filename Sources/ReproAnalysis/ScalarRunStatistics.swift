import ReproRuns

/// Statistics over runs of another framework (`repro stats` when its inputs are TensorBoard
/// directories or CSV logs, docs/ARCHITECTURE.md §7): for each series, its final value (at the last
/// logged step) and its per-step mean, sample standard deviation, minimum and maximum over the runs.
///
/// The runs must log the same series at the same steps, with finite values: per-step statistics
/// over different step grids would compare different moments of training.
public struct ScalarRunStatistics: Sendable {
    /// One series over the runs.
    public struct SeriesStatistics: Sendable {
        /// The tag or column.
        public let name: String
        /// The values at the last logged step.
        public let final: SampleSummary
        /// The values at each step.
        public let steps: [RunStatistics.Step]
    }

    /// The runs, in the order given.
    public let runs: [ScalarRun]
    /// Each series, in the first run's order.
    public let series: [SeriesStatistics]

    /// The statistics of `runs`.
    ///
    /// - Throws: ``RunFileError`` naming the run: no runs, a run that logs other series than the
    ///   first, a series logged at other steps than in the first run (mismatched step grids), or a
    ///   NaN or infinite value (with its series and step).
    public init(_ runs: [ScalarRun]) throws {
        guard let first = runs.first else { throw RunFileError(source: "(arguments)", "no runs") }
        let names = first.series.map(\.name)
        for run in runs {
            guard run.series.map(\.name) == names else {
                throw RunFileError(source: run.path, "logs the series \(run.series.map(\.name).joined(separator: ", ")), but "
                                   + "\(first.path) logs \(names.joined(separator: ", "))",
                                   hint: "choose the series all runs log with --series")
            }
            for (mine, theirs) in zip(run.series, first.series) {
                guard mine.steps == theirs.steps else {
                    throw RunFileError(source: run.path, "logs \(mine.name) at \(ReportFormat.plural(mine.steps.count, "step")) "
                                       + "(\(ReportFormat.stepRange(mine.steps))), but \(first.path) at \(theirs.steps.count) "
                                       + "(\(ReportFormat.stepRange(theirs.steps))): per-step statistics need runs that log the same steps",
                                       hint: "summarise runs of one configuration (only the seed may differ)")
                }
                if let index = mine.values.firstIndex(where: { !$0.isFinite }) {
                    throw RunFileError(source: run.path, "\(mine.name) is \(mine.texts[index]) at step \(mine.steps[index]): "
                                       + "statistics need finite values", hint: "leave out the diverged run")
                }
            }
        }
        self.runs = runs
        series = names.indices.map { index in
            let values = runs.map { $0.series[index].values }
            let steps = first.series[index].steps
            return SeriesStatistics(name: names[index], final: SampleSummary(values.map { $0.last! }),
                                    steps: steps.indices.map { at in
                                        RunStatistics.Step(step: steps[at], summary: SampleSummary(values.map { $0[at] }))
                                    })
        }
    }

    /// The plain-text summary `repro stats` prints: the runs, each series' final value (mean, sd,
    /// min, max, 95 % confidence interval of the mean), each series at up to
    /// ``RunStatistics/reportedLossSteps`` evenly spaced steps, and notes.
    public func report(title: String) -> String {
        var text = "\(title): \(ReportFormat.plural(runs.count, "run"))"
        text += runs.count <= 3 ? " (\(runs.map(\.path).joined(separator: ", ")))" : " (\(runs.first!.path) … \(runs.last!.path))"
        text += ", \(runs[0].kindDescription)\n"
        let level = runs.count > 1 ? "95% CI of the mean (t, df \(runs.count - 1))" : "95% CI of the mean"
        var finals = TextTable(["final value", "step", "mean", "sd", "min", "max", level])
        for one in series {
            finals.append([one.name, String(one.steps.last!.step)] + RunStatistics.cells(one.final, interval: true))
        }
        text += "\n" + finals.rendered()
        for one in series {
            let rows = RunStatistics.evenlySpaced(one.steps.count, count: RunStatistics.reportedLossSteps)
            text += "\n\(one.name) per step (\(ReportFormat.plural(one.steps.count, "step")), "
                + (rows.count < one.steps.count ? "\(rows.count) evenly spaced shown" : "all shown") + ")\n"
            text += RunStatistics.curveTable(rows.map { one.steps[$0] }).rendered()
        }
        let notes = [ScalarRun.unavailable] + runs.flatMap(\.notes)
        return text + "\nnotes\n" + notes.map { ReportFormat.wrapped("  \($0)", width: RunComparison.width, continuation: "    ") }.joined()
    }

    /// Every series at every step as CSV: `series,step,mean,sd,min,max` (sd empty for one run).
    public var perStepCSV: String {
        var text = "series,step,mean,sd,min,max\n"
        for one in series {
            for step in one.steps {
                let s = step.summary
                text += "\(one.name),\(step.step),\(s.mean),\(s.standardDeviation.map { "\($0)" } ?? ""),\(s.minimum),\(s.maximum)\n"
            }
        }
        return text
    }
}
