import Foundation
import ReproRandom
@testable import ReproTensor

/// Reference vectors written by `scripts/reference_*.py` into `Tests/ReproTensorTests/Vectors`.
/// Floats are stored as IEEE bit patterns ("0x%08x").
enum TensorVectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors")

    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent("\(name).json")))
    }

    static func floats(_ bits: [String]) -> [Float] {
        bits.map { Float(bitPattern: UInt32($0.dropFirst(2), radix: 16)!) }
    }
}

/// Tensors of standard normal values, drawn in order from one PCG64 stream: the same values as
/// numpy's `default_rng(seed).standard_normal(shape, dtype=np.float32)` for each shape in turn.
func normalInputs(seed: UInt64, _ shapes: [[Int]], requiresGrad: Bool = false) throws -> [Tensor] {
    var generator = Generator(PCG64(seed: seed))
    return try shapes.map { try Tensor.normal($0, using: &generator, requiresGrad: requiresGrad) }
}

/// Whether every element satisfies |x - y| <= atol + rtol·|y|; on failure, the first bad index.
func allClose(_ x: [Float], _ y: [Float], rtol: Float = 1e-5, atol: Float = 1e-6) -> (ok: Bool, detail: String) {
    guard x.count == y.count else { return (false, "counts differ: \(x.count) vs \(y.count)") }
    for i in x.indices where !(abs(x[i] - y[i]) <= atol + rtol * abs(y[i])) {
        return (false, "element \(i): \(x[i]) vs \(y[i])")
    }
    return (true, "")
}

/// Central finite differences of `loss(inputs)` with respect to every element of every input,
/// computed in Float32 with step `h`, and the analytic gradients from `backward()`.
///
/// Float32 differences carry rounding error of about ulp(loss)/h, so callers compare with a
/// tolerance of about 1e-2 relative (documented in each test).
func gradients(
    of loss: ([Tensor]) throws -> Tensor, at inputs: [Tensor], h: Float = 1e-2
) throws -> (analytic: [[Float]], numeric: [[Float]]) {
    for input in inputs { input.grad = nil }
    try loss(inputs).backward()
    let analytic = inputs.map { $0.grad?.scalars ?? Array(repeating: 0, count: $0.count) }
    var numeric: [[Float]] = []
    for input in inputs {
        var column: [Float] = []
        for i in input.scalars.indices {
            let saved = input.scalars[i]
            input.scalars[i] = saved + h
            let up = try Tensor.withNoGrad { try loss(inputs).item }
            input.scalars[i] = saved - h
            let down = try Tensor.withNoGrad { try loss(inputs).item }
            input.scalars[i] = saved
            column.append((up - down) / (2 * h))
        }
        numeric.append(column)
    }
    return (analytic, numeric)
}
