/// gzip (RFC 1952) decompression in pure Swift, with no system zlib.
public enum Gzip {
    // Header flags (RFC 1952 §2.3.1); FTEXT (1) is only a hint and changes nothing here.
    private static let headerCRCFlag: UInt8 = 2, extraFlag: UInt8 = 4, nameFlag: UInt8 = 8, commentFlag: UInt8 = 16

    /// Decompresses `data`, one gzip member or several concatenated, checking each member's CRC-32
    /// and length. Every byte of `data` must belong to a member.
    ///
    /// - Parameter source: the name errors give for the data, usually its file name.
    /// - Throws: ``GzipFormatError`` naming `source`, the byte offset, and what was expected there.
    public static func decompress(_ data: [UInt8], source: String) throws(GzipFormatError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.count * 4)
        try data.withUnsafeBufferPointer { (input) throws(GzipFormatError) in
            var position = 0
            repeat {
                position = try member(input, at: position, source: source, into: &output)
            } while position < input.count
        }
        return output
    }

    /// Decodes the member at `start`, appending its bytes to `output`; returns the offset after it.
    private static func member(_ input: UnsafeBufferPointer<UInt8>, at start: Int, source: String,
                               into output: inout [UInt8]) throws(GzipFormatError) -> Int {
        var position = start
        func fail(_ message: String, at offset: Int) -> GzipFormatError {
            GzipFormatError(source: source, offset: offset, message: message)
        }
        /// The next `count` bytes, or an error saying that `what` was expected.
        func take(_ count: Int, _ what: String) throws(GzipFormatError) -> UnsafeBufferPointer<UInt8>.SubSequence {
            guard input.count - position >= count else { throw fail("expected \(what), found end of data", at: input.count) }
            defer { position += count }
            return input[position..<position + count]
        }
        func skipZeroTerminated(_ what: String) throws(GzipFormatError) {
            while try take(1, what).first != 0 {}
        }

        let magic = try take(2, "gzip magic 1f 8b")
        guard magic.elementsEqual([0x1f, 0x8b]) else {
            throw fail("expected gzip magic 1f 8b, found \(hex(magic.first!)) \(hex(magic.last!))", at: start)
        }
        let method = try take(1, "compression method 8 (deflate)").first!
        guard method == 8 else { throw fail("expected compression method 8 (deflate), found \(method)", at: start + 2) }
        let flags = try take(1, "header flags").first!
        guard flags & 0xe0 == 0 else {
            throw fail("expected reserved header flag bits 5-7 clear, found flags \(hex(flags))", at: start + 3)
        }
        _ = try take(6, "header modification time, extra flags and OS")
        if flags & extraFlag != 0 {
            let length = try take(2, "extra field length")
            _ = try take(Int(length.first!) | Int(length.last!) << 8, "extra field")
        }
        if flags & nameFlag != 0 { try skipZeroTerminated("zero-terminated file name") }
        if flags & commentFlag != 0 { try skipZeroTerminated("zero-terminated comment") }
        if flags & headerCRCFlag != 0 {
            let expected = UInt32(CRC32.checksum(input[start..<position]) & 0xffff)
            let stored = try take(2, "header CRC-16")
            let found = UInt32(stored.first!) | UInt32(stored.last!) << 8
            guard found == expected else {
                throw fail("expected header CRC-16 \(hex(expected, digits: 4)), found \(hex(found, digits: 4))",
                           at: position - 2)
            }
        }

        let memberStart = output.count
        position = try Inflater.inflate(input, from: position, source: source, into: &output)

        let trailer = try take(8, "gzip trailer (CRC-32 and length)")
        let storedCRC = littleEndian32(trailer.prefix(4))
        let storedLength = littleEndian32(trailer.suffix(4))
        let crc = output.withUnsafeBufferPointer { CRC32.checksum($0[memberStart...]) }
        guard crc == storedCRC else {
            throw fail("expected CRC-32 \(hex(crc, digits: 8)) of the decompressed data, found "
                       + "\(hex(storedCRC, digits: 8)) in the trailer", at: position - 8)
        }
        let length = UInt32(truncatingIfNeeded: output.count - memberStart)
        guard length == storedLength else {
            throw fail("expected length \(length) (mod 2^32) of the decompressed data, found \(storedLength) "
                       + "in the trailer", at: position - 4)
        }
        return position
    }

    private static func littleEndian32(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func hex(_ byte: UInt8) -> String { hex(UInt32(byte), digits: 2) }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// CRC-32 as in gzip and zlib (ISO 3309, reflected polynomial 0xedb88320), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { (byte: UInt32) in
        var crc = byte
        for _ in 0..<8 { crc = crc & 1 == 1 ? 0xedb8_8320 ^ crc >> 1 : crc >> 1 }
        return crc
    }

    /// The CRC-32 of `bytes`.
    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ crc >> 8 }
        }
        return ~crc
    }
}
