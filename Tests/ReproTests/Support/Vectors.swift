import Foundation

/// Reference vectors written by `scripts/reference_streams.py` (numpy) into
/// `Tests/ReproTests/Vectors/*.json`. Seeds are decimal strings; indices are JSON integers.
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

/// Parses an unsigned decimal 64-bit seed.
func seed64(_ text: String) -> UInt64 {
    guard let value = UInt64(text) else { fatalError("bad seed '\(text)' in vectors") }
    return value
}
