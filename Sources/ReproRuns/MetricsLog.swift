/// An append-only CSV log with one row per step: `metrics.csv` and `eval.csv` of a run (docs/ARCHITECTURE.md §7).
///
/// The file is a header row whose first column is `step`, then one row per logged step, every line
/// ending in `\n`: `step,loss,lr\n0,2.302585,0.1\n1,2.2971,0.1\n`. It is a restricted CSV: column
/// names contain no `,`, `"`, CR or LF, so nothing is ever quoted. Steps are non-negative integers,
/// strictly increasing; the other fields are `MetricValue` texts (numbers, `nan`, `inf`, `-inf`).
///
/// Each `append` is durable (`AtomicFile.appendLine`: written and `fsync`ed before it returns).
/// A process killed during an append can leave an unterminated last line; `open` and `read` reject
/// such a file, and `truncate(at:keepingStepsThrough:)` — the resume step that cuts the log back to
/// the checkpoint's step (docs/ARCHITECTURE.md §6) — drops it, so a resumed log is byte-identical to the log of
/// an uninterrupted run.
public struct MetricsLog: Sendable {
    /// The log file.
    public let path: String
    /// The header, `step` first.
    public let columns: [String]
    /// The step of the last row, written or staged, or nil when there is none.
    public private(set) var lastStep: Int?
    /// The largest log read: 4 GiB, tens of millions of rows.
    static let sizeLimit = 1 << 32

    /// ``lineHash(_:)`` of every line written or staged, the header first. A checkpoint records
    /// them (after a flush, they are the file's), so a resume finds any line changed since.
    package private(set) var lineHashes: [UInt64]
    /// Rows staged by ``stage(step:_:)`` and not yet written.
    private var staged: [String] = []

    init(path: String, columns: [String], lastStep: Int?, lineHashes: [UInt64]) {
        self.path = path
        self.columns = columns
        self.lastStep = lastStep
        self.lineHashes = lineHashes
    }

    /// The 64-bit FNV-1a hash of a line's bytes (without its line ending): what a checkpoint keeps
    /// of each log line to name the first one changed after it was written.
    static func lineHash(_ line: some Sequence<UInt8>) -> UInt64 {
        line.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    /// ``lineHash(_:)`` of each `\n`-terminated line of `bytes`.
    static func lineHashes(_ bytes: ArraySlice<UInt8>) -> [UInt64] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { lineHash($0) }
    }

    /// Creates (or replaces) the log at `path` holding only the header row, atomically.
    ///
    /// - Throws: `RunFileError` when `columns` does not start with `step`, a name is empty, repeated
    ///   or contains `,`, `"`, CR or LF, or the file cannot be written.
    public static func create(at path: String, columns: [String]) throws -> MetricsLog {
        try validate(columns, path: path, location: "")
        let header = columns.joined(separator: ",")
        try AtomicFile.write(header + "\n", to: path)
        return MetricsLog(path: path, columns: columns, lastStep: nil, lineHashes: [lineHash(header.utf8)])
    }

    /// Opens the existing log at `path` for appending, after validating all of it (as `read(at:)`).
    ///
    /// - Throws: `RunFileError` naming the line and fault, or the system error.
    public static func open(at path: String) throws -> MetricsLog {
        let bytes = try AtomicFile.read(path, limit: sizeLimit)
        let table = try decode(bytes, source: path)
        return MetricsLog(path: path, columns: table.columns, lastStep: table.steps.last, lineHashes: lineHashes(bytes[...]))
    }

    /// Reads and validates the whole log at `path`.
    ///
    /// - Throws: `RunFileError` naming `path`, the line and the fault: an empty file, a header not
    ///   starting with `step`, a ragged row, an invalid or non-increasing step, a non-numeric field,
    ///   a CR line ending, or an unterminated last line (with the hint to truncate).
    public static func read(at path: String) throws -> MetricsTable {
        try decode(try AtomicFile.read(path, limit: sizeLimit), source: path)
    }

    /// Parses and validates a whole log held in `bytes`, as ``read(at:)`` does a file's; `source`
    /// names it in errors.
    ///
    /// - Throws: `RunFileError` naming `source`, the line and the fault; never traps.
    public static func decode(_ bytes: [UInt8], source path: String = "(in memory)") throws -> MetricsTable {
        let parsed = try parse(bytes, path: path, keepingStepsThrough: nil)
        if parsed.tornTail {
            throw RunFileError(source: path, location: "line \(parsed.rows.count + 2)",
                               "the last line has no line ending (a write was interrupted)",
                               hint: "MetricsLog.truncate(at:keepingStepsThrough:) to the last checkpoint's step removes it")
        }
        return MetricsTable(columns: parsed.columns, rows: parsed.rows, source: path)
    }

