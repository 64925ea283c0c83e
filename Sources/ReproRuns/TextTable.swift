import Foundation

/// Rows of text cells printed as aligned columns: the first column left-aligned, the others
/// right-aligned, two spaces between columns. Used by the run tools' reports.
struct TextTable {
    /// The rows, the header first; every row as many cells as the header.
    var rows: [[String]]

    init(_ header: [String]) { rows = [header] }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The table, each line prefixed with `indent` and ending in a newline, without trailing spaces.
    func rendered(indent: String = "  ") -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            var line = indent
            for (column, cell) in row.enumerated() {
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

    /// `1 run` / `3 runs`.
    static func plural(_ count: Int, _ noun: String) -> String {
        "\(Self.count(count)) \(noun)\(count == 1 ? "" : "s")"
    }
}
