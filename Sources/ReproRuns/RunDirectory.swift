import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ReproFiles
import ReproRandom

/// A run directory (docs/ARCHITECTURE.md §7) and the rules for starting and resuming one.
///
/// ```
/// RUN/
///   run.json             written first: the configuration and seed record (a run starts here)
///   metrics.csv          one row per optimizer step
///   eval.csv             one row per evaluation
///   checkpoints/         step-00000100.safetensors, …
///   resumes.log          created when training starts: the step of each resumption
///   diverged.txt         only when the loss became NaN or infinite: the step (the run ends there)
///   trace.bin            only in a run started with a trace: per step, hashes of every tensor (TraceFile)
///   model.safetensors    the final weights
///   manifest.json        written last: the run is finished
/// ```
public struct RunDirectory: Sendable {
    public let path: String
    /// The writer's lock (``RunLock``) when the directory was opened for writing by
    /// ``create(at:start:)`` or ``openForResume(_:)``, held as long as this value or a copy lives;
    /// nil for a reader.
    public let lock: RunLock?

    /// The run at `path`, for reading (no lock).
    public init(path: String) {
        self.path = path
        lock = nil
    }

    private init(path: String, lock: RunLock) {
        self.path = path
        self.lock = lock
    }

    public var startFile: String { path + "/run.json" }
    public var manifestFile: String { path + "/manifest.json" }
    public var metricsFile: String { path + "/metrics.csv" }
    public var evalFile: String { path + "/eval.csv" }
    public var checkpointsDirectory: String { path + "/checkpoints" }
    public var resumesFile: String { path + "/resumes.log" }
    public var modelFile: String { path + "/model.safetensors" }
    /// Written by a training whose loss became NaN or infinite: the message naming the step. The
    /// run keeps its logs as evidence, and is not resumed (it would diverge at the same step).
    public var divergenceFile: String { path + "/diverged.txt" }
    /// The training trace, in a run started with one (``Start/trace``; format: ``TraceFile``).
    public var traceFile: String { path + "/" + TraceFile.fileName }

    package static let metricsColumns = ["step", "epoch", "loss", "learning_rate"]

    /// What `run.json` holds.
    public struct Start: Codable, Sendable {
        public var format = "repro-run-start"
        public var version = 2
        public var configuration: TrainingConfiguration
        public var seed: SeedRecord
        /// ISO 8601 UTC.
        public var startedAt: String
        /// The content digest of the dataset the run started on (``TensorDataset/contentDigest``),
        /// checked on every resume; nil in runs started before Repro recorded it.
        public var datasetSHA256: String?
        /// The names of the task's validation metrics, in the order of their `eval.csv` columns
        /// (``RunDirectory/evalColumns(metrics:)``); empty for a task that logs only the loss.
        public var metrics: [String]
        /// Whether the run records a training trace in `trace.bin` (``TraceFile``), every process
        /// that trains it included; nil (absent from the file) when it does not.
        public var trace: Bool?

        public init(configuration: TrainingConfiguration, seed: SeedRecord, startedAt: String,
                    datasetSHA256: String? = nil, metrics: [String] = [], trace: Bool = false) {
            self.configuration = configuration
            self.seed = seed
            self.startedAt = startedAt
            self.datasetSHA256 = datasetSHA256
            self.metrics = metrics
            self.trace = trace ? true : nil
        }

        /// Parses and checks a `run.json` held in `bytes`; `source` names it in errors.
        ///
        /// - Throws: ``RunFileError`` naming `source` for invalid JSON (a `run.json` without
        ///   `metrics`, from before Repro recorded them, is incomplete), another format or version,
        ///   an invalid configuration or invalid metric names; never traps.
        public static func decode(_ bytes: [UInt8], source: String = "(in memory)") throws -> Start {
            let start: Start
            do {
                start = try JSONDecoder().decode(Start.self, from: Data(bytes))
            } catch {
                throw RunFileError(source: source, "is damaged or incomplete: \(error)")
            }
            guard start.format == "repro-run-start", start.version == 2 else {
                throw RunFileError(source: source, "expected repro-run-start version 2, found \(start.format) version \(start.version)")
            }
            do {
                try start.configuration.validate()
            } catch let error as ConfigurationError {
                throw RunFileError(source: source, "holds an invalid configuration: \(error)",
                                   hint: "the file is damaged; it cannot be resumed")
            }
            do {
                try RunDirectory.validateMetricNames(start.metrics, source: source)
            } catch let error as RunFileError {
                throw RunFileError(source: source, "holds invalid metric names: \(error.message)",
                                   hint: "the file is damaged; it cannot be resumed")
            }
            return start
        }
    }

