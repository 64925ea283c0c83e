import Foundation
import Testing

/// The charlm recipe and `repro sample` in processes: G1 (another process), G3 (threads), G4
/// (workers) and G5 (`kill -9` and resume) on a short configuration; sampling that is the same in
/// every process and thread count, and the same for a prompt alone and in a batch (G9); and the
/// errors for bad prompts, bad corpora and runs of another recipe.
@Suite struct CharLMProcessTests {
    /// A small text: 60 lines of a fixed rhyme with numbers, about 2.6 KB.
    static let text = (0..<60).map { "line \($0): the quick brown fox jumps over the lazy dog\n" }.joined()

    /// A one-block GPT over 8 characters; 3 epochs would be 3 × 29 steps: stopped at 24.
    static func flags(_ corpus: String) -> [String] {
        ["--recipe", "charlm", "--text", corpus, "--context", "8", "--layers", "1", "--heads", "2", "--width", "16",
         "--batch-size", "8", "--max-steps", "24", "--checkpoint-every", "5", "--warmup", "3", "--seed", "7"]
    }

    static func writeText(_ scratch: Scratch, _ content: String = text) throws -> String {
        let path = scratch.file("corpus.txt")
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The uninterrupted run (default threads, no workers), trained once and shared.
    static let reference = Task<(run: String, digest: String), any Error> {
        let scratch = try Scratch("charlm-reference")
        let result = try await Repro.run(["train"] + flags(try writeText(scratch)) + ["--out", scratch.file("run"), "--quiet"],
                                         logs: scratch.file("logs"))
        guard result.status == 0, let digest = result.digest else {
            throw HarnessError("the charlm reference run failed: \(result.summary)")
        }
        return (scratch.file("run"), digest)
    }

    /// G1–G4: another process, with the hash seed random or fixed (`SWIFT_DETERMINISTIC_HASHING`
    /// unset or set), other thread counts and other worker counts.
    @Test(arguments: [(["--threads", "1", "--workers", "2"], nil), (["--threads", "3", "--workers", "0"], "1")] as [([String], String?)])
    func anotherProcessHashSeedThreadsAndWorkersGiveTheSameDigest(_ runtime: [String], _ hashing: String?) async throws {
        let reference = try await Self.reference.value
        try await withScratch("charlm-g1") { scratch in
            let result = try await Repro.run(["train"] + Self.flags(try Self.writeText(scratch))
                                             + ["--out", scratch.file("run"), "--quiet"] + runtime,
                                             environment: Repro.environment(["SWIFT_DETERMINISTIC_HASHING": hashing]),
                                             logs: scratch.file("logs"))
            #expect(result.status == 0 && result.digest == reference.digest, "\(runtime), hashing \(hashing ?? "unset"): \(result.summary)")
            #expect(result.stdout.contains("validation loss"), "\(result.stdout)")
        }
    }

    /// G5: killed by `kill -9` after its second checkpoint, resumed with other threads.
    @Test func killedAndResumedRunIsIdentical() async throws {
        let reference = try await Self.reference.value
        try await withScratch("charlm-kill") { scratch in
            let run = scratch.file("run")
            let child = try Child(["train"] + Self.flags(try Self.writeText(scratch)) + ["--out", run, "--quiet", "--threads", "1"],
                                  logs: scratch.file("logs"))
            try await child.wait(until: "the checkpoint of step 10") { checkpointNames(run).contains(checkpointName(10)) }
            child.kill()
            _ = try await child.wait(timeout: .seconds(60))
            let resumed = try await Repro.run(["train", "--resume", run, "--quiet", "--threads", "2"], logs: scratch.file("logs"))
            #expect(resumed.status == 0 && resumed.digest == reference.digest, "\(resumed.summary)")
        }
    }

    @Test func samplesAreTheSameInEveryProcessThreadCountAndBatch() async throws {
        let reference = try await Self.reference.value
        try await withScratch("charlm-sample") { scratch in
            func sample(_ extra: [String]) async throws -> ChildResult {
                try await Repro.run(["sample", reference.run, "--tokens", "40", "--seed", "3"] + extra, logs: scratch.file("logs"))
            }
            let alone = try await sample(["--prompt", "line 1", "--threads", "1"])
            #expect(alone.status == 0 && alone.stdout.hasPrefix("line 1") && alone.stdout.count == "line 1".count + 40 + 1,
                    "\(alone.summary)")
            let again = try await sample(["--prompt", "line 1", "--threads", "3"])
            #expect(again.stdout == alone.stdout, "another process with 3 threads")
            let other = try await sample(["--prompt", "the lazy", "--threads", "2"])
            let batched = try await sample(["--prompt", "the lazy", "--prompt", "line 1", "--prompt", "q", "--threads", "2"])
            let blocks = batched.stdout.components(separatedBy: "=== prompt ").dropFirst().map {
                String($0.drop { $0 != "\n" }.dropFirst())
            }
            #expect(blocks.count == 3 && blocks[0] == other.stdout && blocks[1] == alone.stdout, "\(batched.summary)")
            let greedy = try await sample(["--prompt", "line", "--temperature", "0"])
            let greedyAgain = try await sample(["--prompt", "line", "--temperature", "0", "--seed", "99"])
            #expect(greedy.status == 0 && greedy.stdout == greedyAgain.stdout, "temperature 0 ignores the seed")
        }
    }

