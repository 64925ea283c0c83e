/// Text for floating-point values exactly as Python prints them, so `repro rng` output can be
/// compared with numpy or CPython using `diff`.
///
/// A double prints as Python's `repr(float)`: the shortest digits that round-trip, positional when
/// the decimal exponent of the leading digit is in -4..<16 and `d.ddde±XX` otherwise. A float
/// prints as numpy's `str(np.float32(x))`: the shortest digits that round-trip through float32,
/// positional when 1e-4 <= |x| < 1e6 (numpy's cut-off for float32) and scientific otherwise.
enum PythonRepr {
    static func format(_ value: Double) -> String {
        layout(value.description, isFinite: value.isFinite, isNaN: value.isNaN) { decimalPoint in
            decimalPoint > -4 && decimalPoint <= 16
        }
    }

    static func format(_ value: Float) -> String {
        let magnitude = Double(value.magnitude)
        let positional = magnitude == 0 || (1e-4 <= magnitude && magnitude < 1e6)
        return layout(value.description, isFinite: value.isFinite, isNaN: value.isNaN) { _ in positional }
    }

    /// Re-lays the shortest round-trip digits that Swift's `description` found; `positional` gets the
    /// position of the decimal point (value = 0.d1d2… × 10^decimalPoint).
    static func layout(
        _ swiftText: String, isFinite: Bool, isNaN: Bool, positional: (Int) -> Bool
    ) -> String {
        if isNaN { return "nan" }
        if !isFinite { return swiftText.hasPrefix("-") ? "-inf" : "inf" }
        var text = Substring(swiftText)
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let integerPart = text[..<point]
        let fraction = point == text.endIndex ? "" : text[text.index(after: point)...]
        var digits = Array(integerPart + fraction)
        // The decimal point sits after `decimalPoint` digits: value = 0.d1d2… × 10^decimalPoint.
        var decimalPoint = integerPart.count + exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits == ["0"] { return sign + "0.0" }
        let significant = String(digits)
        if positional(decimalPoint) {
            if decimalPoint <= 0 {
                return sign + "0." + String(repeating: "0", count: -decimalPoint) + significant
            }
            if decimalPoint < digits.count {
                return sign + String(digits[..<decimalPoint]) + "." + String(digits[decimalPoint...])
            }
            return sign + significant + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
        }
        let mantissa = digits.count == 1 ? significant : String(digits[0]) + "." + String(digits[1...])
        let power = decimalPoint - 1
        let magnitude = String(abs(power))
        return sign + mantissa + "e" + (power < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }
}
