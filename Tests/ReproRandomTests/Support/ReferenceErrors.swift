import Testing
@testable import ReproRandom

/// Checks that `body` throws a ``RandomArgumentError`` whose message contains the reference
/// implementation's own message, recorded in the vectors as `"ValueError: <message>"`.
func expectRejected<R>(_ reference: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> R) {
    let error = #expect(throws: RandomArgumentError.self, comment, sourceLocation: sourceLocation) { try body() }
    let text = reference.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? reference
    #expect(error?.message.contains(text) == true, "'\(error?.message ?? "")' should contain '\(text)'",
            sourceLocation: sourceLocation)
}

/// Hex digits of a little-endian word array, as Python's `'0x%x' % value`.
func pythonHex(words: [UInt32]) -> String {
    var digits = ""
    for word in words.reversed() {
        let hex = String(word, radix: 16)
        digits += digits.isEmpty ? hex : String(repeating: "0", count: 8 - hex.count) + hex
    }
    let trimmed = digits.drop { $0 == "0" }
    return "0x" + (trimmed.isEmpty ? "0" : trimmed)
}
