import Foundation

/// Reference vectors written by the `scripts/reference_*.py` scripts (run them all with
/// `scripts/generate_reference.py`; numpy, CPython, JAX) into
/// `Tests/ReproRandomTests/Vectors/*.json`.
///
/// Encoding, chosen so that no value passes through a lossy JSON number:
/// - unsigned 64-bit and 32-bit words: hex strings, `"0x..."`;
/// - doubles and floats: their IEEE bit patterns as hex strings (`"0x3fe8c4..."`, 16 or 8 digits);
/// - signed 64-bit integers: decimal strings.
enum Vectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    /// Decodes `Vectors/<name>.json`.
    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name).json"))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// Parses `"0x..."` (or plain hex) as an unsigned 64-bit word.
func hex64(_ text: String) -> UInt64 {
    let digits = text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text)
    guard let value = UInt64(digits, radix: 16) else { fatalError("bad hex word '\(text)' in vectors") }
    return value
}

/// Parses `"0x..."` as an unsigned 32-bit word.
func hex32(_ text: String) -> UInt32 {
    guard let word = UInt32(exactly: hex64(text)) else { fatalError("'\(text)' is not a 32-bit word") }
    return word
}

/// The double whose IEEE bit pattern is the hex string.
func doubleBits(_ text: String) -> Double { Double(bitPattern: hex64(text)) }

/// The float whose IEEE bit pattern is the hex string.
func floatBits(_ text: String) -> Float { Float(bitPattern: hex32(text)) }

/// Parses a signed decimal 64-bit integer.
func int64(_ text: String) -> Int64 {
    guard let value = Int64(text) else { fatalError("bad int64 '\(text)' in vectors") }
    return value
}

/// FNV-1a (64-bit) over a sequence of 64-bit words, little-endian bytes. Used by the stability
/// guard to pin long streams in one number.
struct StreamHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            value ^= w & 0xff
            value &*= 0x0000_0100_0000_01b3
            w >>= 8
        }
    }

    mutating func add(_ value: Double) { add(value.bitPattern) }
    mutating func add(_ value: Float) { add(UInt64(value.bitPattern)) }
    mutating func add(_ value: Int64) { add(UInt64(bitPattern: value)) }
    mutating func add(_ value: Int) { add(UInt64(bitPattern: Int64(value))) }
}
