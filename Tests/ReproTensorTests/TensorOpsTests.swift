import Testing
import ReproRandom
@testable import ReproTensor

/// Forward values of every op against numpy (`scripts/reference_tensor.py`).
@Suite struct TensorOpsTests {
    struct Case: Decodable { let op: String; let seed: UInt64; let shapes: [[Int]]; let outShape: [Int]; let out: [String] }
    struct File: Decodable { let labels: [Int]; let cases: [Case] }

    static let file: File = try! TensorVectors.load("tensor_ops")

    static func run(_ c: Case, labels: [Int]) throws -> Tensor {
        let x = try normalInputs(seed: c.seed, c.shapes)
        switch c.op {
        case "add": return try x[0] + x[1]
        case "sub": return try x[0] - x[1]
        case "mul": return try x[0] * x[1]
        case "div":
            let positive = Tensor(validShape: x[1].shape, scalars: x[1].scalars.map { abs($0) + 0.5 })
            return try x[0] / positive
        case "relu": return x[0].relu()
        case "tanh": return x[0].tanh()
        case "sigmoid": return x[0].sigmoid()
        case "gelu": return x[0].gelu()
        case "exp": return x[0].exp()
        case "log": return Tensor(validShape: x[0].shape, scalars: x[0].scalars.map { abs($0) + 0.1 }).log()
        case "sum": return x[0].sum()
        case "mean": return x[0].mean()
        case "sum_axis0": return try x[0].sum(axis: 0)
        case "sum_axis1": return try x[0].sum(axis: 1)
        case "mean_axis_last": return try x[0].mean(axis: -1)
        case "amax": return try x[0].amax()
        case "softmax": return try x[0].softmax()
        case "log_softmax": return try x[0].logSoftmax()
        case "cross_entropy": return try x[0].crossEntropy(labels: labels)
        case "mse": return try x[0].mseLoss(x[1])
        case "matmul": return try x[0].matmul(x[1])
        case "transpose": return try x[0].transposed()
        case "gather": return try x[0].gathered([4, 0, 4, 2])
        default: fatalError("unknown op \(c.op) in vectors")
        }
    }

    @Test(arguments: file.cases.indices)
    func forwardMatchesNumpy(_ index: Int) throws {
        let c = Self.file.cases[index]
        let y = try Self.run(c, labels: Self.file.labels)
        #expect(y.shape == c.outShape, "\(c.op)")
        let check = allClose(y.scalars, TensorVectors.floats(c.out), rtol: 2e-6, atol: 1e-6)
        #expect(check.ok, "\(c.op) \(c.shapes): \(check.detail)")
    }
}

/// Analytic gradients against central finite differences in Float32 (step 1e-2; tolerance
/// rtol 2e-2, atol 2e-3, which the rounding error of Float32 differences stays inside).
@Suite struct GradientTests {
    /// Reduces an op's output to a scalar with fixed random weights, so every output element
    /// contributes a distinct amount to the checked gradient.
    static func weighted(_ y: Tensor) throws -> Tensor {
        var generator = Generator(PCG64(seed: 7))
        let w = try Tensor.normal(y.shape, using: &generator)
        return try (y * w).sum()
    }

    static let ops: [(String, [[Int]], @Sendable ([Tensor]) throws -> Tensor)] = [
        ("add broadcast", [[3, 4], [4]], { try $0[0] + $0[1] }),
        ("sub broadcast", [[2, 3, 4], [3, 1]], { try $0[0] - $0[1] }),
        ("mul broadcast", [[3, 4], [3, 1]], { try $0[0] * $0[1] }),
        ("div", [[3, 4], [3, 4]], { try $0[0] / ($0[1] * $0[1] + 1) }),
        ("relu", [[4, 5]], { $0[0].relu() }),
        ("tanh", [[4, 5]], { $0[0].tanh() }),
        ("sigmoid", [[4, 5]], { $0[0].sigmoid() }),
        ("gelu", [[4, 5]], { $0[0].gelu() }),
        ("exp", [[4, 5]], { $0[0].exp() }),
        ("log", [[4, 5]], { try ($0[0] * $0[0] + 0.5).log() }),
        ("sum", [[4, 5]], { $0[0].sum() }),
        ("mean axis", [[3, 4, 2]], { try $0[0].mean(axis: 1) }),
        ("sum axis", [[3, 4, 2]], { try $0[0].sum(axis: 2) }),
        // A separated ramp keeps every row's maximum clear of the kink that finite differences cross.
        ("amax", [[4, 5]], { try ($0[0] * 0.1 + Tensor(rows: [[0, 3, 1, 4, 2], [4, 0, 2, 1, 3],
                                                              [1, 4, 3, 0, 2], [2, 1, 0, 3, 4]])).amax() }),
        ("softmax", [[3, 5]], { try $0[0].softmax() }),
        ("log_softmax", [[3, 5]], { try $0[0].logSoftmax() }),
        ("cross_entropy", [[4, 5]], { try $0[0].crossEntropy(labels: [1, 0, 4, 2]) }),
        ("mse", [[3, 4], [3, 4]], { try $0[0].mseLoss($0[1]) }),
        ("matmul", [[3, 4], [4, 5]], { try $0[0].matmul($0[1]) }),
        ("transpose", [[3, 4]], { try $0[0].transposed() }),
        ("reshape", [[3, 4]], { try $0[0].reshaped([2, -1]) }),
        ("rows", [[5, 2]], { try $0[0].rows(1..<4) }),
        ("gather", [[5, 2]], { try $0[0].gathered([3, 1, 3]) }),
        ("cat", [[2, 3], [1, 3]], { try Tensor.concatenated($0) }),
        ("stack", [[2, 3], [2, 3]], { try Tensor.stacked($0) }),
    ]

    @Test(arguments: ops.indices)
    func gradientsMatchFiniteDifferences(_ index: Int) throws {
        let (name, shapes, op) = Self.ops[index]
        let x = try normalInputs(seed: UInt64(200 + index), shapes, requiresGrad: true)
        let (analytic, numeric) = try gradients(of: { try Self.weighted(op($0)) }, at: x)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            let check = allClose(a, n, rtol: 2e-2, atol: 2e-3)
            #expect(check.ok, "\(name), input \(i): \(check.detail)")
        }
    }

    @Test func gradientsAccumulateAcrossBackwardCalls() throws {
        let x = try Tensor(shape: [3], scalars: [1, 2, 3], requiresGrad: true)
        try (x * x).sum().backward()
        try (x * x).sum().backward()
        #expect(x.grad?.scalars == [4, 8, 12])
    }

    @Test func noGradScopeRecordsNothing() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let y = try Tensor.withNoGrad { try (x * x).sum() }
        #expect(!y.requiresGrad)
        #expect(throws: TensorError.self) { try y.backward() }
    }
}

@Suite struct TensorErrorTests {
    @Test func shapeMismatchNamesBothShapes() throws {
        let a = try Tensor.zeros([2, 3])
        let b = try Tensor.zeros([4, 5])
        #expect { try a.matmul(b) } throws: { "\($0)".contains("[2, 3]") && "\($0)".contains("[4, 5]") }
        #expect { try a + b } throws: { "\($0)".contains("[2, 3]") && "\($0)".contains("[4, 5]") }
        #expect { try a.crossEntropy(labels: [0, 3]) } throws: { "\($0)".contains("label 3") }
        #expect { try Tensor(shape: [2, 2], scalars: [1]) } throws: { "\($0)".contains("4 elements") }
        #expect { try Tensor.zeros([1, 1, 1, 1, 1]) } throws: { "\($0)".contains("rank") }
    }
}
