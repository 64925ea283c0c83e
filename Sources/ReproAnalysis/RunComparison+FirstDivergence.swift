extension RunComparison {
    /// Where the two runs first differ, in one phrase, or nil when they are bitwise identical (the
    /// same digest). `repro audit` prints it for each factor.
    ///
    /// When both runs have traces that differ, the first step and tensor in execution order
    /// (``TraceComparison/summary``, prefixed `trace: `). Otherwise the earliest step at which a log differs comes first (`metrics.csv` before `eval.csv` at the
    /// same step), with the columns that differ there: `metrics.csv step 13: loss 0.5123 vs
    /// 0.5124`. Logs that agree on their common steps but not in length say so. When both logs are
    /// identical, the first tensor of `model.safetensors` (by name) that differs, with how many of
    /// its values differ and the largest absolute difference; a structural difference of the
    /// weights (a tensor in one run only, another shape or type) is named as such.
    public var firstDivergence: String? {
        guard digests.a != digests.b else { return nil }
        if case .compared(let comparison) = traces, comparison.firstDifference != nil {
            return "trace: " + comparison.summary
        }
        let firsts = [metrics, evaluations].compactMap { log in log.firstDifference.map { (log.file, $0) } }
        if let (file, first) = firsts.min(by: { $0.1.step < $1.1.step }) {
            let fields = first.fields.map { "\($0.column) \($0.a) vs \($0.b)" }.joined(separator: ", ")
            return "\(file) step \(first.step): \(fields)"
        }
        for log in [metrics, evaluations] where !log.sameSteps {
            return "\(log.file): \(log.stepsA.count) rows in A, \(log.stepsB.count) in B (equal over the common steps)"
        }
        if let structural = weights.structuralDifferences.first { return "model.safetensors: \(structural)" }
        if let tensor = weights.tensors.first(where: { $0.differences.differing > 0 }) {
            return "model.safetensors: " + Self.tensorDifference(tensor.name, tensor.differences)
        }
        return "the files differ, but no logged value or weight does (e.g. file metadata)"
    }

    /// `'2.weight' differs in 12 of 4,096 values (largest |A − B| 3.0e-08 at 2.weight[3, 7])`.
    static func tensorDifference(_ name: String, _ differences: DifferenceSummary) -> String {
        var text = "'\(name)' differs in \(ReportFormat.count(differences.differing)) of "
            + "\(ReportFormat.count(differences.compared)) values"
        if let largest = differences.largestAbsolute {
            text += " (largest |A − B| \(ReportFormat.number(largest.difference)) at \(largest.location))"
        }
        return text
    }
}
