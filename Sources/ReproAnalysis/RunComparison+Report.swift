import ReproRuns

extension RunComparison {
    /// The widest line of ``report``, in characters.
    static let width = 100

    /// The plain-text report `repro compare` prints: the two runs, the verdict and why, the
    /// digests, where the traces first differ, each log (lengths, first difference, per-column differences), the weights (per
    /// tensor and overall), the differing settings with their risk, and notes. The same
    /// comparison always gives the same text; runs are named by the paths they were loaded from.
    /// No line is wider than ``width`` (100 characters): long lines wrap, a path longer than a line
    /// loses its middle, and a wide table is split into tables that fit.
    public var report: String {
        let width = Self.width
        var text = ""
        for (label, run) in [("A", a), ("B", b)] {
            let final = run.manifest.finalMetrics
            let headline = ValidationMetric.headline(metrics: run.metricNames)
            let path = ReportFormat.middleTruncated(run.directory.path, to: width - 3)
            let details = "(seed \(run.manifest.seed.seed), \(ReportFormat.plural(final.steps, "step")), "
                + "final \(headline.label) \(ReportFormat.number(headline.displayed(headline.finalValue(final) ?? .nan)))"
                + "\(headline.isPercent ? " %" : ""))"
            let line = "\(label)  \(path)  \(details)"
            text += line.count <= width ? line + "\n" : "\(label)  \(path)\n   \(details)\n"
        }
        text += ReportFormat.wrapped("verdict: \(verdictLine)", width: width, continuation: "         ")
        text += "\ndigests\n  A  \(digests.a)\n  B  \(digests.b)\n"
        text += "\n" + traces.report
        for log in [metrics, evaluations] { text += "\n" + Self.report(log, tolerance: tolerance) }
        text += "\n" + weightsReport
        text += "\nsettings that differ (risk to bitwise identity)\n"
        if settings.isEmpty { text += "  none: the manifests record the same configuration and environment\n" }
        for setting in settings {
            text += ReportFormat.wrapped("  \(setting.risk.description.padding(10)) \(setting.field): \(setting.a) vs \(setting.b) — "
                                         + setting.why, width: width, continuation: String(repeating: " ", count: 13))
        }
        var notes = self.notes
        for log in [metrics, evaluations] {
            for value in log.nonFiniteValues.prefix(5) {
                notes.append("\(value.run) has \(value.text) at \(log.file) step \(value.step) (\(value.column)): "
                             + "a diverged or damaged run; NaN is never within a tolerance")
            }
            if log.nonFiniteValues.count > 5 {
                notes.append("… and \(log.nonFiniteValues.count - 5) more non-finite values in \(log.file)")
            }
        }
        if !notes.isEmpty {
            text += "\nnotes\n" + notes.map { ReportFormat.wrapped("  \($0)", width: width, continuation: "    ") }.joined()
        }
        return text
    }

    /// The verdict and, unless identical, what made it.
    var verdictLine: String {
        switch verdict {
        case .identical:
            return "bitwise identical (the same digest: every logged value and final weight has the same bits)"
        case .withinTolerance:
            return "within tolerance (\(tolerance!)): not bitwise identical, but every logged value and weight "
                + "satisfies |A − B| ≤ atol + rtol·|B|"
        case .different:
            var reasons: [String] = []
            for log in [metrics, evaluations] {
                if !log.sameSteps { reasons.append("\(log.file) has \(log.stepsA.count) rows in A, \(log.stepsB.count) in B") }
                if let first = log.firstDifference { reasons.append("\(log.file) differs from step \(first.step)") }
            }
            let weightTotal = weights.total
            if weightTotal.differing > 0 {
                reasons.append("the weights differ in \(ReportFormat.count(weightTotal.differing)) of "
                               + "\(ReportFormat.count(weightTotal.compared)) values")
            }
            if !weights.structuralDifferences.isEmpty {
                reasons.append("the weights differ in structure (\(weights.structuralDifferences.count))")
            }
            if let tolerance {
                let outside = [metrics.total, evaluations.total, weights.total].map(\.outsideTolerance).reduce(0, +)
                reasons.append("\(ReportFormat.plural(outside, "value")) outside \(tolerance)")
            }
            if reasons.isEmpty { reasons.append("the files differ, but no logged value or weight does (e.g. file metadata)") }
            return "different: " + reasons.joined(separator: "; ")
        }
    }

