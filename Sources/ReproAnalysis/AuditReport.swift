/// What an audit found (`repro audit`, `Trainer.audit`): a reference run, and for each factor one
/// run that differs from it in that factor only, compared with it.
///
/// A factor either carries a guarantee of docs/ARCHITECTURE.md §1 (`G1` … `G6`: the bits must not
/// change) or none (the nondeterministic fast paths, or any factor of a command Repro did not
/// write): then what it did is reported as measured, and never fails the audit.
public struct AuditReport: Sendable {
    /// One factor and what changing it did.
    public struct Row: Sendable {
        /// The factor, e.g. `thread count`.
        public let factor: String
        /// How this run differed from the reference, e.g. `1 thread (reference: 2)`; empty for a
        /// factor that was not varied.
        public let change: String
        /// The guarantee that promises the factor changes no bit (`G3`), or nil for none.
        public let guarantee: String?
        /// What happened.
        public let outcome: Outcome

        public init(factor: String, change: String, guarantee: String?, outcome: Outcome) {
            self.factor = factor
            self.change = change
            self.guarantee = guarantee
            self.outcome = outcome
        }

        /// Whether the factor broke its guarantee: promised, and the bits changed.
        public var broke: Bool { guarantee != nil && outcome.changedBits }
    }

    /// What changing a factor did.
    public enum Outcome: Sendable, Hashable {
        /// The same bits as the reference.
        case identical
        /// Other bits: where they first differ (``RunComparison/firstDivergence``, or per output of
        /// a command), and where to look further (the two runs, or empty).
        case differs(String, evidence: String)
        /// The factor could not be varied here, and why.
        case notAvailable(String)

        /// Whether the bits changed.
        public var changedBits: Bool {
            if case .differs = self { return true }
            return false
        }
    }

    /// The reference run, in words (`digest 1a2b…, 2 threads, 0 workers`).
    public let reference: String
    /// The factors, in the order they were varied.
    public let rows: [Row]

    public init(reference: String, rows: [Row]) {
        self.reference = reference
        self.rows = rows
    }

    /// The factors that broke their guarantee.
    public var broken: [Row] { rows.filter(\.broke) }

    /// One line per factor (`G3  thread count, 1 thread (reference: 2): identical`; `--` for a
    /// factor without a guarantee), then the verdict.
    public var text: String {
        var lines = ["reference: \(reference)"]
        for row in rows {
            let result: String
            switch row.outcome {
            case .identical: result = "identical"
            case .differs(let location, let evidence):
                result = "DIFFERS: \(location)" + (evidence.isEmpty ? "" : " (\(evidence))")
            case .notAvailable(let why): result = "not available: \(why)"
            }
            let what = row.change.isEmpty ? row.factor : "\(row.factor), \(row.change)"
            lines.append("\((row.guarantee ?? "--").padding(4))\(what): \(result)")
        }
        let promised = rows.filter { $0.guarantee != nil }
        if promised.isEmpty {
            let changed = rows.filter(\.outcome.changedBits).map(\.factor)
            lines.append(changed.isEmpty ? "verdict: no factor changed the outputs"
                                         : "verdict: the outputs change with: " + Self.unique(changed).joined(separator: ", "))
        } else if broken.isEmpty {
            let tested = promised.filter { $0.outcome == .identical }.compactMap(\.guarantee)
            lines.append("verdict: every promised factor left the bits identical (" + Self.unique(tested).joined(separator: ", ") + ")")
        } else {
            lines.append("verdict: FAILED: " + broken.map { "\($0.guarantee!) (\($0.factor))" }.joined(separator: ", ")
                         + " changed the bits")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
