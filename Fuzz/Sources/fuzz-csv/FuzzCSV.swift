import ReproData

/// Fuzzes `CSVReader.parse` (plain and gzip-compressed CSV). The first byte chooses the options,
/// the rest is the file:
///
/// - bits 0-1: the label column: last, first, `.index(bits 2-3)`, or `.index(-1)` (rejected);
/// - bits 4-5: the header mode: auto, present, absent (3 is auto too);
/// - bits 6-7: `classCount`: nil, 1, 10, `Int.max`.
///
/// Any input must give a dataset or a `DataError`; a dataset must be consistent with itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let options = data[0]
    let bytes = [UInt8](UnsafeBufferPointer(start: data + 1, count: size - 1))
    let labelColumn: CSVReader.LabelColumn = switch options & 3 {
    case 0: .last
    case 1: .first
    case 2: .index(Int(options >> 2 & 3))
    default: .index(-1)
    }
    let header: CSVReader.HeaderMode = switch options >> 4 & 3 {
    case 1: .present
    case 2: .absent
    default: .auto
    }
    let classCount: Int? = switch options >> 6 {
    case 0: nil
    case 1: 1
    case 2: 10
    default: Int.max
    }
    do {
        let dataset = try CSVReader.parse(bytes, source: "fuzz.csv", labelColumn: labelColumn, header: header,
                                          classCount: classCount)
        check(dataset.count > 0 && dataset.featureShape.count == 1 && dataset.featureShape[0] >= 1,
              "dataset shape \(dataset.featureShape), count \(dataset.count)")
        check(dataset.features.count == dataset.count * dataset.featureCount, "feature count")
        check(dataset.features.allSatisfy(\.isFinite), "a non-finite feature")
        check(dataset.labels.allSatisfy { (0..<dataset.classCount).contains($0) }, "a label out of range")
        if let classCount { check(dataset.classCount == classCount, "classCount \(dataset.classCount)") }
        let last = try dataset.sample(at: dataset.count - 1)
        check(last.features.count == dataset.featureCount, "sample size")
        if !(bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
            checkAgainstStrtof(bytes, dataset, labelColumn: labelColumn)
        }
    } catch is DataError {
    } catch {
        fatalError("CSVReader.parse threw \(type(of: error)), not DataError: \(error)")
    }
    return 0
}

/// Stops the fuzzer with a finding when `condition` is false.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}

/// Differential check of the number parser: each feature of an accepted plain-text file must have
/// the bits of Swift's `Float(String)` (C's `strtof`) of its field, which the reader's fast path
/// (Clinger's) must match. The rows are split again here, naively: the non-blank lines, less the
/// first when the dataset has one row fewer than there are lines (a header).
func checkAgainstStrtof(_ bytes: [UInt8], _ dataset: TensorDataset, labelColumn: CSVReader.LabelColumn) {
    var text = bytes[...]
    if text.starts(with: [0xef, 0xbb, 0xbf]) { text = text.dropFirst(3) }
    func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var field = field
        while let first = field.first, first == 0x20 || first == 0x09 { field = field.dropFirst() }
        while let last = field.last, last == 0x20 || last == 0x09 { field = field.dropLast() }
        return field
    }
    var lines = text.split(separator: 0x0a, omittingEmptySubsequences: false).map { line in
        line.last == 0x0d ? line.dropLast() : line
    }.filter { !trimmed($0).isEmpty }
    check(lines.count == dataset.count || lines.count == dataset.count + 1, "\(lines.count) lines for \(dataset.count) rows")
    if lines.count == dataset.count + 1 { lines.removeFirst() }
    let labelColumn = switch labelColumn {
    case .first: 0
    case .last: dataset.featureCount
    case .index(let index): index
    }
    var features = dataset.features[...]
    for line in lines {
        for (column, field) in line.split(separator: 0x2c, omittingEmptySubsequences: false).enumerated()
        where column != labelColumn {
            let text = String(decoding: trimmed(field), as: UTF8.self)
            guard let expected = Float(text) else { fatalError("invariant broken: Float(\(text.debugDescription)) is nil") }
            let found = features.removeFirst()
            check(found.bitPattern == expected.bitPattern, "feature \(text.debugDescription) read as \(found), strtof gives \(expected)")
        }
    }
}
