/// A CSV field read by a strict decimal grammar, straight from its UTF-8 bytes:
///
///     [+-]? (digits [. digits?]? | . digits) ([eE] [+-]? digits)?
///
/// Nothing else is a number: no `nan`, `inf`, hexadecimal (`0x1p3`), digit separators, or
/// surrounding text (the caller trims spaces and tabs first). Swift's `Float(String)` and C's
/// `strtof` accept all of those, so they are only called on text that has passed this grammar.
struct DecimalNumber {
    /// Why a field is not a number.
    enum Failure: Error {
        /// `nan`, `inf` or `infinity`, with or without a sign, in any case.
        case nonFinite
        /// A C99 hexadecimal number (`0x1p3`, `-0X1A`).
        case hexadecimal
        /// Anything else, including an empty field.
        case notANumber
    }

    /// The largest significand kept exactly: 19 digits always fit a `UInt64`.
    private static let significandDigits = 19

    let negative: Bool
    /// The first 19 significant digits, leading zeros dropped.
    let significand: UInt64
    /// The power of ten to scale `significand` by (clamped to ±1_000_000, far past any `Double`).
    let exponent: Int
    /// Whether a nonzero digit was dropped after the first 19, so that `significand × 10^exponent`
    /// is below the value.
    let truncated: Bool
    /// The field's text, for the rare conversions the fast path does not cover.
    private let text: UnsafeBufferPointer<UInt8>.SubSequence

    /// Reads `field` (already trimmed) by the grammar above.
    init(_ field: UnsafeBufferPointer<UInt8>.SubSequence) throws(Failure) {
        var position = field.startIndex
        let end = field.endIndex
        func peek() -> UInt8? { position < end ? field[position] : nil }
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }

        let sign = peek()
        if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
        var significand: UInt64 = 0, kept = 0, exponent = 0, truncated = false, digitCount = 0
        func digit(_ value: UInt64, fraction: Bool) {
            digitCount += 1
            if kept == 0 && value == 0 {  // a leading zero
                if fraction { exponent -= 1 }
            } else if kept < Self.significandDigits {
                significand = significand * 10 + value
                kept += 1
                if fraction { exponent -= 1 }
            } else {
                truncated = truncated || value != 0
                if !fraction { exponent += 1 }
            }
        }
        while isDigit(peek()) { digit(UInt64(field[position] - 0x30), fraction: false); position += 1 }
        if peek() == UInt8(ascii: ".") {
            position += 1
            while isDigit(peek()) { digit(UInt64(field[position] - 0x30), fraction: true); position += 1 }
        }
        if digitCount > 0, let e = peek(), e | 0x20 == UInt8(ascii: "e") {
            position += 1
            let exponentSign = peek()
            if exponentSign == UInt8(ascii: "+") || exponentSign == UInt8(ascii: "-") { position += 1 }
            guard isDigit(peek()) else { throw Self.failure(field) }
            var value = 0
            while isDigit(peek()) {
                value = min(value * 10 + Int(field[position] - 0x30), 1_000_000)
                position += 1
            }
            exponent += exponentSign == UInt8(ascii: "-") ? -value : value
        }
        guard digitCount > 0, position == end else { throw Self.failure(field) }
        self.negative = sign == UInt8(ascii: "-")
        self.significand = significand
        self.exponent = max(-1_000_000, min(exponent, 1_000_000))
        self.truncated = truncated
        self.text = field
    }

    /// Tells a non-finite or hexadecimal spelling from other text, for the error message.
    private static func failure(_ field: UnsafeBufferPointer<UInt8>.SubSequence) -> Failure {
        var body = field[...]
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { body = body.dropFirst() }
        let lower = String(decoding: body, as: UTF8.self).lowercased()
        if ["nan", "inf", "infinity"].contains(lower) { return .nonFinite }
        if lower.hasPrefix("0x") && lower.count > 2 { return .hexadecimal }
        return .notANumber
    }

    /// 10^power for power in 0...10, exact as a `Float` (5^10 < 2^24, so 10^10 is the largest exact
    /// one). A switch rather than a static array, which would cost a `swift_once` per call.
    private static func exactPower(_ power: Int) -> Float {
        switch power {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        default: 1e10
        }
    }

    /// The `Float` nearest the decimal value, ties to even (as C's `strtof`); infinite past
    /// `Float.greatestFiniteMagnitude`, zero (with the sign) below the smallest subnormal.
    ///
    /// Most fields take Clinger's fast path: a significand up to 2^24 and a power of ten up to 10^10
    /// are both exact `Float`s, so one multiplication or division rounds once, correctly.
    var float: Float {
        if significand == 0 { return negative ? -0.0 : 0.0 }
        if !truncated, significand <= 1 << 24, (-10...10).contains(exponent) {
            let value = exponent >= 0 ? Float(significand) * Self.exactPower(exponent)
                                      : Float(significand) / Self.exactPower(-exponent)
            return negative ? -value : value
        }
        return Float(String(decoding: text, as: UTF8.self))!  // the grammar is a subset of strtof's
    }

    /// The exact value when it is an integer of magnitude at most `limit`.
    enum Integer {
        case value(Int)
        case notIntegral
        case tooLarge
    }

    /// The exact value as an integer: `3`, `3.0`, `+3`, `30e-1` and `0.3e1` are all 3; `3.5` is not
    /// integral. `-0` is 0; other negative values keep their sign.
    func integer(limit: Int) -> Integer {
        if significand == 0 { return .value(0) }
        if truncated {
            // A nonzero digit past the 19th significant one is a fraction unless the value is huge.
            return Double(significand) * pow10(exponent) >= Double(limit) ? .tooLarge : .notIntegral
        }
        var magnitude = significand
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow || product > UInt64(limit) { return .tooLarge }
                magnitude = product
            }
        } else {
            // significand < 10^19, so a nonzero one divided by 10^20 or more has a fraction.
            guard -exponent <= Self.significandDigits else { return .notIntegral }
            let divisor = (0..<(-exponent)).reduce(UInt64(1)) { value, _ in value * 10 }
            guard magnitude % divisor == 0 else { return .notIntegral }
            magnitude /= divisor
        }
        guard magnitude <= UInt64(limit) else { return .tooLarge }
        return .value(negative ? -Int(magnitude) : Int(magnitude))
    }

    /// 10^power as a `Double`, roughly (only compared against a limit).
    private func pow10(_ power: Int) -> Double {
        var value = 1.0
        for _ in 0..<min(abs(power), 400) { value *= 10 }
        return power >= 0 ? value : 1 / value
    }
}
