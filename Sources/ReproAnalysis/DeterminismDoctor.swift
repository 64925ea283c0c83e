import Foundation
import ReproRuns
import ReproTensor

/// One finding of `repro doctor`: a hazard to Repro's guarantees (docs/ARCHITECTURE.md §1), a note
/// that does not touch them, or a check that passed.
public struct DoctorFinding: Hashable, Sendable {
    /// How a finding bears on the guarantees.
    public enum Kind: String, Sendable, Hashable {
        /// A guarantee may not hold: the run cannot be trusted or repeated bit for bit as recorded
        /// (`repro doctor --strict` exits 1).
        case hazard
        /// Worth knowing, but no guarantee depends on it (speed, portability, code outside Repro).
        case note
        /// A check that passed.
        case ok
    }

    public let kind: Kind
    /// A short name, e.g. `random hash seed`.
    public let name: String
    /// What was found and what it can change.
    public let detail: String
    /// What to do about it; nil for a check that passed.
    public let fix: String?

    public init(_ kind: Kind, _ name: String, _ detail: String, fix: String? = nil) {
        self.kind = kind
        self.name = name
        self.detail = detail
        self.fix = fix
    }
}

/// Finds ``DoctorFinding``s: in this environment (here), and in a run (`DeterminismDoctor+Run.swift`).
public enum DeterminismDoctor {
    /// The findings of `environment` (as measured by `EnvironmentFingerprint.current`) and the build
    /// the caller runs in. All are notes: none of them changes Repro's bits (G2 hash seed, G3 thread
    /// counts, G6 debug build; fused multiply-add is explicit, so the target CPU changes only speed).
    ///
    /// - Parameters:
    ///   - deterministicHashing: whether this process started with `SWIFT_DETERMINISTIC_HASHING`.
    ///   - debugBuild: whether the calling executable is a debug build.
    ///   - nativeBuild: whether it was compiled for the build machine's CPU (`-target-cpu native`).
    public static func environmentFindings(_ environment: EnvironmentFingerprint, deterministicHashing: Bool,
                                           debugBuild: Bool, nativeBuild: Bool) -> [DoctorFinding] {
        var found: [DoctorFinding] = []
        if !deterministicHashing {
            found.append(DoctorFinding(
                .note, "random hash seed",
                "Swift seeds Hasher per process, so Set and Dictionary iteration order changes from run to run. "
                    + "Repro never depends on it (G2, tested); training code of your own that iterates a Set or Dictionary does.",
                fix: "start the process with SWIFT_DETERMINISTIC_HASHING=1 (setting it inside a running process does "
                    + "nothing), or call HashSeeding.reexecuteWithDeterministicHashing() first thing in main"))
        }
        if debugBuild {
            found.append(DoctorFinding(
                .note, "debug build",
                "the bits match a release build (G6, tested), but training runs about 100 times slower, "
                    + "which tempts people to change settings between debugging and real runs",
                fix: "swift build -c release (or scripts/install.sh)"))
        }
        let otherThreads = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]
            .filter { environment.environment[$0] != nil }
        if !otherThreads.isEmpty {
            found.append(DoctorFinding(
                .note, "thread variables for other libraries",
                "\(otherThreads.joined(separator: ", ")) set: Repro uses no BLAS or OpenMP and gives the same bits for "
                    + "any thread count (G3), but such libraries used next to it change their reduction order with these",
                fix: "keep them identical between runs you compare (manifests record them), or unset them"))
        }
        let features = Set(environment.cpuFeatures)
        if environment.architecture == "x86_64", !(features.contains("fma") && features.contains("avx2")) {
            found.append(DoctorFinding(
                .note, "CPU without FMA/AVX2",
                "Repro uses fused multiply-add explicitly; without hardware FMA it runs in software: the same "
                    + "bits, many times slower",
                fix: "train on a CPU with FMA and AVX2 (x86-64-v3), or accept the slowdown"))
        }
        if nativeBuild {
            found.append(DoctorFinding(
                .note, "binary built for this CPU only",
                "this executable was compiled with -target-cpu native: copied to a CPU without the same features it "
                    + "stops with an illegal instruction; results do not depend on it (fused multiply-add is explicit)",
                fix: "for a binary to copy to other machines, build with REPRO_TARGET_CPU=haswell swift build -c release"))
        }
        return found
    }

    /// The hazard of a run whose settings let nondeterministic implementations or timing-based
    /// kernel choice run (no guarantee holds for it), or nil.
    static func nondeterminismHazard(_ configuration: TrainingConfiguration,
                                     _ settings: DeterminismSettings?) -> DoctorFinding? {
        let benchmark = configuration.benchmark || settings?.benchmark == true
        guard configuration.allowNondeterministic || benchmark || settings?.allowsNondeterminism == true else { return nil }
        return DoctorFinding(
            .hazard, "nondeterministic fast paths allowed",
            benchmark
                ? "--allow-nondeterministic --benchmark: matrix-multiply kernels are picked by timing, so the "
                    + "reduction order, and the bits, can change from run to run"
                : "--allow-nondeterministic: operations with a nondeterministic implementation (atomic scatter-add) "
                    + "may use it, and no guarantee holds",
            fix: "train without --allow-nondeterministic (the default) when runs must be bitwise identical")
    }

    /// The text `repro doctor` prints: each section's title, then each finding as its kind and
    /// name, its detail and its fix (indented), then the count of hazards and notes.
    public static func report(_ sections: [(title: String, findings: [DoctorFinding])]) -> String {
        var text = ""
        for (title, findings) in sections {
            text += "\(title):\n"
            if findings.isEmpty { text += "  nothing to report\n" }
            for finding in findings {
                text += "  \(finding.kind.rawValue): \(finding.name)\n    \(finding.detail)\n"
                if let fix = finding.fix { text += "    fix: \(fix)\n" }
            }
        }
        let all = sections.flatMap(\.findings)
        func count(_ kind: DoctorFinding.Kind, _ noun: String) -> String {
            let n = all.filter { $0.kind == kind }.count
            return "\(n) \(noun)\(n == 1 ? "" : "s")"
        }
        return text + "\(count(.hazard, "hazard")) to the guarantees, \(count(.note, "note"))\n"
    }
}
