import Foundation

/// TensorBoard event files (`events.out.tfevents.*`): the scalar summaries Repro writes and the
/// scalars it reads back from any writer (TensorFlow, PyTorch's `SummaryWriter`, Lightning).
///
/// A file is a sequence of TFRecord records, each `uint64 length`, `uint32 masked CRC-32C of the
/// 8 length bytes`, `length` bytes of data, `uint32 masked CRC-32C of the data`, all little-endian
/// (``CRC32C/masked(_:)``). Each record's data is a serialized `tensorflow.Event` protocol buffer
/// (tensorboard/compat/proto/event.proto, summary.proto, tensor.proto):
///
/// - `Event`: `wall_time` = 1 (double), `step` = 2 (int64), `file_version` = 3 (string; the first
///   record, `brain.Event:2`), `summary` = 5 (`Summary`).
/// - `Summary`: `value` = 1 (repeated `Summary.Value`).
/// - `Summary.Value`: `tag` = 1 (string), `simple_value` = 2 (float), `tensor` = 8
///   (`TensorProto`), `metadata` = 9 (`SummaryMetadata`, whose `plugin_data` = 1 holds
///   `plugin_name` = 1).
/// - `TensorProto`: `dtype` = 1 (`DT_FLOAT` 1, `DT_DOUBLE` 2), `tensor_content` = 4 (raw
///   little-endian bytes), `float_val` = 5, `double_val` = 6 (packed or not).
///
/// A scalar is a `simple_value` (what Repro writes, and PyTorch's `add_scalar` by default), or a
/// one-element float or double `tensor` of the `scalars` plugin (TensorFlow 2's `tf.summary.scalar`,
/// PyTorch's `add_scalar(new_style=True)`). Other values (histograms, images, text, hparams) are
/// skipped.
///
/// The encoding is written here by hand rather than with swift-protobuf: four messages with a
/// handful of fields each take a hundred lines, while swift-protobuf would add a large module to
/// every first build of Repro, which must stay under four minutes (issue 14).
public enum TensorBoardEvents {
    /// The `file_version` of the first record of every event file TensorBoard writes.
    static let fileVersion = "brain.Event:2"

    /// One scalar of an event file.
    public struct Scalar: Sendable, Hashable {
        /// The series it belongs to (`loss`, `Loss/train`, `val_acc`, …).
        public let tag: String
        /// The step it was logged at.
        public let step: Int
        /// The value (a `simple_value` is a `Float`, widened exactly).
        public let value: Double
        /// When it was logged, in seconds since 1970.
        public let wallTime: Double

        public init(tag: String, step: Int, value: Double, wallTime: Double) {
            self.tag = tag
            self.step = step
            self.value = value
            self.wallTime = wallTime
        }
    }

    // MARK: Writing

    /// The record of an event file's first event: `file_version` `brain.Event:2` at `wallTime`.
    static func versionRecord(wallTime: Double) -> [UInt8] {
        var event = Protobuf.Writer()
        event.double(1, wallTime)
        event.bytes(3, Array(fileVersion.utf8))
        return record(event.bytes)
    }

    /// The record of one event at `step` and `wallTime` whose summary holds `values` as
    /// `simple_value`s (single precision, as TensorBoard stores them), in order.
    static func scalarRecord(step: Int, wallTime: Double, values: [(tag: String, value: Float)]) -> [UInt8] {
        var summary = Protobuf.Writer()
        for (tag, value) in values {
            var entry = Protobuf.Writer()
            entry.bytes(1, Array(tag.utf8))
            entry.float(2, value)
            summary.bytes(1, entry.bytes)
        }
        var event = Protobuf.Writer()
        event.double(1, wallTime)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.bytes(5, summary.bytes)
        return record(event.bytes)
    }

    /// `data` framed as one TFRecord record.
    static func record(_ data: [UInt8]) -> [UInt8] {
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        return length + withUnsafeBytes(of: CRC32C.masked(length).littleEndian, Array.init)
            + data + withUnsafeBytes(of: CRC32C.masked(data).littleEndian, Array.init)
    }

    // MARK: Reading