    /// One log's section.
    static func report(_ log: LogComparison, tolerance: Tolerance?) -> String {
        var heading = "\(log.file): "
        if log.sameSteps {
            heading += "\(ReportFormat.plural(log.stepsA.count, "row")) in both (\(ReportFormat.stepRange(log.stepsA)))"
        } else {
            heading += "A has \(ReportFormat.plural(log.stepsA.count, "row")) (\(ReportFormat.stepRange(log.stepsA))), "
                + "B \(ReportFormat.count(log.stepsB.count)) (\(ReportFormat.stepRange(log.stepsB)))"
        }
        if log.sameSteps, log.total.differing == 0, log.total.outsideTolerance == 0 {
            return ReportFormat.wrapped(heading + ", identical", width: Self.width, continuation: "  ")
        }
        var text = ReportFormat.wrapped(heading, width: Self.width, continuation: "  ")
        if !log.sameSteps {
            text += "  the lengths differ; compared the \(ReportFormat.plural(log.commonStepCount, "common step"))\n"
        }
        if let first = log.firstDifference {
            let fields = first.fields.map { "\($0.column) \($0.a) (A) vs \($0.b) (B)" }.joined(separator: ", ")
            text += ReportFormat.wrapped("  first difference at step \(first.step): \(fields)", width: Self.width,
                                         continuation: "    ")
        } else if log.commonStepCount > 0 {
            text += "  no difference in the common steps\n"
        }
        var table = TextTable(header(tolerance, location: "at step"))
        for column in log.columns { table.append(row(column.name, column.differences, tolerance, prefix: "step ")) }
        return text + table.rendered(width: Self.width)
    }

    /// The weights' section.
    var weightsReport: String {
        let width = Self.width
        let total = weights.total
        var text = "model.safetensors: \(ReportFormat.plural(weights.tensors.count, "tensor")) compared, "
            + "\(ReportFormat.plural(total.compared, "value"))\n"
        if weights.structuralDifferences.isEmpty, total.differing == 0, total.outsideTolerance == 0 {
            text.removeLast()
            return text + ", identical\n"
        }
        for difference in weights.structuralDifferences {
            text += ReportFormat.wrapped("  structural difference: \(difference)", width: width, continuation: "    ")
        }
        // Each tensor's locations are its element's index; the whole model's follow the table in full.
        var table = TextTable(["tensor", "shape"] + Self.header(tolerance, location: "at").dropFirst())
        for tensor in weights.tensors {
            var row = Self.row(tensor.name, tensor.differences, tolerance, within: tensor.name)
            row.insert("[\(tensor.shape.map(String.init).joined(separator: ", "))]", at: 1)
            table.append(row)
        }
        text += table.rendered(width: width)
        if weights.tensors.count > 1 {
            text += "  all tensors: \(ReportFormat.count(total.differing)) of \(ReportFormat.count(total.compared)) differ\n"
        }
        if let extreme = total.largestAbsolute {
            text += ReportFormat.wrapped("  largest |A−B|: \(ReportFormat.number(extreme.difference)) at \(extreme.location) "
                                         + "(A \(ReportFormat.exact(extreme.a)), B \(ReportFormat.exact(extreme.b)))",
                                         width: width, continuation: "    ")
        }
        if let extreme = total.largestRelative {
            text += ReportFormat.wrapped("  largest |A−B|/|B|: \(ReportFormat.number(extreme.difference)) at \(extreme.location) "
                                         + "(A \(ReportFormat.exact(extreme.a)), B \(ReportFormat.exact(extreme.b)))",
                                         width: width, continuation: "    ")
        }
        if tolerance != nil {
            let first = total.firstOutsideTolerance.map {
                ", the first at \($0.location): \(ReportFormat.exact($0.a)) vs \(ReportFormat.exact($0.b))"
            } ?? ""
            text += ReportFormat.wrapped("  outside tolerance: \(ReportFormat.plural(total.outsideTolerance, "value"))\(first)",
                                         width: width, continuation: "    ")
        }
        return text
    }

    /// The header of a differences table.
    static func header(_ tolerance: Tolerance?, location: String) -> [String] {
        ["column", "differ", "largest |A−B|", location, "largest |A−B|/|B|", location]
            + (tolerance == nil ? [] : ["outside tolerance", "first outside"])
    }

    /// A row of a differences table; `-` where there is no location. The first value outside the
    /// tolerance is shown as `prefix` + location, then both values. Locations in the tensor named
    /// `within` are shown as their index alone (`[3, 7]` for `0.weight[3, 7]`).
    static func row(_ name: String, _ summary: DifferenceSummary, _ tolerance: Tolerance?, prefix: String = "",
                    within tensor: String? = nil) -> [String] {
        func place(_ extreme: DifferenceSummary.Extreme?) -> String {
            guard let location = extreme?.location else { return "-" }
            guard let tensor, location.hasPrefix(tensor + "[") else { return location }
            return String(location.dropFirst(tensor.count))
        }
        var row = [name, "\(ReportFormat.count(summary.differing)) of \(ReportFormat.count(summary.compared))",
                   ReportFormat.number(summary.largestAbsolute?.difference ?? 0), place(summary.largestAbsolute),
                   ReportFormat.number(summary.largestRelative?.difference ?? 0), place(summary.largestRelative)]
        if tolerance != nil {
            row += [ReportFormat.count(summary.outsideTolerance), summary.firstOutsideTolerance.map {
                "\(prefix)\(place($0)): \(ReportFormat.exact($0.a)) vs \(ReportFormat.exact($0.b))"
            } ?? "-"]
        }
        return row
    }
}

extension String {
    /// The string padded with spaces to at least `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
