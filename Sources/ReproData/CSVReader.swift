/// Numeric CSV files, plain or gzip-compressed, as a labeled ``TensorDataset``: every row a sample,
/// one column its integer label, every other column a `Float` feature (`featureShape` is
/// `[columns - 1]`). Matches `np.loadtxt(path, delimiter=",", skiprows=header)` with the label column
/// split off, on the files both accept.
///
/// What is accepted:
/// - fields separated by commas, each a decimal number with spaces or tabs around it allowed
///   (`1`, `-2.5`, `.5`, `7.`, `+4`, `3e-2`); no quoting;
/// - `\n` or `\r\n` line endings, with or without a final line ending; blank lines (empty or only
///   spaces and tabs) at the end of the file; a UTF-8 byte order mark at the start;
/// - gzip-compressed data, recognized by its magic bytes `1f 8b`, not by the file name.
///
/// What is rejected, with a ``DataError`` at `line L, column C` (both 1-based, the column counting
/// fields, the label's included) or at `line L`:
/// - a field that is not a decimal number: text, an empty field, `nan` and `inf` (not finite),
///   hexadecimal such as `0x1p3` (not accepted), and a number beyond the `Float` range (`1e39`);
/// - a row with more or fewer fields than the first line;
/// - a blank line followed by more rows;
/// - a label that is not an integer (`3` and `3.0` are 3; `3.5` is rejected), is negative, is above
///   2^31 - 1 or is outside `0..<classCount`; a label column outside the row;
/// - a file with no rows ("the dataset is empty"), after the header if there is one.
///
/// Errors report the first problem in reading order. Line numbers count the lines of the
/// decompressed text; a gzip error gives the byte offset in the compressed data.
///
/// - Determinism: the dataset is a pure function of the bytes and the arguments. Each feature is the
///   `Float` nearest its decimal value (ties to even, as C's `strtof`); `np.loadtxt(dtype=np.float32)`
///   rounds through `float64` first, which can differ in the last bit only for a decimal within half a
///   `float64` ulp of a halfway point between two `Float`s (`scripts/reference_readers.py` checks that
///   the fixtures agree).
public enum CSVReader {
    /// Which column holds the label.
    public enum LabelColumn: Sendable, Hashable {
        /// The first column.
        case first
        /// The last column.
        case last
        /// The column at this 0-based index; the file is rejected when a row has no such column.
        case index(Int)
    }

    /// Whether the first line is a header of column names, skipped (its field count still sets the
    /// row length).
    public enum HeaderMode: Sendable, Hashable {
        /// The first line is a header if any of its fields is text: not empty and not a number,
        /// where `nan`, `inf` and hexadecimal count as numbers, so that a first row holding one is
        /// rejected rather than skipped.
        case auto
        /// The first line is a header, whatever it holds.
        case present
        /// Every line is a row.
        case absent
    }

    /// The largest label accepted (2^31 - 1), so that `max + 1` classes always fit.
    static let largestLabel = Int(Int32.max)

    /// Reads the CSV file at `path` (read whole with Foundation, decompressed if it starts with the
    /// gzip magic) into a dataset whose `source` is `path`. See ``CSVReader`` for what is accepted.
    ///
    /// - Parameters:
    ///   - labelColumn: the column holding the label.
    ///   - header: whether the first line is a header.
    ///   - classCount: the number of classes; `nil` takes the largest label + 1.
    /// - Throws: ``DataError`` naming `path`: the file cannot be read (with the system's reason),
    ///   invalid gzip data (at `offset N`), or a problem listed under ``CSVReader``.
    public static func read(_ path: String, labelColumn: LabelColumn = .last, header: HeaderMode = .auto,
                            classCount: Int? = nil) throws -> TensorDataset {
        try parse(try DataFile.read(path), source: path, labelColumn: labelColumn, header: header,
                  classCount: classCount)
    }

