import Foundation
import ReproRandom
@testable import ReproTensor

/// Reference vectors written by `scripts/reference_kernels.py` (numpy, float64 rounded once to
/// Float32) into `Tests/ReproTensorTests/Vectors/kernels.json`; floats as hex bit patterns.
struct KernelVectors: Decodable {
    struct Elementary: Decodable {
        let x, exp, tanh, sigmoid, log_x, log: [String]
    }
    struct Gelu: Decodable {
        let x, g, y, grad: [String]
    }
    struct Softmax: Decodable {
        let rows, cols: Int
        let x, g, softmax, log_softmax, softmax_grad, log_softmax_grad: [String]
    }
    struct Sum: Decodable {
        let shape: [Int]
        let x, sum_axis1, mean_axis1, sum_all, mean_all: [String]
    }
    struct Max: Decodable {
        let rows, cols: Int
        let x, values: [String]
        let indices: [Int]
    }
    let elementary: Elementary
    let gelu: Gelu
    let softmax: Softmax
    let sum: Sum
    let max: Max

    static let shared: KernelVectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/kernels.json")
        do {
            return try JSONDecoder().decode(KernelVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

/// The floats whose bit patterns the hex strings ("0x3f800000") hold.
func floats(_ hex: [String]) -> [Float] {
    hex.map { text in
        guard let bits = UInt32(text.dropFirst(2), radix: 16) else { fatalError("bad hex float '\(text)'") }
        return Float(bitPattern: bits)
    }
}

/// Bit patterns, for bitwise comparisons that tell −0 from +0. Every NaN maps to the default NaN:
/// NaN payloads and signs are not specified (the optimizer may pick either operand's NaN).
func bits(_ values: [Float]) -> [UInt32] { values.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern } }

/// `count` standard normal floats times `scale`, from PCG64(seed).
func normalFloats(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var g = Generator(PCG64(seed: seed))
    return (0..<count).map { _ in g.standardNormalFloat() * scale }
}

/// A buffer of `count` floats filled by `body`.
func output(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        buffer.initialize(repeating: .nan)
        if let base = buffer.baseAddress { body(base) }
        initialized = count
    }
}

/// `|a − b| ≤ atol + rtol·|b|` for every element, with the first failure in the message.
func close(_ a: [Float], _ b: [Float], rtol: Float, atol: Float = 0) -> (Bool, String) {
    guard a.count == b.count else { return (false, "counts \(a.count) vs \(b.count)") }
    for i in a.indices where !(abs(a[i] - b[i]) <= atol + rtol * abs(b[i]) || a[i].bitPattern == b[i].bitPattern) {
        return (false, "element \(i): \(a[i]) vs \(b[i])")
    }
    return (true, "")
}
