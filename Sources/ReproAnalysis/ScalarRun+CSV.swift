import ReproRuns

extension ScalarRun {
    /// The series of the CSV log at `path`: a header row, then rows of a step and values.
    ///
    /// The step column is `selection.stepColumn`, else `step` (Lightning's `CSVLogger` writes
    /// one); its cells are non-negative integers. Every other column but `epoch` (or the columns
    /// `selection` names) is a series of the rows whose cell is not empty, so the interleaved
    /// training and validation rows of Lightning's `metrics.csv` become one series per column.
    /// A series' steps must increase; a column without any value is skipped with a note. Fields
    /// may be quoted (`"a,b"`, `""` for a quote); lines end in LF or CRLF.
    ///
    /// - Throws: ``RunFileError`` naming `path` and the line: no header, no step column (with the
    ///   columns there are), a row with more fields than the header, a step that is not a
    ///   non-negative integer, a value that is not a number, a series whose step does not increase.
    static func csv(_ path: String, selection: Selection) throws -> ScalarRun {
        let bytes = try AtomicFile.read(path)
        let lines = try csvRows(bytes, source: path)
        guard let header = lines.first, !(header.fields.count == 1 && header.fields[0].isEmpty) else {
            throw RunFileError(source: path, location: "line 1", "the file is empty; expected a header row with a step column")
        }
        let columns = header.fields
        let stepName = selection.stepColumn ?? "step"
        guard let stepIndex = columns.firstIndex(of: stepName) else {
            throw RunFileError(source: path, location: "line 1",
                               "no step column '\(stepName)' (columns: \(columns.joined(separator: ", ")))",
                               hint: "name the column that holds the step with --step-column")
        }
        let wanted = selection.series ?? columns.filter { $0 != stepName && $0 != "epoch" }
        for name in wanted where !columns.contains(name) || name == stepName {
            throw RunFileError(source: path, location: "line 1",
                               "no series column '\(name)' (columns: \(columns.joined(separator: ", ")); the step column is '\(stepName)')")
        }
        var points = [[(step: Int, text: String, line: Int)]](repeating: [], count: columns.count)
        for row in lines.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            guard row.fields.count <= columns.count else {
                throw RunFileError(source: path, location: "line \(row.line)",
                                   "the row has \(row.fields.count) fields, the header \(columns.count)")
            }
            let stepText = stepIndex < row.fields.count ? row.fields[stepIndex] : ""
            guard let step = Int(stepText), step >= 0 else {
                throw RunFileError(source: path, location: "line \(row.line)",
                                   "the step '\(stepText)' (column '\(stepName)') is not a non-negative integer")
            }
            for (index, field) in row.fields.enumerated() where index != stepIndex && !field.isEmpty && wanted.contains(columns[index]) {
                guard let value = Double(field) else {
                    throw RunFileError(source: path, location: "line \(row.line)", "\(columns[index]) '\(field)' is not a number")
                }
                if let last = points[index].last, step <= last.step {
                    throw RunFileError(source: path, location: "line \(row.line)",
                                       "\(columns[index]) is logged at step \(step) after step \(last.step) (line \(last.line)): "
                                       + "a series' steps must increase",
                                       hint: "a log appended to by a restarted run needs its repeated rows removed; "
                                           + "or name the step column with --step-column")
                }
                points[index].append((step, MetricValue.double(value).text, row.line))
            }
        }
        var notes: [String] = []
        var series: [Series] = []
        for name in wanted {
            let index = columns.firstIndex(of: name)!
            if points[index].isEmpty {
                notes.append("\(path): the column '\(name)' holds no value and is skipped")
                continue
            }
            series.append(Series(name: name, steps: points[index].map(\.step), texts: points[index].map(\.text)))
        }
        return ScalarRun(path: path, kind: .csv(stepColumn: stepName), series: series, notes: notes)
    }

    /// The rows of CSV `bytes` with their 1-based line numbers: fields split at commas outside
    /// quotes, quotes removed (`""` inside a quoted field is a quote), LF or CRLF line ends.
    ///
    /// - Throws: ``RunFileError`` naming `source` and the line of a quote that is never closed.
    static func csvRows(_ bytes: [UInt8], source: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var (line, rowLine, quoted, index) = (1, 1, false, 0)
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { field.append(byte); index += 1 } else { quoted = false }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): quoted = true
            case UInt8(ascii: ","): endField()
            case 0x0A:
                if field.last == 0x0D { field.removeLast() }
                endField()
                rows.append((rowLine, fields))
                fields.removeAll()
                line += 1
                rowLine = line
            default: field.append(byte)
            }
        }
        if quoted { throw RunFileError(source: source, location: "line \(rowLine)", "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty {
            if field.last == 0x0D { field.removeLast() }
            endField()
            rows.append((rowLine, fields))
        }
        return rows
    }
}