    /// Parses CSV `bytes` (gzip-compressed or not) into a dataset, as ``read(_:labelColumn:header:classCount:)``
    /// does a file's.
    ///
    /// - Parameter source: the name errors and the dataset give for the bytes, usually a file path.
    /// - Throws: ``DataError`` naming `source`, at the line and column of the first problem.
    public static func parse(_ bytes: [UInt8], source: String, labelColumn: LabelColumn = .last,
                             header: HeaderMode = .auto, classCount: Int? = nil) throws -> TensorDataset {
        if let classCount, classCount < 1 {
            throw DataError(source: source, "classCount must be at least 1, got \(classCount)")
        }
        let text = try DataFile.decompressedIfGzip(bytes, source: source)
        var rows = CSVRows(source: source, labelColumn: labelColumn, header: header, classCount: classCount)
        try text.withUnsafeBufferPointer { try rows.parse($0) }
        guard let width = rows.width else { throw DataError(source: source, "the dataset is empty: the file has no rows") }
        guard !rows.labels.isEmpty else {
            throw DataError(source: source, "the dataset is empty: line \(width.line) is a header and no rows follow")
        }
        return try TensorDataset(features: rows.features, featureShape: [width.fields - 1], labels: rows.labels,
                                 classCount: classCount ?? rows.labels.max()! + 1, source: source)
    }
}

/// The line-by-line state of one ``CSVReader/parse(_:source:labelColumn:header:classCount:)``.
private struct CSVRows {
    let source: String
    let labelColumn: CSVReader.LabelColumn
    let header: CSVReader.HeaderMode
    let classCount: Int?

    /// The first line's field count and number, once read.
    var width: (fields: Int, line: Int)?
    var labelIndex = 0
    var features: [Float] = []
    var labels: [Int] = []

    init(source: String, labelColumn: CSVReader.LabelColumn, header: CSVReader.HeaderMode, classCount: Int?) {
        self.source = source
        self.labelColumn = labelColumn
        self.header = header
        self.classCount = classCount
    }

    // Computed, not stored: a static stored property costs a `swift_once` check on every use.
    private static var comma: UInt8 { 0x2c }
    private static var newline: UInt8 { 0x0a }
    private static var carriageReturn: UInt8 { 0x0d }
    typealias Bytes = UnsafeBufferPointer<UInt8>.SubSequence

    mutating func parse(_ text: UnsafeBufferPointer<UInt8>) throws {
        var start = text.starts(with: [0xef, 0xbb, 0xbf]) ? 3 : 0
        var line = 0
        var firstBlankLine: Int?
        features.reserveCapacity(text.count / 2)
        while start < text.count {
            line += 1
            var end = start
            while end < text.count && text[end] != Self.newline { end += 1 }
            defer { start = end + 1 }
            var lineEnd = end
            if lineEnd > start && text[lineEnd - 1] == Self.carriageReturn { lineEnd -= 1 }
            let content = Self.trimmed(text[start..<lineEnd])
            if content.isEmpty {
                firstBlankLine = firstBlankLine ?? line
                continue
            }
            if let blank = firstBlankLine {
                throw DataError(source: source, location: "line \(blank)",
                                "expected a row, found a blank line (blank lines are allowed only at the end of the file)")
            }
            let row = text[start..<lineEnd]
            let fields = 1 + row.reduce(0) { $1 == Self.comma ? $0 + 1 : $0 }
            if let width {
                guard fields == width.fields else {
                    throw DataError(source: source, location: "line \(line)",
                                    "expected \(width.fields) fields as on line \(width.line), found \(fields)")
                }
            } else {
                width = (fields, line)
                try resolveLabelColumn(fields: fields, line: line)
                if header == .present || header == .auto && isHeader(row) { continue }
            }
            try parseRow(row, line: line)
        }
    }

    private mutating func resolveLabelColumn(fields: Int, line: Int) throws {
        guard fields >= 2 else {
            throw DataError(source: source, location: "line \(line)",
                            "expected at least 2 fields (features and a label), found \(fields)")
        }
        switch labelColumn {
        case .first: labelIndex = 0
        case .last: labelIndex = fields - 1
        case .index(let index):
            guard (0..<fields).contains(index) else {
                throw DataError(source: source, location: "line \(line)",
                                "label column index \(index) is outside the row: expected 0..<\(fields) for its \(fields) fields")
            }
            labelIndex = index
        }
    }

