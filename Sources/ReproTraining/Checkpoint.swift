import Foundation
import ReproData
import ReproFiles
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

/// A resumable checkpoint: one safetensors file (readable by Python's `safetensors`) holding the
/// model's parameters (`model.<name>`), the optimizer's buffers (`optimizer.<name>`), the task's
/// own tensors (`task.<name>`, see ``TaskState``) and, for each
/// metric log, the ``MetricsLog/lineHash(_:)`` of every line up to the checkpoint's step
/// (`logs.<file name>`, `U64`), so that a resume refuses a log changed since; the rest is in its
/// metadata: under `repro`, a JSON ``Checkpoint/Header`` (step, loader state,
/// optimizer state, configuration with the task's name and settings, seeds, the task's own
/// values), and under `sha256`, the digest of that JSON followed by
/// every tensor's bytes in name order, so a damaged checkpoint is detected and skipped.
///
/// No generator's state evolves during training: initialisation draws once before step 0, and
/// dropout masks and loader order and augmentation are keyed by (seed, step or epoch, index). So
/// the seeds in the configuration are the complete generator state, and resuming draws exactly
/// what the uninterrupted run drew.
public struct Checkpoint {
    /// What a checkpoint records besides tensors.
    public struct Header: Codable, Sendable {
        /// `repro-checkpoint`.
        public var format = Checkpoint.format
        public var version = Checkpoint.version
        /// Optimizer steps completed.
        public var step: Int
        public var loader: DataLoaderState
        public var optimizer: OptimizerState
        public var configuration: TrainingConfiguration
        /// The root seed's streams (their recipes; see ``SeedRecord``).
        public var seed: SeedRecord
        /// The task's own values (``TaskState/values``); nil when it has none.
        public var taskValues: JSONValue?

        public init(step: Int, loader: DataLoaderState, optimizer: OptimizerState,
                    configuration: TrainingConfiguration, seed: SeedRecord, taskValues: JSONValue? = nil) {
            self.step = step
            self.loader = loader
            self.optimizer = optimizer
            self.configuration = configuration
            self.seed = seed
            self.taskValues = taskValues
        }
    }

    public static let format = "repro-checkpoint"
    public static let version = 2

    public var header: Header
    /// The model's parameters in parameter order.
    public var model: [(name: String, tensor: Tensor)]
    /// The optimizer's buffers in its order.
    public var optimizer: [(name: String, tensor: Tensor)]
    /// The task's own tensors (``TaskState/tensors``), by name in sorted order.
    public var task: [(name: String, tensor: Tensor)]
    /// The line hashes of each metric log (by file name, e.g. `metrics.csv`) at the checkpoint's
    /// step, the header first (``MetricsLog/lineHashes``); empty in checkpoints written before
    /// Repro recorded them.
    public var logLines: [String: [UInt64]]

    public init(header: Header, model: [(name: String, tensor: Tensor)], optimizer: [(name: String, tensor: Tensor)],
                task: [(name: String, tensor: Tensor)] = [], logLines: [String: [UInt64]] = [:]) {
        self.header = header
        self.model = model
        self.optimizer = optimizer
        self.task = task
        self.logLines = logLines
    }

    /// The file name of the checkpoint after `step` steps: `step-00000042.safetensors`.
    public static func fileName(step: Int) -> String {
        let digits = String(step)
        return "step-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".safetensors"
    }

