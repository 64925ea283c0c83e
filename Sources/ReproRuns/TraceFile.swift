import ReproTensor

/// A run's training trace, `trace.bin` (docs/ARCHITECTURE.md §7, "Traces"), as read back: per
/// optimizer step, the 64-bit entries the trainer recorded in execution order.
///
/// The file is a sequence of records, all integers little-endian:
///
/// ```text
/// record := length: u32 | body: `length` bytes | check: u64 (64-bit FNV-1a of body)
/// first record's body (the header) := the ASCII text "repro-trace 1 xxh64"
/// step record's body := step: u64 (1 for the first step, as in metrics.csv)
///                       names: u32, then per new name: bytes: u16, UTF-8 text
///                       entries: u32, then per entry: kind: u8, name: u32, value: u64
/// ```
///
/// A step record defines the entry names it uses for the first time (in order of first use); an
/// entry's `name` is an index into every name defined so far in the file. `kind` is a
/// ``ReproTensor/TraceKind`` (0 batch, 1 stream, 2 forward, 3 loss, 4 gradient, 5 parameter); `value`
/// is a ``ReproTensor/TraceHash`` (of a tensor, or of a micro-batch's indices) or, for a stream, the
/// position itself. Per step the entries are, for each micro-batch in loader order:
/// `stream loader.epoch`, `stream loader.position`, `batch indices`, `stream dropout.key`,
/// `stream dropout.step`, the forward outputs in the order they were computed, `loss loss`; then
/// each parameter's `gradient` as the optimizer applies it (after clipping), in *reverse*
/// parameter order (the order backward reaches the layers); then each `parameter` after the
/// update, in parameter order.
///
/// The trainer appends a step's record at each checkpoint, as it flushes `metrics.csv`; a kill
/// can leave a torn last record, which a resume drops as it cuts the file back to the
/// checkpoint's step (the checkpoint holds each record's check value, as it holds the log lines'
/// hashes), so a resumed run's trace is byte-identical to an uninterrupted run's. The trace is not
/// part of the run's digest.
public struct TraceFile: Sendable, Hashable {
    /// One step's entries.
    public struct Step: Sendable, Hashable {
        /// The step: 1 for the first optimizer step (metrics.csv's step).
        public let step: Int
        /// The entries in execution order.
        public let entries: [TraceEntry]
    }

    /// The file name in a run directory.
    public static let fileName = "trace.bin"
    /// The header record's body.
    static let header = Array("repro-trace 1 xxh64".utf8)
    /// The largest trace read: 16 GiB.
    static let sizeLimit = 1 << 34

    /// The steps, in order.
    public let steps: [Step]

    /// Reads and validates the whole trace at `path`.
    ///
    /// - Throws: `RunFileError` naming `path`, the record or offset and the fault: not a trace, a
    ///   record cut short (a write was interrupted, or the file truncated), a check value that
    ///   does not match (a damaged file), an unknown kind or name, steps out of order.
    public static func read(at path: String) throws -> TraceFile {
        try decode(try AtomicFile.read(path, limit: sizeLimit), source: path)
    }

    /// Parses and validates a whole trace held in `bytes`, as ``read(at:)`` does a file's.
    ///
    /// - Throws: as ``read(at:)``; never traps.
    public static func decode(_ bytes: [UInt8], source: String = "(in memory)") throws -> TraceFile {
        let parsed = try parse(bytes, source: source, keepingStepsThrough: nil)
        if let torn = parsed.tornAt {
            throw RunFileError(source: source, location: "offset \(torn)",
                               "the last record is cut short (\(bytes.count - torn) of its bytes are there): a write was "
                               + "interrupted or the file was truncated",
                               hint: "resuming the run cuts the trace back to its last checkpoint")
        }
        return TraceFile(steps: parsed.steps)
    }

    /// What ``parse(_:source:keepingStepsThrough:)`` found.
    struct Parsed {
        var steps: [Step] = []
        /// The names defined by the kept records, in order.
        var names: [String] = []
        /// The check value of each kept record, the header first.
        var checks: [UInt64] = []
        /// The length of the header and the kept step records.
        var keptLength = 0
        /// The offset of an incomplete last record, if any.
        var tornAt: Int?
    }

