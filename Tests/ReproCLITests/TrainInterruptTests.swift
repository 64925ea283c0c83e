import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C and SIGTERM, sent as real signals to `repro` processes: `repro train` stops after its
/// current step with a checkpoint, prints the command that resumes it and exits 128 + the signal;
/// the resumed run is bitwise the uninterrupted one. `repro sweep` passes the signal on to its
/// child trainings, waits for them (no child writes after the sweep has ended: the same sweep
/// command, run at once, takes every run's lock), says how to continue and exits 130; the same
/// command then finishes the sweep with the digests of an uninterrupted sweep. Standard output
/// reaches a file line by line while the sweep runs.
@Suite struct TrainInterruptTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedTrainingSaysHowToResumeAndResumesIdentically(_ signal: Int32) async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("interrupt") { scratch in
            let logs = scratch.file("logs")
            for attempt in 1...3 {
                let run = scratch.file("run-\(attempt)")
                let child = try Child(["train"] + ShortRun.checkpointed + ["--out", run], logs: logs)
                try await child.wait(until: "step 12") { child.stderr.contains("step 12/30") }
                _ = kill(child.process.processIdentifier, signal)
                let result = try await child.wait(timeout: .seconds(120))
                if result.status == 0 && result.digest != nil {
                    FileHandle.standardError.write(Data("note: the run finished before the signal (attempt \(attempt))\n".utf8))
                    continue
                }
                #expect(!result.signaled && result.status == 128 + signal, "\(result.summary)")
                let match = result.stdout.firstMatch(of: /interrupted after step (\d+), which has a checkpoint; continue with: repro train --resume (.+)\n/)
                let step = try #require(match.flatMap { Int($0.1) }, "\(result.summary)")
                #expect(match.map { String($0.2) } == run)
                #expect((12..<ShortRun.total).contains(step))
                #expect(checkpointNames(run).last == checkpointName(step), "\(checkpointNames(run))")
                let resumed = try await Repro.run(["train", "--resume", run, "--quiet"], logs: logs)
                try expectIdentical(resumed, directory: run, to: reference, "interrupted after step \(step), resumed")
                #expect(text(run + "/resumes.log") == "\(step)\n")
                return
            }
            Issue.record("every run finished before the signal reached it")
        }
    }

    /// The sweep's flags: a 40-row CSV, 5 steps an epoch, 150 steps in all (a few seconds each).
    static func sweepFlags(_ directory: String) throws -> [String] {
        let rows = (0..<40).map { "\(Double($0) / 40),\(Double($0 % 7) / 7),\($0 % 2)\n" }.joined()
        try rows.write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
        return ["--dataset", directory + "/data.csv", "--max-steps", "150", "--epochs", "30", "--hidden", "4",
                "--batch-size", "8", "--checkpoint-every", "10"]
    }

    /// Each seed's digest, from the `manifest.json` files of a sweep.
    static func digests(_ sweep: String, seeds: ClosedRange<Int>) throws -> [Int: String] {
        Dictionary(uniqueKeysWithValues: try seeds.map { seed in
            (seed, try #require(try manifest(in: "\(sweep)/seed-\(seed)")["digest"] as? String))
        })
    }

    @Test func anInterruptedSweepStopsItsChildrenAndTheSameCommandFinishesIt() async throws {
        try await withScratch("sweep-interrupt") { scratch in
            let logs = scratch.file("logs")
            let flags = try Self.sweepFlags(scratch.path)
            let referenceSweep = scratch.file("reference")
            let uninterrupted = try await Repro.run(["sweep", "--seeds", "1..3", "--out", referenceSweep] + flags, logs: logs)
            #expect(uninterrupted.status == 0, "\(uninterrupted.summary)")
            let reference = try Self.digests(referenceSweep, seeds: 1...3)

            let sweep = scratch.file("sweep")
            let command = ["sweep", "--seeds", "1..3", "--out", sweep] + flags
            let child = try Child(command, logs: logs)
            // Seed 1's result line reaches the file while the sweep runs (line-buffered output),
            // and seed 2 is training (it has a checkpoint).
            try await child.wait(until: "seed 1's result and seed 2's first checkpoint") {
                text(child.stdoutPath).contains("seed 1: validation accuracy") && !checkpointNames(sweep + "/seed-2").isEmpty
            }
            _ = kill(child.process.processIdentifier, SIGINT)
            let result = try await child.wait(timeout: .seconds(120))
            #expect(!result.signaled && result.status == 130, "\(result.summary)")
            #expect(result.stdout.contains("seed 2: interrupted"), "\(result.stdout)")
            #expect(!result.stdout.contains("seed 3"), "no run starts after the signal: \(result.stdout)")
            #expect(result.stderr.contains("interrupted: 1 of 3 runs finished; the same command continues the sweep"),
                    "\(result.stderr)")
            #expect(result.stderr.contains("repro " + command.joined(separator: " ")), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sweep + "/seed-2/manifest.json"))

            // At once: a child still running would hold its run's lock and fail this sweep.
            let again = try await Repro.run(command, logs: logs)
            #expect(again.status == 0, "\(again.summary)")
            #expect(again.stdout.contains("seed 1: already finished"), "\(again.stdout)")
            #expect(try Self.digests(sweep, seeds: 1...3) == reference)
            #expect(text(sweep + "/seed-2/resumes.log").split(separator: "\n").count == 1, "seed 2 resumed once")
        }
    }
}