    /// The step of a checkpoint file name, or nil for other names (temporary files included).
    public static func step(ofFileName name: String) -> Int? {
        guard name.hasPrefix("step-"), name.hasSuffix(".safetensors") else { return nil }
        let digits = name.dropFirst(5).dropLast(12)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// The checkpoint as a safetensors file.
    public func file() throws -> SafeTensorsFile {
        var tensors: [String: SafeTensor] = [:]
        for (prefix, list) in [("model.", model), ("optimizer.", optimizer), ("task.", task)] {
            for (name, tensor) in list {
                tensors[prefix + name] = try SafeTensor(tensor.scalars, shape: tensor.shape)
            }
        }
        for (name, hashes) in logLines { tensors["logs." + name] = try SafeTensor(hashes, shape: [hashes.count]) }
        let json = String(decoding: try Self.encoder.encode(header), as: UTF8.self)
        return SafeTensorsFile(tensors: tensors, metadata: ["repro": json, "sha256": Self.digest(json, tensors)])
    }

    /// Writes the checkpoint atomically (temporary file, fsync, rename, directory fsync).
    public func write(to path: String) throws {
        try file().write(to: path)
    }

    /// Reads and verifies a checkpoint.
    ///
    /// - Throws: ``RunFileError`` naming `path` when the file is not a safetensors file, not a
    ///   Repro checkpoint of this version, or fails its checksum.
    public static func read(_ path: String) throws -> Checkpoint {
        try decode(try AtomicFile.read(path), source: path)
    }

    /// Parses and verifies a checkpoint held in `bytes`, as ``read(_:)`` does a file's; `source`
    /// names it in errors.
    ///
    /// - Throws: ``RunFileError`` naming `source` for any malformed input; never traps.
    public static func decode(_ bytes: [UInt8], source path: String = "(in memory)") throws -> Checkpoint {
        let file = try SafeTensorsFile(bytes: bytes, source: path)
        guard let json = file.metadata["repro"], let stored = file.metadata["sha256"] else {
            throw RunFileError(source: path, "not a Repro checkpoint: the safetensors metadata has no 'repro' and 'sha256' entries")
        }
        let digest = digest(json, file.tensors)
        guard digest == stored else {
            throw RunFileError(source: path, "the checkpoint fails its checksum (expected sha256 \(stored), found \(digest)); "
                               + "it is damaged")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json.utf8))
        } catch {
            throw RunFileError(source: path, "the checkpoint's 'repro' metadata is not a valid header: \(error)")
        }
        guard header.format == format, header.version == version else {
            throw RunFileError(source: path, "expected a \(format) of version \(version), found \(header.format) version \(header.version)",
                               hint: "it was written by another version of Repro")
        }
        func tensors(_ prefix: String) throws -> [(name: String, tensor: Tensor)] {
            try file.tensors.keys.filter { $0.hasPrefix(prefix) }.sorted().map { key in
                let (shape, values) = try file.floats(key)
                do {
                    return (String(key.dropFirst(prefix.count)), try Tensor(shape: shape, scalars: values))
                } catch {  // a rank above Tensor.maxRank: a RunFileError like every other fault
                    throw RunFileError(source: path, location: "tensor '\(key)'", (error as? TensorError)?.message ?? "\(error)")
                }
            }
        }
        var logLines: [String: [UInt64]] = [:]
        for key in file.tensors.keys where key.hasPrefix("logs.") {
            logLines[String(key.dropFirst(5))] = try file.values(key, as: UInt64.self).values
        }
        return Checkpoint(header: header, model: try tensors("model."), optimizer: try tensors("optimizer."),
                          task: try tensors("task."), logLines: logLines)
    }

    /// The newest checkpoint of `directory` that loads and passes its checksum; damaged ones are reported through
    /// `warn` and skipped. Nil when there is none (the run restarts from step 0).
    static func latest(in directory: RunDirectory, warn: (String) -> Void) -> (path: String, checkpoint: Checkpoint)? {
        let checkpointsDirectory = directory.checkpointsDirectory
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


    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// sha256 of the header JSON, then each tensor's name, dtype, shape and bytes, in name order.
    static func digest(_ json: String, _ tensors: [String: SafeTensor]) -> String {
        var hash = SHA256()
        hash.update(Array(json.utf8))
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            hash.update(Array("\0\(name)\0\(tensor.dtype.rawValue)\0\(tensor.shape)\0".utf8))
            hash.update(tensor.bytes)
        }
        return hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
