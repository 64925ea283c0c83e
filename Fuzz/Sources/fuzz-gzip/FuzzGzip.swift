import ReproData

/// Fuzzes `Gzip.decompress` on the whole input. When it succeeds, two properties of a sequence of
/// gzip members are checked too: the input twice decompresses to the output twice, and the input
/// without its last byte (a cut trailer) is rejected.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    let output: [UInt8]
    do {
        output = try Gzip.decompress(bytes, source: "fuzz.gz")
    } catch {
        check(error.source == "fuzz.gz" && (0...size).contains(error.offset), "error \(error)")
        return 0
    }
    do {
        let twice = try Gzip.decompress(bytes + bytes, source: "fuzz.gz")
        check(twice == output + output, "the input twice decompressed to other bytes")
    } catch {
        fatalError("the input decompressed, the input twice did not: \(error)")
    }
    do {
        _ = try Gzip.decompress(Array(bytes.dropLast()), source: "fuzz.gz")
        fatalError("the input without its last byte decompressed")
    } catch {}
    return 0
}

/// Stops the fuzzer with a finding when `condition` is false.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}
