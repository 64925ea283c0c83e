/// IDX files (the format MNIST ships in), plain or gzip-compressed: an images file and a labels
/// file as a ``TensorDataset``, or one file as an ``IDXArray``.
///
/// The format: two zero bytes, a type byte (`08` u8, `09` i8, `0b` i16, `0c` i32, `0d` f32,
/// `0e` f64), a byte giving the number of dimensions, that many big-endian `UInt32` sizes, then the
/// values, big-endian, row-major. A file starting with the gzip magic `1f 8b` is decompressed first,
/// whatever its name (MNIST ships `train-images-idx3-ubyte.gz`).
///
/// Every problem is a ``DataError`` naming the file and the byte offset (`offset N`, in the
/// decompressed data; in the compressed data for a gzip error) where it was found.
///
/// - Determinism: the result is a pure function of the bytes and the arguments.
public enum IDXReader {
    /// The largest label accepted (2^31 - 1), so that `max + 1` classes always fit.
    static let largestLabel = Int(Int32.max)

    /// Reads an images file and a labels file (each read whole with Foundation, and decompressed if
    /// it starts with the gzip magic) into a dataset whose `source` is `images`.
    ///
    /// - Throws: ``DataError`` naming the file: it cannot be read (with the system's reason), or a
    ///   problem listed under ``parse(images:imagesSource:labels:labelsSource:classCount:)``.
    public static func read(images: String, labels: String, classCount: Int? = nil) throws -> TensorDataset {
        let imageBytes = try DataFile.read(images)
        let labelBytes = try DataFile.read(labels)
        return try parse(images: imageBytes, imagesSource: images, labels: labelBytes, labelsSource: labels,
                         classCount: classCount)
    }

    /// A dataset from an images array of shape `[count, d1, d2, …]` and a labels array of shape
    /// `[count]`: `featureShape` is `[d1, d2, …]` (`[28, 28]` for MNIST), the features are the image
    /// values as `Float` (u8 pixels stay 0…255, unscaled; f64 rounded to the nearest `Float`), and
    /// `source` is `imagesSource`.
    ///
    /// - Parameter classCount: the number of classes; `nil` takes the largest label + 1.
    /// - Throws: ``DataError`` naming the file at fault, for a problem in either file (see
    ///   ``parseArray(_:source:)``), then: images with fewer than 2 dimensions, with no samples ("the
    ///   dataset is empty") or with a zero-size dimension; labels with other than 1 dimension, or
    ///   not one per image; a label that is negative, not an integer (in an f32 or f64 labels file),
    ///   above 2^31 - 1 or outside `0..<classCount`; an image value that is NaN, infinite or beyond the
    ///   `Float` range.
    public static func parse(images: [UInt8], imagesSource: String, labels: [UInt8], labelsSource: String,
                             classCount: Int? = nil) throws -> TensorDataset {
        if let classCount, classCount < 1 {
            throw DataError(source: imagesSource, "classCount must be at least 1, got \(classCount)")
        }
        let imageArray = try parseArray(images, source: imagesSource)
        let labelArray = try parseArray(labels, source: labelsSource)
        func imageError(_ offset: Int, _ message: String) -> DataError {
            DataError(source: imagesSource, location: "offset \(offset)", message)
        }
        func labelError(_ offset: Int, _ message: String) -> DataError {
            DataError(source: labelsSource, location: "offset \(offset)", message)
        }

        let shape = imageArray.shape
        guard shape.count >= 2 else {
            throw imageError(3, "expected images with at least 2 dimensions (samples, then each sample's shape), "
                             + "found shape \(shape)")
        }
        guard shape[0] > 0 else { throw imageError(4, "the dataset is empty: the images have shape \(shape)") }
        if let zero = shape.indices.dropFirst().first(where: { shape[$0] == 0 }) {
            throw imageError(4 + 4 * zero, "expected every dimension of an image to be at least 1, found shape \(shape)")
        }
        guard labelArray.shape.count == 1 else {
            throw labelError(3, "expected labels with 1 dimension, found shape \(labelArray.shape)")
        }
        guard labelArray.shape[0] == shape[0] else {
            throw labelError(4, "expected \(shape[0]) labels, one per image in \(imagesSource), found \(labelArray.shape[0])")
        }

        let labelStart = 8, labelSize = labelArray.dataType.byteCount
        let labelValues: [Int]
        if let integers = labelArray.integers {
            labelValues = integers
        } else {
            // Only integers of magnitude at most `largestLabel` convert to `Int`: `Int(-.infinity)`
            // and `Int(-1e30)` would trap.
            let doubles = labelArray.doubles
            if let bad = doubles.firstIndex(where: { !($0.rounded() == $0 && abs($0) <= Double(largestLabel)) }) {
                let value = doubles[bad]
                let expected = !value.isFinite || value.rounded() != value ? "an integer label"
                    : value < 0 ? "a non-negative label" : "a label of at most \(largestLabel)"
                throw labelError(labelStart + bad * labelSize, "expected \(expected), found \(value) (sample \(bad))")
            }
            labelValues = doubles.map { Int($0) }
        }
        let limit = min(classCount ?? largestLabel + 1, largestLabel + 1)
        if let bad = labelValues.firstIndex(where: { $0 < 0 || $0 >= limit }) {
            let value = labelValues[bad]
            let expected = value < 0 ? "a non-negative label"
                : value > largestLabel ? "a label of at most \(largestLabel)" : "a label in 0..<\(classCount!) (classCount)"
            throw labelError(labelStart + bad * labelSize, "expected \(expected), found \(value) (sample \(bad))")
        }

        let features = imageArray.floats
        if let bad = features.firstIndex(where: { !$0.isFinite }) {
            let original = imageArray.doubles[bad], perSample = features.count / shape[0]
            throw imageError(4 + 4 * shape.count + bad * imageArray.dataType.byteCount,
                             "expected a finite value, found \(original)\(original.isFinite ? " (beyond the Float range)" : "") "
                             + "(sample \(bad / perSample), element \(bad % perSample))")
        }
        return try TensorDataset(features: features, featureShape: Array(shape.dropFirst()), labels: labelValues,
                                 classCount: classCount ?? labelValues.max()! + 1, source: imagesSource)
    }