    @Test func badPromptsAndRunsAreRefusedClearly() async throws {
        let reference = try await Self.reference.value
        try await withScratch("charlm-sample-errors") { scratch in
            let logs = scratch.file("logs")
            let outside = try await Repro.run(["sample", reference.run, "--prompt", "Zebra!"], logs: logs)
            #expect(outside.status == 2 && outside.stderr.contains("prompt 1") && outside.stderr.contains("Z"), "\(outside.summary)")
            let empty = try await Repro.run(["sample", reference.run, "--prompt", "line", "--prompt", ""], logs: logs)
            #expect(empty.status == 2 && empty.stderr.contains("prompt 2 is empty"), "\(empty.summary)")
            let none = try await Repro.run(["sample", reference.run, "--tokens", "0"], logs: logs)
            #expect(none.status == 2 && none.stderr.contains("--tokens must be 1"), "\(none.summary)")
            let classifier = scratch.file("classifier")
            let trained = try await Repro.run(["train", "--seed", "1", "--max-steps", "2", "--hidden", "8", "--out", classifier, "--quiet"],
                                              logs: logs)
            #expect(trained.status == 0, "\(trained.summary)")
            let wrong = try await Repro.run(["sample", classifier], logs: logs)
            #expect(wrong.status == 2 && wrong.stderr.contains("not a charlm run"), "\(wrong.summary)")
        }
    }

    @Test func badCorporaAreRefusedBeforeAnythingIsWritten() async throws {
        try await withScratch("charlm-bad-corpus") { scratch in
            let cases: [(String, [UInt8], String)] = [
                ("empty", [], "empty"),
                ("not UTF-8", Array("abc".utf8) + [0xff, 0xfe] + Array("def".utf8), "UTF-8"),
                ("shorter than a window", Array("tiny text\n".utf8), "8"),
            ]
            for (name, bytes, expected) in cases {
                let path = scratch.file("corpus-\(name.replacingOccurrences(of: " ", with: "-"))")
                #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
                let run = scratch.file("run-\(name.replacingOccurrences(of: " ", with: "-"))")
                let result = try await Repro.run(["train"] + Self.flags(path) + ["--out", run, "--quiet"], logs: scratch.file("logs"))
                #expect(result.status == 2 && result.stderr.contains(expected), "\(name): \(result.summary)")
                #expect(!FileManager.default.fileExists(atPath: run), "\(name): a run directory was written")
            }
        }
    }
}
