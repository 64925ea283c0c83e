import Foundation

/// A minimal SVG 1.1 writer for Repro's figures: plain elements with presentation attributes, no
/// scripts, no CSS files, no external fonts, so a file opens in any browser or `rsvg-convert`.
///
/// - Determinism: numbers are written with fixed precision by ``PlotNumber/fixed(_:_:)`` (never
///   through the locale), attributes in the order given, so the same calls give the same bytes.
struct SVGDocument: Sendable {
    /// The canvas width in pixels.
    let width: Double
    /// The canvas height in pixels.
    let height: Double
    /// The elements written so far, one per line.
    private var lines: [String] = []
    /// How deep the current group nesting is (for indentation).
    private var depth = 1

    /// The font stack every text uses: common system fonts, then the generic family.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// An empty canvas of `width` × `height` pixels.
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends one element: `<name a="v" …/>`, or `<name …>text</name>` when `text` is given
    /// (escaped here). Attribute values are escaped too.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        element(name, attributes.map { ($0.key, $0.value) }, text: text)
    }

    /// Appends one element whose attributes are built at run time (see the other `element`).
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        var line = "<" + name + Self.attributeText(attributes)
        if let text { line += ">" + PlotText.escapeXML(text) + "</" + name + ">" } else { line += "/>" }
        append(line)
    }

    /// Opens a `<g>` (or another container element such as `<clipPath>`); close it with ``close(_:)``.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        append("<" + name + Self.attributeText(attributes) + ">")
        depth += 1
    }

    /// Closes the container element `name` opened last.
    mutating func close(_ name: String) {
        depth -= 1
        append("</" + name + ">")
    }

    /// A text element at (`x`, `y`); `anchor` is `start`, `middle` or `end`; `rotate` turns it
    /// (degrees, about its anchor point).
    mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
                              fill: String = "#222222", weight: String? = nil, rotate: Double? = nil) {
        var attributes: [(String, String)] = [("x", PlotNumber.fixed(x, 1)), ("y", PlotNumber.fixed(y, 1)),
                                              ("font-size", PlotNumber.fixed(size, 1))]
        if anchor != "start" { attributes.append(("text-anchor", anchor)) }
        attributes.append(("fill", fill))
        if let weight { attributes.append(("font-weight", weight)) }
        if let rotate {
            attributes.append(("transform", "rotate(\(PlotNumber.fixed(rotate, 1)) \(PlotNumber.fixed(x, 1)) \(PlotNumber.fixed(y, 1)))"))
        }
        append("<text" + Self.attributeText(attributes) + ">" + PlotText.escapeXML(content) + "</text>")
    }

    /// A straight line from (`x1`, `y1`) to (`x2`, `y2`).
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                              dash: String? = nil) {
        var attributes: [(String, String)] = [
            ("x1", PlotNumber.fixed(x1, 1)), ("y1", PlotNumber.fixed(y1, 1)),
            ("x2", PlotNumber.fixed(x2, 1)), ("y2", PlotNumber.fixed(y2, 1)),
            ("stroke", stroke), ("stroke-width", PlotNumber.fixed(width, 1)),
        ]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        append("<line" + Self.attributeText(attributes) + "/>")
    }

    /// The SVG file: XML declaration, the `<svg>` root with its size and `title`, then the elements.
    func rendered(title: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n" + inlineRendered(title: title)
    }

    /// The `<svg>` element alone, for embedding in an HTML page.
    func inlineRendered(title: String) -> String {
        let w = PlotNumber.fixed(width, 0), h = PlotNumber.fixed(height, 0)
        var text = "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
            + "viewBox=\"0 0 \(w) \(h)\" font-family=\"\(Self.fontFamily)\">\n"
        text += "  <title>" + PlotText.escapeXML(title) + "</title>\n"
        for line in lines { text += line + "\n" }
        return text + "</svg>\n"
    }

    private mutating func append(_ line: String) {
        lines.append(String(repeating: "  ", count: depth) + line)
    }

    private static func attributeText(_ attributes: KeyValuePairs<String, String>) -> String {
        attributeText(attributes.map { ($0.key, $0.value) })
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(PlotText.escapeXML($0.1))\"" }.joined()
    }
}

/// Number formatting for figures and reports: fixed precision, independent of the locale.
enum PlotNumber {
    /// `value` rounded to `digits` decimals (half away from zero) and written with exactly that
    /// many: `fixed(2.345, 1)` is `2.3`, `fixed(-0.01, 1)` is `0.0` (never `-0.0`). Non-finite
    /// values are written `nan`, `inf`, `-inf`.
    ///
    /// - Determinism: pure integer formatting of the rounded value; no locale, no `printf`.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<max(0, digits) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return value.description }  // beyond exact integers: shortest form
        let integer = UInt64(scaled)
        let unit = UInt64(scale)
        var text = String(integer / unit)
        if digits > 0 {
            let fraction = String(integer % unit)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return (value < 0 && integer != 0 ? "-" : "") + text
    }

    /// `value` with four significant digits, fixed notation down to 1e-4, else `1.234e-5` style.
    static func significant(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return value == 0 ? "0" : PlotNumber.fixed(value, 0) }
        let exponent = Int(log10(abs(value)).rounded(.down))
        if exponent >= -4 { return PlotNumber.fixed(value, max(0, 3 - exponent)) }
        var mantissa = value
        var power = exponent
        for _ in 0..<(-exponent) { mantissa *= 10 }
        if abs((mantissa * 1000).rounded()) >= 10_000 { mantissa /= 10; power += 1 }
        return PlotNumber.fixed(mantissa, 3) + "e\(power)"
    }
}

/// Escaping of text for XML and HTML.
enum PlotText {
    /// `text` safe inside XML or HTML text and double- or single-quoted attributes: `&`, `<`, `>`,
    /// `"` and `'` become entities, and control characters that XML 1.0 forbids (all C0 controls
    /// but tab, LF and CR) become U+FFFD, so any run name yields a well-formed document.
    static func escapeXML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