    /// The array in IDX `bytes` (gzip-compressed or not), every value exactly as stored; NaN and
    /// infinities in f32 and f64 data are kept (``parse(images:imagesSource:labels:labelsSource:classCount:)``
    /// rejects them).
    ///
    /// - Parameter source: the name errors give for the bytes, usually a file path.
    /// - Throws: ``DataError`` naming `source` at `offset N`: invalid gzip data; a magic other than
    ///   `00 00` (the first 4 bytes are quoted); an unknown type byte; 0 dimensions; a header cut
    ///   short; nonzero dimension sizes whose product in bytes overflows `Int`; fewer data bytes than the
    ///   shape needs; bytes left after the data.
    public static func parseArray(_ bytes: [UInt8], source: String) throws -> IDXArray {
        let data = try DataFile.decompressedIfGzip(bytes, source: source)
        func fail(_ offset: Int, _ message: String) -> DataError {
            DataError(source: source, location: "offset \(offset)", message)
        }
        let magic = "00 00 <type> <dimension count>"
        guard !data.isEmpty else { throw fail(0, "expected the IDX magic \(magic), found an empty file") }
        guard data.prefix(2).allSatisfy({ $0 == 0 }) else {
            throw fail(0, "expected the IDX magic \(magic), found \(data.prefix(4).map(hex).joined(separator: " ")) "
                       + "(not an IDX file)")
        }
        if data.count > 2 && IDXArray.DataType(rawValue: data[2]) == nil {
            throw fail(2, "expected an IDX type byte 08 (u8), 09 (i8), 0b (i16), 0c (i32), 0d (f32) or 0e (f64), "
                       + "found \(hex(data[2]))")
        }
        guard data.count >= 4 else { throw fail(data.count, "expected the 4-byte IDX magic \(magic), found end of data") }
        let type = IDXArray.DataType(rawValue: data[2])!
        let dimensions = Int(data[3])
        guard dimensions > 0 else { throw fail(3, "expected at least 1 dimension, found 0") }
        let dataStart = 4 + 4 * dimensions
        guard data.count >= dataStart else {
            throw fail(data.count, "expected \(dimensions) dimension sizes (big-endian UInt32) in bytes 4..<\(dataStart), "
                       + "found end of data")
        }
        let shape = (0..<dimensions).map { dimension in
            data[4 + 4 * dimension..<8 + 4 * dimension].reduce(0) { $0 << 8 | Int($1) }
        }
        // The nonzero sizes must multiply without overflow even when a zero makes the array empty,
        // so that `shape.reduce(1, *)` never traps.
        var byteCount = type.byteCount
        for size in shape where size > 0 {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw fail(4, "expected dimension sizes whose product fits in memory, found shape \(shape) of type \(type)")
            }
            byteCount = product
        }
        if shape.contains(0) { byteCount = 0 }
        let found = data.count - dataStart
        guard found >= byteCount else {
            throw fail(dataStart, "expected \(byteCount) bytes of data for shape \(shape) of type \(type), found \(found)")
        }
        guard found == byteCount else {
            throw fail(dataStart + byteCount, "expected the end of the file after the data for shape \(shape) of type "
                       + "\(type), found \(found - byteCount) more bytes")
        }
        let count = byteCount / type.byteCount
        let values: IDXArray.Values = data.withUnsafeBytes { raw in
            let body = UnsafeRawBufferPointer(rebasing: raw[dataStart...])
            switch type {
            case .uint8: return .uint8(Array(body))
            case .int8: return .int8(body.map { Int8(bitPattern: $0) })
            case .int16: return .int16(bigEndian(body, count) { Int16(bigEndian: $0) })
            case .int32: return .int32(bigEndian(body, count) { Int32(bigEndian: $0) })
            case .float32: return .float32(bigEndian(body, count) { Float(bitPattern: UInt32(bigEndian: $0)) })
            case .float64: return .float64(bigEndian(body, count) { Double(bitPattern: UInt64(bigEndian: $0)) })
            }
        }
        return IDXArray(shape: shape, values: values)
    }

    /// A byte as two hexadecimal digits.
    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }

    /// `count` words of type `Word` read from `body` and converted by `convert` (which swaps from
    /// big-endian).
    private static func bigEndian<Word: FixedWidthInteger, Value>(
        _ body: UnsafeRawBufferPointer, _ count: Int, _ convert: (Word) -> Value
    ) -> [Value] {
        (0..<count).map { convert(body.loadUnaligned(fromByteOffset: $0 * MemoryLayout<Word>.size, as: Word.self)) }
    }
}
