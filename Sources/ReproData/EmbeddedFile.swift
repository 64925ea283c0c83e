import Foundation
import ReproFiles

/// A file embedded in the library's code (so a copied binary needs nothing on disk): gzip,
/// base64-encoded, with the sha256 of its decompressed bytes pinned beside it, as
/// `scripts/embed_digits.py` and `scripts/embed_corpus.py` write them.
enum EmbeddedFile {
    /// The decompressed, verified bytes of the base64 text `base64`.
    ///
    /// - Parameter what: what the file holds, for messages (`data`, `text`).
    /// - Throws: ``DataError`` naming `source` when the text is not base64, the gzip is corrupted,
    ///   or the bytes do not have the pinned digest.
    static func bytes(base64: String, sha256: String, source: String, what: String) throws -> [UInt8] {
        guard let compressed = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw DataError(source: source, "the embedded \(what) is not valid base64; the build is damaged, "
                            + "rebuild from a clean checkout")
        }
        return try decompress(Array(compressed), sha256: sha256, source: source, what: what)
    }

    /// The decompressed bytes of `compressed`, after checking them against `sha256`.
    ///
    /// - Throws: ``DataError`` naming `source` (and the offset, for a gzip error).
    static func decompress(_ compressed: [UInt8], sha256: String, source: String, what: String) throws -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try Gzip.decompress(compressed, source: source)
        } catch {
            throw DataError(source: source, location: "offset \(error.offset)",
                            "the embedded \(what) is corrupted: \(error.message)")
        }
        let digest = SHA256.hexDigest(of: bytes)
        guard digest == sha256 else {
            throw DataError(source: source, "the embedded \(what) is corrupted: expected sha256 \(sha256), found "
                            + "\(digest); rebuild from a clean checkout")
        }
        return bytes
    }
}
