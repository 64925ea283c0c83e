/// The protocol-buffer wire format, as much as TensorBoard event files need
/// (``TensorBoardEvents``): varints, fixed 32- and 64-bit fields and length-delimited fields.
/// Groups (wire types 3 and 4, deprecated) are refused.
enum Protobuf {
    /// A field's value as the wire carries it.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    /// Bytes that are not a valid message: what is wrong, for the caller's error.
    struct Malformed: Error {
        let message: String
    }

    /// Reads the fields of one message in order.
    struct Reader {
        private var bytes: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        /// The next field's number and value, or nil at the message's end.
        ///
        /// - Throws: ``Malformed`` for a truncated field, an overlong varint, a group or an
        ///   unknown wire type.
        mutating func next() throws -> (field: UInt64, value: Value)? {
            guard !bytes.isEmpty else { return nil }
            let key = try varint()
            let field = key >> 3
            switch key & 7 {
            case 0: return (field, .varint(try varint()))
            case 1: return (field, .fixed64(try fixed(8)))
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.count) else {
                    throw Malformed(message: "field \(field) says \(length) bytes, \(bytes.count) remain")
                }
                let value = bytes.prefix(Int(length))
                bytes = bytes.dropFirst(Int(length))
                return (field, .bytes(value))
            case 5: return (field, .fixed32(UInt32(try fixed(4))))
            default: throw Malformed(message: "field \(field) has the wire type \(key & 7), which is a group or unknown")
            }
        }

        private mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                guard let byte = bytes.popFirst() else { throw Malformed(message: "a varint is cut short") }
                guard shift < 64 else { throw Malformed(message: "a varint is longer than 10 bytes") }
                result |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte < 0x80 { return result }
            }
            throw Malformed(message: "a varint is longer than 10 bytes")
        }

        private mutating func fixed(_ width: Int) throws -> UInt64 {
            guard bytes.count >= width else { throw Malformed(message: "a \(width * 8)-bit field is cut short") }
            defer { bytes = bytes.dropFirst(width) }
            return bytes.prefix(width).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    /// The little-endian `width`-byte integers of a packed repeated field.
    ///
    /// - Throws: ``Malformed`` when the length is not a multiple of `width`.
    static func fixed(_ bytes: ArraySlice<UInt8>, width: Int) throws -> [UInt64] {
        guard bytes.count % width == 0 else {
            throw Malformed(message: "a packed field of \(bytes.count) bytes is not a whole number of \(width)-byte values")
        }
        return stride(from: bytes.startIndex, to: bytes.endIndex, by: width).map { start in
            bytes[start..<start + width].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    /// Builds one message, fields in the order written.
    struct Writer {
        private(set) var bytes: [UInt8] = []

        mutating func varint(_ field: UInt64, _ value: UInt64) {
            raw(field << 3)
            raw(value)
        }

        mutating func double(_ field: UInt64, _ value: Double) {
            raw(field << 3 | 1)
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
        }

        mutating func float(_ field: UInt64, _ value: Float) {
            raw(field << 3 | 5)
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
        }

        mutating func bytes(_ field: UInt64, _ value: [UInt8]) {
            raw(field << 3 | 2)
            raw(UInt64(value.count))
            bytes += value
        }

        private mutating func raw(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
    }
}
