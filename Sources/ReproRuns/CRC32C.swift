/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), the checksum of TFRecord framing
/// (``TensorBoardEvents``), and its TFRecord mask.
///
/// Table-driven, a byte at a time: event files are kilobytes to megabytes, written once per
/// checkpoint, so a hardware (SSE 4.2) path would not be measurable. `CRC32C.checksum("123456789")`
/// is `0xE3069283`, the standard check value.
enum CRC32C {
    /// The 256-entry table of the reflected polynomial.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes`.
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The masked CRC-32C TFRecord stores (TensorFlow's `crc32c::Mask`): rotated right by 15 bits
    /// plus `0xa282ead8`, so that a CRC of data that holds CRCs is not itself trivially related.
    static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
