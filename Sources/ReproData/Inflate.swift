/// A gzip file or DEFLATE stream that cannot be decoded: the source it came from (a file name), the
/// byte offset in that source where decoding stopped, and what was expected there.
public struct GzipFormatError: Error, Equatable, CustomStringConvertible {
    /// The name of the data, as given to ``Gzip/decompress(_:source:)``.
    public let source: String
    /// The byte offset in the compressed data.
    public let offset: Int
    /// What was expected and what was found.
    public let message: String

    public var description: String { "\(source): offset \(offset): \(message)" }
}

/// A canonical Huffman code (RFC 1951 §3.2.2) built from code lengths, decoded by a lookup table
/// for codes of up to ``fastBits`` bits and bit by bit for longer ones.
struct HuffmanCode {
    static let fastBits = 9
    static let maxBits = 15

    /// Indexed by the next `fastBits` input bits: `symbol << 4 | length`, or 0 when the code there
    /// is longer than `fastBits` (or not assigned).
    var fast: [UInt16]
    /// `counts[n]`: how many codes have length `n`.
    var counts: [UInt16]
    /// The symbols in canonical code order.
    var symbols: [UInt16]
    /// The length of the longest code (0 for a code with no symbols).
    var maxLength: Int

    /// Builds the code from the code length of each symbol (0: no code), or throws why the lengths
    /// do not form a valid code: over-subscribed, or incomplete (allowed only when `allowsIncomplete` and no code is longer
    /// than 1 bit, as zlib does for a distance code with zero or one symbol).
    init(lengths: ArraySlice<UInt8>, allowsIncomplete: Bool) throws(HuffmanCodeError) {
        var counts = [UInt16](repeating: 0, count: Self.maxBits + 1)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var left = 1
        var maxLength = 0
        for length in 1...Self.maxBits {
            left = left << 1 - Int(counts[length])
            if left < 0 { throw .overSubscribed }
            if counts[length] > 0 { maxLength = length }
        }
        if left > 0 && !(allowsIncomplete && maxLength <= 1) { throw .incomplete }

        var offsets = [Int](repeating: 0, count: Self.maxBits + 2)
        for length in 1...Self.maxBits { offsets[length + 1] = offsets[length] + Int(counts[length]) }
        var symbols = [UInt16](repeating: 0, count: offsets[Self.maxBits + 1])
        var fast = [UInt16](repeating: 0, count: 1 << Self.fastBits)
        // Canonical codes: consecutive within a length, in symbol order (RFC 1951 §3.2.2).
        var nextCode = [Int](repeating: 0, count: Self.maxBits + 1)
        var code = 0
        for length in 1...Self.maxBits {
            code = (code + Int(counts[length - 1])) << 1
            nextCode[length] = code
        }
        for (symbol, length) in zip(lengths.indices, lengths) where length > 0 {
            let n = Int(length)
            symbols[offsets[n]] = UInt16(symbol - lengths.startIndex)
            offsets[n] += 1
            let code = nextCode[n]
            nextCode[n] += 1
            guard n <= Self.fastBits else { continue }
            // The stream holds the code's bits most significant first, read least significant first.
            var reversed = 0
            for bit in 0..<n where code >> bit & 1 == 1 { reversed |= 1 << (n - 1 - bit) }
            let entry = UInt16(symbol - lengths.startIndex) << 4 | UInt16(n)
            var index = reversed
            while index < 1 << Self.fastBits {
                fast[index] = entry
                index += 1 << n
            }
        }
        self.fast = fast
        self.counts = counts
        self.symbols = symbols
        self.maxLength = maxLength
    }
}

enum HuffmanCodeError: Error {
    case overSubscribed, incomplete

    var text: String { self == .overSubscribed ? "over-subscribed" : "incomplete" }
}

