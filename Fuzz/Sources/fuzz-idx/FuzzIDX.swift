import ReproData

/// Fuzzes `IDXReader.parseArray` and `IDXReader.parse(images:…labels:…)`. The first byte chooses:
///
/// - bit 0 clear: `parseArray` of the rest;
/// - bit 0 set: a dataset from two files: bytes 1-2 (big-endian) give the images file's length
///   (cut to what there is), the images file follows, and the labels file is what remains;
///   bits 1-2 choose `classCount`: nil, 1, 10, `Int.max`.
///
/// Any input must give a value or a `DataError` naming the file at fault.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0]
    let rest = [UInt8](UnsafeBufferPointer(start: data + 1, count: size - 1))
    if mode & 1 == 0 {
        do {
            let array = try IDXReader.parseArray(rest, source: "fuzz.idx")
            check(array.shape.reduce(1, *) == array.count, "shape \(array.shape), count \(array.count)")
            check(array.floats.count == array.count && array.doubles.count == array.count, "conversions")
            check((array.integers == nil) == !array.dataType.isInteger, "integers")
        } catch let error as DataError {
            check(error.source == "fuzz.idx", "source \(error.source)")
        } catch {
            fatalError("IDXReader.parseArray threw \(type(of: error)), not DataError: \(error)")
        }
        return 0
    }
    guard rest.count >= 2 else { return 0 }
    let split = min(Int(rest[0]) << 8 | Int(rest[1]), rest.count - 2)
    let images = Array(rest[2..<2 + split]), labels = Array(rest[(2 + split)...])
    let classCount: Int? = switch mode >> 1 & 3 {
    case 0: nil
    case 1: 1
    case 2: 10
    default: Int.max
    }
    do {
        let dataset = try IDXReader.parse(images: images, imagesSource: "images.idx", labels: labels,
                                          labelsSource: "labels.idx", classCount: classCount)
        check(dataset.count > 0 && dataset.features.count == dataset.count * dataset.featureCount, "dataset size")
        check(dataset.features.allSatisfy(\.isFinite), "a non-finite feature")
        check(dataset.labels.allSatisfy { (0..<dataset.classCount).contains($0) }, "a label out of range")
    } catch let error as DataError {
        check(error.source == "images.idx" || error.source == "labels.idx", "source \(error.source)")
    } catch {
        fatalError("IDXReader.parse threw \(type(of: error)), not DataError: \(error)")
    }
    return 0
}

/// Stops the fuzzer with a finding when `condition` is false.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}
