import Foundation

/// The built-in text corpus, embedded in the library (no download): the first 262,063 characters
/// of Tiny Shakespeare, plain ASCII, cut at the end of a speech so that it ends with one newline
/// (all of *Coriolanus* and the start of *Richard III*).
///
/// Tiny Shakespeare is Andrej Karpathy's compilation of William Shakespeare's plays
/// (github.com/karpathy/char-rnn, `data/tinyshakespeare/input.txt`, MIT License; the plays are in
/// the public domain), the corpus of char-rnn and nanoGPT's `shakespeare_char`. See NOTICE.
///
/// ```swift
/// let corpus = try CharacterCorpus(try Shakespeare.text(), source: Shakespeare.source)
/// let (training, validation) = try corpus.windows(context: 128, validationFraction: 0.1)
/// ```
public enum Shakespeare {
    /// The sha256 of the text's bytes, checked on every load.
    public static let sha256 = "4df169ca6cd55cd979550bb47c3a82c896ab55deda057d846eba370bbc7334e9"
    /// The name errors give for the embedded text.
    public static let source = "tinyshakespeare (embedded)"

    /// The text, identical on every platform and in every build.
    ///
    /// - Throws: ``DataError`` when the embedded copy does not decompress or fails its checksum
    ///   (a damaged build; rebuilding from a clean checkout restores it).
    public static func text() throws -> String {
        String(decoding: try EmbeddedFile.bytes(base64: compressedBase64, sha256: sha256, source: source, what: "text"),
               as: UTF8.self)
    }

    /// Decompresses and verifies a gzip copy of the text.
    static func decode(_ compressed: [UInt8], source: String) throws -> String {
        String(decoding: try EmbeddedFile.decompress(compressed, sha256: sha256, source: source, what: "text"), as: UTF8.self)
    }
}
