import ReproFiles

/// A text as a sequence of character tokens: the data of a character-level language model
/// (nanoGPT's `shakespeare_char`, char-rnn).
///
/// A character is a Unicode scalar (a code point, what Python's `str` iterates), so a token stands
/// for exactly one scalar and `decode(encode(text)) == text` for any text over the vocabulary,
/// `"\r\n"` and combining marks included. The vocabulary is the set of distinct scalars of the
/// text sorted by scalar value, and a token is a scalar's position in it. In Python:
///
/// ```python
/// vocabulary = sorted(set(text))
/// tokens = [vocabulary.index(c) for c in text]
/// ```
///
/// which for ASCII text is nanoGPT's `chars = sorted(list(set(data)))` and `stoi`.
///
/// - Determinism: the vocabulary and the tokens are pure functions of the text (not of the order
///   characters first appear, not of the platform or a hash seed): equal texts give equal
///   vocabularies and tokens.
public struct CharacterCorpus: Sendable, Hashable {
    /// The whole text.
    public let text: String
    /// What the text was read from, for error messages: a file path, ``Shakespeare/source``, `text`.
    public let source: String
    /// The distinct characters of the text, sorted by scalar value; token `t` stands for `vocabulary[t]`.
    public let vocabulary: [Unicode.Scalar]
    /// The token of every character of the text, in order.
    public let tokens: [Int]

    /// The number of distinct characters: the tokens are `0..<vocabularySize`.
    public var vocabularySize: Int { vocabulary.count }

    /// The sha256 of the text's UTF-8 bytes, in hex (`sha256sum` of the file the text came from).
    public var contentDigest: String { SHA256.hexDigest(of: text.utf8) }

    /// The corpus of `text`.
    ///
    /// - Throws: ``DataError`` when the text is empty.
    public init(_ text: String, source: String = "text") throws {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else {
            throw DataError(source: source, "the text is empty; a character corpus needs at least one character")
        }
        let vocabulary = Set(scalars).sorted()
        self.text = text
        self.source = source
        self.vocabulary = vocabulary
        self.tokens = scalars.map { Self.position(of: $0, in: vocabulary)! }
    }

    /// The corpus of the UTF-8 text file at `path`, its bytes taken as they are: no newline
    /// translation, and a byte-order mark is a character like any other.
    ///
    /// - Throws: ``DataError`` naming `path` when the file cannot be read (missing, not a regular
    ///   file, over 16 GiB), is empty, or is not UTF-8: then at `offset N`, the byte offset where the first invalid UTF-8
    ///   sequence starts, with its bytes (`0xFF`, or `0xE2 0x82` for a truncated one).
    public init(contentsOf path: String) throws {
        let bytes = try DataFile.read(path)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        parsing: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: break parsing
            case .error(let length):
                let sequence = bytes[offset..<offset + length].map { "0x" + String($0, radix: 16, uppercase: true) }
                throw DataError(source: path, location: "offset \(offset)",
                                "the file is not UTF-8 text: \(sequence.joined(separator: " ")) is not a valid "
                                + "UTF-8 sequence")
            }
        }
        try self.init(String(decoding: bytes, as: UTF8.self), source: path)
    }

    /// The tokens of `text`, one per Unicode scalar.
    ///
    /// - Throws: ``DataError`` at `position N` (counting scalars from 0) naming the first character
    ///   that is not in the vocabulary.
    public func encode(_ text: String) throws -> [Int] {
        var tokens: [Int] = []
        for (position, scalar) in text.unicodeScalars.enumerated() {
            guard let token = Self.position(of: scalar, in: vocabulary) else {
                throw DataError(source: "encode", location: "position \(position)",
                                "\(Self.name(of: scalar)) is not in the vocabulary of \(source) "
                                + "(\(vocabularySize) characters)")
            }
            tokens.append(token)
        }
        return tokens
    }

    /// The text of `tokens`.
    ///
    /// - Throws: ``DataError`` at `position N` naming the first token outside `0..<vocabularySize`.
    public func decode(_ tokens: [Int]) throws -> String {
        var scalars = String.UnicodeScalarView()
        for (position, token) in tokens.enumerated() {
            guard vocabulary.indices.contains(token) else {
                throw DataError(source: "decode", location: "position \(position)",
                                "token \(token) is outside the vocabulary 0..<\(vocabularySize) of \(source)")
            }
            scalars.append(vocabulary[token])
        }
        return String(scalars)
    }

    /// `scalar` for a message: `'X' (U+0058)`, `'\n' (U+000A)`, `'\u{E9}' (U+00E9)`.
    private static func name(of scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "'\(scalar.escaped(asASCII: true))' (U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex))"
    }

    /// The index of `scalar` in the sorted `vocabulary` (binary search), or nil when it is not there.
    private static func position(of scalar: Unicode.Scalar, in vocabulary: [Unicode.Scalar]) -> Int? {
        var low = 0, high = vocabulary.count
        while low < high {
            let middle = (low + high) / 2
            if vocabulary[middle] < scalar { low = middle + 1 } else { high = middle }
        }
        return low < vocabulary.count && vocabulary[low] == scalar ? low : nil
    }
}
