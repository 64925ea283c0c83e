import Testing
import ReproRandom
@testable import ReproTensor

/// Analytic gradients of conv2d, max_pool2d, embedding, scatter_add and dropout against central
/// finite differences, with the step and tolerance of ``GradientTests`` (step 1e-2; rtol 2e-2,
/// atol 2e-3).
@Suite struct ConvOpsGradientTests {
    /// Distinct values 0.1 apart in a shuffled order, plus a small input: every pooling window has
    /// one clear maximum, farther from the others than finite differences move the input.
    static func separated(_ x: Tensor) throws -> Tensor {
        let ramp = (0..<x.count).map { Float(($0 * 7) % x.count) * 0.1 }
        return try x * 0.01 + Tensor(shape: x.shape, scalars: ramp)
    }

    static let key = ThreefryKey(seed: 2024, enableX64: true).foldIn(3).foldIn(1)

    static let ops: [(String, [[Int]], @Sendable ([Tensor]) throws -> Tensor)] = [
        ("conv2d stride 1 padding 1", [[2, 2, 4, 4], [3, 2, 3, 3], [3]], {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 1, padding: 1)
        }),
        ("conv2d stride 2", [[1, 2, 5, 5], [2, 2, 3, 3], [2]], {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2)
        }),
        ("conv2d per-axis, no bias", [[2, 1, 5, 4], [2, 1, 2, 3]], {
            try $0[0].conv2d(weight: $0[1], stride: (2, 1), padding: (0, 1))
        }),
        ("max_pool2d", [[1, 2, 4, 4]], { try separated($0[0]).maxPool2d(kernel: 2) }),
        ("max_pool2d overlapping", [[1, 1, 5, 5]], { try separated($0[0]).maxPool2d(kernel: 3, stride: 1) }),
        ("embedding", [[5, 3]], { x in
            try Determinism.withSettings(.strict) { try Tensor.embedding(indices: [1, 4, 1, 0, 1], table: x[0]) }
        }),
        ("embedding, atomic backward", [[5, 3]], { x in
            try Determinism.withSettings(.fast) { try Tensor.embedding(indices: [1, 4, 1, 0, 1], table: x[0]) }
        }),
        ("scatter_add", [[4, 3]], { try Tensor.scatterAdd($0[0], indices: [2, 0, 2, 1], rowCount: 3) }),
        ("dropout", [[4, 5]], { try $0[0].dropout(probability: 0.4, key: key) }),
    ]

    @Test(arguments: ops.indices)
    func gradientsMatchFiniteDifferences(_ index: Int) throws {
        let (name, shapes, op) = Self.ops[index]
        let x = try normalInputs(seed: UInt64(600 + index), shapes, requiresGrad: true)
        let (analytic, numeric) = try gradients(of: { try GradientTests.weighted(op($0)) }, at: x)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            let check = allClose(a, n, rtol: 2e-2, atol: 2e-3)
            #expect(check.ok, "\(name), input \(i): \(check.detail)")
        }
    }
}
