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
