import ReproRuns

/// Fuzzes `SafeTensorsFile(bytes:source:)` on the whole input. When a file parses, every tensor is
/// read as its Swift type (and refused as another), and the file is written and read back: the
/// same tensors and metadata, and writing again gives the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    let file: SafeTensorsFile
    do {
        file = try SafeTensorsFile(bytes: bytes, source: "fuzz.safetensors")
    } catch let error as RunFileError {
        check(error.source == "fuzz.safetensors", "source \(error.source)")
        return 0
    } catch {
        fatalError("SafeTensorsFile threw \(type(of: error)), not RunFileError: \(error)")
    }
    do {
        for name in file.namesInFileOrder {
            let tensor = try file.tensor(name)
            check(tensor.bytes.count == tensor.elementCount * tensor.dtype.size, "tensor '\(name)' size")
            let again = try SafeTensor(dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes)
            check(again == tensor, "tensor '\(name)' rebuilt")
            try readValues(file, name, tensor)
        }
        let written = try file.serialized()
        let reread = try SafeTensorsFile(bytes: written, source: "rewritten")
        check(reread == file, "the rewritten file reads back differently")
        try check(try reread.serialized() == written, "writing the reread file gives other bytes")
    } catch {
        fatalError("a parsed file failed to read or write: \(error)")
    }
    return 0
}

/// Reads tensor `name` through the accessor of its dtype, and checks that another type is refused.
private func readValues(_ file: SafeTensorsFile, _ name: String, _ tensor: SafeTensor) throws {
    func read<T: SafeTensorsElement & Equatable>(_ type: T.Type) throws {
        let (shape, values) = try file.values(name, as: T.self)
        check(shape == tensor.shape && values.count == tensor.elementCount, "tensor '\(name)' as \(T.self)")
        try check(try tensor.values(as: T.self).count == values.count, "tensor '\(name)' values")
    }
    switch tensor.dtype {
    case .float32: try check(try file.floats(name).values.count == tensor.elementCount, "floats")
    case .float64: try check(try file.doubles(name).values.count == tensor.elementCount, "doubles")
    case .int64: try check(try file.int64s(name).values.count == tensor.elementCount, "int64s")
    case .int32: try check(try file.int32s(name).values.count == tensor.elementCount, "int32s")
    case .uint8: try check(try file.uint8s(name).values.count == tensor.elementCount, "uint8s")
    case .int16: try read(Int16.self)
    case .uint16: try read(UInt16.self)
    case .uint32: try read(UInt32.self)
    case .uint64: try read(UInt64.self)
    case .int8: try read(Int8.self)
    default: break  // raw bytes only (BOOL, F16, BF16, F8_*, C64)
    }
    let refused: Bool
    do {
        _ = try tensor.dtype == .float32 ? file.doubles(name).values.count : file.floats(name).values.count
        refused = false
    } catch {
        refused = true
    }
    check(refused, "tensor '\(name)' of \(tensor.dtype.rawValue) read as another type")
}

/// Stops the fuzzer with a finding when `condition` is false.
func check(_ condition: @autoclosure () throws -> Bool, _ message: @autoclosure () -> String) rethrows {
    if !(try condition()) { fatalError("invariant broken: \(message())") }
}
