import Foundation
import Testing

/// Bad input to `repro train` (docs/ARCHITECTURE.md §9): a clear message naming the file and what is wrong,
/// exit status 2, and nothing already written changed. Damaged or foreign checkpoints are the
/// exception: resume warns, skips them, and continues from the newest good one — still reaching
/// the uninterrupted run's digest.
///
/// Most tests start from a copy of ``ShortRun/stopped`` (stopped after step 25; checkpoints 10, 20
/// and 23) or of the finished reference run.
@Suite struct TrainBadInputTests {
    // MARK: Damaged and foreign checkpoints: skipped with a warning

    /// How the newest checkpoint (step 23) is damaged.
    enum Damage: String, Sendable, CaseIterable {
        /// One bit flipped in the tensor data: the checksum catches it.
        case flippedByte = "a flipped bit"
        /// Cut to half its length.
        case truncated = "truncated"
        /// Cut to nothing.
        case empty = "empty"

        func apply(to data: Data) -> Data {
            switch self {
            case .flippedByte:
                var bytes = [UInt8](data)
                bytes[bytes.count - 100] ^= 0x01
                return Data(bytes)
            case .truncated: return data.prefix(data.count / 2)
            case .empty: return Data()
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedNewestCheckpointIsSkipped(_ damage: Damage) async throws {
        let reference = try await ShortRun.reference.value
        var snapshot = try await ShortRun.stopped.value
        let name = "checkpoints/" + checkpointName(23)
        snapshot.files[name] = damage.apply(to: try #require(snapshot.files[name]))
        try await withScratch("damaged-checkpoint") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.stderr.contains("warning: skipping checkpoint \(checkpointName(23))"), "\(result.stderr)")
            #expect(result.stderr.contains(run + "/" + name), "the warning names the file: \(result.stderr)")
            if damage == .flippedByte { #expect(result.stderr.contains("checksum"), "\(result.stderr)") }
            try expectIdentical(result, directory: run, to: reference, "resumed past a checkpoint with \(damage.rawValue)")
            #expect(text(run + "/resumes.log") == "20\n")
        }
    }

    /// A file named like a checkpoint that is not one of this run's.
    enum Foreign: String, Sendable, CaseIterable {
        case randomBytes = "random bytes"
        case safetensorsWithoutReproMetadata = "a safetensors file without Repro metadata"
        case madeUpReproMetadata = "a safetensors file with made-up Repro metadata"

        var bytes: Data {
            switch self {
            case .randomBytes:
                // Fixed bytes from a fixed generator: no test draws from the system generator.
                var state: UInt64 = 0x9E37_79B9_7F4A_7C15
                return Data((0..<4096).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                })
            case .safetensorsWithoutReproMetadata:
                return safetensors(metadata: nil)
            case .madeUpReproMetadata:
                return safetensors(metadata: ["repro": #"{"format":"repro-checkpoint","version":99}"#, "sha256": "0"])
            }
        }

        /// A valid safetensors file holding one F32 tensor `w` of two values.
        private func safetensors(metadata: [String: String]?) -> Data {
            var header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
            if let metadata {
                let entries = metadata.sorted { $0.key < $1.key }.map { key, value in
                    let json = try! JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])
                    return "\"\(key)\":" + String(decoding: json.dropFirst().dropLast(), as: UTF8.self)
                }
                header += #","__metadata__":{"# + entries.joined(separator: ",") + "}"
            }
            header += "}"
            while (8 + header.utf8.count) % 8 != 0 { header += " " }
            var data = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: Array(header.utf8))
            withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: Float(2).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            return data
        }
    }

