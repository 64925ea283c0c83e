import ReproRuns

/// Two finished runs compared (`repro compare A B`, docs/ARCHITECTURE.md §7, §8): a bitwise verdict, the
/// first diverging step of each log, the largest differences over the curves and the final
/// weights, structural differences of the weights, and the settings that differ between the two
/// manifests with their risk to bitwise identity.
///
/// The verdict:
/// - ``Verdict/identical`` when the two runs' digests are equal: `model.safetensors`,
///   `metrics.csv` and `eval.csv` have the same bytes. The digests are recomputed from the files,
///   not taken from the manifests (a file changed after its run finished is named in ``notes``).
/// - ``Verdict/withinTolerance`` when a tolerance is given, the runs are not bitwise identical,
///   both logs hold the same steps, the weights have the same names, types and shapes, and every
///   logged value and weight satisfies numpy's `isclose(a, b, rtol, atol)`, B being the reference
///   (`|a − b| ≤ atol + rtol·|b|`; NaN is never close).
/// - ``Verdict/different`` otherwise.
///
/// Logs of different lengths are compared over their common steps; the report says the lengths
/// differ, and such runs are never within tolerance.
///
/// - Determinism: the comparison reads the runs and never modifies them; the same two runs give
///   the same comparison.
public struct RunComparison: Sendable {
    /// The verdict of a comparison.
    public enum Verdict: Sendable, Hashable {
        /// The same digest: the same bits everywhere.
        case identical
        /// Not the same bits, but every value within the tolerance.
        case withinTolerance
        /// Neither.
        case different

        /// The exit status of `repro compare`: 0 for identical or within tolerance, 1 for different.
        package var exitCode: Int32 { self == .different ? 1 : 0 }
    }

    /// The first run.
    public let a: RunRecord
    /// The second run (the reference for relative differences and tolerances).
    public let b: RunRecord
    /// The tolerance asked for, or nil for a bitwise comparison only.
    public let tolerance: Tolerance?
    /// The digests recomputed from the files of A and B.
    public let digests: (a: String, b: String)
    /// `metrics.csv` compared.
    let metrics: LogComparison
    /// `eval.csv` compared.
    let evaluations: LogComparison
    /// `model.safetensors` compared.
    let weights: WeightComparison
    /// The runs' training traces compared: the first step and tensor that differ.
    public let traces: Traces
    /// The differing settings, highest risk first (see ``SettingDifference/between(_:_:)``).
    public let settings: [SettingDifference]
    /// Things the reader should know that are not differences: a run whose files do not match
    /// its manifest's digest.
    public let notes: [String]

    /// Compares the runs `a` and `b`.
    ///
    /// - Throws: ``RunFileError`` naming the file when a run's `model.safetensors`, a log or a
    ///   trace cannot be read or is malformed, or naming both runs when they log different validation
    ///   metrics (``RunRecord/requireSameMetricNames(_:)``).
    public init(_ a: RunRecord, _ b: RunRecord, tolerance: Tolerance? = nil) throws {
        try RunRecord.requireSameMetricNames([a, b])
        self.a = a
        self.b = b
        self.tolerance = tolerance
        var notes: [String] = []
        for (label, run) in [("A", a), ("B", b)] where run.digest != run.manifest.digest {
            notes.append(run.changedFiles.isEmpty
                         ? "\(label): manifest.json records another digest than its files give (the manifest is damaged)"
                         : "\(label): \(run.changedFiles.joined(separator: ", ")) changed after the run finished (they do not "
                           + "match manifest.json's digest); compared as they are now")
        }
        self.digests = (a.digest, b.digest)
        metrics = try LogComparison(file: "metrics.csv", a.metrics, b.metrics, tolerance: tolerance)
        evaluations = try LogComparison(file: "eval.csv", a.evaluations, b.evaluations, tolerance: tolerance)
        weights = WeightComparison(try SafeTensorsFile(contentsOf: a.directory.modelFile),
                                   try SafeTensorsFile(contentsOf: b.directory.modelFile), tolerance: tolerance)
        traces = try Traces.load(a, b)
        settings = SettingDifference.between(a.manifest, b.manifest)
        self.notes = notes
    }

    /// Loads and compares the runs at `pathA` and `pathB`.
    ///
    /// - Throws: ``RunFileError`` naming the run and the problem (see ``RunRecord/load(_:)``).
    public init(_ pathA: String, _ pathB: String, tolerance: Tolerance? = nil) throws {
        try self.init(try RunRecord.load(pathA, allowingChangedFiles: true), try RunRecord.load(pathB, allowingChangedFiles: true),
                      tolerance: tolerance)
    }

    /// The verdict (see the type's documentation).
    public var verdict: Verdict {
        if digests.a == digests.b { return .identical }
        guard tolerance != nil else { return .different }
        let comparable = metrics.sameSteps && evaluations.sameSteps && weights.structuralDifferences.isEmpty
        let close = [metrics.total, evaluations.total, weights.total].allSatisfy { $0.outsideTolerance == 0 }
        return comparable && close ? .withinTolerance : .different
    }
}
