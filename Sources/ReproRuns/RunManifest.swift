import Foundation
import ReproFiles
import ReproRandom
import ReproTensor

/// `manifest.json` of a finished run (docs/ARCHITECTURE.md §7): what was run, where, and its digest. Written
/// last, atomically: a run directory with a manifest is finished.
public struct RunManifest: Codable, Sendable {
    public static let schemaName = "repro-run"
    /// 3: the environment records Repro's source revision (``EnvironmentFingerprint/reproRevision``),
    /// and its git commit and dirty state are the training code's, recorded only where its directory
    /// was named (in version 2 they were the current directory's, whatever it held).
    /// 2: the final metrics hold every validation metric by name (``FinalMetrics/validationMetrics``);
    /// version 1 had one fixed `validationAccuracy`.
    public static let currentSchemaVersion = 3
    /// The versions read: 2 reads as 3 without a source revision (its git fields kept as recorded).
    public static let readableSchemaVersions = 2...currentSchemaVersion
    /// The largest manifest read (a real one is a few KiB).
    static let sizeLimit = 1 << 26

    public var schema: String = RunManifest.schemaName
    public var schemaVersion: Int = RunManifest.currentSchemaVersion
    public var seed: SeedRecord
    public var configuration: TrainingConfiguration
    public var determinism: DeterminismSettings
    public var environment: EnvironmentFingerprint
    public var reproVersion: String = ReproLibrary.version
    /// ISO 8601 UTC times of the first start and of the end (the only fields that differ between
    /// two identical runs, with the environment's thread and worker counts).
    public var startedAt: String
    public var finishedAt: String
    /// The steps this run was resumed from, in order (empty for an uninterrupted run).
    public var resumedFromSteps: [Int]
    public var finalMetrics: FinalMetrics
    /// sha256 of the final weights and the metric logs (see ``RunDigest``).
    public var digest: String
    /// sha256 of each file the digest covers.
    public var files: [String: String]

    public init(seed: SeedRecord, configuration: TrainingConfiguration, determinism: DeterminismSettings,
                environment: EnvironmentFingerprint, startedAt: String, finishedAt: String, resumedFromSteps: [Int],
                finalMetrics: FinalMetrics, digest: String, files: [String: String]) {
        self.seed = seed
        self.configuration = configuration
        self.determinism = determinism
        self.environment = environment
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.resumedFromSteps = resumedFromSteps
        self.finalMetrics = finalMetrics
        self.digest = digest
        self.files = files
    }

    /// The last values of a run.
    public struct FinalMetrics: Codable, Sendable, Hashable {
        public var steps: Int
        public var epochs: Int
        /// The training loss of the last step.
        public var trainLoss: Float
        /// The validation loss of the last evaluation.
        public var validationLoss: Float
        /// The last evaluation's value of each of the task's validation metrics, by metric name
        /// (`accuracy`, without `eval.csv`'s `validation_` prefix); empty for a task without
        /// metrics.
        public var validationMetrics: [String: Double]

        public init(steps: Int, epochs: Int, trainLoss: Float, validationLoss: Float, validationMetrics: [String: Double]) {
            self.steps = steps
            self.epochs = epochs
            self.trainLoss = trainLoss
            self.validationLoss = validationLoss
            self.validationMetrics = validationMetrics
        }
    }

    /// The manifest as written: pretty-printed JSON with sorted keys and a final newline.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Reads and checks a manifest.
    ///
    /// - Throws: ``RunFileError`` naming `path` for a missing file, invalid JSON, another schema or
    ///   a schema version outside ``readableSchemaVersions``.
    public static func read(_ path: String) throws -> RunManifest {
        try decode(try AtomicFile.read(path, limit: sizeLimit), source: path)
    }

    /// Parses and checks a manifest held in `bytes`, as ``read(_:)`` does a file's; `source` names
    /// it in errors.
    ///
    /// - Throws: ``RunFileError`` naming `source`; never traps.
    public static func decode(_ bytes: [UInt8], source path: String = "(in memory)") throws -> RunManifest {
        struct Probe: Decodable { var schema: String?; var schemaVersion: Int? }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: Data(bytes)) else {
            throw RunFileError(source: path, "not valid JSON", hint: "the manifest is damaged")
        }
        guard probe.schema == schemaName else {
            throw RunFileError(source: path, "not a Repro run manifest (schema \(probe.schema.map { "'\($0)'" } ?? "missing"))")
        }
        guard let version = probe.schemaVersion, readableSchemaVersions.contains(version) else {
            throw RunFileError(source: path, "manifest schema version \(probe.schemaVersion.map(String.init) ?? "missing"), "
                               + "this Repro reads versions \(readableSchemaVersions.lowerBound) to \(currentSchemaVersion)",
                               hint: "use the Repro version that wrote it (\(ReproLibrary.version) is this one)")
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: Data(bytes))
        } catch {
            throw RunFileError(source: path, "the manifest is incomplete or has a wrong field: \(error)")
        }
    }
}

/// The digest of a run: sha256 over `model.safetensors`, `metrics.csv` and `eval.csv`, each as
/// its name, a NUL byte, its length in decimal, a NUL byte, then its bytes. Two runs are bitwise
/// identical exactly when their digests match. In Python:
///
/// ```python
/// h = hashlib.sha256()
/// for name in ["model.safetensors", "metrics.csv", "eval.csv"]:
///     data = open(os.path.join(run, name), "rb").read()
///     h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
/// ```
public enum RunDigest {
    public static let files = ["model.safetensors", "metrics.csv", "eval.csv"]

    /// The digest of the files in `directory`, and the sha256 of each.
    public static func compute(directory: String) throws -> (digest: String, files: [String: String]) {
        var contents: [String: [UInt8]] = [:]
        for name in files { contents[name] = try AtomicFile.read(directory + "/" + name) }
        return compute(contents)
    }

    /// The digest of the files' contents (by name; each of ``files`` must be there), and the
    /// sha256 of each.
    public static func compute(_ contents: [String: [UInt8]]) -> (digest: String, files: [String: String]) {
        var hash = SHA256()
        var each: [String: String] = [:]
        for name in files {
            let data = contents[name]!
            hash.update(Array("\(name)\0\(data.count)\0".utf8))
            hash.update(data)
            each[name] = SHA256.hexDigest(of: data)
        }
        return (hex(hash.finalize()), each)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
