import Foundation

/// A condition of this environment or a run's configuration that can change results or make
/// them impossible to reproduce, with what to do about it (`repro doctor`).
public struct DeterminismHazard: Hashable, Sendable {
    /// A short name, e.g. `random hash seed`.
    public let name: String
    /// What is wrong and what it can change.
    public let detail: String
    /// How to remove it.
    public let fix: String
}

/// Finds ``DeterminismHazard``s.
public enum DeterminismDoctor {
    /// The hazards of `environment` (as measured by `EnvironmentFingerprint.current`), the build
    /// the caller runs in, and optionally a run's configuration.
    ///
    /// - Parameters:
    ///   - deterministicHashing: whether this process started with `SWIFT_DETERMINISTIC_HASHING`.
    ///   - debugBuild: whether the calling executable is a debug build.
    ///   - nativeBuild: whether it was compiled for the build machine's CPU (`-target-cpu native`).
    public static func hazards(environment: EnvironmentFingerprint, deterministicHashing: Bool, debugBuild: Bool,
                               nativeBuild: Bool, configuration: TrainingConfiguration? = nil) -> [DeterminismHazard] {
        var found: [DeterminismHazard] = []
        if !deterministicHashing {
            found.append(DeterminismHazard(
                name: "random hash seed",
                detail: "Swift seeds Hasher per process, so Set and Dictionary iteration order changes from run to run. "
                    + "Repro never depends on it; training code that iterates a Set or Dictionary does.",
                fix: "start the process with SWIFT_DETERMINISTIC_HASHING=1 (setting it inside a running process does "
                    + "nothing), or call HashSeeding.reexecuteWithDeterministicHashing() first thing in main"))
        }
        if debugBuild {
            found.append(DeterminismHazard(
                name: "debug build",
                detail: "the bits match a release build (G6, tested), but training runs about 50 times slower, "
                    + "which tempts people to change settings between debugging and real runs",
                fix: "swift build -c release (or swift run -c release repro …)"))
        }
        let otherThreads = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]
            .filter { environment.environment[$0] != nil }
        if !otherThreads.isEmpty {
            found.append(DeterminismHazard(
                name: "thread variables for other libraries",
                detail: "\(otherThreads.joined(separator: ", ")) set: Repro's kernels give the same bits for any thread "
                    + "count, but BLAS/OpenMP libraries used next to it change their reduction order with these",
                fix: "record them with the run (repro env does) and keep them identical between runs you compare, "
                    + "or unset them"))
        }
        if environment.gitDirty == true {
            found.append(DeterminismHazard(
                name: "dirty git tree",
                detail: "the training code has uncommitted changes, so the recorded commit "
                    + "\(environment.gitCommit.map { String($0.prefix(12)) } ?? "") does not identify it",
                fix: "commit (or stash) before training, so the manifest's commit is the code that ran"))
        }
        let features = Set(environment.cpuFeatures)
        if environment.architecture == "x86_64", !(features.contains("fma") && features.contains("avx2")) {
            found.append(DeterminismHazard(
                name: "CPU without FMA/AVX2",
                detail: "Repro uses fused multiply-add explicitly; without hardware FMA it runs in software: the same "
                    + "bits, many times slower",
                fix: "train on a CPU with FMA and AVX2 (x86-64-v3), or accept the slowdown"))
        }
        if nativeBuild {
            found.append(DeterminismHazard(
                name: "binary built for this CPU only",
                detail: "this executable was compiled with -target-cpu native; copied to a CPU without the same "
                    + "features it stops with an illegal instruction (results would not change, only speed)",
                fix: "for a binary to copy, build with REPRO_TARGET_CPU=x86-64-v3 swift build -c release"))
        }
        if let configuration, configuration.allowNondeterministic {
            found.append(DeterminismHazard(
                name: "nondeterministic fast paths allowed",
                detail: configuration.benchmark
                    ? "--allow-nondeterministic --benchmark: matrix-multiply kernels are picked by timing, so the "
                        + "reduction order, and the bits, can change from run to run"
                    : "--allow-nondeterministic: operations with a nondeterministic implementation (atomic scatter-add) "
                        + "may use it",
                fix: "train without --allow-nondeterministic (the default) when runs must be bitwise identical"))
        }
        return found
    }

    /// The text `repro doctor` prints for `hazards`: each hazard's name, detail and fix, then a count.
    public static func report(_ hazards: [DeterminismHazard]) -> String {
        guard !hazards.isEmpty else { return "no determinism hazards found\n" }
        return hazards.map { "hazard: \($0.name)\n  \($0.detail)\n  fix: \($0.fix)\n" }.joined()
            + "\(hazards.count) hazard\(hazards.count == 1 ? "" : "s") found\n"
    }
}
