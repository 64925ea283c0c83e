import Foundation
import Testing

/// The guarantees of docs/ARCHITECTURE.md §1 for `repro train`, each checked on separate processes of the
/// built executable against one uninterrupted reference run (``ShortRun/reference``): G1 (two
/// processes), G2 (Swift's hash seed), G3 (thread counts), G4 (data-loader workers), G5 (stopped and
/// resumed at any step), and S1 (another seed gives another run of the same quality).
@Suite struct TrainGuaranteeTests {
    /// G1: a second process with the same flags gives the same digest and the same bytes in
    /// metrics.csv, eval.csv and model.safetensors.
    @Test func twoProcessesGiveIdenticalRuns() async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("g1") { scratch in
            let run = scratch.file("run")
            let result = try await Repro.run(["train"] + ShortRun.checkpointed + ["--out", run, "--quiet"],
                                             logs: scratch.file("logs"))
            try expectIdentical(result, directory: run, to: reference, "second process")
            // The manifest's own record of the files agrees with the files.
            let files = try manifest(in: run)["files"] as? [String: String]
            #expect(files.map { Set($0.keys) } == Set(ShortRun.digestFiles))
            let referenceManifest = try reference.manifest
            #expect(files == referenceManifest["files"] as? [String: String])
            #expect((try manifest(in: run)["finalMetrics"] as? NSDictionary) == (referenceManifest["finalMetrics"] as? NSDictionary))
        }
    }

    /// G2: a process whose hash seed is random (`SWIFT_DETERMINISTIC_HASHING` removed from its
    /// environment) and one with the variable set to 1 give the same run; each records which it was.
    @Test func hashSeedDoesNotChangeTheRun() async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("g2") { scratch in
            for value in [nil, "1"] as [String?] {
                let run = scratch.file("run-\(value ?? "unset")")
                let environment = Repro.environment(["SWIFT_DETERMINISTIC_HASHING": value])
                #expect(environment["SWIFT_DETERMINISTIC_HASHING"] == value)
                let result = try await Repro.run(["train"] + ShortRun.checkpointed + ["--out", run, "--quiet"],
                                                 environment: environment, logs: scratch.file("logs"))
                try expectIdentical(result, directory: run, to: reference, "SWIFT_DETERMINISTIC_HASHING=\(value ?? "(unset)")")
                // The child really ran with (or without) the variable: its seed record says so.
                let seed = try manifest(in: run)["seed"] as? [String: Any]
                #expect(seed?["deterministicHashing"] as? Bool == (value != nil))
            }
        }
    }

    /// G3: any number of compute threads gives the same run.
    @Test(arguments: [1, 2, 3, 7])
    func threadCountDoesNotChangeTheRun(_ threads: Int) async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("g3-\(threads)") { scratch in
            let run = scratch.file("run")
            let result = try await Repro.run(["train"] + ShortRun.checkpointed
                                             + ["--out", run, "--quiet", "--threads", String(threads)],
                                             logs: scratch.file("logs"))
            try expectIdentical(result, directory: run, to: reference, "--threads \(threads)")
            let environment = try manifest(in: run)["environment"] as? [String: Any]
            #expect(environment?["threadCount"] as? Int == threads)
        }
    }

    /// G4: any number of data-loader workers gives the same run.
    @Test(arguments: [0, 1, 3])
    func workerCountDoesNotChangeTheRun(_ workers: Int) async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("g4-\(workers)") { scratch in
            let run = scratch.file("run")
            let result = try await Repro.run(["train"] + ShortRun.checkpointed
                                             + ["--out", run, "--quiet", "--workers", String(workers)],
                                             logs: scratch.file("logs"))
            try expectIdentical(result, directory: run, to: reference, "--workers \(workers)")
            let environment = try manifest(in: run)["environment"] as? [String: Any]
            #expect(environment?["workerCount"] as? Int == workers)
        }
    }

    /// Where a run is stopped, how it checkpoints, and what its resumption must find.
    struct Stop: Sendable, CustomTestStringConvertible {
        let step: Int
        let checkpointEvery: Int
        /// The complete checkpoints when the first process has stopped.
        let checkpoints: [Int]
        /// The step the resumption continues from (the newest checkpoint, or 0).
        let resumesAt: Int
        /// Runtime options of the resuming process, other than the first's (which used the defaults).
        let threads: Int
        let workers: Int
        let why: String
        var testDescription: String { "stop after \(step) (\(why))" }
    }

    /// G5: a run stopped by `--stop-after-step` and resumed with `--resume` (other threads and
    /// workers) ends bitwise identical to the uninterrupted run, and `resumes.log` and the manifest
    /// record where it resumed.
    @Test(arguments: [
        Stop(step: 5, checkpointEvery: 10, checkpoints: [], resumesAt: 0, threads: 1, workers: 2,
             why: "before the first checkpoint: starts over"),
        Stop(step: 10, checkpointEvery: 10, checkpoints: [10], resumesAt: 10, threads: 3, workers: 0,
             why: "right after a checkpoint"),
        Stop(step: 15, checkpointEvery: 10, checkpoints: [10], resumesAt: 10, threads: 7, workers: 1,
             why: "mid-epoch"),
        Stop(step: 23, checkpointEvery: 10, checkpoints: [10, 20], resumesAt: 20, threads: 1, workers: 3,
             why: "the epoch's last step, before its evaluation and checkpoint"),
        Stop(step: 23, checkpointEvery: 1, checkpoints: Array(1...22), resumesAt: 22, threads: 2, workers: 1,
             why: "the epoch's last step, checkpointed only after the epoch-end evaluation, never twice"),
        // Resuming from the epoch-end checkpoint (step 23) is covered by
        // resumedTwiceIsIdenticalAndRecordsBothSteps and the bad-input tests.
    ])
    func stoppedAndResumedRunIsIdentical(_ stop: Stop) async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("g5-\(stop.step)-\(stop.checkpointEvery)") { scratch in
            let run = scratch.file("run")
            let logs = scratch.file("logs")
            let first = try await Repro.run(["train"] + ShortRun.flags
                                            + ["--checkpoint-every", String(stop.checkpointEvery), "--out", run, "--quiet",
                                               "--stop-after-step", String(stop.step)], logs: logs)
            #expect(first.status == 0 && first.stdout.contains("stopped after step \(stop.step)"), "\(first.summary)")
            #expect(first.digest == nil)
            #expect(!FileManager.default.fileExists(atPath: run + "/manifest.json"), "a stopped run is not finished")
            #expect(checkpointNames(run) == stop.checkpoints.map(checkpointName))
            // Stopping writes every logged step: the rows are the reference's first `step` rows.
            let metricsLines = text(run + "/metrics.csv").split(separator: "\n", omittingEmptySubsequences: false)
            let referenceLines = String(decoding: reference.files.files["metrics.csv"]!, as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false)
            #expect(metricsLines.dropLast() == referenceLines.prefix(1 + stop.step), "metrics.csv after the stop")

            let second = try await Repro.run(["train", "--resume", run, "--quiet", "--threads", String(stop.threads),
                                              "--workers", String(stop.workers)], logs: logs)
            try expectIdentical(second, directory: run, to: reference, "resumed from \(stop.why)")
            #expect(text(run + "/resumes.log") == "\(stop.resumesAt)\n")
            #expect(try manifest(in: run)["resumedFromSteps"] as? [Int] == [stop.resumesAt])
        }
    }

    /// G5 twice over: stopped, resumed and stopped again, then resumed to the end; both
    /// resumptions are recorded in order.
    @Test func resumedTwiceIsIdenticalAndRecordsBothSteps() async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("g5-twice") { scratch in
            let run = scratch.file("run")
            let logs = scratch.file("logs")
            let first = try await Repro.run(["train"] + ShortRun.checkpointed
                                            + ["--out", run, "--quiet", "--stop-after-step", "15"], logs: logs)
            #expect(first.status == 0, "\(first.summary)")
            let second = try await Repro.run(["train", "--resume", run, "--quiet", "--stop-after-step", "25",
                                              "--workers", "2"], logs: logs)
            #expect(second.status == 0 && second.stdout.contains("stopped after step 25"), "\(second.summary)")
            let third = try await Repro.run(["train", "--resume", run, "--quiet", "--threads", "1"], logs: logs)
            try expectIdentical(third, directory: run, to: reference, "resumed twice")
            #expect(text(run + "/resumes.log") == "10\n23\n")
            #expect(try manifest(in: run)["resumedFromSteps"] as? [Int] == [10, 23])
        }
    }

    /// S1: another seed gives another run (different digest, different losses from the first step)
    /// of the same quality: every seed's final validation accuracy is above 0.8 after these 30
    /// steps, and seed 43's lies within the range of seeds 42 and 44 widened by 3 points. (Seeds
    /// 42–47 gave 84.4–87.5 % when this was written; the values are deterministic, the margins are
    /// for future changes of the recipe.)
    @Test func anotherSeedGivesAnotherRunOfTheSameQuality() async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("s1") { scratch in
            var accuracy: [Int: Double] = [:]
            var firstLoss: [Int: String] = [:]
            var digests: Set<String> = [reference.digest]
            let referenceManifest = try reference.manifest
            accuracy[42] = ((referenceManifest["finalMetrics"] as? [String: Any])?["validationMetrics"] as? [String: Any])?["accuracy"] as? Double
            firstLoss[42] = lossOfFirstStep(reference.files.files["metrics.csv"])
            for seed in [43, 44] {
                let run = scratch.file("run-\(seed)")
                var flags = ShortRun.flags
                flags[flags.firstIndex(of: "--seed")! + 1] = String(seed)
                let result = try await Repro.run(["train"] + flags + ["--out", run, "--quiet"], logs: scratch.file("logs"))
                #expect(result.status == 0, "\(result.summary)")
                let digest = try #require(result.digest)
                #expect(digests.insert(digest).inserted, "seed \(seed) gave the digest of another seed")
                accuracy[seed] = ((try manifest(in: run)["finalMetrics"] as? [String: Any])?["validationMetrics"] as? [String: Any])?["accuracy"] as? Double
                firstLoss[seed] = lossOfFirstStep(FileManager.default.contents(atPath: run + "/metrics.csv"))
            }
            #expect(Set(firstLoss.values.compactMap { $0 }).count == 3, "first-step losses: \(firstLoss)")
            let values = try [42, 43, 44].map { try #require(accuracy[$0], "no accuracy for seed \($0)") }
            for (seed, value) in zip([42, 43, 44], values) {
                #expect(value > 0.8, "seed \(seed): validation accuracy \(value)")
            }
            let low = min(values[0], values[2]) - 0.03
            let high = max(values[0], values[2]) + 0.03
            #expect((low...high).contains(values[1]), "seed 43's accuracy \(values[1]) outside [\(low), \(high)]")
        }
    }

    /// The command line trains what the library's golden run trains (GoldenRunTests in
    /// ReproRunsTests): seed 42, 12 steps, one hidden layer of 32. The digest is Repro's own output
    /// frozen as a regression guard, the same literal as `GoldenRunTests.digest`. Without --out the
    /// run goes to runs/seed-42 under the working directory.
    @Test func commandLineGivesTheGoldenDigest() async throws {
        try await withScratch("golden") { scratch in
            let work = scratch.file("work")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
            let result = try await Repro.run(["train", "--seed", "42", "--max-steps", "12", "--hidden", "32", "--quiet"],
                                             directory: work, logs: scratch.file("logs"))
            #expect(result.status == 0, "\(result.summary)")
            #expect(result.digest == "5dd4c9b0c35a0c2d7e99ee0db1fa06ed4522fe00d13f80d2bca11aac57247271")
            #expect(result.stdout.hasPrefix("finished runs/seed-42:"), "\(result.stdout)")
            #expect(try manifest(in: work + "/runs/seed-42")["digest"] as? String == result.digest)
        }
    }

    /// A run without --seed draws one, prints it and records it as drawn; repeating the run with
    /// that seed gives the same bits. (The seed is drawn by repro, not by the test; a failure's
    /// message holds repro's stderr, which names it.)
    @Test func unseededRunIsRepeatableWithThePrintedSeed() async throws {
        try await withScratch("unseeded") { scratch in
            let flags = ["--max-steps", "5", "--hidden", "32", "--quiet"]
            let first = try await Repro.run(["train"] + flags + ["--out", scratch.file("drawn")], logs: scratch.file("logs"))
            #expect(first.status == 0, "\(first.summary)")
            let seed = try #require(first.stderr.firstMatch(of: /drew seed (\d+)/).map { String($0.1) }, "\(first.stderr)")
            let record = try manifest(in: scratch.file("drawn"))["seed"] as? [String: Any]
            #expect(record?["drawn"] as? Bool == true)
            #expect((record?["seed"] as? NSNumber)?.stringValue == seed)
            let second = try await Repro.run(["train", "--seed", seed] + flags + ["--out", scratch.file("given")],
                                             logs: scratch.file("logs"))
            #expect(second.status == 0, "\(second.summary)")
            #expect(first.digest != nil && second.digest == first.digest)
        }
    }
}

/// The loss field of the first row of a metrics.csv.
private func lossOfFirstStep(_ data: Data?) -> String? {
    guard let data else { return nil }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    guard lines.count > 1 else { return nil }
    let fields = lines[1].split(separator: ",")
    return fields.count > 2 ? String(fields[2]) : nil
}
