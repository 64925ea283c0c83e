import ReproTensor

/// The writer of a run's `trace.bin` (format: ``TraceFile``): a trainer stages one record per
/// step and flushes the staged records with one durable append before each checkpoint, as it does
/// `metrics.csv` (``MetricsLog``).
package struct TraceLog: Sendable {
    package let path: String
    /// The check value of every record written or staged, the header first: what a checkpoint
    /// records (under `trace.bin`), so a resume finds a record changed since.
    package private(set) var lineHashes: [UInt64]
    /// The index of each name defined so far.
    private var nameIndex: [String: UInt32]
    private var lastStep: Int
    private var staged: [UInt8] = []

    private init(path: String, lineHashes: [UInt64], names: [String], lastStep: Int) {
        self.path = path
        self.lineHashes = lineHashes
        self.nameIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, UInt32($0.offset)) })
        self.lastStep = lastStep
    }

    /// Creates (or replaces) the trace at `path` holding only the header, atomically.
    ///
    /// - Throws: `RunFileError` when the file cannot be written.
    package static func create(at path: String) throws -> TraceLog {
        let (bytes, check) = record(TraceFile.header)
        try AtomicFile.write(bytes, to: path)
        return TraceLog(path: path, lineHashes: [check], names: [], lastStep: 0)
    }

    /// The trace at `path` cut back to its records with step ≤ `step`, in memory (a torn last
    /// record dropped); ``LogCut/write()`` applies it, ``opened(after:)`` continues it.
    ///
    /// - Throws: `RunFileError` when the file cannot be read or a kept record is damaged.
    package static func cut(at path: String, keepingStepsThrough step: Int) throws -> (cut: LogCut, names: [String]) {
        let bytes = try AtomicFile.read(path, limit: TraceFile.sizeLimit)
        let parsed = try TraceFile.parse(bytes, source: path, keepingStepsThrough: step)
        return (LogCut(path: path, kept: bytes[..<parsed.keptLength], originalLength: bytes.count, lineHashes: parsed.checks,
                       lastStep: parsed.steps.last?.step ?? 0, units: ("record", "step records")), parsed.names)
    }

    /// Writes a cut trace (atomically, only when records were cut) and opens it for appending.
    ///
    /// - Throws: `RunFileError` when the file cannot be written.
    package static func commit(_ cut: LogCut, names: [String]) throws -> TraceLog {
        try cut.write()
        return TraceLog(path: cut.path, lineHashes: cut.lineHashes, names: names, lastStep: cut.lastStep)
    }

    /// Adds the record of `step` (after the last one) with `entries` in memory.
    ///
    /// - Throws: `RunFileError` when `step` does not come after the last step, or a name is empty
    ///   or longer than 65 535 bytes.
    package mutating func stage(step: Int, _ entries: [TraceEntry]) throws {
        guard step > lastStep else {
            throw RunFileError(source: path, "step \(step) must come after the last traced step \(lastStep)")
        }
        var body: [UInt8] = []
        body.reserveCapacity(16 + entries.count * 13)
        Self.append(UInt64(step), to: &body)
        var newNames: [String] = []
        var indices: [UInt32] = []
        indices.reserveCapacity(entries.count)
        for entry in entries {
            if let index = nameIndex[entry.name] {
                indices.append(index)
                continue
            }
            guard !entry.name.isEmpty, entry.name.utf8.count <= Int(UInt16.max) else {
                throw RunFileError(source: path, "the trace name \(entry.name.prefix(40).debugDescription) must be 1 to 65535 bytes")
            }
            let index = UInt32(nameIndex.count)
            nameIndex[entry.name] = index
            newNames.append(entry.name)
            indices.append(index)
        }
        Self.append(UInt32(newNames.count), to: &body)
        for name in newNames {
            Self.append(UInt16(name.utf8.count), to: &body)
            body += name.utf8
        }
        Self.append(UInt32(entries.count), to: &body)
        for (entry, index) in zip(entries, indices) {
            body.append(entry.kind.rawValue)
            Self.append(index, to: &body)
            Self.append(entry.value, to: &body)
        }
        let (bytes, check) = Self.record(body)
        staged += bytes
        lineHashes.append(check)
        lastStep = step
    }

    /// Writes the staged records durably (one append and `fsync`); nothing when none are staged.
    ///
    /// - Throws: `RunFileError` when the append fails; the records stay staged.
    package mutating func flush() throws {
        guard !staged.isEmpty else { return }
        try AtomicFile.append(staged, to: path)
        staged.removeAll()
    }

    /// A record of `body`, and its check value.
    private static func record(_ body: [UInt8]) -> (bytes: [UInt8], check: UInt64) {
        let check = MetricsLog.lineHash(body)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count + 12)
        append(UInt32(body.count), to: &bytes)
        bytes += body
        append(check, to: &bytes)
        return (bytes, check)
    }

    private static func append(_ value: some FixedWidthInteger, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
