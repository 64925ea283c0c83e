import Foundation
import Testing

/// `repro env`, `repro doctor` and `repro --version` through the built binary.
@Suite struct EnvDoctorCommandTests {
    /// `HashSeeding.reexecuteWithDeterministicHashing()` really restarts the process with the
    /// variable set: the re-executed `repro env` reports it.
    @Test func reexecutionTurnsOnDeterministicHashing() async throws {
        try await withScratch("reexec") { scratch in
            let environment = Repro.environment(["SWIFT_DETERMINISTIC_HASHING": nil])
            let plain = try await Repro.run(["env"], environment: environment, logs: scratch.file("plain"))
            #expect(plain.status == 0 && plain.stdout.contains("deterministicHashing: false"), "\(plain.summary)")
            let again = try await Repro.run(["env", "--deterministic-hashing"], environment: environment,
                                            logs: scratch.file("again"))
            #expect(again.status == 0, "\(again.summary)")
            #expect(again.stdout.contains("deterministicHashing: true"))
            #expect(again.stdout.contains("environment.SWIFT_DETERMINISTIC_HASHING: 1"))
        }
    }

    /// The environment alone has notes, never hazards: `--strict` exits 0 even with a random hash
    /// seed in a debug build compiled for this CPU; `env --json` decodes.
    @Test func doctorStrictWithoutARunExitsZeroOnNotes() async throws {
        try await withScratch("doctor") { scratch in
            let environment = Repro.environment(["SWIFT_DETERMINISTIC_HASHING": nil])
            let doctor = try await Repro.run(["doctor", "--strict"], environment: environment, logs: scratch.file("doctor"))
            #expect(doctor.status == 0, "\(doctor.summary)")
            #expect(doctor.stdout.contains("note: random hash seed") && doctor.stdout.contains("fix: "))
            #expect(doctor.stdout.hasSuffix("0 hazards to the guarantees, \(doctor.stdout.components(separatedBy: "  note: ").count - 1) notes\n"))
            let json = try await Repro.run(["env", "--json"], logs: scratch.file("json"))
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["swiftCompiler"] != nil && object?["cpuFeatures"] != nil)
            #expect(object?["reproRevision"] as? String == Self.revision(versionLine: try Repro.run(["--version"]).stdout))
            #expect(object?["gitCommit"] == nil, "the current directory's git state is not recorded")
            let missing = try await Repro.run(["doctor", scratch.file("no-such-run")], logs: scratch.file("missing"))
            #expect(missing.status == 2 && missing.stderr.contains("no-such-run"), "\(missing.summary)")
        }
    }

    /// The revision in `repro 0.14.0 (revision R)`.
    static func revision(versionLine: String) -> String? {
        guard let start = versionLine.range(of: "(revision "), let end = versionLine.range(of: ")\n") else { return nil }
        return String(versionLine[start.upperBound..<end.lowerBound])
    }

    /// `repro --version`: the version, and the commit of this repository the binary was built from
    /// (`-dirty` with changes; `unknown` only where git cannot tell).
    @Test func versionNamesTheVersionAndACommitOfThisRepository() throws {
        let result = try Repro.run(["--version"])
        #expect(result.status == 0 && result.stdout.hasPrefix("repro 0.14.0 (revision "), "\(result.stdout)")
        let revision = try #require(Self.revision(versionLine: result.stdout))
        let commit = revision.hasSuffix("-dirty") ? String(revision.dropLast("-dirty".count)) : revision
        if git(["rev-parse", "--git-dir"], in: Self.package) != nil {
            #expect(commit.count == 40 && git(["cat-file", "-e", commit + "^{commit}"], in: Self.package) != nil,
                    "\(revision) is not a commit of \(Self.package)")
        } else {
            #expect(revision == "unknown")
        }
    }

    /// The repository this test file is in.
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// `repro doctor RUN` on the run tools' fixtures: a good run passes `--strict`; a changed file, or a
/// run trained by another revision of Repro, is a hazard named in the output (exit 1 with `--strict`).
extension EnvDoctorCommandTests {
    @Test func doctorOnAGoodRunExitsZeroWithStrict() throws {
        let runs = try RunToolsCommandTests.paths()
        let result = try Repro.run(["doctor", "--strict", runs.a])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("run \(runs.a):\n  ok: files verified\n"))
        #expect(result.stdout.contains("ok: determinism settings") && result.stdout.contains("ok: environment"))
    }

    @Test func doctorNamesADamagedFileAndExitsOne() throws {
        let runs = try RunToolsCommandTests.paths()
        let result = try Repro.run(["doctor", "--strict", runs.nan])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("hazard: file changed after the run finished\n    \(runs.nan)/metrics.csv: sha256 "))
        #expect(try Repro.run(["doctor", runs.nan]).status == 0, "without --strict a hazard is reported, not an exit status")
    }

    @Test func doctorSaysARunWasTrainedByAnotherRevision() async throws {
        let runs = try RunToolsCommandTests.paths()
        try await withScratch("doctor-revision") { scratch in
            let run = scratch.file("other-revision")
            try FileManager.default.copyItem(atPath: runs.a, toPath: run)
            let manifest = try String(contentsOfFile: run + "/manifest.json", encoding: .utf8)
            let revision = try #require(manifest.range(of: #""reproRevision" : "[^"]*""#, options: .regularExpression))
            let other = "fedcba9876543210fedcba9876543210fedcba98"
            try manifest.replacingCharacters(in: revision, with: "\"reproRevision\" : \"\(other)\"")
                .write(toFile: run + "/manifest.json", atomically: true, encoding: .utf8)
            let result = try Repro.run(["doctor", "--strict", run])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("hazard: trained with another environment.reproRevision\n    \(other) in the run, "))
            #expect(result.stdout.contains("ok: files verified"), "the files still match their manifest")
        }
    }

    /// `--code DIR` records the training code's commit and dirty state; without it nothing is
    /// recorded, even when the current directory is a dirty git repository.
    @Test func trainRecordsTheGitStateOfTheCodeDirectoryOnly() async throws {
        let runs = try RunToolsCommandTests.paths()
        try await withScratch("train-code") { scratch in
            let code = scratch.file("code")
            try FileManager.default.createDirectory(atPath: code, withIntermediateDirectories: false)
            guard git(["init", "-q"], in: code) != nil else { return }  // no git here
            try "print(1)\n".write(toFile: code + "/train.swift", atomically: true, encoding: .utf8)
            _ = git(["add", "train.swift"], in: code)
            _ = git(["commit", "-q", "-m", "first"], in: code)
            let head = try #require(git(["rev-parse", "HEAD"], in: code)).trimmingCharacters(in: .whitespacesAndNewlines)
            try "notes\n".write(toFile: code + "/untracked.txt", atomically: true, encoding: .utf8)
            let flags = ["train", "--seed", "1", "--max-steps", "1", "--epochs", "1", "--hidden", "4", "--batch-size", "8",
                         "--dataset", runs.scratch + "/data.csv", "--quiet"]
            let named = try await Repro.run(flags + ["--out", scratch.file("named"), "--code", code], directory: code,
                                            logs: scratch.file("named-log"))
            #expect(named.status == 0, "\(named.summary)")
            let recorded = try #require(try manifest(in: scratch.file("named"))["environment"] as? [String: Any])
            #expect(recorded["gitCommit"] as? String == head && recorded["gitDirty"] as? Bool == true)
            let unnamed = try await Repro.run(flags + ["--out", scratch.file("unnamed")], directory: code,
                                              logs: scratch.file("unnamed-log"))
            #expect(unnamed.status == 0, "\(unnamed.summary)")
            let plain = try #require(try manifest(in: scratch.file("unnamed"))["environment"] as? [String: Any])
            #expect(plain["gitCommit"] == nil && plain["gitDirty"] == nil)
            #expect(plain["reproRevision"] as? String == Self.revision(versionLine: try Repro.run(["--version"]).stdout))
            let missing = try await Repro.run(flags + ["--out", scratch.file("x"), "--code", scratch.file("nowhere")],
                                              logs: scratch.file("missing-log"))
            #expect(missing.status == 2 && missing.stderr.contains("--code \(scratch.file("nowhere")): no such directory"))
        }
    }
}