    /// Cuts the log at `path` back to its rows with step ≤ `step`, atomically, and returns how many
    /// rows remain. An unterminated last line is dropped; rows after the cut are not validated.
    /// The kept bytes are the file's own, so the result is byte-identical to a log that stopped there.
    ///
    /// - Throws: `RunFileError` when a kept row (or the step of the first dropped one) is malformed,
    ///   or the file cannot be read or written.
    @discardableResult
    static func truncate(at path: String, keepingStepsThrough step: Int) throws -> Int {
        let cut = try cut(at: path, keepingStepsThrough: step)
        _ = try cut.commit()
        return cut.rowCount
    }

    /// The log at `path` cut back to its rows with step ≤ `step`, in memory: the file is unchanged
    /// until ``Cut/commit()``, so a resume checks everything before it writes anything.
    ///
    /// - Throws: as ``truncate(at:keepingStepsThrough:)``.
    package static func cut(at path: String, keepingStepsThrough step: Int) throws -> Cut {
        let bytes = try AtomicFile.read(path, limit: sizeLimit)
        let parsed = try parse(bytes, path: path, keepingStepsThrough: step)
        let kept = bytes[..<parsed.keptLength]
        let steps = parsed.rows.map { Int($0[0])! }
        return Cut(columns: parsed.columns, steps: steps,
                   log: LogCut(path: path, kept: kept, originalLength: bytes.count, lineHashes: lineHashes(kept),
                               lastStep: steps.last ?? 0, units: ("line", "rows")))
    }

    /// A log cut back to a step in memory (``cut(at:keepingStepsThrough:)``).
    package struct Cut: Sendable {
        package let columns: [String]
        /// The step of each kept row.
        let steps: [Int]
        /// The kept bytes and their line hashes.
        package let log: LogCut

        package var path: String { log.path }
        /// The number of kept rows.
        package var rowCount: Int { steps.count }

        /// Checks the kept lines against the ``MetricsLog/lineHashes`` a checkpoint recorded
        /// (``LogCut/verify(against:checkpoint:)``).
        package func verify(against recorded: [UInt64], checkpoint: String) throws {
            try log.verify(against: recorded, checkpoint: checkpoint)
        }

        /// Writes the cut log (atomically, only when rows were cut) and opens it for appending.
        ///
        /// - Throws: `RunFileError` when the file cannot be written.
        package func commit() throws -> MetricsLog {
            try log.write()
            return MetricsLog(path: path, columns: columns, lastStep: steps.last, lineHashes: log.lineHashes)
        }
    }

    /// Appends the row `step, values…` durably.
    ///
    /// - Throws: `RunFileError` when `values` does not fill the other columns, `step` is negative or
    ///   not after `lastStep`, or the append fails.
    public mutating func append(step: Int, _ values: [MetricValue]) throws {
        try stage(step: step, values)
        try flush()
    }

    /// Adds the row `step, values…` in memory; ``flush()`` writes the staged rows with one durable
    /// append. A trainer stages a row per step and flushes before each checkpoint, so a step costs
    /// no `fsync` and every row up to a checkpoint is on disk when the checkpoint is.
    ///
    /// - Throws: `RunFileError` when `values` does not fill the other columns, or `step` is negative
    ///   or not after `lastStep`.
    public mutating func stage(step: Int, _ values: [MetricValue]) throws {
        guard values.count == columns.count - 1 else {
            throw RunFileError(source: path, "a row needs \(columns.count - 1) values after the step (\(columns.dropFirst().joined(separator: ", "))), got \(values.count)")
        }
        guard step >= 0, step > (lastStep ?? -1) else {
            throw RunFileError(source: path, "step \(step) must be non-negative and after the last logged step \(lastStep.map(String.init) ?? "(none)")")
        }
        let row = ([String(step)] + values.map(\.text)).joined(separator: ",")
        staged.append(row)
        lineHashes.append(Self.lineHash(row.utf8))
        lastStep = step
    }

    /// Writes the staged rows durably (one append and `fsync`); nothing when none are staged.
    ///
    /// - Throws: `RunFileError` when the append fails; the rows stay staged.
    public mutating func flush() throws {
        guard !staged.isEmpty else { return }
        try AtomicFile.append(Array(staged.map { $0 + "\n" }.joined().utf8), to: path)
        staged.removeAll()
    }

