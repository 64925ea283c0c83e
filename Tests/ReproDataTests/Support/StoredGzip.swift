@testable import ReproData

/// `text` as a gzip member of stored (uncompressed) DEFLATE blocks: a well-formed gzip of any text,
/// for checking that an embedded dataset's checksum, not only its gzip CRC, guards it.
func storedGzip(_ text: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
    var start = 0
    repeat {
        let length = min(65535, text.count - start)
        let final: UInt8 = start + length == text.count ? 1 : 0
        out += [final, UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)]
        out += text[start..<start + length]
        start += length
    } while start < text.count
    let crc = text.withUnsafeBufferPointer { CRC32.checksum($0[...]) }
    for value in [crc, UInt32(truncatingIfNeeded: text.count)] {
        out += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    return out
}
