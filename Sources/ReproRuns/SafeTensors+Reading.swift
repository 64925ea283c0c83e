/// Parses and validates one safetensors file (see `SafeTensorsFile` for what is checked).
///
/// The header is parsed by a small JSON reader that knows the header's shape, so it can reject
/// repeated names (which a general JSON parser would silently merge) and report each fault at its
/// byte offset in the file.
struct SafeTensorsReader {
    /// The format's limit on the header length, the same as Python's `safetensors` (100 MB).
    static let maximumHeaderLength = 100_000_000

    private let bytes: [UInt8]
    private let source: String
    private var position = 8
    private var headerEnd = 8

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    private struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    mutating func read() throws -> (tensors: [String: SafeTensor], metadata: [String: String]) {
        guard bytes.count >= 8 else {
            throw RunFileError(source: source, "the file is \(bytes.count) bytes long, shorter than the 8-byte header length",
                               hint: "the file is truncated or is not a safetensors file")
        }
        let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << UInt64(8 * $1) }
        guard length <= UInt64(Self.maximumHeaderLength) else {
            throw RunFileError(source: source, location: "offset 0",
                               "header length \(length) exceeds the format's limit of \(Self.maximumHeaderLength) bytes",
                               hint: "the file is corrupt or is not a safetensors file")
        }
        guard 8 + Int(length) <= bytes.count else {
            throw RunFileError(source: source, location: "offset 0",
                               "header length \(length) goes beyond the end of the file (\(bytes.count) bytes)",
                               hint: "the file is truncated or is not a safetensors file")
        }
        headerEnd = 8 + Int(length)
        let (entries, metadata) = try parseHeader()
        return (try validate(entries), metadata)
    }

    // MARK: Header

    private mutating func parseHeader() throws -> ([Entry], [String: String]) {
        var entries: [Entry] = []
        var names: Set<String> = []
        var metadata: [String: String]?
        var sawMetadata = false
        skipWhitespace()
        try expect("{", "the header must be a JSON object")
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                let keyOffset = position
                let key = try parseString()
                skipWhitespace()
                try expect(":", "expected ':' after a key")
                skipWhitespace()
                if key == "__metadata__" {
                    if sawMetadata { throw fault(at: keyOffset, "__metadata__ appears twice") }
                    sawMetadata = true
                    metadata = try parseMetadata()
                } else {
                    if !names.insert(key).inserted {
                        throw fault(at: keyOffset, "tensor '\(key)' appears twice (names equal as Unicode text count as the same)")
                    }
                    entries.append(try parseEntry(key))
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                } else {
                    try expect("}", "expected ',' or '}' after an entry")
                    break
                }
            }
        }
        skipWhitespace()
        if position < headerEnd { throw fault(at: position, "unexpected \(describe(position)) after the header's JSON object") }
        return (entries, metadata ?? [:])
    }

    private mutating func parseMetadata() throws -> [String: String]? {
        if bytes[position..<headerEnd].starts(with: "null".utf8) {
            position += 4
            return nil
        }
        var metadata: [String: String] = [:]
        try expect("{", "__metadata__ must be an object of strings (or null)")
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return metadata
        }
        while true {
            let keyOffset = position
            let key = try parseString()
            skipWhitespace()
            try expect(":", "expected ':' after a key")
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw fault(at: position, "__metadata__ value for '\(key)' must be a string, found \(describe(position))")
            }
            if metadata.updateValue(try parseString(), forKey: key) != nil {
                throw fault(at: keyOffset, "__metadata__ key '\(key)' appears twice")
            }
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else {
                try expect("}", "expected ',' or '}' in __metadata__")
                return metadata
            }
        }
    }

    private mutating func parseEntry(_ name: String) throws -> Entry {
        let entryOffset = position
        var dtype: SafeTensorsDType?
        var shape: [Int]?
        var offsets: [Int]?
        try expect("{", "tensor '\(name)' must be an object with dtype, shape and data_offsets")
        skipWhitespace()
        if peek() != UInt8(ascii: "}") {
            while true {
                let keyOffset = position
                let key = try parseString()
                skipWhitespace()
                try expect(":", "expected ':' after a key")
                skipWhitespace()
                switch key {
                case "dtype" where dtype == nil:
                    let valueOffset = position
                    let text = try parseString()
                    guard let value = SafeTensorsDType(rawValue: text) else {
                        if SafeTensorsDType.unsupported.contains(text) {
                            throw fault(at: valueOffset, "tensor '\(name)' has dtype \(text), a sub-byte type Repro does not load")
                        }
                        let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
                        throw fault(at: valueOffset, "tensor '\(name)' has unknown dtype \(text.debugDescription) (known: \(known))")
                    }
                    dtype = value
                case "shape" where shape == nil:
                    shape = try parseIntegers(name, key)
                case "data_offsets" where offsets == nil:
                    let valueOffset = position
                    let values = try parseIntegers(name, key)
                    guard values.count == 2 else {
                        throw fault(at: valueOffset, "tensor '\(name)' data_offsets must be [begin, end], found \(values.count) numbers")
                    }
                    offsets = values
                case "dtype", "shape", "data_offsets":
                    throw fault(at: keyOffset, "tensor '\(name)' has \(key) twice")
                default:
                    throw fault(at: keyOffset, "tensor '\(name)' has unknown field '\(key)' (expected dtype, shape, data_offsets)",
                                hint: "the file may come from a newer safetensors version")
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                } else {
                    break
                }
            }
        }
        try expect("}", "expected ',' or '}' in tensor '\(name)'")
        guard let dtype, let shape, let offsets else {
            let missing = [dtype == nil ? "dtype" : nil, shape == nil ? "shape" : nil, offsets == nil ? "data_offsets" : nil]
            throw fault(at: entryOffset, "tensor '\(name)' lacks \(missing.compactMap { $0 }.joined(separator: ", "))")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// A JSON array of non-negative integers that fit in `Int`.
    private mutating func parseIntegers(_ name: String, _ field: String) throws -> [Int] {
        try expect("[", "tensor '\(name)' \(field) must be an array of non-negative integers")
        var values: [Int] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return values
        }
        while true {
            let start = position
            guard let first = peek(), first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") else {
                throw fault(at: start, "tensor '\(name)' \(field) must hold non-negative integers, found \(describe(start))")
            }
            var value = 0
            while let digit = peek(), digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") {
                if position > start && first == UInt8(ascii: "0") {
                    throw fault(at: start, "tensor '\(name)' \(field) has a number with a leading zero (not JSON)")
                }
                let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                if overflow1 || overflow2 { throw fault(at: start, "tensor '\(name)' \(field) has a number too large") }
                value = sum
                position += 1
            }
            if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                throw fault(at: start, "tensor '\(name)' \(field) must hold integers, found a fraction or exponent")
            }
            values.append(value)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else {
                try expect("]", "expected ',' or ']' in tensor '\(name)' \(field)")
                return values
            }
        }
    }

    /// A JSON string: escapes decoded, surrogate pairs joined, control characters and invalid UTF-8 rejected.
    private mutating func parseString() throws -> String {
        let start = position
        try expect("\"", "expected a string")
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fault(at: start, "unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw fault(at: start, "string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                let escapeOffset = position - 1
                guard let code = peek() else { throw fault(at: start, "unterminated string") }
                position += 1
                switch code {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(code)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4(escapeOffset)
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes[position..<headerEnd].starts(with: "\\u".utf8) else {
                            throw fault(at: escapeOffset, "lone surrogate in \\u escape")
                        }
                        position += 2
                        let low = try parseHex4(escapeOffset)
                        guard (0xDC00..<0xE000).contains(low) else { throw fault(at: escapeOffset, "lone surrogate in \\u escape") }
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw fault(at: escapeOffset, "lone surrogate in \\u escape")
                    }
                    utf8 += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw fault(at: escapeOffset, "invalid escape \\\(describe(position - 1))")
                }
            case ..<0x20:
                throw fault(at: position - 1, "control character \(describe(position - 1)) inside a string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func parseHex4(_ escapeOffset: Int) throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw fault(at: escapeOffset, "\\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private func peek() -> UInt8? { position < headerEnd ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func expect(_ character: Unicode.Scalar, _ message: String) throws {
        guard peek() == UInt8(ascii: character) else {
            throw fault(at: position, "\(message): found \(describe(position))")
        }
        position += 1
    }

    /// The byte at `offset`, for a message: `'x'`, `byte 0xNN`, or `the end of the header`.
    private func describe(_ offset: Int) -> String {
        guard offset < headerEnd else { return "the end of the header" }
        let byte = bytes[offset]
        return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func fault(at offset: Int, _ message: String, hint: String = "") -> RunFileError {
        RunFileError(source: source, location: "offset \(offset)", "invalid header: \(message)", hint: hint)
    }

    // MARK: Data buffer

    /// Checks each entry's shape and offsets against the data buffer, and that the entries cover
    /// the buffer exactly (no gap, no overlap, no unused tail), then slices out the tensors.
    private func validate(_ entries: [Entry]) throws -> [String: SafeTensor] {
        let bufferLength = bytes.count - headerEnd
        for entry in entries {
            func fault(_ message: String) -> RunFileError {
                RunFileError(source: source, location: "tensor '\(entry.name)'", message,
                             hint: "the file is corrupt or truncated")
            }
            let range = "data_offsets [\(entry.begin), \(entry.end)]"
            guard entry.begin <= entry.end else { throw fault("\(range) end before they begin") }
            guard entry.end <= bufferLength else {
                throw fault("\(range) go beyond the \(bufferLength)-byte data buffer")
            }
            guard let count = SafeTensor.elementCount(entry.shape) else {
                throw fault("shape \(entry.shape) has more elements than fit in memory")
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: entry.dtype.size)
            guard !overflow, byteCount == entry.end - entry.begin else {
                throw fault("shape \(entry.shape) of \(entry.dtype.rawValue) needs \(count) × \(entry.dtype.size) bytes, "
                            + "but \(range) hold \(entry.end - entry.begin)")
            }
        }
        var covered = 0
        var previous: Entry?
        for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            if entry.begin < covered, let previous {
                throw RunFileError(source: source, location: "tensor '\(entry.name)'",
                                   "data_offsets [\(entry.begin), \(entry.end)] overlap tensor '\(previous.name)' "
                                   + "[\(previous.begin), \(previous.end)]", hint: "the file is corrupt")
            }
            if entry.begin > covered {
                throw RunFileError(source: source, location: "tensor '\(entry.name)'",
                                   "bytes \(covered)..<\(entry.begin) of the data buffer belong to no tensor",
                                   hint: "the file is corrupt")
            }
            covered = entry.end
            previous = entry
        }
        if covered != bufferLength {
            throw RunFileError(source: source, location: "offset \(headerEnd + covered)",
                               "bytes \(covered)..<\(bufferLength) of the data buffer belong to no tensor",
                               hint: "the file is corrupt, or was appended to")
        }
        var tensors: [String: SafeTensor] = [:]
        for entry in entries {
            let data = Array(bytes[(headerEnd + entry.begin)..<(headerEnd + entry.end)])
            tensors[entry.name] = SafeTensor(unchecked: entry.dtype, entry.shape, data)
        }
        return tensors
    }
}