    /// Checks a header: `step` first, names non-empty, unique, without `,`, `"`, CR or LF.
    private static func validate(_ columns: [String], path: String, location: String) throws {
        guard columns.first == "step" else {
            throw RunFileError(source: path, location: location,
                               "the first column must be 'step', got \(columns.first.map { "'\($0)'" } ?? "no columns")")
        }
        for (index, name) in columns.enumerated() {
            if name.isEmpty || name.utf8.contains(where: { Array(",\"\r\n".utf8).contains($0) }) {
                throw RunFileError(source: path, location: location,
                                   "column name \(name.debugDescription) must be non-empty without ',', '\"', CR or LF")
            }
            if columns[..<index].contains(name) {
                throw RunFileError(source: path, location: location, "column '\(name)' appears twice")
            }
        }
    }

    /// Splits and validates `bytes`; stops before the first row whose step exceeds `limit`.
    private static func parse(_ bytes: [UInt8], path: String, keepingStepsThrough limit: Int?)
        throws -> (columns: [String], rows: [[String]], keptLength: Int, tornTail: Bool) {
        var lines: [(text: Substring, end: Int)] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append((Substring(String(decoding: bytes[start..<index], as: UTF8.self)), index + 1))
            start = index + 1
        }
        let tornTail = start < bytes.count
        guard let header = lines.first else {
            throw RunFileError(source: path, location: "line 1", bytes.isEmpty ? "the file is empty; expected a header row"
                                                                             : "the header row has no line ending")
        }
        func fault(_ line: Int, _ message: String) -> RunFileError {
            RunFileError(source: path, location: "line \(line)", message)
        }
        let columns = header.text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if header.text.hasSuffix("\r") { throw fault(1, "the line ends with CR (a Windows line ending)") }
        try validate(columns, path: path, location: "line 1")

        var rows: [[String]] = []
        var keptLength = header.end
        var previous = -1
        for (offset, line) in lines.dropFirst().enumerated() {
            let number = offset + 2
            if line.text.hasSuffix("\r") { throw fault(number, "the line ends with CR (a Windows line ending)") }
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let stepText = fields[0]
            guard let step = Int(stepText), stepText == String(step), step >= 0 else {
                throw fault(number, "step '\(stepText)' is not a non-negative integer")
            }
            if let limit, step > limit { return (columns, rows, keptLength, false) }
            guard fields.count == columns.count else {
                throw fault(number, "the row has \(fields.count) fields, the header \(columns.count)")
            }
            guard step > previous else { throw fault(number, "step \(step) does not come after step \(previous)") }
            for (column, field) in zip(columns, fields).dropFirst() where !MetricValue.isValidText(field) {
                throw fault(number, "\(column) '\(field)' is not a number (expected e.g. 0.25, 1e-05, nan, inf)")
            }
            rows.append(fields)
            keptLength = line.end
            previous = step
        }
        return (columns, rows, keptLength, tornTail)
    }
}

/// The rows of a metrics log as read back: every field's text exactly as written, validated.
public struct MetricsTable: Hashable, Sendable {
    /// The header, `step` first.
    public let columns: [String]
    /// The rows, each as many fields as `columns`, step first.
    public let rows: [[String]]
    /// The file it was read from, for error messages. Not compared.
    package let source: String

    package init(columns: [String], rows: [[String]], source: String) {
        self.columns = columns
        self.rows = rows
        self.source = source
    }

    /// The step of each row.
    public var steps: [Int] { rows.map { Int($0[0])! } }

    /// Column `name` as `Double`s (`nan`, `inf`, `-inf` included).
    ///
    /// - Throws: `RunFileError` when there is no such column.
    public func doubles(_ name: String) throws -> [Double] {
        let index = try columnIndex(name)
        return rows.map { Double($0[index])! }
    }

    /// Column `name` as `Float`s, parsed from the text directly (not through `Double`), so a value
    /// logged as `.float(x)` reads back as exactly `x`.
    ///
    /// - Throws: `RunFileError` when there is no such column.
    public func floats(_ name: String) throws -> [Float] {
        let index = try columnIndex(name)
        return rows.map { Float($0[index])! }
    }

    private func columnIndex(_ name: String) throws -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw RunFileError(source: source, "no column '\(name)' (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }

    /// Equal when the columns and rows are; where they were read from does not matter.
    public static func == (a: MetricsTable, b: MetricsTable) -> Bool { a.columns == b.columns && a.rows == b.rows }

    /// Hashes the columns and rows (not the source).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(columns)
        hasher.combine(rows)
    }
}
