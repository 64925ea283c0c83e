import Foundation
import Testing

/// `repro sweep` as a user runs it: runs in parallel, a repeated sweep skips finished runs, a
/// failed run is reported while the others finish, and a sweep never goes inside a run.
@Suite struct SweepCommandTests {
    /// A 40-row, two-class CSV dataset in a new scratch directory, and the tiny recipe's flags.
    static func scratch() throws -> (directory: String, flags: [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repro-sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let rows = (0..<40).map { "\(Double($0) / 40),\(Double($0 % 7) / 7),\($0 % 2)\n" }.joined()
        try rows.write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
        return (directory, ["--dataset", directory + "/data.csv", "--max-steps", "2", "--epochs", "1", "--hidden", "4",
                            "--batch-size", "8"])
    }

    @Test func runsSkipsFinishedRunsAndReportsFailures() throws {
        let (directory, flags) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sweep = directory + "/sweep"
        let first = try Repro.run(["sweep", "--seeds", "1..3", "--jobs", "2", "--out", sweep] + flags)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        for seed in 1...3 {
            #expect(first.stdout.contains("seed \(seed): validation accuracy"), "\(first.stdout)")
            #expect(FileManager.default.fileExists(atPath: "\(sweep)/seed-\(seed)/manifest.json"))
        }
        // Progress on standard error, a line per change when it is not a terminal: the first run's
        // end leaves one running and gives the first estimate of the time left.
        #expect(first.stderr.contains("runs: 1 of 3 done, 1 running, about "), "\(first.stderr)")
        #expect(first.stderr.hasSuffix("runs: 3 of 3 done, 0 running\n"), "\(first.stderr)")
        let again = try Repro.run(["sweep", "--seeds", "1..3", "--out", sweep] + flags)
        #expect(again.status == 0)
        #expect(again.stdout.components(separatedBy: "already finished").count == 4, "\(again.stdout)")
        // The same sweep with another learning rate would mix two configurations in one directory.
        let changed = try Repro.run(["sweep", "--seeds", "1..3", "--out", sweep, "--lr", "0.5"] + flags)
        #expect(changed.status == 2)
        #expect(changed.stdout.contains("seed 2: FAILED: \(sweep)/seed-2 holds a run started with another configuration")
                && changed.stdout.contains("differing: task.settings.optimizer.sgd.learningRate"), "\(changed.stdout)")
        #expect(changed.stderr.contains("3 of 3 runs failed"), "\(changed.stderr)")

        // Seed 5's directory holds a stray file: that run fails, seed 4's still finishes.
        try FileManager.default.createDirectory(atPath: sweep + "/seed-5", withIntermediateDirectories: true)
        try "notes".write(toFile: sweep + "/seed-5/notes.txt", atomically: true, encoding: .utf8)
        let failing = try Repro.run(["sweep", "--seeds", "5,4", "--jobs", "2", "--out", sweep] + flags)
        #expect(failing.status == 2)
        #expect(failing.stdout.contains("seed 5: FAILED") && failing.stdout.contains("is not empty"), "\(failing.stdout)")
        #expect(failing.stderr.contains("1 of 2 runs failed"))
        #expect(FileManager.default.fileExists(atPath: sweep + "/seed-4/manifest.json"))
        #expect(try String(contentsOfFile: sweep + "/seed-5/notes.txt", encoding: .utf8) == "notes")
    }

    /// `--code DIR` reaches every run's manifest, as `train --code` records it.
    @Test func codeDirectoryIsRecordedInEveryRun() throws {
        let (directory, flags) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let code = directory + "/code"
        try FileManager.default.createDirectory(atPath: code, withIntermediateDirectories: true)
        try "print(1)\n".write(toFile: code + "/train.py", atomically: true, encoding: .utf8)
        guard git(["init", "-q"], in: code) != nil else { return }  // no git here
        _ = git(["add", "train.py"], in: code)
        _ = git(["commit", "-q", "-m", "code"], in: code)
        let commit = try #require(git(["rev-parse", "HEAD"], in: code)).trimmingCharacters(in: .whitespacesAndNewlines)
        let sweep = directory + "/sweep"
        let result = try Repro.run(["sweep", "--seeds", "1..2", "--out", sweep, "--code", code] + flags)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for seed in 1...2 {
            let manifest = try String(contentsOfFile: "\(sweep)/seed-\(seed)/manifest.json", encoding: .utf8)
            #expect(manifest.contains("\"gitCommit\" : \"\(commit)\""), "\(manifest)")
        }
    }

    @Test func aSweepIsNeverWrittenInsideARun() throws {
        let (directory, flags) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = directory + "/run"
        let trained = try Repro.run(["train", "--seed", "1", "--out", run, "--quiet"] + flags)
        #expect(trained.status == 0, "\(trained.stderr)")
        let before = try FileManager.default.contentsOfDirectory(atPath: run).sorted()
        for out in [run, run + "/sweep"] {
            let result = try Repro.run(["sweep", "--seeds", "1..2", "--out", out] + flags)
            #expect(result.status == 2 && result.stderr.contains("lies inside the run"), "\(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: run).sorted() == before)
    }
}
