/// An integer seed of any width written in decimal, as a user types it on a command line or in a
/// configuration file (`--seed 340282366920938463463374607431768211457`).
///
/// Internal: ``RandomState`` and ``PythonRandom`` parse through it, then apply their own rules
/// (numpy's range check, CPython's absolute value).
struct DecimalSeed: Equatable {
    /// CPython's default limit on the digits of an `int` parsed from text
    /// (`sys.get_int_max_str_digits()`); longer seeds are rejected as CPython's `int()` rejects them.
    static let maxDigits = 4300

    /// Whether the text had a leading `-` (and a nonzero value).
    let isNegative: Bool
    /// The absolute value as 32-bit words, least significant first, without high zero words
    /// (zero is `[0]`): the key CPython's `random.seed` hands to `init_by_array`.
    let magnitude: [UInt32]

    /// Parses an optional `+` or `-` followed by 1 to ``maxDigits`` ASCII digits.
    init(_ text: String, function: String) throws {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        let isDigits = digits.allSatisfy { $0.isASCII && $0.isWholeNumber }
        guard isDigits, !digits.isEmpty, digits.count <= Self.maxDigits else {
            let shown = text.count > 40 ? "\(text.prefix(40))… (\(text.count) characters)" : text
            throw RandomArgumentError(function, "a seed must be a decimal integer: an optional '+' or '-' followed by "
                + "1 to \(Self.maxDigits) digits 0-9; got \"\(shown)\"")
        }
        var words: [UInt32] = [0]
        for digit in digits.utf8 {
            var carry = UInt64(digit - UInt8(ascii: "0"))
            for i in words.indices {
                let product = UInt64(words[i]) * 10 + carry
                words[i] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            if carry != 0 { words.append(UInt32(carry)) }
        }
        self.magnitude = words
        self.isNegative = negative && words != [0]
    }
}

extension BinaryInteger {
    /// The 32-bit words of `abs(self)`, least significant first, without high zero words (zero is
    /// `[0]`): CPython's split of an `int` seed for `init_by_array`.
    var magnitudeWords32: [UInt32] {
        var words: [UInt32] = []
        for word in magnitude.words {
            var rest = UInt64(word)
            for _ in 0..<(UInt.bitWidth / 32) {
                words.append(UInt32(truncatingIfNeeded: rest))
                rest >>= 32
            }
        }
        while words.count > 1, words.last == 0 { words.removeLast() }
        return words.isEmpty ? [0] : words
    }
}
