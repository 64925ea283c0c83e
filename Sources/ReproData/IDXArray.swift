/// One array of an IDX file (the format MNIST ships in), as stored: its element type, its shape,
/// and its values in row-major order, each exactly as in the file.
///
/// ``IDXReader/parseArray(_:source:)`` makes one; ``IDXReader/parse(images:imagesSource:labels:labelsSource:classCount:)``
/// turns an images array and a labels array into a ``TensorDataset``.
public struct IDXArray: Sendable, Hashable {
    /// The element type named by the third byte of an IDX file.
    public enum DataType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `08`: unsigned 8-bit integers (MNIST's pixels and labels).
        case uint8 = 0x08
        /// `09`: signed 8-bit integers.
        case int8 = 0x09
        /// `0b`: signed 16-bit integers, big-endian.
        case int16 = 0x0b
        /// `0c`: signed 32-bit integers, big-endian.
        case int32 = 0x0c
        /// `0d`: IEEE 754 binary32, big-endian.
        case float32 = 0x0d
        /// `0e`: IEEE 754 binary64, big-endian.
        case float64 = 0x0e

        /// The size of one element in bytes.
        public var byteCount: Int {
            switch self {
            case .uint8, .int8: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }

        /// Whether the elements are integers (`u8`, `i8`, `i16`, `i32`).
        public var isInteger: Bool { self != .float32 && self != .float64 }

        /// numpy's short name: `u8`, `i8`, `i16`, `i32`, `f32`, `f64`.
        public var description: String {
            switch self {
            case .uint8: "u8"
            case .int8: "i8"
            case .int16: "i16"
            case .int32: "i32"
            case .float32: "f32"
            case .float64: "f64"
            }
        }
    }

    /// The values in their stored type, decoded from big-endian.
    public enum Values: Sendable, Hashable {
        /// Type `08`.
        case uint8([UInt8])
        /// Type `09`.
        case int8([Int8])
        /// Type `0b`.
        case int16([Int16])
        /// Type `0c`.
        case int32([Int32])
        /// Type `0d`.
        case float32([Float])
        /// Type `0e`.
        case float64([Double])
    }

    /// The size of each dimension, outermost first (`[60000, 28, 28]` for MNIST's training images).
    public let shape: [Int]
    /// The values, `shape`'s product of them, in row-major order.
    public let values: Values

    /// An array of `values` in `shape`, whose product must equal the number of values.
    init(shape: [Int], values: Values) {
        self.shape = shape
        self.values = values
        precondition(shape.reduce(1, *) == count, "IDXArray: \(count) values for shape \(shape)")
    }

    /// The element type.
    public var dataType: DataType {
        switch values {
        case .uint8: .uint8
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .float32: .float32
        case .float64: .float64
        }
    }

    /// The number of values.
    public var count: Int {
        switch values {
        case .uint8(let v): v.count
        case .int8(let v): v.count
        case .int16(let v): v.count
        case .int32(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        }
    }

    /// The values as `Float`: exact for `u8`, `i8`, `i16` and `f32`; `i32` beyond 2^24 and `f64` are
    /// rounded to the nearest `Float` (ties to even, as numpy's `astype(np.float32)`), so a large
    /// `f64` becomes infinite. NaN and infinities stay as they are.
    public var floats: [Float] {
        switch values {
        case .uint8(let v): v.map(Float.init)
        case .int8(let v): v.map(Float.init)
        case .int16(let v): v.map(Float.init)
        case .int32(let v): v.map(Float.init)
        case .float32(let v): v
        case .float64(let v): v.map(Float.init)
        }
    }

    /// The values as `Double`, every one exact.
    public var doubles: [Double] {
        switch values {
        case .uint8(let v): v.map(Double.init)
        case .int8(let v): v.map(Double.init)
        case .int16(let v): v.map(Double.init)
        case .int32(let v): v.map(Double.init)
        case .float32(let v): v.map(Double.init)
        case .float64(let v): v
        }
    }

    /// The values as exact `Int`s for an integer type; `nil` for `f32` and `f64`.
    public var integers: [Int]? {
        switch values {
        case .uint8(let v): v.map(Int.init)
        case .int8(let v): v.map(Int.init)
        case .int16(let v): v.map(Int.init)
        case .int32(let v): v.map(Int.init)
        case .float32, .float64: nil
        }
    }
}
