/// One tensor of a safetensors file: its element type, its shape, and its raw little-endian bytes.
///
/// The bytes are kept exactly as stored, so a tensor read from a file and written again gives the
/// same bytes (NaN payloads included), whatever its type.
public struct SafeTensor: Hashable, Sendable {
    /// The element type.
    public let dtype: SafeTensorsDType
    /// The dimensions, outermost first; `[]` for a scalar. A dimension may be 0.
    public let shape: [Int]
    /// The elements in row-major order, each little-endian; `shape`'s product × `dtype.size` bytes.
    public let bytes: [UInt8]

    /// A tensor of `dtype` and `shape` over `bytes`.
    ///
    /// - Throws: `RunFileError` when a dimension is negative, the element count overflows, or
    ///   `bytes` is not exactly the element count × `dtype.size` long.
    public init(dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) throws {
        let source = "(in memory)"
        guard let count = Self.elementCount(shape) else {
            throw RunFileError(source: source, "invalid shape \(shape): a dimension is negative or the element count overflows")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, byteCount == bytes.count else {
            throw RunFileError(source: source, "shape \(shape) of \(dtype.rawValue) needs \(count) × \(dtype.size) bytes, got \(bytes.count)")
        }
        self.init(unchecked: dtype, shape, bytes)
    }

    /// A tensor of `values` (row-major) with `shape`, of the element type `T` maps to.
    ///
    /// - Throws: `RunFileError` when `values.count` is not the product of `shape`.
    public init<T: SafeTensorsElement>(_ values: [T], shape: [Int]) throws {
        guard Self.elementCount(shape) == values.count else {
            throw RunFileError(source: "(in memory)", "shape \(shape) does not hold \(values.count) values")
        }
        self.init(unchecked: T.safeTensorsDType, shape, T.littleEndianBytes(of: values))
    }

    init(unchecked dtype: SafeTensorsDType, _ shape: [Int], _ bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements as `T`, which must be the Swift type of `dtype` (no conversion is made).
    ///
    /// - Throws: `RunFileError` when `dtype` is not `T.safeTensorsDType`.
    public func values<T: SafeTensorsElement>(as type: T.Type = T.self) throws -> [T] {
        guard dtype == T.safeTensorsDType else {
            throw RunFileError(source: "(in memory)", "the tensor is \(dtype.rawValue), not \(T.safeTensorsDType.rawValue)")
        }
        return T.values(fromLittleEndian: bytes)
    }

    /// The product of `shape`, or nil when a dimension is negative or the product overflows `Int`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }
}

/// The tensors and metadata of a file in Hugging Face's safetensors format, as read or to be written.
///
/// The format: 8 bytes holding the header length N (unsigned, little-endian), N bytes of JSON
/// `{"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [2, 3],
/// "data_offsets": [begin, end]}, …}`, then the data buffer, in which each tensor's bytes lie at
/// `[begin, end)`.
///
/// Writing is deterministic — the same tensors and metadata always give the same bytes — and matches
/// Python's `safetensors` 0.8 (`safetensors.numpy.save_file`) byte for byte:
/// - tensor data is laid out by element type in descending `SafeTensorsDType` order (U64, I64, F64,
///   C64, F32, …, U8, BOOL; the library's alignment-first rule), then by name in UTF-8 byte order,
///   with no gaps; header entries follow the same order (`namesInFileOrder`);
/// - `__metadata__` comes first, and is omitted when `metadata` is empty;
/// - each entry is `{"dtype":…,"shape":[…],"data_offsets":[…]}` with no whitespace, and strings are
///   escaped as `serde_json` does (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control
///   characters as `\u00xx`; everything else raw UTF-8);
/// - the header is padded with spaces to a multiple of 8 bytes, so the data buffer is 8-aligned.
///
/// One difference: Python writes metadata in its hash map's order, which changes from run to run;
/// Repro writes metadata keys sorted by UTF-8 bytes. With at most one metadata key the bytes are
/// Python's exactly; with more, Python reads the file the same (JSON object order does not matter).
///
/// Reading accepts every file Python's `safetensors` writes and rejects, with a `RunFileError`
/// naming the source, the byte offset or tensor, and the fault: a header length beyond the file or
/// above the format's 100 MB limit, a truncated file, invalid JSON or UTF-8, an unknown or sub-byte
/// dtype, a negative or fractional dimension, offsets out of bounds, overlapping, or leaving bytes of
/// the buffer unused, a shape × dtype size that is not the byte length, and non-string metadata.
/// It is stricter than Python's reader in two ways: a repeated tensor name (Python keeps the last)
/// and an unknown field in a tensor entry (Python ignores it) are errors, since either means the file
/// is not what its writer meant. Names that Swift considers equal (canonically equivalent Unicode)
/// count as repeated.
public struct SafeTensorsFile: Hashable, Sendable {
    /// The tensors by name.
    public var tensors: [String: SafeTensor]
    /// Free-form string metadata (`__metadata__`); empty when the file has none.
    public var metadata: [String: String]
    /// Where the tensors were read from, for error messages; `(in memory)` otherwise. Not compared.
    let source: String

    /// A file holding `tensors` and `metadata`, to be written with `write(to:)` or `serialized()`.
    public init(tensors: [String: SafeTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        source = "(in memory)"
    }

    /// Parses and validates a whole safetensors file held in `bytes`; `source` names it in errors.
    ///
    /// - Throws: `RunFileError` for any malformed input (see the type's documentation); never traps.
    public init(bytes: [UInt8], source: String = "(in memory)") throws {
        var parser = SafeTensorsReader(bytes: bytes, source: source)
        (tensors, metadata) = try parser.read()
        self.source = source
    }

    /// Reads and validates the safetensors file at `path`.
    ///
    /// - Throws: `RunFileError` naming `path` when it cannot be read or is malformed.
    public init(contentsOf path: String) throws {
        try self.init(bytes: try AtomicFile.read(path), source: path)
    }

    /// The tensor names in the order their data is laid out in a written file (see the type's
    /// documentation): descending element type, then name in UTF-8 byte order.
    public var namesInFileOrder: [String] {
        tensors.keys.sorted { a, b in
            let (ta, tb) = (tensors[a]!.dtype, tensors[b]!.dtype)
            return ta != tb ? tb < ta : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }

    /// The file's bytes: header length, header, data buffer. Deterministic (see the type's documentation).
    ///
    /// - Throws: `RunFileError` when a tensor is named `__metadata__` (Python's reader would reject the file).
    public func serialized() throws -> [UInt8] {
        if tensors["__metadata__"] != nil {
            throw RunFileError(source: source, location: "tensor '__metadata__'",
                               "the name __metadata__ is reserved for the metadata in safetensors files")
        }
        var header: [UInt8] = [UInt8(ascii: "{")]
        if !metadata.isEmpty {
            header += Array(#""__metadata__":{"#.utf8)
            for (index, key) in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &header)
                header.append(UInt8(ascii: ":"))
                appendJSONString(metadata[key]!, to: &header)
            }
            header.append(UInt8(ascii: "}"))
        }
        var offset = 0
        let names = namesInFileOrder
        for (index, name) in names.enumerated() {
            let tensor = tensors[name]!
            if index > 0 || !metadata.isEmpty { header.append(UInt8(ascii: ",")) }
            appendJSONString(name, to: &header)
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header += Array(#":{"dtype":"\#(tensor.dtype.rawValue)","shape":[\#(shape)],"#.utf8)
            header += Array(#""data_offsets":[\#(offset),\#(offset + tensor.bytes.count)]}"#.utf8)
            offset += tensor.bytes.count
        }
        header.append(UInt8(ascii: "}"))
        header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var result: [UInt8] = []
        result.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for shift in stride(from: 0, to: 64, by: 8) { result.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        result += header
        for name in names { result += tensors[name]!.bytes }
        return result
    }

    /// Writes `serialized()` to `path` atomically (`AtomicFile.write`): a crash leaves the old file
    /// or the new one, never a partial one.
    ///
    /// - Throws: `RunFileError` naming `path`.
    public func write(to path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try serialized()
        } catch let error as RunFileError {
            throw RunFileError(source: path, location: error.location, error.message, hint: error.hint)
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// The tensor called `name`.
    ///
    /// - Throws: `RunFileError` when there is none (the message lists what there is).
    public func tensor(_ name: String) throws -> SafeTensor {
        guard let tensor = tensors[name] else {
            let known = namesInFileOrder.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            throw RunFileError(source: source, location: "tensor '\(name)'",
                               "no such tensor (the file has \(tensors.count): \(known)\(tensors.count > 20 ? ", …" : ""))")
        }
        return tensor
    }

    /// The shape and elements of tensor `name` as `T`, which must be the Swift type of its dtype.
    ///
    /// - Throws: `RunFileError` when there is no such tensor or it has another dtype.
    public func values<T: SafeTensorsElement>(_ name: String, as type: T.Type = T.self) throws -> (shape: [Int], values: [T]) {
        let tensor = try tensor(name)
        guard tensor.dtype == T.safeTensorsDType else {
            throw RunFileError(source: source, location: "tensor '\(name)'",
                               "the tensor is \(tensor.dtype.rawValue), not \(T.safeTensorsDType.rawValue)")
        }
        return (tensor.shape, T.values(fromLittleEndian: tensor.bytes))
    }

    /// The shape and elements of the F32 tensor `name`; see `values(_:as:)`.
    public func floats(_ name: String) throws -> (shape: [Int], values: [Float]) { try values(name) }
    /// The shape and elements of the F64 tensor `name`; see `values(_:as:)`.
    public func doubles(_ name: String) throws -> (shape: [Int], values: [Double]) { try values(name) }
    /// The shape and elements of the I64 tensor `name`; see `values(_:as:)`.
    public func int64s(_ name: String) throws -> (shape: [Int], values: [Int64]) { try values(name) }
    /// The shape and elements of the I32 tensor `name`; see `values(_:as:)`.
    public func int32s(_ name: String) throws -> (shape: [Int], values: [Int32]) { try values(name) }
    /// The shape and elements of the U8 tensor `name`; see `values(_:as:)`.
    public func uint8s(_ name: String) throws -> (shape: [Int], values: [UInt8]) { try values(name) }

    /// Equal when the tensors and metadata are; where they were read from does not matter.
    public static func == (a: SafeTensorsFile, b: SafeTensorsFile) -> Bool {
        a.tensors == b.tensors && a.metadata == b.metadata
    }

    /// Hashes the tensors and metadata (not the source).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tensors)
        hasher.combine(metadata)
    }
}

/// Appends `text` as a JSON string escaped the way `serde_json` (which Python's `safetensors` uses) does.
func appendJSONString(_ text: String, to output: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    output.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
        case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
        case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case ..<0x20: output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
        default: output.append(byte)
        }
    }
    output.append(UInt8(ascii: "\""))
}
