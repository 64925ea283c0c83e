import Foundation
import ReproRandom

/// A run directory (DESIGN.md §7) and the rules for starting and resuming one.
///
/// ```
/// RUN/
///   run.json             written first: the configuration and seed record (a run starts here)
///   metrics.csv          one row per optimizer step
///   eval.csv             one row per evaluation
///   checkpoints/         step-00000100.safetensors, …
///   resumes.log          the step of each resumption
///   model.safetensors    the final weights
///   manifest.json        written last: the run is finished
/// ```
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var startFile: String { path + "/run.json" }
    public var manifestFile: String { path + "/manifest.json" }
    public var metricsFile: String { path + "/metrics.csv" }
    public var evalFile: String { path + "/eval.csv" }
    public var checkpointsDirectory: String { path + "/checkpoints" }
    public var resumesFile: String { path + "/resumes.log" }
    public var modelFile: String { path + "/model.safetensors" }

    public static let metricsColumns = ["step", "epoch", "loss", "learning_rate"]
    public static let evalColumns = ["step", "epoch", "validation_loss", "validation_accuracy"]

    /// What `run.json` holds.
    public struct Start: Codable, Sendable {
        public var format = "repro-run-start"
        public var version = 1
        public var configuration: TrainingConfiguration
        public var seed: SeedRecord
        /// ISO 8601 UTC.
        public var startedAt: String

        public init(configuration: TrainingConfiguration, seed: SeedRecord, startedAt: String) {
            self.configuration = configuration
            self.seed = seed
            self.startedAt = startedAt
        }

        /// Parses and checks a `run.json` held in `bytes`; `source` names it in errors.
        ///
        /// - Throws: ``RunFileError`` naming `source` for invalid JSON, another format or version,
        ///   or an invalid configuration; never traps.
        public static func decode(_ bytes: [UInt8], source: String = "(in memory)") throws -> Start {
            let start: Start
            do {
                start = try JSONDecoder().decode(Start.self, from: Data(bytes))
            } catch {
                throw RunFileError(source: source, "is damaged or incomplete: \(error)")
            }
            guard start.format == "repro-run-start", start.version == 1 else {
                throw RunFileError(source: source, "expected repro-run-start version 1, found \(start.format) version \(start.version)")
            }
            do {
                try start.configuration.validate()
            } catch let error as RunFileError {
                throw RunFileError(source: source, "holds an invalid configuration: \(error.message)",
                                   hint: "the file is damaged; it cannot be resumed")
            }
            return start
        }
    }

    /// Creates a new run at `path` (the directory may not exist yet, or be empty) and writes
    /// `run.json` and the empty logs.
    ///
    /// - Throws: ``RunFileError`` when `path` holds a finished run, an unfinished one (resume it),
    ///   or other files; nothing there is changed.
    public static func create(at path: String, start: Start) throws -> RunDirectory {
        let directory = RunDirectory(path: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RunFileError(source: path, "exists and is not a directory") }
            if manager.fileExists(atPath: directory.manifestFile) {
                throw RunFileError(source: path, "already holds a finished run", hint: "choose another --out directory")
            }
            if manager.fileExists(atPath: directory.startFile) {
                throw RunFileError(source: path, "already holds an unfinished run",
                                   hint: "continue it with --resume \(path), or choose another --out directory")
            }
            // What `create` writes before run.json (a process killed in between leaves just these).
            let interrupted = Set(["checkpoints", "metrics.csv", "eval.csv"])
            let contents = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter {
                !(interrupted.contains($0) || $0.hasPrefix(".") && $0.contains(".tmp-"))
            }
            let checkpoints = (try? manager.contentsOfDirectory(atPath: directory.checkpointsDirectory)) ?? []
            guard contents.isEmpty, checkpoints.isEmpty else {
                let listing = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted().prefix(3)
                throw RunFileError(source: path, "is not empty (\(listing.joined(separator: ", "))…)",
                                   hint: "choose a new or empty --out directory")
            }
        }
        do {
            try manager.createDirectory(atPath: directory.checkpointsDirectory, withIntermediateDirectories: true)
        } catch {
            throw RunFileError(source: path, "cannot create the run directory: \(error.localizedDescription)")
        }
        _ = try MetricsLog.create(at: directory.metricsFile, columns: metricsColumns)
        _ = try MetricsLog.create(at: directory.evalFile, columns: evalColumns)
        try AtomicFile.write(try encode(start), to: directory.startFile)  // last: from here on it is a run
        return directory
    }

    /// Opens an existing run to resume it.
    ///
    /// - Throws: ``RunFileError`` when `path` is not a run directory (no `run.json`), the start
    ///   file is damaged or from another version, or the run is already finished.
    public static func openForResume(_ path: String) throws -> (RunDirectory, Start) {
        let directory = RunDirectory(path: path)
        guard FileManager.default.fileExists(atPath: directory.startFile) else {
            throw RunFileError(source: path, "is not a Repro run directory (no run.json)",
                               hint: "--resume takes the --out directory of an earlier `repro train`")
        }
        if FileManager.default.fileExists(atPath: directory.manifestFile) {
            throw RunFileError(source: path, "holds a finished run (manifest.json exists); there is nothing to resume")
        }
        return (directory, try Start.decode(try AtomicFile.read(directory.startFile), source: directory.startFile))
    }

    /// The newest checkpoint that loads and passes its checksum; damaged ones are reported through
    /// `warn` and skipped. Nil when there is none (the run restarts from step 0).
    public func latestCheckpoint(warn: (String) -> Void) -> (path: String, checkpoint: Checkpoint)? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsDirectory)) ?? []
        let steps = names.compactMap { name in Checkpoint.step(ofFileName: name).map { ($0, name) } }
        for (_, name) in steps.sorted(by: { $0.0 > $1.0 }) {
            let path = checkpointsDirectory + "/" + name
            do {
                return (path, try Checkpoint.read(path))
            } catch {
                warn("skipping checkpoint \(name): \(error)")
            }
        }
        return nil
    }

    /// Removes temporary files that a killed process left in the run and its checkpoints.
    public func removeTemporaryFiles() {
        for directory in [path, checkpointsDirectory] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(".") && name.contains(".tmp-") {
                try? FileManager.default.removeItem(atPath: directory + "/" + name)
            }
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [0x0A]
    }

    /// The current time in ISO 8601 UTC, e.g. `2026-11-26T18:12:36Z`.
    public static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
