import Foundation
import Testing

/// `repro compare` and `repro stats` on runs of other frameworks (the PyTorch and Lightning-format
/// fixtures of Tests/ReproRunsTests/Vectors/foreign, scripts/tensorboard/make_foreign_fixtures.py)
/// and `repro train --tensorboard` across a stop and resume: exit codes 0, 1 and 2.
@Suite struct ForeignRunCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ReproRunsTests/Vectors/foreign").path

    @Test func pyTorchRunsDivergeWhereNumpySays() throws {
        let result = try Repro.run(["compare", Self.fixtures + "/tb-a", Self.fixtures + "/tb-b"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("verdict: different: first difference at step 8 (Loss/train, Loss/val)"))
        #expect(result.stdout.contains("Accuracy/val: 3 rows in both (steps 4…12), identical"))
        #expect(result.stdout.components(separatedBy: "no digest, weights, environment or configuration").count == 2,
                "said once")
        let same = try Repro.run(["compare", Self.fixtures + "/csv-a.csv", Self.fixtures + "/csv-a.csv"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("verdict: identical"))
    }

    @Test func statsOverLightningLogs() throws {
        let result = try Repro.run(["stats", Self.fixtures + "/csv-a.csv", Self.fixtures + "/csv-b.csv", "--series", "val_acc,train_loss"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("runs: 2 runs"))
        #expect(result.stdout.contains("val_acc per step (3 steps, all shown)"))
        #expect(!result.stdout.contains("val_loss"))
    }

    @Test func badInputExitsTwo() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("repro-foreign-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch + "/cut", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let eventFile = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures + "/tb-b")[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/tb-b/" + eventFile))
        try bytes.dropLast(3).write(to: URL(fileURLWithPath: scratch + "/cut/" + eventFile))
        try "epoch,loss\n0,1.5\n".write(toFile: scratch + "/nostep.csv", atomically: true, encoding: .utf8)
        try "step,train_loss\n1,0.5\n".write(toFile: scratch + "/short.csv", atomically: true, encoding: .utf8)
        for (arguments, message) in [
            (["compare", Self.fixtures + "/tb-a", scratch + "/cut"], "the file is truncated"),
            (["stats", scratch + "/nostep.csv"], "no step column 'step' (columns: epoch, loss)"),
            (["stats", Self.fixtures + "/csv-a.csv", scratch + "/short.csv", "--series", "train_loss"],
             "per-step statistics need runs that log the same steps"),
            (["stats", Self.fixtures + "/csv-a.csv", "--tolerance", "1"], "--baseline and --tolerance need Repro runs"),
        ] {
            let result = try Repro.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// The event files of a run stopped, torn as by a kill in the middle of an append, and resumed
    /// hold every step once, with the values of the uninterrupted run (the format itself is checked against tensorboard's reader by
    /// scripts/tensorboard/check_event_files.py in .ci/run).
    @Test func tensorBoardSurvivesStopAndResume() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("repro-tensorboard-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var rows = ""
        for index in 0..<40 { rows += "\(Double(index % 7) / 7),\(Double(index % 5) / 5),\(index % 2)\n" }
        try rows.write(toFile: scratch + "/data.csv", atomically: true, encoding: .utf8)
        let train = ["train", "--seed", "5", "--epochs", "2", "--hidden", "4", "--batch-size", "8", "--checkpoint-every", "3",
                     "--dataset", scratch + "/data.csv", "--quiet", "--tensorboard"]
        for arguments in [train + ["--out", scratch + "/full"], train + ["--out", scratch + "/resumed", "--stop-after-step", "5"]] {
            let result = try Repro.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        // As a kill -9 in the middle of an append leaves them: the event file's last record cut
        // short, a torn row at the end of metrics.csv.
        let events = scratch + "/resumed/tensorboard/" + (try FileManager.default.contentsOfDirectory(atPath: scratch + "/resumed/tensorboard")[0])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: events))
        try bytes.dropLast(7).write(to: URL(fileURLWithPath: events))
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/resumed/metrics.csv"))
        try log.seekToEnd()
        try log.write(contentsOf: Data("6,0,0.5".utf8))
        try log.close()
        let resumed = try Repro.run(["train", "--resume", scratch + "/resumed", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = try Repro.run(["compare", scratch + "/full/tensorboard", scratch + "/resumed/tensorboard"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("verdict: identical"))
        #expect(result.stdout.contains("loss: 8 rows in both (steps 1…8), identical"))
        #expect(!result.stdout.contains("logged again"), "a step written twice")
    }
}