    /// A foreign file named as the newest checkpoint (step 24) is skipped with a warning and kept
    /// as it is; the run resumes from its own step-23 checkpoint.
    @Test(arguments: Foreign.allCases)
    func foreignFileNamedLikeACheckpointIsSkipped(_ foreign: Foreign) async throws {
        let reference = try await ShortRun.reference.value
        var snapshot = try await ShortRun.stopped.value
        let name = "checkpoints/" + checkpointName(24)
        snapshot.files[name] = foreign.bytes
        try await withScratch("foreign-checkpoint") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.stderr.contains("warning: skipping checkpoint \(checkpointName(24))"), "\(result.stderr)")
            try expectIdentical(result, directory: run, to: reference, "resumed past \(foreign.rawValue)")
            #expect(text(run + "/resumes.log") == "23\n")
            #expect(FileManager.default.contents(atPath: run + "/" + name) == foreign.bytes, "the foreign file was changed")
        }
    }

    /// A valid checkpoint of another run (seed 43, the same steps) in place of the newest: an
    /// error naming the checkpoints, the step and run.json, and nothing changed.
    @Test func checkpointOfAnotherRunIsAnError() async throws {
        var snapshot = try await ShortRun.stopped.value
        let other = try await ShortRun.otherSeedStopped.value
        let name = "checkpoints/" + checkpointName(23)
        let foreign = try #require(other.files[name])
        #expect(foreign != snapshot.files[name])
        snapshot.files[name] = foreign
        try await withScratch("other-run-checkpoint") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run + "/checkpoints") && result.stderr.contains("step 23")
                    && result.stderr.contains("another configuration") && result.stderr.contains(run + "/run.json"),
                    "\(result.stderr)")
            let after = try Snapshot(of: run)
            #expect(after == snapshot, "changed: \(after.differences(from: snapshot))")
        }
    }

    /// The same, with the other run's checkpoint under another step's name: the message must name
    /// the file, which the step in the checkpoint's header does not find.
    @Test
    func checkpointOfAnotherRunIsNamedByItsFile() async throws {
        var snapshot = try await ShortRun.stopped.value
        let other = try await ShortRun.otherSeedStopped.value
        let renamed: Data = try #require(other.files["checkpoints/" + checkpointName(20)])
        snapshot.files["checkpoints/" + checkpointName(24)] = renamed
        try await withScratch("other-run-checkpoint-renamed") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(checkpointName(24)), "\(result.stderr)")
            #expect(try Snapshot(of: run) == snapshot)
        }
    }

    // MARK: Run directories that cannot be resumed or written

    enum NotARun: String, Sendable, CaseIterable {
        case emptyDirectory = "an empty directory"
        case otherFiles = "a directory of other files"
        case missing = "a missing path"
        case regularFile = "a regular file"
    }

    @Test(arguments: NotARun.allCases)
    func resumeOfSomethingThatIsNotARunIsAnError(_ kind: NotARun) async throws {
        try await withScratch("not-a-run") { scratch in
            let path = scratch.file("target")
            switch kind {
            case .emptyDirectory: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            case .otherFiles: try Snapshot(files: ["notes.txt": Data("hello\n".utf8), "data/x.csv": Data("1,2\n".utf8)]).write(to: path)
            case .missing: break
            case .regularFile: try Data("not a directory\n".utf8).write(to: URL(fileURLWithPath: path))
            }
            let before = kind == .regularFile || kind == .missing ? nil : try Snapshot(of: path)
            let fileBefore = FileManager.default.contents(atPath: path)
            let result = try await Repro.run(["train", "--resume", path, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(path) && result.stderr.contains("not a Repro run directory"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            switch kind {
            case .missing: #expect(!FileManager.default.fileExists(atPath: path), "--resume created \(path)")
            case .regularFile: #expect(FileManager.default.contents(atPath: path) == fileBefore)
            default: #expect(try Snapshot(of: path) == before)
            }
        }
    }

    /// `--out` naming a finished run: an error, and the run (its manifest included) unchanged.
    @Test func outOnAFinishedRunIsAnErrorAndChangesNothing() async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("out-finished") { scratch in
            let run = scratch.file("run")
            try reference.files.write(to: run)
            let result = try await Repro.run(["train"] + ShortRun.checkpointed + ["--out", run, "--quiet"],
                                             logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run) && result.stderr.contains("already holds a finished run"), "\(result.stderr)")
            let after = try Snapshot(of: run)
            #expect(after == reference.files, "changed: \(after.differences(from: reference.files))")
        }
    }

    /// `--out` naming an unfinished run: an error that says to resume it, and nothing changed.
    @Test func outOnAnUnfinishedRunIsAnErrorAndChangesNothing() async throws {
        let snapshot = try await ShortRun.stopped.value
        try await withScratch("out-unfinished") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train"] + ShortRun.checkpointed + ["--out", run, "--quiet"],
                                             logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run) && result.stderr.contains("already holds an unfinished run")
                    && result.stderr.contains("--resume \(run)"), "\(result.stderr)")
            let after = try Snapshot(of: run)
            #expect(after == snapshot, "changed: \(after.differences(from: snapshot))")
        }
    }

    /// `--resume` of a finished run: nothing to resume, nothing changed.
    @Test func resumeOfAFinishedRunIsAnErrorAndChangesNothing() async throws {
        let reference = try await ShortRun.reference.value
        try await withScratch("resume-finished") { scratch in
            let run = scratch.file("run")
            try reference.files.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run) && result.stderr.contains("finished run"), "\(result.stderr)")
            #expect(try Snapshot(of: run) == reference.files)
        }
    }

    /// How run.json is damaged.
    enum StartDamage: String, Sendable, CaseIterable {
        case truncated = "cut in the middle"
        case empty = "empty"
        case notJSON = "not JSON"
        case otherVersion = "another version"
        case otherFormat = "another format"
        case missingField = "without its configuration"

        func apply(to data: Data) throws -> Data {
            func edit(_ change: (inout [String: Any]) -> Void) throws -> Data {
                var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                change(&object)
                return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            }
            switch self {
            case .truncated: return data.prefix(data.count / 2)
            case .empty: return Data()
            case .notJSON: return Data("seed = 42\n".utf8)
            case .otherVersion: return try edit { $0["version"] = 3 }
            case .otherFormat: return try edit { $0["format"] = "something-else" }
            case .missingField: return try edit { $0["configuration"] = nil }
            }
        }

        /// What the message must say besides the file's path.
        var mention: String {
            switch self {
            case .otherVersion: "version 3"
            case .otherFormat: "something-else"
            default: "damaged"
            }
        }
    }

    @Test(arguments: StartDamage.allCases)
    func damagedRunJSONIsAnErrorAndChangesNothing(_ damage: StartDamage) async throws {
        var snapshot = try await ShortRun.stopped.value
        snapshot.files["run.json"] = try damage.apply(to: try #require(snapshot.files["run.json"]))
        try await withScratch("damaged-run-json") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run + "/run.json") && result.stderr.contains(damage.mention), "\(result.stderr)")
            let after = try Snapshot(of: run)
            #expect(after == snapshot, "changed: \(after.differences(from: snapshot))")
        }
    }

    /// A run.json that is valid JSON of the right version with an invalid configuration (batch
    /// size 0) must be reported as a fault of run.json.
    @Test
    func invalidConfigurationInRunJSONNamesTheFile() async throws {
        var snapshot = try await ShortRun.stopped.value
        let data = try #require(snapshot.files["run.json"])
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var configuration = try #require(object["configuration"] as? [String: Any])
        configuration["batchSize"] = 0
        object["configuration"] = configuration
        snapshot.files["run.json"] = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try await withScratch("invalid-run-json") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run + "/run.json") && result.stderr.contains("batch"), "\(result.stderr)")
            #expect(try Snapshot(of: run) == snapshot)
        }
    }

    // MARK: Damaged logs

    /// A malformed row at or before the checkpoint's step is an error naming the log and the line,
    /// and nothing is lost: every file is unchanged, except that metrics.csv may already be cut back
    /// to the checkpoint's step (resume's first step, done before eval.csv is read; the rows it
    /// drops are the ones any resumption recomputes).
    @Test(arguments: [("metrics.csv", 6), ("eval.csv", 2)])
    func malformedLogRowIsAnErrorAndChangesNothing(_ name: String, _ line: Int) async throws {
        var snapshot = try await ShortRun.stopped.value
        var lines = String(decoding: try #require(snapshot.files[name]), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var fields = lines[line - 1].split(separator: ",").map(String.init)
        fields[2] = "abc"
        lines[line - 1] = fields.joined(separator: ",")
        snapshot.files[name] = Data(lines.joined(separator: "\n").utf8)
        try await withScratch("malformed-log") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains("\(run)/\(name): line \(line)") && result.stderr.contains("'abc'"), "\(result.stderr)")
            var after = try Snapshot(of: run)
            if name == "eval.csv", let metrics = after.files["metrics.csv"], let original = snapshot.files["metrics.csv"],
               metrics != original {
                let kept = String(decoding: original, as: UTF8.self).split(separator: "\n").prefix(1 + 23)
                #expect(metrics == Data(kept.map { $0 + "\n" }.joined().utf8), "metrics.csv was cut wrong")
                after.files["metrics.csv"] = original
            }
            #expect(after == snapshot, "changed: \(after.differences(from: snapshot))")
        }
    }

    /// A log cut short (whole rows lost, none torn) before the step of the checkpoint resume uses
    /// cannot give the uninterrupted run: resume must say so rather than finish a run with rows
    /// missing.
    @Test(arguments: [("metrics.csv", 12), ("eval.csv", 1)])
    func logShorterThanTheCheckpointIsAnError(_ name: String, _ keptLines: Int) async throws {
        var snapshot = try await ShortRun.stopped.value
        let lines = String(decoding: try #require(snapshot.files[name]), as: UTF8.self).split(separator: "\n")
        snapshot.files[name] = Data(lines.prefix(keptLines).map { $0 + "\n" }.joined().utf8)
        try await withScratch("short-log") { scratch in
            let run = scratch.file("run")
            try snapshot.write(to: run)
            let result = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            #expect(result.stderr.contains(run + "/" + name), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: run + "/manifest.json"))
        }
    }

    // MARK: Training that goes wrong, and flags that do not go together

    /// A learning rate so large that the loss overflows: exit 2 with a message naming the step,
    /// the rows before it kept, and no manifest or model.
    @Test func divergingLossIsAnErrorNamingTheStep() async throws {
        try await withScratch("diverged") { scratch in
            let run = scratch.file("run")
            let result = try await Repro.run(["train"] + ShortRun.checkpointed + ["--lr", "1e30", "--out", run, "--quiet"],
                                             logs: scratch.file("logs"))
            #expect(result.status == 2, "\(result.summary)")
            let message = result.stderr
            let step = message.firstMatch(of: /the loss is -?(nan|inf) at step (\d+)/).flatMap { Int($0.2) }
            #expect(step != nil && message.contains("diverged") && message.contains("lower the learning rate"), "\(message)")
            #expect(result.stdout.isEmpty)
            if let step {
                // The rows of the steps before it are logged.
                let rows = text(run + "/metrics.csv").split(separator: "\n").dropFirst()
                #expect(rows.count == step - 1, "metrics.csv: \(rows)")
            }
            #expect(!FileManager.default.fileExists(atPath: run + "/manifest.json"))
            #expect(!FileManager.default.fileExists(atPath: run + "/model.safetensors"))
            #expect(message.contains("\(run) keeps the logs up to step"), "\(message)")
            #expect(text(run + "/diverged.txt").contains("training diverged"), "diverged.txt records the step")

            // The diverged run is evidence: the same command, and a resume, say what to do and change nothing.
            let kept = try Snapshot(of: run)
            let again = try await Repro.run(["train"] + ShortRun.checkpointed + ["--lr", "1e30", "--out", run, "--quiet"],
                                            logs: scratch.file("logs"))
            #expect(again.status == 2, "\(again.summary)")
            #expect(again.stderr.contains("\(run): holds a run whose loss diverged") && again.stderr.contains("choose another --out"),
                    "\(again.stderr)")
            let resumed = try await Repro.run(["train", "--resume", run, "--quiet"], logs: scratch.file("logs"))
            #expect(resumed.status == 2, "\(resumed.summary)")
            #expect(resumed.stderr.contains("diverge again") && resumed.stderr.contains("another directory"), "\(resumed.stderr)")
            let after = try Snapshot(of: run)
            #expect(after == kept, "changed: \(after.differences(from: kept))")
        }
    }

    /// A start that fails (a mistyped dataset path, a CSV with a bad label, the CNN on CSV rows)
    /// creates nothing, and the corrected command then trains into the same --out directory.
    @Test(arguments: [
        (["--dataset", "DIR/dta.csv"], "cannot read the file"),
        (["--dataset", "DIR/bad.csv"], "expected an integer label"),
        (["--dataset", "DIR/data.csv", "--model", "cnn"], "--model cnn needs an image dataset"),
    ])
    func aFailedStartLeavesNothingAndTheCorrectedCommandTrains(_ wrong: [String], _ mention: String) async throws {
        try await withScratch("failed-start") { scratch in
            let rows = (0..<40).map { "\(Double($0) / 40),\(Double($0 % 7) / 7),\($0 % 2)\n" }.joined()
            try rows.write(toFile: scratch.file("data.csv"), atomically: true, encoding: .utf8)
            try "1,2,0\n3,4,x\n".write(toFile: scratch.file("bad.csv"), atomically: true, encoding: .utf8)
            let out = scratch.file("runs/a")
            let flags = ["train", "--seed", "1", "--max-steps", "3", "--batch-size", "8", "--out", out, "--quiet"]
            let failed = try await Repro.run(flags + wrong.map { $0.replacingOccurrences(of: "DIR", with: scratch.path) },
                                             logs: scratch.file("logs"))
            #expect(failed.status == 2 && failed.stderr.contains(mention), "\(failed.summary)")
            #expect(!FileManager.default.fileExists(atPath: scratch.file("runs")), "the failed start created \(scratch.file("runs"))")
            let corrected = try await Repro.run(flags + ["--dataset", scratch.file("data.csv")], logs: scratch.file("logs"))
            #expect(corrected.status == 0 && corrected.digest != nil, "\(corrected.summary)")
        }
    }

    /// Flags that do not go together: exit 2, a message naming the flag, no output directory
    /// created, and a run given to --resume unchanged.
    @Test(arguments: [
        (["--resume", "RUN", "--epochs", "3"], "--epochs cannot be given with --resume"),
        (["--resume", "RUN", "--seed", "1"], "--seed cannot be given with --resume"),
        (["--resume", "RUN", "--out", "OUT"], "--out cannot be given with --resume"),
        (["--out", "OUT", "--benchmark"], "--allow-nondeterministic"),
        (["--out", "OUT", "--threads", "0"], "--threads"),
        (["--out", "OUT", "--workers", "-1"], "--workers"),
        (["--out", "OUT", "--stop-after-step", "0"], "--stop-after-step"),
        (["--out", "OUT", "--hidden", "32,x"], "--hidden"),
        (["--out", "OUT", "--max-steps", "0"], "--max-steps"),
        (["--out", "OUT", "--lr", "-1"], "--lr"),
        (["--out", "OUT", "--batch-size", "64", "--accumulate", "3"],
         "--accumulate must be a divisor of --batch-size (64), from 1 to 64, got 3"),
        (["--out", "OUT", "--clip-grad-norm", "0"], "--clip-grad-norm must be positive and finite, got 0.0"),
        (["--resume", "RUN", "--accumulate", "2"], "--accumulate cannot be given with --resume"),
    ])
    func incompatibleOrInvalidFlagsAreAnError(_ arguments: [String], _ mention: String) async throws {
        let snapshot = try await ShortRun.stopped.value
        try await withScratch("flags") { scratch in
            let run = scratch.file("run")
            let out = scratch.file("out")
            try snapshot.write(to: run)
            let base = arguments.contains("--resume") ? ["train", "--quiet"] : ["train", "--seed", "42", "--quiet"]
            let args = base + arguments.map { $0 == "RUN" ? run : $0 == "OUT" ? out : $0 }
            let result = try await Repro.run(args, logs: scratch.file("logs"))
            #expect(result.status == 2, "repro \(args.joined(separator: " ")): \(result.summary)")
            #expect(result.stderr.contains(mention), "repro \(args.joined(separator: " ")): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: out), "repro \(args.joined(separator: " ")) created \(out)")
            #expect(try Snapshot(of: run) == snapshot)
        }
    }
}