    /// Whether some field of the first line is text (see ``CSVReader/HeaderMode/auto``).
    private func isHeader(_ row: Bytes) -> Bool {
        row.split(separator: Self.comma, omittingEmptySubsequences: false).contains { field in
            let trimmed = Self.trimmed(field)
            do throws(DecimalNumber.Failure) {
                _ = try DecimalNumber(trimmed)
                return false
            } catch {
                return !trimmed.isEmpty && error == .notANumber
            }
        }
    }

    private mutating func parseRow(_ row: Bytes, line: Int) throws {
        var column = 0
        var fieldStart = row.startIndex
        for position in row.startIndex...row.endIndex where position == row.endIndex || row[position] == Self.comma {
            let field = Self.trimmed(row[fieldStart..<position])
            if column == labelIndex {
                labels.append(try label(field, line: line, column: column))
            } else if let value = try? DecimalNumber(field).float, value.isFinite {
                features.append(value)
            } else {
                throw featureError(field, line: line, column: column)
            }
            column += 1
            fieldStart = position + 1
        }
    }

    /// Why `field`, a feature, is not a finite decimal number.
    private func featureError(_ field: Bytes, line: Int, column: Int) -> DataError {
        let message: String
        do throws(DecimalNumber.Failure) {
            _ = try DecimalNumber(field)
            message = "expected a finite number, found \(Self.quoted(field)) (beyond the largest Float, "
                + "\(Float.greatestFiniteMagnitude))"
        } catch {
            message = switch error {
            case .nonFinite: "expected a finite number, found \(Self.quoted(field))"
            case .hexadecimal: "expected a decimal number, found \(Self.quoted(field)) (hexadecimal is not accepted)"
            case .notANumber: "expected a number, found \(field.isEmpty ? "an empty field" : Self.quoted(field))" + hint(line)
            }
        }
        return fieldError(message, line: line, column: column)
    }

    private func label(_ field: Bytes, line: Int, column: Int) throws -> Int {
        let found = field.isEmpty ? "an empty field" : Self.quoted(field)
        guard let number = try? DecimalNumber(field) else {
            throw fieldError("expected an integer label, found \(found)" + hint(line), line: line, column: column)
        }
        switch number.integer(limit: CSVReader.largestLabel) {
        case .notIntegral:
            throw fieldError("expected an integer label, found \(found)", line: line, column: column)
        case .tooLarge:
            throw fieldError("expected a label of at most \(CSVReader.largestLabel), found \(found)", line: line, column: column)
        case .value(let value):
            guard value >= 0 else {
                throw fieldError("expected a non-negative label, found \(found)", line: line, column: column)
            }
            if let classCount, value >= classCount {
                throw fieldError("expected a label in 0..<\(classCount) (classCount), found \(found)", line: line, column: column)
            }
            return value
        }
    }

    /// A hint for text on the first line when the caller said there is no header.
    private func hint(_ line: Int) -> String {
        header == .absent && line == width?.line ? " (if line \(line) is a header, pass header: .present)" : ""
    }

    private func fieldError(_ message: String, line: Int, column: Int) -> DataError {
        DataError(source: source, location: "line \(line), column \(column + 1)", message)
    }

    /// `field` without the spaces and tabs around it.
    private static func trimmed(_ field: Bytes) -> Bytes {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var start = field.startIndex, end = field.endIndex
        while start < end && isBlank(field[start]) { start += 1 }
        while end > start && isBlank(field[end - 1]) { end -= 1 }
        return field[start..<end]
    }

    /// The field in quotes, cut to 40 characters, control characters escaped (`\r`, `\u{0}`).
    private static func quoted(_ field: Bytes) -> String {
        let text = String(decoding: field, as: UTF8.self)
        let cut = text.count > 40 ? text.prefix(40) + "…" : text
        let visible = cut.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? $0.escaped(asASCII: true) : String($0) }
        return "'" + visible.joined() + "'"
    }
}
