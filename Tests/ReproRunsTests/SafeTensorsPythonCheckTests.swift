import ReproTestSupport
import Foundation
import Testing
import ReproData
import ReproFiles
import ReproAnalysis
import ReproRuns

/// Writes a Swift-made safetensors file and the exact text `scripts/check_safetensors.py` must print
/// for it, so that CI (or a developer) can prove Python's `safetensors` reads what Repro writes:
///
///     python3 scripts/check_safetensors.py "$DIR/swift_written.safetensors" \
///         --expect "$DIR/swift_written.expected.txt" --require-package
///
/// `DIR` is `$REPRO_SAFETENSORS_CHECK_DIR`, or `repro-safetensors-check` in the temporary directory.
@Suite struct SafeTensorsPythonCheckTests {
    static var directory: String {
        ProcessInfo.processInfo.environment["REPRO_SAFETENSORS_CHECK_DIR"]
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("repro-safetensors-check").path
    }

    /// A checkpoint-like file: weights, biases, an optimizer step, a generator state, one metadata key.
    static func checkpoint() throws -> SafeTensorsFile {
        func ramp(_ count: Int, _ scale: Float) -> [Float] { (0..<count).map { Float($0) * scale - 1 } }
        return SafeTensorsFile(tensors: [
            "layers.0.weight": try SafeTensor(ramp(64 * 16, 0.001953125), shape: [16, 64]),
            "layers.0.bias": try SafeTensor(ramp(16, 0.125), shape: [16]),
            "layers.1.weight": try SafeTensor(ramp(10 * 16, 0.0078125), shape: [10, 16]),
            "layers.1.bias": try SafeTensor([Float](repeating: 0, count: 10), shape: [10]),
            "optimizer.step": try SafeTensor([Int64(1234)], shape: []),
            "optimizer.velocity": try SafeTensor((0..<8).map { Double($0) / 3 }, shape: [2, 4]),
            "rng.state": try SafeTensor([UInt8](0..<32), shape: [32]),
            "labels": try SafeTensor([Int32(-1), 0, 9], shape: [3]),
        ], metadata: ["format": "repro"])
    }

    /// What the check script prints for `file` (its names and metadata are plain ASCII).
    static func expectedText(_ file: SafeTensorsFile) -> String {
        var lines = file.metadata.sorted { $0.key < $1.key }.map { "metadata \"\($0.key)\" \"\($0.value)\"" }
        for name in file.tensors.keys.sorted() {
            let tensor = file.tensors[name]!
            let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
            lines.append("tensor \"\(name)\" \(tensor.dtype.rawValue) \(shape) \(tensor.bytes.count) bytes "
                         + "sha256=\(SHA256.hexDigest(of: tensor.bytes))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func writesAFileForThePythonCheck() throws {
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        let file = try Self.checkpoint()
        let path = Self.directory + "/swift_written.safetensors"
        try file.write(to: path)
        try AtomicFile.write(Self.expectedText(file), to: Self.directory + "/swift_written.expected.txt")
        #expect(try SafeTensorsFile(contentsOf: path) == file)
    }
}
