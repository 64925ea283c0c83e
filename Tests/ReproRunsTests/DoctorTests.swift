import Testing
@testable import ReproRuns

/// `repro doctor`'s findings for constructed environments: each hazard appears exactly when its
/// condition holds, with its fix.
@Suite struct DoctorTests {
    func environment(dirty: Bool? = false, features: [String] = ["avx2", "fma"],
                     variables: [String: String] = [:]) -> EnvironmentFingerprint {
        EnvironmentFingerprint(reproVersion: "0.1.0", swiftCompiler: "6.3", buildConfiguration: "release",
                               architecture: "x86_64", machine: "x86_64", osName: "Linux", kernelRelease: "6",
                               osDistribution: nil, libc: nil, cpuModel: "cpu", cpuFeatures: features, logicalCores: 2,
                               availableCores: 2, environment: variables, gitCommit: "0123456789abcdef", gitDirty: dirty,
                               threadCount: 2, workerCount: 0)
    }

    @Test func aCleanEnvironmentHasNoHazards() {
        #expect(DeterminismDoctor.hazards(environment: environment(), deterministicHashing: true, debugBuild: false,
                                          nativeBuild: false).isEmpty)
    }

    @Test func eachConditionNamesItsHazardAndFix() {
        var configuration = TrainingConfiguration(seed: 1, task: TaskRecord(name: "test"))
        configuration.allowNondeterministic = true
        configuration.benchmark = true
        let hazards = DeterminismDoctor.hazards(
            environment: environment(dirty: true, features: ["sse4_2"], variables: ["OMP_NUM_THREADS": "4"]),
            deterministicHashing: false, debugBuild: true, nativeBuild: true, configuration: configuration)
        #expect(hazards.map(\.name) == [
            "random hash seed", "debug build", "thread variables for other libraries", "dirty git tree",
            "CPU without FMA/AVX2", "binary built for this CPU only", "nondeterministic fast paths allowed",
        ])
        #expect(hazards[0].fix.contains("SWIFT_DETERMINISTIC_HASHING=1"))
        #expect(hazards[2].detail.contains("OMP_NUM_THREADS"))
        #expect(hazards[3].detail.contains("0123456789ab"))
        #expect(hazards[6].detail.contains("picked by timing"))
        #expect(hazards.allSatisfy { !$0.fix.isEmpty })
    }

    @Test func unknownGitStateIsNotAHazard() {
        #expect(DeterminismDoctor.hazards(environment: environment(dirty: nil), deterministicHashing: true,
                                          debugBuild: false, nativeBuild: false).isEmpty)
    }
}

extension DoctorTests {
    /// The printed text, pinned.
    @Test func reportTextSnapshot() {
        let hazards = DeterminismDoctor.hazards(environment: environment(dirty: true), deterministicHashing: true,
                                                debugBuild: true, nativeBuild: false)
        #expect(DeterminismDoctor.report(hazards) == """
            hazard: debug build
              the bits match a release build (G6, tested), but training runs about 50 times slower, which tempts people to change settings between debugging and real runs
              fix: swift build -c release (or swift run -c release repro …)
            hazard: dirty git tree
              the training code has uncommitted changes, so the recorded commit 0123456789ab does not identify it
              fix: commit (or stash) before training, so the manifest's commit is the code that ran
            2 hazards found

            """)
        #expect(DeterminismDoctor.report([]) == "no determinism hazards found\n")
    }
}
