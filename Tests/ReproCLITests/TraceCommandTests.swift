import Foundation
import Testing

/// `repro train --trace` and `repro compare` on traced runs, as a user runs them: the first
/// differing tensor named, `--rerun` measuring it, the advice when traces are missing, and a
/// truncated or damaged trace refused with exit 2. The runs are tiny (a 4-wide MLP for 3 steps on
/// the 40-row CSV dataset of ``RunToolsFixtures``).
@Suite struct TraceCommandTests {
    /// Traced runs `plain`, `again` (another process with other threads and workers) and `faster`
    /// (another learning rate), and an untraced `untraced`.
    struct Runs: Sendable {
        let directory: String

        init() throws {
            let data = try RunToolsCommandTests.paths().scratch + "/data.csv"
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("repro-trace-\(UUID().uuidString)").path
            for (name, extra) in [("plain", ["--trace"]), ("again", ["--trace", "--threads", "2", "--workers", "3"]),
                                  ("faster", ["--trace", "--lr", "0.2"]), ("untraced", [])] {
                let result = try Repro.run(["train", "--seed", "4", "--max-steps", "3", "--epochs", "1", "--hidden", "4",
                                            "--batch-size", "8", "--checkpoint-every", "2", "--dataset", data, "--quiet",
                                            "--out", directory + "/" + name] + extra)
                guard result.status == 0 else {
                    throw RunToolsFixtures.Failure(description: "repro train \(name): \(result.stderr)")
                }
            }
        }

        func path(_ name: String) -> String { directory + "/" + name }
    }

    static let runs = Result { try Runs() }

    @Test func compareNamesTheFirstDifferingTensorAndRerunMeasuresIt() throws {
        let runs = try Self.runs.get()
        let result = try Repro.run(["compare", runs.path("plain"), runs.path("faster"), "--rerun"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let text = result.stdout.replacingOccurrences(of: "\n    ", with: " ")
        #expect(text.contains("traces\n  step 1, update: `0.weight` after the update differs first; the batch indices, "
                              + "the random streams, every forward output, the loss and every gradient are equal"), "\(text)")
        #expect(text.contains("rerun of step 1 with full tensors: `0.weight` after the update differs first\n"))
        #expect(text.contains(" elements differ\n  largest absolute difference "), "\(text)")
    }

    @Test func anotherProcessWritesTheSameTrace() throws {
        let runs = try Self.runs.get()
        #expect(try Data(contentsOf: URL(fileURLWithPath: runs.path("plain") + "/trace.bin"))
                == Data(contentsOf: URL(fileURLWithPath: runs.path("again") + "/trace.bin")))
        let result = try Repro.run(["compare", runs.path("plain"), runs.path("again")])
        #expect(result.status == 0 && result.stdout.contains("traces\n  the traces are equal at every one of the 3 steps"),
                "\(result.stdout)")
    }

    @Test func withoutTracesCompareSaysHowToRecordThem() throws {
        let runs = try Self.runs.get()
        let result = try Repro.run(["compare", runs.path("plain"), runs.path("untraced")])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.replacingOccurrences(of: "\n    ", with: " ")
                .contains("B has no trace: `repro train --trace` (RuntimeOptions(trace: true) from Swift) records one"))
    }

    @Test func aTruncatedOrDamagedTraceExitsTwo() throws {
        let runs = try Self.runs.get()
        for (name, damage, message) in [("truncated", { (bytes: inout [UInt8]) in bytes.removeLast(5) }, "is cut short"),
                                        ("damaged", { (bytes: inout [UInt8]) in bytes[bytes.count / 2] ^= 0x10 },
                                         "check value does not match its bytes")] {
            let copy = runs.path(name)
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: runs.path("plain"), toPath: copy)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: copy + "/trace.bin")))
            damage(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: copy + "/trace.bin"))
            let result = try Repro.run(["compare", runs.path("plain"), copy])
            #expect(result.status == 2, "\(name): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(copy + "/trace.bin") && result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
