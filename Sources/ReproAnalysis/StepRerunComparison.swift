import ReproTensor
import ReproRuns

/// One step of two runs re-executed with full tensors (`repro compare --rerun`,
/// `Trainer.rerun(_:run:step:runtime:)`) and compared: the first entry in execution order that
/// differs, and for its tensor how many elements differ and the largest absolute and relative
/// differences (`|a − b|` and `|a − b| / |b|`, B the reference, as ``RunComparison`` reports them).
public struct StepRerunComparison: Sendable {
    /// The step re-executed (1 for the first).
    public let step: Int
    /// The first differing entry of A and of B (nil where that run's step ends first); nil when
    /// the re-executed steps are equal.
    public let first: (a: TracedTensor?, b: TracedTensor?)?
    /// The element differences of the first differing tensor, when both are tensors of one shape.
    let differences: DifferenceSummary?

    /// Compares the re-executed step `step` of A and B, entry by entry.
    public init(step: Int, _ a: [TracedTensor], _ b: [TracedTensor]) {
        self.step = step
        let common = min(a.count, b.count)
        guard let position = (0..<common).first(where: { a[$0].entry != b[$0].entry }) ?? (a.count == b.count ? nil : common) else {
            first = nil
            differences = nil
            return
        }
        let (x, y) = (position < a.count ? a[position] : nil, position < b.count ? b[position] : nil)
        first = (x, y)
        guard let x, let y, x.entry.kind == y.entry.kind, x.entry.name == y.entry.name, let shape = x.shape,
              shape == y.shape, let valuesA = x.scalars, let valuesB = y.scalars else {
            differences = nil
            return
        }
        var summary = DifferenceSummary()
        for (index, (p, q)) in zip(valuesA, valuesB).enumerated() {
            summary.add(Double(p), Double(q), identical: p.bitPattern == q.bitPattern, tolerance: nil,
                        location: { WeightComparison.element(x.entry.name, shape, index) })
        }
        differences = summary
    }

    /// What the rerun found, in lines of at most ``RunComparison/width`` characters.
    public var report: String {
        guard let first else {
            return "rerun of step \(step): every entry is equal in this process (the difference did not recur: the "
                + "first run's step may depend on something else than its configuration, such as timing)\n"
        }
        guard let a = first.a, let b = first.b else {
            return "rerun of step \(step): the steps record different numbers of entries\n"
        }
        var text = "rerun of step \(step) with full tensors: \(a.entry.phrase) differs first"
        guard let differences else {
            return text + (a.entry.kind == b.entry.kind && a.entry.name == b.entry.name
                ? " (not a tensor, or of another shape in each run)\n" : " (the runs record different entries there)\n")
        }
        text += "\n  \(ReportFormat.count(differences.differing)) of \(ReportFormat.count(differences.compared)) elements differ"
        if differences.nonFinite > 0 { text += " (\(ReportFormat.count(differences.nonFinite)) NaN or infinite)" }
        text += "\n"
        for (label, extreme) in [("largest absolute difference", differences.largestAbsolute),
                                 ("largest relative difference", differences.largestRelative)] {
            guard let extreme else { continue }
            text += ReportFormat.wrapped("  \(label) \(ReportFormat.number(extreme.difference)) at \(extreme.location) "
                                         + "(A \(ReportFormat.number(extreme.a)), B \(ReportFormat.number(extreme.b)))",
                                         width: RunComparison.width, continuation: "    ")
        }
        return text
    }
}
