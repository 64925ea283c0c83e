import Foundation
import ReproTensor
import ReproRuns

/// Where two runs' training traces (``TraceFile``) first differ: the first step, and in it the
/// first entry in execution order, with what is equal before it (`repro compare`,
/// docs/ARCHITECTURE.md §7, "Traces").
public struct TraceComparison: Sendable, Hashable {
    /// The first entry that differs.
    public struct Difference: Sendable, Hashable {
        /// The step (1 for the first optimizer step, metrics.csv's step).
        public let step: Int
        /// The entry's position in the step's entries.
        public let position: Int
        /// A's entry there; nil when A's step ends before it.
        public let a: TraceEntry?
        /// B's entry there; nil when B's step ends before it.
        public let b: TraceEntry?
        /// The step's entries before it, equal in both runs.
        public let equalBefore: [TraceEntry]
    }

    /// The number of steps each trace holds.
    public let stepCounts: (a: Int, b: Int)
    /// The first difference over the steps both traces hold; nil when they are equal there.
    public let firstDifference: Difference?

    /// Compares two traces step by step and entry by entry.
    public init(_ a: TraceFile, _ b: TraceFile) {
        stepCounts = (a.steps.count, b.steps.count)
        firstDifference = Self.firstDifference(a, b)
    }

    private static func firstDifference(_ a: TraceFile, _ b: TraceFile) -> Difference? {
        for (stepA, stepB) in zip(a.steps, b.steps) {
            // Step numbers are 1, 2, 3, … in both; a gap would be a damaged file, which the reader refuses.
            let (entriesA, entriesB) = (stepA.entries, stepB.entries)
            let common = min(entriesA.count, entriesB.count)
            let position = (0..<common).first { entriesA[$0] != entriesB[$0] }
                ?? (entriesA.count == entriesB.count ? nil : common)
            guard let position else { continue }
            return Difference(step: stepA.step, position: position,
                              a: position < entriesA.count ? entriesA[position] : nil,
                              b: position < entriesB.count ? entriesB[position] : nil,
                              equalBefore: Array(entriesA[..<position]))
        }
        return nil
    }

    public static func == (x: TraceComparison, y: TraceComparison) -> Bool {
        x.stepCounts == y.stepCounts && x.firstDifference == y.firstDifference
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(stepCounts.a)
        hasher.combine(stepCounts.b)
        hasher.combine(firstDifference)
    }

    /// One sentence: where the traces first differ and what is equal before it (`step 1,
    /// backward: `2.weight` gradient differs first; every forward output and the loss are
    /// equal`), or that they are equal over the steps both hold.
    public var summary: String {
        guard let difference = firstDifference else {
            let (a, b) = stepCounts
            return a == b ? "the traces are equal at every one of the \(ReportFormat.plural(a, "step"))"
                : "the traces are equal over the \(ReportFormat.plural(min(a, b), "step")) both hold (A has \(a), B \(b))"
        }
        return difference.sentence
    }
}

extension TraceComparison.Difference {
    /// The sentence of ``TraceComparison/summary``.
    var sentence: String {
        let place = "step \(step)"
        guard let a, let b else {
            let (longer, entry) = a == nil ? ("B", b!) : ("A", a!)
            return "\(place): \(longer)'s trace goes on with \(entry.phrase) where the other's step ends (after "
                + "\(ReportFormat.plural(position, "equal entry"))): the runs compute different things"
        }
        guard a.kind == b.kind, a.name == b.name else {
            return "\(place): the traces record different things at entry \(position + 1) (A \(a.phrase), B \(b.phrase)) "
                + "after \(ReportFormat.plural(position, "equal entry")): the runs compute different things"
        }
        return "\(place), \(a.kind.phase): \(a.phrase) differs first; \(equalSummary)"
    }

    /// What was equal before the difference, by kind.
    private var equalSummary: String {
        let kinds = Set(equalBefore.map(\.kind))
        // Of the difference's own kind, only the entries before it were equal.
        let own = a?.kind ?? b?.kind
        let all: [(kind: TraceKind, text: String, plural: Bool)] = [
            (.batch, "the batch indices", true), (.stream, "the random streams", true),
            own == .forward ? (.forward, "the forward outputs before it", true) : (.forward, "every forward output", false),
            (.loss, "the loss", false),
            own == .gradient ? (.gradient, "the gradients before it", true) : (.gradient, "every gradient", false),
            (.parameter, "the parameters updated before it", true),
        ]
        let parts = all.filter { kinds.contains($0.kind) }
        guard let last = parts.last else { return "it is the step's first entry" }
        if parts.count == 1 { return last.text + (last.plural ? " are equal" : " is equal") }
        return parts.dropLast().map(\.text).joined(separator: ", ") + " and " + last.text + " are equal"
    }
}

extension TraceEntry {
    /// The entry in words: `` `2.weight` gradient``, `the loss`, `the output of `1``.
    var phrase: String {
        switch kind {
        case .batch: "the batch indices"
        case .stream: "the random stream position `\(name)`"
        case .forward: "the output of `\(name)`"
        case .loss: "the loss"
        case .gradient: "`\(name)` gradient"
        case .parameter: "`\(name)` after the update"
        }
    }
}

extension TraceKind {
    /// The part of a step an entry of this kind belongs to.
    var phase: String {
        switch self {
        case .batch, .stream: "data"
        case .forward: "forward"
        case .loss: "loss"
        case .gradient: "backward"
        case .parameter: "update"
        }
    }
}