    /// Splits and validates `bytes`; stops before the first record whose step exceeds `limit`
    /// (leaving it and the records after it unchecked).
    static func parse(_ bytes: [UInt8], source: String, keepingStepsThrough limit: Int?) throws -> Parsed {
        var parsed = Parsed()
        var offset = 0
        var reader = ByteReader(bytes: bytes, source: source)
        while offset < bytes.count {
            let record = parsed.checks.count
            let what = record == 0 ? "the header record" : "record \(record + 1)"
            guard bytes.count - offset >= 4, case let length = Int(reader.u32(at: offset)),
                  bytes.count - offset - 4 >= length + 8 else {
                if record == 0 { throw RunFileError(source: source, "is not a Repro trace (it is too short for its header)") }
                parsed.tornAt = offset
                return parsed
            }
            let body = (offset + 4)..<(offset + 4 + length)
            let check = reader.u64(at: body.upperBound)
            guard MetricsLog.lineHash(bytes[body]) == check else {
                if record == 0 { throw RunFileError(source: source, "is not a Repro trace (its first record is not a trace header)") }
                throw RunFileError(source: source, location: "\(what), offset \(offset)",
                                   "the record's check value does not match its bytes: the file is damaged")
            }
            if record == 0 {
                guard Array(bytes[body]) == header else {
                    throw RunFileError(source: source, "is not a Repro trace of this version (its header is "
                                       + "\(String(decoding: bytes[body], as: UTF8.self).debugDescription), expected "
                                       + "\(String(decoding: header, as: UTF8.self).debugDescription))")
                }
            } else {
                let step = try reader.step(body, what: what, names: &parsed.names, after: parsed.steps.last?.step ?? 0,
                                           limit: limit)
                guard let step else { return parsed }
                parsed.steps.append(step)
            }
            parsed.checks.append(check)
            offset = body.upperBound + 8
            parsed.keptLength = offset
        }
        return parsed
    }
}

/// Reads the little-endian fields of a trace's records, with errors that name the record.
private struct ByteReader {
    let bytes: [UInt8]
    let source: String

    func u16(at offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
    func u32(at offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) } }
    func u64(at offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) } }

    /// The step record in `body`, its new names appended to `names`; nil when its step is after
    /// `limit` (then `names` is unchanged).
    func step(_ body: Range<Int>, what: String, names: inout [String], after previous: Int,
              limit: Int?) throws -> TraceFile.Step? {
        func fault(_ message: String) -> RunFileError {
            RunFileError(source: source, location: what, message + ": the file is damaged")
        }
        var offset = body.lowerBound
        func need(_ count: Int, _ field: String) throws {
            guard body.upperBound - offset >= count else { throw fault("the record ends inside its \(field)") }
        }
        try need(8, "step")
        let raw = u64(at: offset)
        offset += 8
        guard raw >= 1, raw <= UInt64(Int.max) else { throw fault("step \(raw) is not a positive step number") }
        let step = Int(raw)
        if let limit, step > limit { return nil }
        guard step > previous else { throw fault("step \(step) does not come after step \(previous)") }
        try need(4, "name count")
        let newNames = Int(u32(at: offset))
        offset += 4
        var defined: [String] = []
        for _ in 0..<min(newNames, body.count) {
            try need(2, "names")
            let length = Int(u16(at: offset))
            offset += 2
            try need(length, "names")
            guard length > 0, let name = String(validating: bytes[offset..<(offset + length)], as: UTF8.self) else {
                throw fault("name \(names.count + defined.count) is empty or not UTF-8")
            }
            defined.append(name)
            offset += length
        }
        guard defined.count == newNames else { throw fault("the record ends inside its names") }
        try need(4, "entry count")
        let count = Int(u32(at: offset))
        offset += 4
        guard body.upperBound - offset == count * 13 else {
            throw fault("the record holds \(body.upperBound - offset) bytes of entries, \(count) entries need \(count * 13)")
        }
        let table = names + defined
        var entries: [TraceEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let kind = TraceKind(rawValue: bytes[offset]) else { throw fault("entry kind \(bytes[offset]) is unknown") }
            let index = Int(u32(at: offset + 1))
            guard index < table.count else { throw fault("entry name \(index) is not defined (\(table.count) names are)") }
            entries.append(TraceEntry(kind, table[index], u64(at: offset + 5)))
            offset += 13
        }
        names = table
        return TraceFile.Step(step: step, entries: entries)
    }
}
