import ReproRuns

/// How likely a difference in a setting is to change a run's bits (docs/ARCHITECTURE.md §1, §7), as
/// `repro compare` reports it.
public enum ReproducibilityRisk: Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Repro gives the same bits either way, and a test shows it.
    case none
    /// Unlikely to change bits.
    case low
    /// Changes bits only through the few platform functions Repro calls.
    case lowMedium
    /// Should change only speed, but is not yet tested across machines.
    case medium
    /// Likely to change bits.
    case high
    /// A training setting: the runs are meant to differ.
    case intended
    /// A field Repro has no assessment of (a newer record, say).
    case unknown

    /// `none`, `low`, `low-medium`, `medium`, `high`, `intended`, `unknown`.
    public var description: String {
        switch self {
        case .none: "none"
        case .low: "low"
        case .lowMedium: "low-medium"
        case .medium: "medium"
        case .high: "high"
        case .intended: "intended"
        case .unknown: "unknown"
        }
    }

    /// Order: none < low < low-medium < medium < high < unknown < intended (reports list the
    /// intended and unknown differences first, then the rest from high to none).
    public static func < (a: ReproducibilityRisk, b: ReproducibilityRisk) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .none: 0
        case .low: 1
        case .lowMedium: 2
        case .medium: 3
        case .high: 4
        case .unknown: 5
        case .intended: 6
        }
    }
}

/// One setting that differs between two runs' manifests: the environment fingerprint, the
/// configuration, the determinism settings, the seed record, or how the run was resumed, with
/// the risk that the difference changes bits and why.
///
/// Not compared: the start and end times (they always differ) and the top-level `reproVersion`
/// (the fingerprint's is).
public struct SettingDifference: Sendable, Hashable {
    /// The manifest's JSON path, e.g. `configuration.seed`, `environment.threadCount`; an
    /// environment variable is `environment variable NAME`.
    public let field: String
    /// The first run's value as text; `(none)` when absent.
    public let a: String
    /// The second run's value as text; `(none)` when absent.
    public let b: String
    /// The risk to bitwise identity.
    public let risk: ReproducibilityRisk
    /// Why, in one line.
    public let why: String

    /// The differences between two manifests, intended and unknown ones first, then from the
    /// highest risk down, and by field within a risk.
    public static func between(_ a: RunManifest, _ b: RunManifest) -> [SettingDifference] {
        var result: [SettingDifference] = []
        func add(_ field: String, _ x: String, _ y: String, _ assessment: (ReproducibilityRisk, String)) {
            if x != y { result.append(SettingDifference(field: field, a: x, b: y, risk: assessment.0, why: assessment.1)) }
        }
        for difference in a.environment.differences(from: b.environment) {
            if difference.field.hasPrefix("environment.") {
                let name = String(difference.field.dropFirst("environment.".count))
                add("environment variable \(name)", difference.value, difference.other, variableRisk(name))
            } else {
                add("environment.\(difference.field)", difference.value, difference.other,
                    environmentRisk(difference.field, difference.value, difference.other))
            }
        }
        let (configA, configB) = (configurationTexts(a.configuration), configurationTexts(b.configuration))
        for field in Set(configA.keys).union(configB.keys) {
            add("configuration.\(field)", configA[field] ?? "(none)", configB[field] ?? "(none)", configurationRisk(field))
        }
        let (determinismA, determinismB) = (fieldTexts(a.determinism), fieldTexts(b.determinism))
        for (field, text) in determinismA {
            add("determinism.\(field)", text, determinismB.first { $0.0 == field }?.1 ?? "(none)", determinismRisk)
        }
        add("seed.drawn", String(a.seed.drawn), String(b.seed.drawn),
            (.none, "whether the seed was drawn from the system; the seed itself is compared"))
        add("seed.deterministicHashing", String(a.seed.deterministicHashing), String(b.seed.deterministicHashing),
            (.none, "Swift's per-process hash seed does not reach Repro's numbers (G2, tested)"))
        if a.seed.seed == b.seed.seed {
            add("seed.streams", a.seed.streams.sorted { $0.key < $1.key }.description,
                b.seed.streams.sorted { $0.key < $1.key }.description,
                (.high, "the same seed derived other streams: the purpose-to-key mapping changed"))
        }
        add("resumedFromSteps", a.resumedFromSteps.description, b.resumedFromSteps.description,
            (.none, "a resumed run continues with the same bits as an uninterrupted one (G5, tested)"))
        return result.sorted { ($1.risk, $0.field) < ($0.risk, $1.field) }
    }

