import ReproRuns

/// A factor an audit varies, one at a time, against a reference run of the same configuration
/// (`repro audit`, `Trainer.audit` in `Repro`): the causes of irreproducibility the
/// lesson names that Repro controls, with the guarantee of docs/ARCHITECTURE.md §1 that covers each.
public enum AuditFactor: CaseIterable, Sendable {
    /// Another process with the same arguments (G1).
    case secondProcess
    /// Swift's hash seed: `SWIFT_DETERMINISTIC_HASHING` set or not (G2).
    case hashSeed
    /// The compute thread count (G3).
    case threadCount
    /// The data-loader worker count and prefetch depth (G4).
    case workersAndPrefetch
    /// Stopped after a step and resumed from its checkpoint (G5).
    case interruption
    /// A debug build instead of a release build, or the reverse (G6).
    case debugBuild
    /// The nondeterministic fast paths allowed (`allowNondeterministic`): no guarantee.
    case allowNondeterministic
    /// Kernels chosen by timing (`benchmark`, with `allowNondeterministic`): no guarantee.
    case benchmark

    /// The factor's name in the report.
    public var name: String {
        switch self {
        case .secondProcess: "second process"
        case .hashSeed: "hash seed"
        case .threadCount: "thread count"
        case .workersAndPrefetch: "workers and prefetch"
        case .interruption: "interruption and resume"
        case .debugBuild: "debug build"
        case .allowNondeterministic: "--allow-nondeterministic"
        case .benchmark: "--benchmark"
        }
    }

    /// The guarantee that says the factor changes no bit, or nil.
    public var guarantee: String? {
        switch self {
        case .secondProcess: "G1"
        case .hashSeed: "G2"
        case .threadCount: "G3"
        case .workersAndPrefetch: "G4"
        case .interruption: "G5"
        case .debugBuild: "G6"
        case .allowNondeterministic, .benchmark: nil
        }
    }

    /// Whether one process can vary the factor: a second process, the hash seed (fixed when a
    /// process starts) and the build are varied by the command line only.
    public var variesInProcess: Bool {
        switch self {
        case .secondProcess, .hashSeed, .debugBuild: false
        case .threadCount, .workersAndPrefetch, .interruption, .allowNondeterministic, .benchmark: true
        }
    }

    /// The thread count the ``threadCount`` run uses when the reference used `reference`: 1, or 3
    /// when the reference used 1 (an uneven split of the work).
    public static func variedThreads(reference: Int) -> Int { reference == 1 ? 3 : 1 }

    /// The change in words of a factor that is always varied the same way, or nil.
    public var fixedChange: String? {
        switch self {
        case .secondProcess: "another process, the same arguments"
        case .allowNondeterministic: "nondeterministic fast paths allowed"
        case .benchmark: "kernels chosen by timing"
        case .hashSeed, .threadCount, .workersAndPrefetch, .interruption, .debugBuild: nil
        }
    }

    /// The ``threadCount`` run's change in words: `1 thread (reference: 2)`.
    public static func threadsChange(_ threads: Int, reference: Int) -> String {
        "\(threads) \(threads == 1 ? "thread" : "threads") (reference: \(reference))"
    }

    /// The ``interruption`` run's change in words: stopped after `step` without a checkpoint of
    /// it, as if killed (`stopAfterStep`), and resumed from its newest checkpoint before.
    public static func interruptionChange(_ step: Int) -> String {
        "stopped after step \(step) as if killed, resumed from its newest checkpoint"
    }

    /// The workers and prefetch depth of the ``workersAndPrefetch`` run (the reference loads on the
    /// training thread, with no workers).
    public static let variedWorkers = (workers: 3, prefetch: 1)

    /// The ``workersAndPrefetch`` run's change in words.
    public static var workersChange: String {
        "\(variedWorkers.workers) workers, prefetch \(variedWorkers.prefetch) (reference: 0 workers)"
    }

    /// The reference run in words, from its manifest: `digest 1a2b…, 50 steps, 2 threads, 0 workers`.
    public static func reference(_ manifest: RunManifest, threads: Int) -> String {
        "digest \(manifest.digest.prefix(16))…, \(manifest.finalMetrics.steps) steps, \(threads) threads, 0 workers"
    }

    /// The report's row for this factor: `change` in words, and the run at `variant` compared with
    /// the one at `reference` (``RunComparison/firstDivergence``); with `evidence`, a difference
    /// names the `repro compare` command that shows it in full (for runs that are kept).
    ///
    /// - Throws: what loading and comparing the runs throws (``RunFileError``).
    public func row(change: String, reference: String, variant: String, evidence: Bool = true) throws -> AuditReport.Row {
        let divergence = try RunComparison(reference, variant).firstDivergence
        let command = evidence ? "repro compare \(reference) \(variant)" : ""
        return AuditReport.Row(factor: name, change: change, guarantee: guarantee,
                               outcome: divergence.map { .differs($0, evidence: command) } ?? .identical)
    }

    /// The report's row for a factor that could not be varied, and why.
    public func unavailable(_ why: String) -> AuditReport.Row {
        AuditReport.Row(factor: name, change: "", guarantee: guarantee, outcome: .notAvailable(why))
    }
}