    /// The data of each record of `bytes`, in order.
    ///
    /// - Parameter lenient: stop at the first incomplete or damaged record instead of throwing
    ///   (for a file Repro itself rewrites, whose last append a kill may have cut).
    /// - Throws: ``RunFileError`` naming `source`, the record and its byte offset: a record cut
    ///   short (the file is truncated) or a length or data CRC that does not match.
    static func records(_ bytes: [UInt8], source: String, lenient: Bool = false) throws -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var offset = 0
        func fault(_ message: String) -> RunFileError {
            RunFileError(source: source, location: "record \(result.count + 1) at byte \(offset)", message,
                         hint: "the event file is damaged; a writer killed mid-record leaves a truncated last record")
        }
        func word<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            bytes[at..<at + MemoryLayout<T>.size].reversed().reduce(0) { $0 << 8 | T($1) }
        }
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                if lenient { break }
                throw fault("the record header is cut short: \(bytes.count - offset) of 12 bytes (the file is truncated)")
            }
            guard CRC32C.masked(bytes[offset..<offset + 8]) == word(offset + 8, UInt32.self) else {
                if lenient { break }
                throw fault("the length's CRC-32C does not match (a damaged byte)")
            }
            let length = word(offset, UInt64.self)
            guard length <= UInt64(bytes.count - offset - 12), bytes.count - offset - 12 - Int(length) >= 4 else {
                if lenient { break }
                throw fault("the record says \(length) bytes of data, but only \(bytes.count - offset - 12) bytes follow "
                            + "with its CRC (the file is truncated)")
            }
            let data = bytes[offset + 12..<offset + 12 + Int(length)]
            guard CRC32C.masked(data) == word(data.endIndex, UInt32.self) else {
                if lenient { break }
                throw fault("the data's CRC-32C does not match (a damaged byte)")
            }
            result.append(data)
            offset = data.endIndex + 4
        }
        return result
    }

    /// The scalars of the event file held in `bytes`, in file order.
    ///
    /// - Parameter lenient: as in ``records(_:source:lenient:)``.
    /// - Throws: ``RunFileError`` naming `source`: a damaged or truncated record, a first record
    ///   that is not a `file_version` event, or an event that is not a valid protocol buffer.
    package static func scalars(_ bytes: [UInt8], source: String, lenient: Bool = false) throws -> [Scalar] {
        let records = try records(bytes, source: source, lenient: lenient)
        var scalars: [Scalar] = []
        for (index, data) in records.enumerated() {
            do {
                let event = try Event(data)
                if index == 0, event.fileVersion?.hasPrefix("brain.Event:") != true {
                    throw RunFileError(source: source, location: "record 1",
                                       "the first event has no file_version brain.Event:…: not a TensorBoard event file")
                }
                for value in event.values {
                    scalars.append(Scalar(tag: value.tag, step: event.step, value: value.value, wallTime: event.wallTime))
                }
            } catch let error as Protobuf.Malformed {
                if lenient { break }
                throw RunFileError(source: source, location: "record \(index + 1)", "the event is not a valid protocol buffer: \(error.message)")
            }
        }
        return scalars
    }

    /// The scalars of the event file at `path` (``scalars(_:source:lenient:)``).
    ///
    /// - Throws: ``RunFileError`` naming `path` when it cannot be read or is not a valid event file.
    public static func read(_ path: String) throws -> [Scalar] {
        try scalars(try AtomicFile.read(path), source: path)
    }

    /// One decoded `Event`: what a scalar reader needs of it.
    struct Event {
        var wallTime = 0.0
        var step = 0
        var fileVersion: String?
        /// The summary's scalar values, in order.
        var values: [(tag: String, value: Double)] = []

        init(_ data: ArraySlice<UInt8>) throws {
            var reader = Protobuf.Reader(data)
            while let (field, value) = try reader.next() {
                switch (field, value) {
                case (1, .fixed64(let bits)): wallTime = Double(bitPattern: bits)
                case (2, .varint(let raw)): step = Int(Int64(bitPattern: raw))
                case (3, .bytes(let text)): fileVersion = String(decoding: text, as: UTF8.self)
                case (5, .bytes(let summary)):
                    var entries = Protobuf.Reader(summary)
                    while let (field, entry) = try entries.next() {
                        if field == 1, case .bytes(let bytes) = entry, let value = try Self.scalar(bytes) { values.append(value) }
                    }
                default: break
                }
            }
        }

        /// The tag and scalar of a `Summary.Value`, or nil when it is not a scalar.
        static func scalar(_ data: ArraySlice<UInt8>) throws -> (tag: String, value: Double)? {
            var reader = Protobuf.Reader(data)
            var (tag, simple, tensor, plugin): (String?, Float?, ArraySlice<UInt8>?, String?) = (nil, nil, nil, nil)
            while let (field, value) = try reader.next() {
                switch (field, value) {
                case (1, .bytes(let text)): tag = String(decoding: text, as: UTF8.self)
                case (2, .fixed32(let bits)): simple = Float(bitPattern: bits)
                case (8, .bytes(let bytes)): tensor = bytes
                case (9, .bytes(let metadata)): plugin = try pluginName(metadata)
                default: break
                }
            }
            guard let tag else { return nil }
            if let simple { return (tag, Double(simple)) }
            guard let tensor, plugin == nil || plugin == "scalars", let value = try tensorScalar(tensor) else { return nil }
            return (tag, value)
        }

        /// `SummaryMetadata.plugin_data.plugin_name`, or nil.
        static func pluginName(_ data: ArraySlice<UInt8>) throws -> String? {
            var reader = Protobuf.Reader(data)
            while let (field, value) = try reader.next() {
                guard field == 1, case .bytes(let pluginData) = value else { continue }
                var inner = Protobuf.Reader(pluginData)
                while let (field, value) = try inner.next() {
                    if field == 1, case .bytes(let name) = value { return String(decoding: name, as: UTF8.self) }
                }
            }
            return nil
        }

        /// The single value of a float or double `TensorProto`, or nil when it holds another type
        /// or not exactly one value.
        static func tensorScalar(_ data: ArraySlice<UInt8>) throws -> Double? {
            var reader = Protobuf.Reader(data)
            var dtype: UInt64 = 0
            var values: [Double] = []
            var content: ArraySlice<UInt8> = []
            while let (field, value) = try reader.next() {
                switch (field, value) {
                case (1, .varint(let type)): dtype = type
                case (4, .bytes(let bytes)): content = bytes
                case (5, .fixed32(let bits)): values.append(Double(Float(bitPattern: bits)))
                case (5, .bytes(let packed)): values += try Protobuf.fixed(packed, width: 4).map { Double(Float(bitPattern: UInt32($0))) }
                case (6, .fixed64(let bits)): values.append(Double(bitPattern: bits))
                case (6, .bytes(let packed)): values += try Protobuf.fixed(packed, width: 8).map { Double(bitPattern: $0) }
                default: break
                }
            }
            if values.isEmpty, !content.isEmpty {
                if dtype == 1, content.count == 4 { values = try Protobuf.fixed(content, width: 4).map { Double(Float(bitPattern: UInt32($0))) } }
                if dtype == 2, content.count == 8 { values = try Protobuf.fixed(content, width: 8).map { Double(bitPattern: $0) } }
            }
            return (dtype == 1 || dtype == 2) && values.count == 1 ? values[0] : nil
        }
    }
}
