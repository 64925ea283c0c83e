import Foundation
import ReproData
import ReproFiles
import ReproRuns
import ReproTraining

/// Fuzzes `Checkpoint.decode` on the whole input. A mutated checkpoint almost always fails its
/// checksum, so when the input is a safetensors file with `repro` metadata, it is decoded a second
/// time with the `sha256` entry recomputed: that lets the fuzzer reach the header's JSON decoding
/// and the tensors behind the checksum. A decoded checkpoint is written and decoded again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    decode(bytes)
    if var file = try? SafeTensorsFile(bytes: bytes), let json = file.metadata["repro"] {
        file.metadata["sha256"] = digest(json, file.tensors)
        if let fixed = try? file.serialized() { decode(fixed) }
    }
    return 0
}

private func decode(_ bytes: [UInt8]) {
    let checkpoint: Checkpoint
    do {
        checkpoint = try Checkpoint.decode(bytes, source: "fuzz.safetensors")
    } catch let error as RunFileError {
        check(error.source == "fuzz.safetensors", "source \(error.source)")
        return
    } catch {
        fatalError("Checkpoint.decode threw \(type(of: error)), not RunFileError: \(error)")
    }
    do {
        let again = try Checkpoint.decode(try checkpoint.file().serialized(), source: "rewritten")
        check(again.model.map(\.name) == checkpoint.model.map(\.name), "model tensor names")
        check(again.optimizer.map(\.name) == checkpoint.optimizer.map(\.name), "optimizer tensor names")
        for (a, b) in zip(again.model + again.optimizer, checkpoint.model + checkpoint.optimizer) {
            check(a.tensor.shape == b.tensor.shape && a.tensor.scalars.map(\.bitPattern) == b.tensor.scalars.map(\.bitPattern),
                  "tensor '\(a.name)'")
        }
        check(again.header.step == checkpoint.header.step && again.header.loader == checkpoint.header.loader
              && again.header.optimizer == checkpoint.header.optimizer
              && again.header.configuration == checkpoint.header.configuration && again.header.seed == checkpoint.header.seed,
              "the rewritten header differs")
    } catch {
        fatalError("a decoded checkpoint failed to write and decode again: \(error)")
    }
}

/// `Checkpoint`'s checksum: sha256 of the header JSON, then each tensor's name, dtype, shape and
/// bytes in name order (as `Checkpoint.digest`, which is internal).
private func digest(_ json: String, _ tensors: [String: SafeTensor]) -> String {
    var hash = ReproFiles.SHA256()
    hash.update(Array(json.utf8))
    for name in tensors.keys.sorted() {
        let tensor = tensors[name]!
        hash.update(Array("\0\(name)\0\(tensor.dtype.rawValue)\0\(tensor.shape)\0".utf8))
        hash.update(tensor.bytes)
    }
    return hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Stops the fuzzer with a finding when `condition` is false.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}