    /// The risk of a difference in an environment fingerprint field whose texts are `a` and `b`.
    ///
    /// Repro's source revision and the training code's git state are assessed by what was recorded:
    /// one side without them (a manifest before schema 3, a run trained without `--code`) is
    /// `unknown`, not a difference in the code.
    static func environmentRisk(_ field: String, _ a: String, _ b: String) -> (ReproducibilityRisk, String) {
        let oneUnrecorded = a == "(none)" || b == "(none)"
        return switch field {
        case "reproRevision" where oneUnrecorded:
            (.unknown, "one run's manifest predates recorded source revisions (schema 3)")
        case "reproRevision" where a == "unknown" || b == "unknown":
            (.unknown, "one Repro was built without git, so its source revision is unknown")
        case "reproRevision" where a.hasPrefix(b.prefix(40)) || b.hasPrefix(a.prefix(40)):
            (.high, "the same commit of Repro, but built with uncommitted changes: kernels or recipes may differ")
        case "reproRevision":
            (.high, "another commit of Repro: kernels or recipes may differ (a golden-run test pins only one configuration's digest)")
        case "gitCommit" where oneUnrecorded, "gitDirty" where oneUnrecorded:
            (.unknown, "the training code's git state is recorded for one run only (the directory named with --code)")
        case "swiftCompiler":
            (.high, "another compiler can generate other floating-point code and brings another standard library")
        case "reproVersion":
            (.high, "another Repro version may change kernels or the training recipe (random streams are frozen by tests)")
        case "gitCommit":
            (.high, "another commit of the training code (--code)")
        case "gitDirty":
            (.high, "uncommitted changes in the training code (--code): it may differ")
        case "buildConfiguration":
            (.none, "none in Repro: debug and release builds give the same bits (G6, tested); other frameworks can differ")
        case "threadCount":
            (.none, "none in Repro: kernels are thread-count invariant (G3, tested); high in other frameworks")
        case "workerCount":
            (.none, "none in Repro: batches come in sampler order, augmentation is keyed per sample (G4, tested)")
        case "logicalCores", "availableCores":
            (.none, "work is split by problem size, never by core count (G3)")
        case "architecture", "machine":
            (.medium, "another architecture: explicit FMA and fixed reductions should give the same bits, but this is untested (G7)")
        case "cpuFeatures":
            (.medium, "only speed should change (fused multiply-add is explicit), but this is untested across machines")
        case "cpuModel":
            (.low, "the CPU model alone changes no code path; its features are compared separately")
        case "libc":
            (.lowMedium, "only the normal sampler's ziggurat edge cases (exp, log1p) and the cosine schedule (cos) call libm")
        case "osName", "osDistribution", "kernelRelease":
            (.low, "the operating system schedules the work but takes no part in the arithmetic (libc is compared separately)")
        default:
            (.unknown, "not in Repro's risk table")
        }
    }

    /// The risk of a difference in a recorded environment variable.
    static func variableRisk(_ name: String) -> (ReproducibilityRisk, String) {
        switch name {
        case "SWIFT_DETERMINISTIC_HASHING":
            (.none, "Swift's hash seed does not reach Repro's numbers (G2, tested); hash-ordered iteration elsewhere can")
        case "REPRO_NUM_THREADS":
            (.none, "none in Repro: kernels are thread-count invariant (G3, tested)")
        case "REPRO_TARGET_CPU":
            (.medium, "the build's target CPU: only speed should change (fused multiply-add is explicit), untested across targets")
        case "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS":
            (.none, "Repro uses no OpenMP or BLAS; high in frameworks that do (split reductions)")
        default:
            (.unknown, "not in Repro's risk table")
        }
    }

    /// The risk of a difference in a training configuration field.
    static func configurationRisk(_ field: String) -> (ReproducibilityRisk, String) {
        switch field {
        case "seed":
            (.intended, "the runs are meant to differ: compare seeds statistically (repro stats), not bitwise")
        case "checkpointEvery":
            (.none, "checkpoints do not change the numbers (resume is bitwise, G5)")
        case "allowNondeterministic":
            (.high, "nondeterministic fast paths (racy accumulation) may run: bits can change from run to run")
        case "benchmark":
            (.high, "kernels picked by timing can change the reduction order from run to run")
        default:
            (.intended, "a training setting: the runs are meant to differ")
        }
    }

    /// The risk of a difference in the determinism settings.
    static let determinismRisk: (ReproducibilityRisk, String) =
        (.high, "nondeterministic implementations or timing-based kernel choice may run: bits can change from run to run")

    /// The configuration's fields as dotted JSON paths (`epochs`, `task.settings.optimizer.sgd.learningRate`)
    /// and their texts (``JSONValue/flattened(_:prefix:)``): a task's settings of any shape compare
    /// field by field.
    static func configurationTexts(_ configuration: TrainingConfiguration) -> [String: String] {
        Dictionary(JSONValue.flattened(configuration).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Each stored property of `value` as (name, text), in declaration order; optionals unwrapped,
    /// nil as `(none)`. New fields of a record are compared without changes here.
    static func fieldTexts(_ value: Any) -> [(String, String)] {
        Mirror(reflecting: value).children.compactMap { child in child.label.map { ($0, text(child.value)) } }
    }

    private static func text(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.map { text($0.value) } ?? "(none)"
        }
        return String(describing: value)
    }
}