    /// Creates a new run at `path` (the directory may not exist yet, or be empty), locked for this
    /// writer (``lock``), and writes `run.json` and the empty logs.
    ///
    /// `eval.csv`'s header holds `start.metrics` (``evalColumns(metrics:)``).
    ///
    /// - Throws: ``RunFileError`` when `start.metrics` are not valid metric names, `path` is
    ///   empty, lies inside another run, is not a directory, cannot be created, is locked by
    ///   another writer, or holds a finished run, an unfinished one (resume it) or other files;
    ///   nothing there is changed.
    public static func create(at path: String, start: Start) throws -> RunDirectory {
        try validateMetricNames(start.metrics)
        guard !path.isEmpty else { throw RunFileError(source: "(empty path)", "the run directory must not be empty") }
        try refuseInsideRun(path, what: "a new run", exceptItself: true)
        try makeDirectory(path)
        let directory = RunDirectory(path: path, lock: try RunLock(directory: path))
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.manifestFile) {
            throw RunFileError(source: path, "already holds a finished run", hint: Hint.otherDirectory)
        }
        if manager.fileExists(atPath: directory.startFile) {
            throw RunFileError(source: path, "already holds an unfinished run", hint: Hint.resumeOrOtherDirectory)
        }
        let contents = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        guard contents.allSatisfy(isWrittenBeforeStart), ((try? manager.contentsOfDirectory(atPath: directory.checkpointsDirectory)) ?? []).isEmpty else {
            throw RunFileError(source: path, "is not empty (\(contents.sorted().prefix(3).joined(separator: ", "))…)",
                               hint: Hint.newOrEmptyDirectory)
        }
        do {
            try manager.createDirectory(atPath: directory.checkpointsDirectory, withIntermediateDirectories: true)
        } catch {
            throw RunFileError(source: directory.checkpointsDirectory, "cannot create the directory: \(error.localizedDescription)")
        }
        _ = try MetricsLog.create(at: directory.metricsFile, columns: metricsColumns)
        _ = try MetricsLog.create(at: directory.evalFile, columns: evalColumns(metrics: start.metrics))
        if start.trace == true { _ = try TraceLog.create(at: directory.traceFile) }
        try AtomicFile.write(try encode(start), to: directory.startFile)  // last: from here on it is a run
        return directory
    }

    /// The hints of the refusals of ``create(at:start:)`` and ``openForResume(_:)``, in the
    /// library's words; a command line replaces them with its own (the flags that name the
    /// directory), matching these values.
    package enum Hint {
        package static let otherDirectory = "choose another directory for the new run"
        package static let resumeOrOtherDirectory = "resume it, or choose another directory for the new run"
        package static let newOrEmptyDirectory = "choose a new or empty directory"
        package static let notARun = "a run directory is one a training was started in (it holds run.json)"
        package static let startAgain = "start the run again in it, with the same settings"
    }

    /// Whether a file named `name` is one that ``create(at:start:)`` writes before `run.json`
    /// (what a process killed in between leaves), or a temporary file of an atomic write.
    private static func isWrittenBeforeStart(_ name: String) -> Bool {
        ["checkpoints", "metrics.csv", "eval.csv", TraceFile.fileName].contains(name) || name.hasPrefix(".") && name.contains(".tmp-")
    }

    /// Opens an existing run, locked for this writer (``lock``), to resume it.
    ///
    /// - Throws: ``RunFileError`` when `path` is not a run directory (no `run.json`), is locked by
    ///   another writer, the start file is damaged or from another version, the run is already
    ///   finished, or its `checkpoints/` directory is missing.
    public static func openForResume(_ path: String) throws -> (RunDirectory, Start) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory)
        guard !path.isEmpty, exists, isDirectory.boolValue else {
            throw RunFileError(source: path.isEmpty ? "(empty path)" : path,
                               "is not a Repro run directory (\(path.isEmpty ? "an empty path" : exists ? "not a directory" : "no such directory"))",
                               hint: Hint.notARun)
        }
        let directory = RunDirectory(path: path, lock: try RunLock(directory: path))
        guard manager.fileExists(atPath: directory.startFile) else {
            let contents = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            if !contents.isEmpty, contents.allSatisfy(isWrittenBeforeStart) {
                throw RunFileError(source: path, "holds a run that was interrupted before it started (no run.json yet)",
                                   hint: Hint.startAgain)
            }
            throw RunFileError(source: path, "is not a Repro run directory (no run.json)", hint: Hint.notARun)
        }
        if manager.fileExists(atPath: directory.manifestFile) {
            throw RunFileError(source: path, "holds a finished run (manifest.json exists); there is nothing to resume")
        }
        try directory.refuseIrregularFiles()
        let start = try directory.readStart()
        guard manager.fileExists(atPath: directory.checkpointsDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunFileError(source: directory.checkpointsDirectory, "is missing: the run is damaged and cannot be resumed exactly",
                               hint: "start a new run")
        }
        return (directory, start)
    }

    /// The largest `run.json` read (a configuration and a seed record are a few KiB).
    static let startFileLimit = 1 << 24

    /// `run.json`, read and checked (``Start/decode(_:source:)``); reading takes no lock.
    ///
    /// - Throws: ``RunFileError`` naming the file.
    public func readStart() throws -> Start {
        try Start.decode(try AtomicFile.read(startFile, limit: Self.startFileLimit), source: startFile)
    }

    /// Refuses a run whose own files (`run.json`, the logs, `resumes.log`, `model.safetensors`,
    /// `manifest.json`) include one that exists but is not a regular file (a FIFO, a device, a
    /// directory, or a link to one): the run is damaged, and a writer would block on such a file
    /// or write into it without effect.
    ///
    /// - Throws: ``RunFileError`` naming the file and what it is.
    package func refuseIrregularFiles() throws {
        for file in [startFile, metricsFile, evalFile, resumesFile, modelFile, manifestFile, traceFile] {
            var status = stat()
            guard stat(file, &status) == 0, let kind = RegularFile.kindName(status.st_mode) else { continue }
            throw RunFileError(source: file, "is \(kind), not a regular file: the run is damaged")
        }
    }
    /// The run directory that `path` is or lies inside (`path` itself or an ancestor holding
    /// `run.json` or `manifest.json`), or nil.
    static func enclosingRun(of path: String) -> String? {
        var url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        while true {
            let candidate = RunDirectory(path: url.path)
            if FileManager.default.fileExists(atPath: candidate.startFile)
                || FileManager.default.fileExists(atPath: candidate.manifestFile) { return url.path }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// Refuses an output path that is, or lies inside, a run directory: no command writes its
    /// output into a run (a run's files are its writer's alone).
    ///
    /// - Parameters:
    ///   - what: what would be written there, for the message ("the plot", "a new run").
    ///   - exceptItself: only `path`'s ancestors count (a new run's own directory is checked by
    ///     ``create(at:start:)`` itself).
    /// - Throws: ``RunFileError`` naming `path` and the run.
    package static func refuseInsideRun(_ path: String, what: String, exceptItself: Bool = false) throws {
        guard !path.isEmpty else { throw RunFileError(source: "(empty path)", "an output path must not be empty") }
        let parent = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        guard let run = enclosingRun(of: exceptItself ? parent : path) else { return }
        throw RunFileError(source: path, "lies inside the run \(run); \(what) may not be written there",
                           hint: "choose a path outside every run directory")
    }

    /// Creates the directory `path` and its parents where missing, with the system's reason when
    /// it cannot (`Not a directory`, `Permission denied`, …).
    ///
    /// - Throws: ``RunFileError`` naming the path that is not a directory or cannot be created.
    package static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RunFileError(source: path, "exists and is not a directory") }
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if parent != path, !parent.isEmpty { try makeDirectory(parent) }
        if mkdir(path, 0o777) != 0, errno != EEXIST {
            throw RunFileError.system(path, "cannot create the directory", errorNumber: errno)
        }
    }

    /// Removes temporary files that a killed process left in the run and its checkpoints.
    package func removeTemporaryFiles() {
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
    package static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
