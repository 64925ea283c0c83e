/// An element type of the safetensors format, spelled as in the file's header (`"F32"`).
///
/// Every byte-aligned type of Hugging Face `safetensors` 0.8 is here; the sub-byte types (`F4`,
/// `F6_E2M3`, `F6_E3M2`) are not, and a file that uses them is rejected with a message that says so.
/// All multi-byte types are little-endian in the file.
///
/// The order of the cases is the order of `safetensors`' Rust `Dtype` enum, which decides where a
/// tensor's data goes in a written file (see `SafeTensorsFile.namesInFileOrder`).
public enum SafeTensorsDType: String, CaseIterable, Codable, Sendable, Comparable {
    /// Booleans, one byte each (0 or 1).
    case bool = "BOOL"
    /// Unsigned 8-bit integers (`UInt8`).
    case uint8 = "U8"
    /// Signed 8-bit integers (`Int8`).
    case int8 = "I8"
    /// 8-bit floats, 5 exponent and 2 mantissa bits (raw bytes only).
    case float8E5M2 = "F8_E5M2"
    /// 8-bit floats, 4 exponent and 3 mantissa bits, finite (`float8_e4m3fn`; raw bytes only).
    case float8E4M3 = "F8_E4M3"
    /// 8-bit exponent-only scale factors (`float8_e8m0fnu`; raw bytes only).
    case float8E8M0 = "F8_E8M0"
    /// 8-bit floats E4M3, finite, no negative zero (raw bytes only).
    case float8E4M3FNUZ = "F8_E4M3FNUZ"
    /// 8-bit floats E5M2, finite, no negative zero (raw bytes only).
    case float8E5M2FNUZ = "F8_E5M2FNUZ"
    /// Signed 16-bit integers (`Int16`).
    case int16 = "I16"
    /// Unsigned 16-bit integers (`UInt16`).
    case uint16 = "U16"
    /// IEEE half-precision floats (raw bytes only).
    case float16 = "F16"
    /// bfloat16: the upper half of an F32 (raw bytes only).
    case bfloat16 = "BF16"
    /// Signed 32-bit integers (`Int32`).
    case int32 = "I32"
    /// Unsigned 32-bit integers (`UInt32`).
    case uint32 = "U32"
    /// IEEE single-precision floats (`Float`).
    case float32 = "F32"
    /// Complex numbers, two F32 (real, imaginary; raw bytes only).
    case complex64 = "C64"
    /// IEEE double-precision floats (`Double`).
    case float64 = "F64"
    /// Signed 64-bit integers (`Int64`).
    case int64 = "I64"
    /// Unsigned 64-bit integers (`UInt64`).
    case uint64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0, .float8E4M3FNUZ, .float8E5M2FNUZ: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .complex64, .float64, .int64, .uint64: 8
        }
    }

    /// The sub-byte types of `safetensors` that this reader recognises but does not load.
    static let unsupported: Set<String> = ["F4", "F6_E2M3", "F6_E3M2"]

    /// Declaration order, the order of `safetensors`' `Dtype` enum.
    public static func < (a: SafeTensorsDType, b: SafeTensorsDType) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A Swift type whose values can be stored in and loaded from a safetensors tensor, bit for bit.
///
/// Conforming types are `Float` (F32), `Double` (F64), `Int64` (I64), `Int32` (I32), `Int16` (I16),
/// `Int8` (I8), `UInt64` (U64), `UInt32` (U32), `UInt16` (U16) and `UInt8` (U8). Values are stored
/// little-endian; floating-point values keep their exact bit pattern (NaN payloads, `-0.0`).
public protocol SafeTensorsElement: BitwiseCopyable, Sendable {
    /// The file's element type for this Swift type.
    static var safeTensorsDType: SafeTensorsDType { get }
}

extension Float: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .float32 } }
extension Double: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .float64 } }
extension Int64: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .int64 } }
extension Int32: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .int32 } }
extension Int16: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .int16 } }
extension Int8: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .int8 } }
extension UInt64: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .uint64 } }
extension UInt32: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .uint32 } }
extension UInt16: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .uint16 } }
extension UInt8: SafeTensorsElement { public static var safeTensorsDType: SafeTensorsDType { .uint8 } }

extension SafeTensorsElement {
    /// `values` as little-endian bytes.
    static func littleEndianBytes(of values: [Self]) -> [UInt8] {
        var bytes = values.withUnsafeBytes { Array($0) }
        #if _endian(big)
        reverseElements(&bytes)
        #endif
        return bytes
    }

    /// The values stored little-endian in `bytes` (whose count is a multiple of the element size).
    static func values(fromLittleEndian bytes: [UInt8]) -> [Self] {
        let size = MemoryLayout<Self>.size
        #if _endian(big)
        var bytes = bytes
        reverseElements(&bytes)
        #endif
        return bytes.withUnsafeBytes { raw in
            (0..<raw.count / size).map { raw.loadUnaligned(fromByteOffset: $0 * size, as: Self.self) }
        }
    }

    private static func reverseElements(_ bytes: inout [UInt8]) {
        let size = MemoryLayout<Self>.size
        for start in stride(from: 0, to: bytes.count, by: size) { bytes[start..<start + size].reverse() }
    }
}
