import Foundation
import Testing

/// G5 under `kill -9`: a `repro train` process killed at several moments — before its first
/// checkpoint, between checkpoints, in the middle of writing a checkpoint or the manifest — and
/// resumed (with other threads and workers, without the fault-injection pause) ends bitwise
/// identical to the uninterrupted run, with no temporary file left behind.
///
/// The moments come from what the process shows: its progress lines on standard error
/// (`step N/30 …`, every third step when standard error is not a terminal), its complete
/// checkpoints, and — with `REPRO_FAULT_PAUSE_BEFORE_RENAME_MS=1500`, which holds every atomic
/// write for 1.5 s between its complete temporary file and the rename — the temporary file of the
/// checkpoint or manifest being written. After the kill the test checks that the moment really was the one
/// meant (a slow test thread can see a line late); when it was not, it tries again, up to three
/// times, in a fresh directory.
@Suite struct TrainCrashTests {
    struct Moment: Sendable, CustomTestStringConvertible {
        let name: String
        let checkpointEvery: Int
        /// Whether the process runs with the fault-injection pause.
        let pause: Bool
        /// The kill comes when this holds for the run directory and the standard error so far.
        let trigger: @Sendable (_ run: String, _ stderr: String) -> Bool
        /// Whether the killed run is in the state meant (else the attempt is repeated).
        let hit: @Sendable (_ run: String) -> Bool
        /// The step the resumption continues from.
        let resumesAt: Int
        /// The data rows metrics.csv and eval.csv must hold at the kill, where known: rows are
        /// written (flushed) just before each checkpoint, so a kill during a checkpoint's write
        /// finds them on disk with no complete checkpoint of that step.
        var rowsAtKill: (metrics: Int, eval: Int)? = nil
        var testDescription: String { name }
    }

    static let moments: [Moment] = [
        // The first checkpoint is the epoch's end (step 23) with --checkpoint-every 0: killed after
        // step 6, the run starts over. (Rows are staged in memory and written just before each
        // checkpoint, so metrics.csv has no rows yet; the kill during the first checkpoint's write
        // below is the one that finds rows on disk and no checkpoint.)
        Moment(name: "before the first checkpoint", checkpointEvery: 0, pause: false,
               trigger: { _, stderr in stderr.contains("step 6/30") },
               hit: { run in checkpointNames(run).isEmpty },
               resumesAt: 0),
        // Checkpoint 10 is complete, the steps after it are not yet checkpointed.
        Moment(name: "between checkpoints", checkpointEvery: 10, pause: false,
               trigger: { _, stderr in stderr.contains("step 12/30") },
               hit: { run in checkpointNames(run) == [checkpointName(10)] },
               resumesAt: 10),
        // Killed while the first checkpoint's temporary file waits to be renamed: no checkpoint.
        Moment(name: "during the first checkpoint's write", checkpointEvery: 10, pause: true,
               trigger: { run, _ in hasTemporaryFile(of: 10, in: run) },
               hit: { run in hasTemporaryFile(of: 10, in: run) && checkpointNames(run).isEmpty },
               resumesAt: 0, rowsAtKill: (metrics: 10, eval: 0)),
        // Killed while the epoch-end checkpoint (step 23) is being written: the epoch's evaluation
        // row is already in eval.csv, and the resumption (from step 20) must cut it and redo it.
        Moment(name: "during the epoch-end checkpoint's write", checkpointEvery: 10, pause: true,
               trigger: { run, _ in hasTemporaryFile(of: 23, in: run) },
               hit: { run in hasTemporaryFile(of: 23, in: run) && checkpointNames(run) == [10, 20].map(checkpointName) },
               resumesAt: 20, rowsAtKill: (metrics: 23, eval: 1)),
        // Killed while manifest.json, the last file, waits to be renamed: the model is written, but
        // without a manifest the run is unfinished and resumes from the epoch-end checkpoint.
        Moment(name: "during the manifest's write", checkpointEvery: 10, pause: true,
               trigger: { run, _ in temporaryNames(run).contains { $0.hasPrefix(".manifest.json.tmp-") } },
               hit: { run in
                   temporaryNames(run).contains { $0.hasPrefix(".manifest.json.tmp-") }
                       && FileManager.default.fileExists(atPath: run + "/model.safetensors")
                       && checkpointNames(run) == [10, 20, 23].map(checkpointName)
               },
               resumesAt: 23, rowsAtKill: (metrics: 30, eval: 2)),
    ]

    @Test(arguments: moments)
    func killedAndResumedRunIsIdentical(_ moment: Moment) async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("crash") { scratch in
            let logs = scratch.file("logs")
            var run = ""
            var attempts = 0
            while true {
                attempts += 1
                run = scratch.file("run-\(attempts)")
                let environment = moment.pause ? Repro.environment(["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS": "1500"])
                    : Repro.environment(["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS": nil])
                let child = try Child(["train"] + ShortRun.flags + ["--checkpoint-every", String(moment.checkpointEvery),
                                                                    "--out", run],
                                      environment: environment, logs: logs)
                let path = run
                try await child.wait(until: "the moment '\(moment.name)'") { moment.trigger(path, child.stderr) }
                child.kill()
                let killed = try await child.wait(timeout: .seconds(60))
                #expect(killed.signaled && killed.status == SIGKILL, "the process was not killed: \(killed.summary)")
                #expect(!FileManager.default.fileExists(atPath: run + "/manifest.json"))
                if moment.hit(run) {
                    if let rows = moment.rowsAtKill {
                        #expect(dataRows(run + "/metrics.csv") == rows.metrics, "metrics.csv at the kill")
                        #expect(dataRows(run + "/eval.csv") == rows.eval, "eval.csv at the kill")
                    }
                    break
                }
                FileHandle.standardError.write(Data("note: kill attempt \(attempts) missed '\(moment.name)' (checkpoints: \(checkpointNames(run))); trying again\n".utf8))
                guard attempts < 3 else {
                    Issue.record("the kill missed '\(moment.name)' three times; last checkpoints: \(checkpointNames(run))")
                    return
                }
            }

            let resumed = try await Repro.run(["train", "--resume", run, "--quiet", "--threads", "1", "--workers", "2"],
                                              environment: Repro.environment(["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS": nil]),
                                              logs: logs)
            try expectIdentical(resumed, directory: run, to: reference, "killed \(moment.name), resumed")
            #expect(text(run + "/resumes.log") == "\(moment.resumesAt)\n")
            #expect(temporaryNames(run + "/checkpoints").isEmpty, "left: \(temporaryNames(run + "/checkpoints"))")
            #expect(temporaryNames(run).isEmpty, "left: \(temporaryNames(run))")
        }
    }
}

/// The number of lines after the header.
private func dataRows(_ path: String) -> Int { max(0, text(path).split(separator: "\n").count - 1) }

/// Whether the checkpoints of `run` hold the temporary file of step `step`'s checkpoint
/// (`.step-00000010.safetensors.tmp-PID-N`).
private func hasTemporaryFile(of step: Int, in run: String) -> Bool {
    temporaryNames(run + "/checkpoints").contains { $0.hasPrefix("." + checkpointName(step) + ".tmp-") }
}
