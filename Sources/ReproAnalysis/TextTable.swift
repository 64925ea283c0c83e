import Foundation
import ReproRuns

/// Rows of text cells printed as aligned columns: the first column left-aligned, the others
/// right-aligned, two spaces between columns. Used by the run tools' reports.
struct TextTable {
    /// The rows, the header first; every row as many cells as the header.
    var rows: [[String]]

    init(_ header: [String]) { rows = [header] }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The table, each line prefixed with `indent` and ending in a newline, without trailing spaces.
    ///
    /// With a `width`, a table wider than that is printed as several tables, one under the other,
    /// each with the first column and as many of the next columns as fit (a column wider than the
    /// width on its own still gets a table of its own).
    func rendered(indent: String = "  ", width: Int? = nil) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var parts: [[Int]] = [[]]
        for column in widths.indices.dropFirst() {
            let used = indent.count + widths[0] + parts[parts.count - 1].map { 2 + widths[$0] }.reduce(0, +)
            if let width, !parts[parts.count - 1].isEmpty, used + 2 + widths[column] > width {
                parts.append([])
            }
            parts[parts.count - 1].append(column)
        }
        return parts.map { render(columns: [0] + $0, widths: widths, indent: indent) }.joined(separator: "\n")
    }

    /// The given columns of every row.
    private func render(columns: [Int], widths: [Int], indent: String) -> String {
        var text = ""
        for row in rows {
            var line = indent
            for column in columns {
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                line += column == 0 ? cell + padding : "  " + padding + cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}

/// Number formatting shared by the run tools' reports.
enum ReportFormat {
    /// `%.6g`: six significant digits (`0.0123457`, `1.5e-07`, `inf`).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return String(format: "%.6g", value)
    }

    /// A logged or stored value in its shortest exact form: as a `Float` when it is one
    /// (`2.3188236`), else as a `Double`.
    static func exact(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        let single = Float(value)
        return Double(single) == value ? MetricValue.float(single).text : MetricValue.double(value).text
    }

    /// `value` with `,` between thousands: `25,610`.
    static func count(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return value < 0 ? "-" + text : text
    }

    /// `steps 1…230`, `step 5`, or `no steps`.
    static func stepRange(_ steps: [Int]) -> String {
        guard let first = steps.first, let last = steps.last else { return "no steps" }
        return first == last ? "step \(first)" : "steps \(first)…\(last)"
    }

    /// `line` broken at spaces into lines of at most `width` characters (a word longer than that
    /// keeps a line of its own; the line's own indentation is kept), every line after the first
    /// prefixed with `continuation`; each line ends in a newline.
    static func wrapped(_ line: String, width: Int, continuation: String) -> String {
        var text = ""
        var rest = Substring(line)
        var prefix = ""
        while rest.count > width - prefix.count {
            let start = rest.firstIndex { $0 != " " } ?? rest.startIndex
            let limit = rest.index(rest.startIndex, offsetBy: max(0, width - prefix.count))
            let fitting = start < limit ? rest[start...limit].lastIndex(of: " ") : nil
            guard let space = fitting ?? rest[start...].firstIndex(of: " ") else { break }
            var head = rest[..<space]
            while head.hasSuffix(" ") { head.removeLast() }
            text += prefix + head + "\n"
            rest = rest[space...].drop { $0 == " " }
            prefix = continuation
        }
        return text + prefix + rest + "\n"
    }

    /// `text` with its middle replaced by `…` so that it has at most `width` characters.
    static func middleTruncated(_ text: String, to width: Int) -> String {
        guard text.count > width, width > 1 else { return text }
        let kept = width - 1
        return String(text.prefix(kept - kept / 2)) + "…" + String(text.suffix(kept / 2))
    }

    /// `1 run` / `3 runs`.
    static func plural(_ count: Int, _ noun: String) -> String {
        "\(Self.count(count)) \(noun)\(count == 1 ? "" : "s")"
    }
}
