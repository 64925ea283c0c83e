import ReproRuns

/// Two runs compared series by series (`repro compare A B` when either is a run of another
/// framework, docs/ARCHITECTURE.md §7): each series' first differing step and largest differences,
/// as ``RunComparison`` does for `metrics.csv` and `eval.csv`.
///
/// The verdict: ``RunComparison/Verdict/identical`` when every series holds the same steps and
/// the same values, bit for bit; ``RunComparison/Verdict/withinTolerance`` when, with a tolerance,
/// every series holds the same steps and every value satisfies numpy's `isclose(a, b, rtol,
/// atol)`; ``RunComparison/Verdict/different`` otherwise. There is no digest, weights or
/// configuration to compare (``ScalarRun/unavailable``).
public struct ScalarRunComparison: Sendable {
    /// The first run.
    public let a: ScalarRun
    /// The second run (the reference for relative differences and tolerances).
    public let b: ScalarRun
    /// The tolerance asked for, or nil for a bitwise comparison.
    public let tolerance: Tolerance?
    /// Each series compared, in A's order.
    let series: [LogComparison]

    /// Compares `a` and `b`.
    ///
    /// - Throws: ``RunFileError`` when the runs log different series (naming both lists) or a
    ///   series' step grids have no step in common (naming both ranges).
    public init(_ a: ScalarRun, _ b: ScalarRun, tolerance: Tolerance? = nil) throws {
        let (namesA, namesB) = (a.series.map(\.name), b.series.map(\.name))
        guard Set(namesA) == Set(namesB) else {
            throw RunFileError(source: b.path, "logs the series \(namesB.joined(separator: ", ")), but \(a.path) logs "
                               + namesA.joined(separator: ", "),
                               hint: "choose the series both log with --series")
        }
        series = try a.series.map { mine in
            let theirs = b.series(named: mine.name)!
            let log = try LogComparison(file: mine.name, mine.table(source: a.path), theirs.table(source: b.path), tolerance: tolerance)
            guard log.commonStepCount > 0 else {
                throw RunFileError(source: b.path, "logs \(mine.name) at \(ReportFormat.plural(theirs.steps.count, "step")) "
                                   + "(\(ReportFormat.stepRange(theirs.steps))), \(a.path) at \(mine.steps.count) "
                                   + "(\(ReportFormat.stepRange(mine.steps))): the step grids have no step in common",
                                   hint: "compare runs that count steps alike (a CSV's step column is chosen with --step-column)")
            }
            return log
        }
        self.a = a
        self.b = b
        self.tolerance = tolerance
    }

    /// The verdict (see the type's documentation).
    public var verdict: RunComparison.Verdict {
        if series.allSatisfy({ $0.sameSteps && $0.firstDifference == nil }) { return .identical }
        guard tolerance != nil else { return .different }
        return series.allSatisfy { $0.sameSteps && $0.total.outsideTolerance == 0 } ? .withinTolerance : .different
    }

    /// The first step at which any series differs, and the series that differ there; nil when no
    /// common step differs.
    public var firstDifference: (step: Int, series: [String])? {
        let firsts = series.compactMap { log in log.firstDifference.map { (log.file, $0.step) } }
        guard let step = firsts.map(\.1).min() else { return nil }
        return (step, firsts.filter { $0.1 == step }.map(\.0))
    }

    /// The first differing step of the series `name`, or nil when its common steps are identical.
    public func firstDifference(of name: String) -> Int? {
        series.first { $0.file == name }?.firstDifference?.step
    }

    /// The plain-text report: the two runs, the verdict, each series (lengths, first difference,
    /// largest absolute and relative differences) and notes, no line wider than
    /// ``RunComparison/width``.
    public var report: String {
        var text = ""
        for (label, run) in [("A", a), ("B", b)] {
            let path = ReportFormat.middleTruncated(run.path, to: RunComparison.width - 3)
            let details = "(\(run.kindDescription), \(run.series.count) series)"
            let line = "\(label)  \(path)  \(details)"
            text += line.count <= RunComparison.width ? line + "\n" : "\(label)  \(path)\n   \(details)\n"
        }
        text += ReportFormat.wrapped("verdict: \(verdictLine)", width: RunComparison.width, continuation: "         ")
        for log in series { text += "\n" + RunComparison.report(log, tolerance: tolerance) }
        var notes = [ScalarRun.unavailable] + a.notes + b.notes
        for log in series {
            for value in log.nonFiniteValues.prefix(5) {
                notes.append("\(value.run) has \(value.text) at \(log.file) step \(value.step): NaN is never within a tolerance")
            }
        }
        return text + "\nnotes\n" + notes.map { ReportFormat.wrapped("  \($0)", width: RunComparison.width, continuation: "    ") }.joined()
    }

    /// The verdict and, unless identical, what made it.
    var verdictLine: String {
        switch verdict {
        case .identical:
            return "identical: every series holds the same steps and the same values, bit for bit"
        case .withinTolerance:
            return "within tolerance (\(tolerance!)): not identical, but every value satisfies |A − B| ≤ atol + rtol·|B|"
        case .different:
            var reasons: [String] = []
            if let first = firstDifference {
                reasons.append("first difference at step \(first.step) (\(first.series.joined(separator: ", ")))")
            }
            for log in series where !log.sameSteps {
                reasons.append("\(log.file) has \(log.stepsA.count) steps in A, \(log.stepsB.count) in B")
            }
            if let tolerance {
                let outside = series.map(\.total.outsideTolerance).reduce(0, +)
                reasons.append("\(ReportFormat.plural(outside, "value")) outside \(tolerance)")
            }
            return "different: " + reasons.joined(separator: "; ")
        }
    }
}
