import Foundation
import ReproTestSupport
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// `repro doctor`'s findings: notes on constructed environments, each exactly when its condition
/// holds, with its fix; and the findings of runs, hazards only where a guarantee may not hold.
@Suite struct DoctorTests {
    func environment(features: [String] = ["avx2", "fma"], variables: [String: String] = [:]) -> EnvironmentFingerprint {
        var environment = SyntheticRun.environment
        environment.cpuFeatures = features
        environment.environment = variables
        return environment
    }

    @Test func aCleanEnvironmentHasNoFindings() {
        #expect(DeterminismDoctor.environmentFindings(environment(), deterministicHashing: true, debugBuild: false,
                                                      nativeBuild: false).isEmpty)
    }

    /// Every environment finding is a note: none of them changes Repro's bits.
    @Test func eachEnvironmentConditionIsANoteWithItsFix() {
        let findings = DeterminismDoctor.environmentFindings(
            environment(features: ["sse4_2"], variables: ["OMP_NUM_THREADS": "4"]),
            deterministicHashing: false, debugBuild: true, nativeBuild: true)
        #expect(findings.map(\.name) == [
            "random hash seed", "debug build", "thread variables for other libraries", "CPU without FMA/AVX2",
            "binary built for this CPU only",
        ])
        #expect(findings.allSatisfy { $0.kind == .note && $0.fix?.isEmpty == false })
        #expect(findings[0].fix?.contains("SWIFT_DETERMINISTIC_HASHING=1") == true)
        #expect(findings[2].detail.contains("OMP_NUM_THREADS"))
        #expect(findings[4].detail.contains("results do not depend on it"))
    }

    func findings(_ path: String, here: EnvironmentFingerprint = SyntheticRun.environment) throws -> [DoctorFinding] {
        try DeterminismDoctor.runFindings(at: path, here: here)
    }

    @Test func aGoodRunHasNoHazard() throws {
        try withTemporaryDirectory { directory in
            let run = try SyntheticRun().write(to: directory.file("run"))
            let found = try findings(run)
            let digest = try RunDigest.compute(directory: run).digest
            #expect(found.map(\.kind) == [.ok, .ok, .ok, .ok], "\(found)")
            #expect(found[0].name == "files verified" && found[0].detail.contains(digest))
            #expect(found[3].detail == "commit 0123456789abcdef0123456789abcdef01234567, no uncommitted changes")
        }
    }

    /// The files are hashed, not taken at the manifest's word: a changed, missing or mismatched file
    /// is a hazard naming it.
    @Test func damagedFilesAreHazardsNamingTheFile() throws {
        try withTemporaryDirectory { directory in
            let changed = try SyntheticRun().write(to: directory.file("changed"))
            var log = try AtomicFile.read(changed + "/metrics.csv")
            log[log.count - 2] ^= 1
            try AtomicFile.write(log, to: changed + "/metrics.csv")
            let found = try findings(changed)
            #expect(found.first?.kind == .hazard && found.first?.name == "file changed after the run finished")
            #expect(found.first?.detail.hasPrefix(changed + "/metrics.csv: sha256 ") == true)

            let missing = try SyntheticRun().write(to: directory.file("missing"))
            try FileManager.default.removeItem(atPath: missing + "/model.safetensors")
            #expect(try findings(missing).first?.detail.hasPrefix(missing + "/model.safetensors") == true)

            let edited = try SyntheticRun().write(to: directory.file("edited"))
            let manifest = try String(contentsOfFile: edited + "/manifest.json", encoding: .utf8)
            let digest = try RunManifest.read(edited + "/manifest.json").digest
            try AtomicFile.write(manifest.replacingOccurrences(of: "\"digest\" : \"\(digest)\"",
                                                               with: "\"digest\" : \"\(String(repeating: "0", count: 64))\""),
                                 to: edited + "/manifest.json")
            #expect(try findings(edited).first?.name == "damaged manifest")

            let corrupt = try SyntheticRun().write(to: directory.file("corrupt"))
            try AtomicFile.write("{", to: corrupt + "/manifest.json")
            #expect(try findings(corrupt).map(\.kind) == [.hazard])
            #expect(try findings(corrupt).first?.detail.hasPrefix(corrupt + "/manifest.json: not valid JSON") == true)
        }
    }

    @Test func aRunTrainedByAnotherRevisionOrCompilerIsAHazard() throws {
        try withTemporaryDirectory { directory in
            let run = try SyntheticRun().write(to: directory.file("run"))
            var here = SyntheticRun.environment
            here.reproRevision = "fedcba9876543210fedcba9876543210fedcba98"
            here.swiftCompiler = "6.4"
            here.kernelRelease = "6.8.0"
            here.threadCount = 7
            let found = try findings(run, here: here).filter { $0.name.hasPrefix("trained with") }
            #expect(found.map(\.name) == ["trained with another environment.kernelRelease",
                                          "trained with another environment.reproRevision",
                                          "trained with another environment.swiftCompiler"])
            #expect(found.map(\.kind) == [.note, .hazard, .hazard])
            #expect(found[1].detail.hasPrefix("89abcdef0123456789abcdef0123456789abcdef in the run, fedcba9876543210fedcba9876543210fedcba98 here (risk high): another commit of Repro"))
            #expect(found[1].fix?.contains("89abcdef") == true)
        }
    }

    @Test func runSettingsAndCodeState() throws {
        try withTemporaryDirectory { directory in
            var fast = SyntheticRun()
            fast.configure = { $0.allowNondeterministic = true; $0.benchmark = true }
            fast.determinism = .fast
            let found = try findings(try fast.write(to: directory.file("fast")))
            #expect(found.filter { $0.kind == .hazard }.map(\.name) == ["nondeterministic fast paths allowed"])

            var dirty = SyntheticRun()
            dirty.environment.gitDirty = true
            let dirtyFindings = try findings(try dirty.write(to: directory.file("dirty")))
            #expect(dirtyFindings.last?.kind == .note && dirtyFindings.last?.detail.contains("0123456789ab") == true)

            var unrecorded = SyntheticRun()
            unrecorded.environment.gitCommit = nil
            unrecorded.environment.gitDirty = nil
            #expect(try findings(try unrecorded.write(to: directory.file("unrecorded"))).map(\.kind) == [.ok, .ok, .ok])
        }
    }

    @Test func anUnfinishedRunIsANoteAndNoPathIsAnError() throws {
        try withTemporaryDirectory { directory in
            let run = try SyntheticRun().write(to: directory.file("run"))
            try FileManager.default.removeItem(atPath: run + "/manifest.json")
            let found = try findings(run)
            #expect(found.map(\.kind) == [.note, .ok])
            #expect(found[0].fix == "finish it with repro train --resume \(run)")
            #expect(throws: RunFileError.self) { try findings(directory.file("none")) }
            try FileManager.default.createDirectory(atPath: directory.file("empty"), withIntermediateDirectories: false)
            #expect(throws: RunFileError.self) { try findings(directory.file("empty")) }
        }
    }

    /// The printed text, pinned.
    @Test func reportTextSnapshot() {
        let notes = DeterminismDoctor.environmentFindings(environment(), deterministicHashing: true, debugBuild: true,
                                                          nativeBuild: false)
        let run = [DoctorFinding(.ok, "files verified", "all match"),
                   DoctorFinding(.hazard, "damaged file", "RUN/eval.csv: changed", fix: "train again")]
        #expect(DeterminismDoctor.report([("here", notes), ("run RUN", run)]) == """
            here:
              note: debug build
                the bits match a release build (G6, tested), but training runs about 100 times slower, which tempts people to change settings between debugging and real runs
                fix: swift build -c release (or scripts/install.sh)
            run RUN:
              ok: files verified
                all match
              hazard: damaged file
                RUN/eval.csv: changed
                fix: train again
            1 hazard to the guarantees, 1 note

            """)
        #expect(DeterminismDoctor.report([("here", [])]) == "here:\n  nothing to report\n0 hazards to the guarantees, 0 notes\n")
    }
}
