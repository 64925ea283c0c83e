import Foundation
import ReproNN
import ReproRandom
import ReproTensor

/// The vectors `scripts/reference_nn.py` writes into `Vectors/nn.json` (numpy; floats as IEEE bit
/// patterns, "0x%08x" for Float32 and "0x%016x" for Float64).
struct NNVectors: Decodable, Sendable {
    struct Init: Decodable, Sendable {
        let name, seed, kind: String
        let `in`, out, kernel: Int?
        let bias: Bool?
        let tensors: [String: [String]]
    }

    struct Hyperparameters: Decodable, Sendable {
        let momentum, weightDecay, eps: Double?
        let nesterov: Bool?
        let betas: [Double]?
        /// Whether each parameter decays (PyTorch's two parameter groups); nil: all do.
        let decays: [Bool]?
    }

    struct OptimizerCase: Decodable, Sendable {
        let name, algorithm, seed: String
        let shapes: [[Int]]
        let hyperparameters: Hyperparameters
        let learningRates: [String]
        /// (step, parameter) pairs whose gradient is withheld.
        let skips: [[Int]]
        let parametersAfterStep: [[[String]]]
        let steps: [Int]
        let state: [String: [String]]
    }

    struct Powers: Decodable, Sendable {
        struct Base: Decodable, Sendable {
            let base: String
            let values: [String]
        }
        let exponents: [Int]
        let bases: [Base]
    }

    final class ScheduleSpec: Decodable, Sendable {
        let kind: String
        let base, gamma, etaMin, startFactor: Double?
        let stepSize, tMax, warmupSteps: Int?
        let after: ScheduleSpec?
    }

    struct Schedule: Decodable, Sendable {
        let name: String
        let schedule: ScheduleSpec
        let values: [String]
    }

    let inits: [Init]
    let bounds: [String: [String]]
    let optimizers: [OptimizerCase]
    let powers: Powers
    let schedules: [Schedule]

    static let shared: NNVectors = {
        do {
            return try Vectors.load("nn")
        } catch {
            fatalError("cannot read Vectors/nn.json: \(error)")
        }
    }()
}

/// The Float32 values of "0x%08x" bit patterns.
func floats(_ hex: [String]) -> [Float] {
    hex.map { text in
        guard let bits = UInt32(text.dropFirst(2), radix: 16) else { fatalError("bad hex float '\(text)'") }
        return Float(bitPattern: bits)
    }
}

/// The Float64 value of a "0x%016x" bit pattern.
func double(_ hex: String) -> Double {
    guard let bits = UInt64(hex.dropFirst(2), radix: 16) else { fatalError("bad hex double '\(hex)'") }
    return Double(bitPattern: bits)
}

/// The first element whose bits differ, or nil when the arrays are bitwise identical.
func firstBitDifference(_ a: [Float], _ b: [Float]) -> String? {
    guard a.count == b.count else { return "counts \(a.count) vs \(b.count)" }
    guard let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) else { return nil }
    return "element \(i): \(a[i]) vs \(b[i])"
}

/// Whether every element satisfies |x − y| ≤ atol + rtol·|y|; on failure, the first bad index.
func allClose(_ x: [Float], _ y: [Float], rtol: Float, atol: Float) -> (ok: Bool, detail: String) {
    guard x.count == y.count else { return (false, "counts differ: \(x.count) vs \(y.count)") }
    for i in x.indices where !(abs(x[i] - y[i]) <= atol + rtol * abs(y[i])) {
        return (false, "element \(i): \(x[i]) vs \(y[i])")
    }
    return (true, "")
}

/// Tensors of standard normal Float32 values drawn in order from `PCG64(seed)`, one shape after
/// another: numpy's `default_rng(seed).standard_normal(shape, dtype=np.float32)` for each shape.
func normalTensors(seed: UInt64, _ shapes: [[Int]], requiresGrad: Bool = false) throws -> [Tensor] {
    var generator = Generator(PCG64(seed: seed))
    return try shapes.map { shape in
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.standardNormalFloat() },
                   requiresGrad: requiresGrad)
    }
}

/// A training context with a fixed key, for tests.
func trainingContext(step: Int = 0, seed: UInt64 = 99) -> ForwardContext {
    ForwardContext(training: true, step: step, dropoutKey: ThreefryKey(seed: seed, enableX64: true))
}