/// A DEFLATE (RFC 1951) decoder over one stream in a byte buffer.
struct Inflater {
    private let input: UnsafeBufferPointer<UInt8>
    private let source: String
    /// The next input byte not yet in `bitBuffer`.
    private var position: Int
    /// Input bits not yet consumed, the next one lowest.
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
                                            59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                             5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                              513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                               10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The fixed codes of RFC 1951 §3.2.6.
    private static let fixedLiteralLength: HuffmanCode = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        return try! HuffmanCode(lengths: lengths[...], allowsIncomplete: false)
    }()
    private static let fixedDistance: HuffmanCode = {
        // Symbols 30 and 31 have codes but never occur in valid data.
        try! HuffmanCode(lengths: [UInt8](repeating: 5, count: 32)[...], allowsIncomplete: false)
    }()

    /// Decodes the DEFLATE stream that starts at `start` in `input`, appending its bytes to
    /// `output`, and returns the offset of the first byte after the stream. Back-references reach
    /// only bytes this stream wrote (those after `output`'s count on entry).
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, from start: Int, source: String,
                        into output: inout [UInt8]) throws(GzipFormatError) -> Int {
        var inflater = Inflater(input: input, source: source, position: start)
        try inflater.run(into: &output)
        return inflater.position - inflater.bitCount / 8
    }

    private init(input: UnsafeBufferPointer<UInt8>, source: String, position: Int) {
        self.input = input
        self.source = source
        self.position = position
    }

    /// The offset of the byte holding the next unconsumed bit.
    private var bitOffset: Int { position - (bitCount + 7) / 8 }

    private func failure(_ message: String, at offset: Int? = nil) -> GzipFormatError {
        GzipFormatError(source: source, offset: offset ?? bitOffset, message: message)
    }

    /// Makes at least `n` bits available (`n` ≤ 57), or throws at the end of the input.
    private mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws(GzipFormatError) {
        while bitCount < n {
            guard position < input.count else {
                throw failure("expected \(what()), found end of data", at: input.count)
            }
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    private mutating func bits(_ n: Int, _ what: @autoclosure () -> String) throws(GzipFormatError) -> Int {
        try need(n, what())
        let value = Int(bitBuffer & (1 << UInt64(n) - 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return value
    }

    private mutating func run(into output: inout [UInt8]) throws(GzipFormatError) {
        let start = output.count
        var isFinal = false
        while !isFinal {
            isFinal = try bits(1, "a block header") == 1
            let headerOffset = bitOffset
            switch try bits(2, "a block header") {
            case 0: try storedBlock(into: &output)
            case 1: try codedBlock(Self.fixedLiteralLength, Self.fixedDistance, start: start, into: &output)
            case 2:
                let (literalLength, distance) = try dynamicCodes()
                try codedBlock(literalLength, distance, start: start, into: &output)
            default: throw failure("expected block type 0, 1 or 2, found 3", at: headerOffset)
            }
        }
    }

    private mutating func storedBlock(into output: inout [UInt8]) throws(GzipFormatError) {
        // Skip to the byte boundary; whole bytes left in the buffer are given back to the input.
        bitBuffer >>= UInt64(bitCount % 8)
        bitCount -= bitCount % 8
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
        let headerOffset = position
        let length = try bits(16, "a stored block length")
        let complement = try bits(16, "a stored block length")
        guard length == ~complement & 0xffff else {
            throw failure("expected stored block length complement \(hex4(~length & 0xffff)), found \(hex4(complement))",
                          at: headerOffset + 2)
        }
        guard input.count - position >= length else {
            throw failure("expected \(length) bytes of stored block data, found end of data", at: input.count)
        }
        output.append(contentsOf: input[position..<position + length])
        position += length
    }

    private func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// Reads the code lengths of a dynamic block (RFC 1951 §3.2.7) and builds its two codes.
    private mutating func dynamicCodes() throws(GzipFormatError) -> (HuffmanCode, HuffmanCode) {
        let headerOffset = bitOffset
        let literalCount = try bits(5, "a dynamic block header") + 257
        let distanceCount = try bits(5, "a dynamic block header") + 1
        let codeLengthCount = try bits(4, "a dynamic block header") + 4
        guard literalCount <= 286 && distanceCount <= 30 else {
            throw failure("expected at most 286 literal/length and 30 distance codes, found \(literalCount) and "
                          + "\(distanceCount)", at: headerOffset)
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(try bits(3, "code length code lengths"))
        }
        let codeLengthCode: HuffmanCode
        do {
            codeLengthCode = try HuffmanCode(lengths: codeLengthLengths[...], allowsIncomplete: false)
        } catch {
            throw failure("invalid Huffman code: code length code is \(error.text)", at: headerOffset)
        }
        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        var index = 0
        while index < lengths.count {
            let symbolOffset = bitOffset
            let symbol = try decode(codeLengthCode, "a code length")
            if symbol < 16 {
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            }
            let value: UInt8
            let repeats: Int
            switch symbol {
            case 16:
                guard index > 0 else {
                    throw failure("invalid Huffman code: repeat of a previous code length with none before",
                                  at: symbolOffset)
                }
                value = lengths[index - 1]
                repeats = 3 + (try bits(2, "a repeat count"))
            case 17:
                value = 0
                repeats = 3 + (try bits(3, "a repeat count"))
            default:
                value = 0
                repeats = 11 + (try bits(7, "a repeat count"))
            }
            guard index + repeats <= lengths.count else {
                throw failure("invalid Huffman code: code lengths repeat past the \(lengths.count) declared",
                              at: symbolOffset)
            }
            for i in index..<index + repeats { lengths[i] = value }
            index += repeats
        }
        guard lengths[256] != 0 else {
            throw failure("invalid Huffman code: no code for end of block", at: headerOffset)
        }
        let literalLength: HuffmanCode
        let distance: HuffmanCode
        do {
            literalLength = try HuffmanCode(lengths: lengths[..<literalCount], allowsIncomplete: false)
        } catch {
            throw failure("invalid Huffman code: literal/length code is \(error.text)", at: headerOffset)
        }
        do {
            distance = try HuffmanCode(lengths: lengths[literalCount...], allowsIncomplete: true)
        } catch {
            throw failure("invalid Huffman code: distance code is \(error.text)", at: headerOffset)
        }
        return (literalLength, distance)
    }

    /// Decodes one symbol of `code`.
    private mutating func decode(_ code: HuffmanCode, _ what: @autoclosure () -> String) throws(GzipFormatError) -> Int {
        while bitCount <= 56 && position < input.count {
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
        if bitCount >= HuffmanCode.fastBits {
            let entry = Int(code.fast[Int(bitBuffer & (1 << UInt64(HuffmanCode.fastBits) - 1))])
            if entry != 0 {
                bitBuffer >>= UInt64(entry & 15)
                bitCount -= entry & 15
                return entry >> 4
            }
        }
        // Canonical decoding bit by bit: `first` is the first code of each length, `index` the
        // position of its symbol.
        var value = 0
        var first = 0
        var index = 0
        for length in stride(from: 1, through: code.maxLength, by: 1) {
            try need(length, what())
            value |= Int(bitBuffer >> UInt64(length - 1) & 1)
            let count = Int(code.counts[length])
            if value - first < count {
                bitBuffer >>= UInt64(length)
                bitCount -= length
                return Int(code.symbols[index + value - first])
            }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw failure("invalid Huffman code: expected \(what()), found bits that match no code")
    }

    /// Decodes the symbols of a Huffman-coded block up to its end-of-block symbol.
    private mutating func codedBlock(_ literalLength: HuffmanCode, _ distance: HuffmanCode, start: Int,
                                     into output: inout [UInt8]) throws(GzipFormatError) {
        while true {
            let symbolOffset = bitOffset
            let symbol = try decode(literalLength, "a literal/length code")
            if symbol < 256 {
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            guard symbol < 286 else {
                throw failure("invalid Huffman code: length symbol \(symbol) is reserved", at: symbolOffset)
            }
            let lengthIndex = symbol - 257
            let length = Self.lengthBase[lengthIndex]
                + (try bits(Self.lengthExtra[lengthIndex], "length extra bits"))
            let distanceOffset = bitOffset
            let distanceSymbol = try decode(distance, "a distance code")
            guard distanceSymbol < 30 else {
                throw failure("invalid Huffman code: distance symbol \(distanceSymbol) is reserved", at: distanceOffset)
            }
            let back = Self.distanceBase[distanceSymbol]
                + (try bits(Self.distanceExtra[distanceSymbol], "distance extra bits"))
            let available = output.count - start
            guard back <= available else {
                throw failure("distance \(back) reaches before the start of the data (\(available) bytes written)",
                              at: distanceOffset)
            }
            var from = output.count - back
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
        }
    }
}
