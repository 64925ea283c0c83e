/// One value in a metrics log, with the precision it was computed in.
///
/// The text written for it is deterministic and reads back to the same bits: integers in decimal,
/// floating-point values in Swift's shortest round-trip form (`0.1`, `1e-05`, `-0.0`; a `Float`
/// as a `Float`, so `Float(0.1)` is `0.1`, not `0.10000000149011612`). Non-finite values are
/// `nan`, `inf` and `-inf` — a diverged loss is logged, not refused. A NaN's sign and payload are
/// not kept: every NaN is written `nan`.
public enum MetricValue: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// An integer (a step, an epoch, a count).
    case int(Int)
    /// A single-precision value (a loss computed in `Float`).
    case float(Float)
    /// A double-precision value.
    case double(Double)

    /// An integer literal is an `.int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A floating-point literal is a `.double`.
    public init(floatLiteral value: Double) { self = .double(value) }

    /// The text written to the log.
    package var text: String {
        switch self {
        case .int(let value): String(value)
        case .float(let value): Self.text(value.isNaN, value.isInfinite, value < 0, value.description)
        case .double(let value): Self.text(value.isNaN, value.isInfinite, value < 0, value.description)
        }
    }

    private static func text(_ isNaN: Bool, _ isInfinite: Bool, _ isNegative: Bool, _ description: String) -> String {
        if isNaN { return "nan" }
        if isInfinite { return isNegative ? "-inf" : "inf" }
        return description
    }

    /// Whether `text` is a field this log writes: an optional `-`, digits, an optional fraction and
    /// exponent (`12`, `-0.5`, `1e-05`, `2.5e+20`), or `nan`, `inf`, `-inf`. Anything else (`+1`,
    /// `.5`, `0x1p3`, `NaN`, spaces) is rejected, so a log always has one spelling per value.
    static func isValidText(_ text: String) -> Bool {
        if text == "nan" || text == "inf" || text == "-inf" { return true }
        var bytes = Substring(text).utf8[...]
        func digits() -> Bool {
            let before = bytes.count
            while let byte = bytes.first, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { bytes.removeFirst() }
            return bytes.count < before
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        guard digits() else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            guard digits() else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            guard digits() else { return false }
        }
        return bytes.isEmpty
    }
}
