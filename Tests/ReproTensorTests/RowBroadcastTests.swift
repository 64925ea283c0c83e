import Testing
import ReproRandom
@testable import ReproTensor

/// The row-broadcast fast path (a bias over a batch) against the same arithmetic written out:
/// forward elementwise, the full operand's gradient elementwise, and the row's gradient summed over
/// the rows in row order (the order of the general broadcast path, for up to 4096 rows), or for a
/// single value with ``Reduce/sum(_:count:)`` like every full reduction.
@Suite struct RowBroadcastTests {
    typealias Op = (name: String, apply: (Tensor, Tensor) throws -> Tensor, f: (Float, Float) -> Float,
                    gradFull: (Float, Float, Float) -> Float, gradRow: (Float, Float, Float) -> Float)

    nonisolated(unsafe) static let ops: [Op] = [  // immutable closures
        ("add", { try $0 + $1 }, { $0 + $1 }, { g, _, _ in g }, { g, _, _ in g }),
        ("sub", { try $0 - $1 }, { $0 - $1 }, { g, _, _ in g }, { g, _, _ in -g }),
        ("mul", { try $0 * $1 }, { $0 * $1 }, { g, _, b in g * b }, { g, a, _ in g * a }),
        ("div", { try $0 / $1 }, { $0 / $1 }, { g, _, b in g / b }, { g, a, b in -g * ((a / b) / b) }),
    ]

    @Test(arguments: [([37, 19], [19]), ([5, 3, 8], [3, 8]), ([6, 4], [1, 4]), ([7, 5], [1]), ([4, 2, 3], [])])
    func matchesTheArithmeticWrittenOut(shapes: ([Int], [Int])) throws {
        var rng = Generator(PCG64(seed: 11))
        for op in Self.ops {
            let a = try Tensor.normal(shapes.0, using: &rng, requiresGrad: true)
            let b = try Tensor(shape: shapes.1, scalars: (0..<max(1, shapes.1.reduce(1, *))).map { _ in
                Float(rng.random()) + 0.5 }, requiresGrad: true)
            let y = try op.apply(a, b)
            let weights = try Tensor.normal(y.shape, using: &rng)
            try (y * weights).sum().backward()
            let cols = b.count
            var expectedRowGrad = [Float](repeating: 0, count: cols)
            var elementGrads: [Float] = []
            for i in 0..<a.count {
                let (x, r, g) = (a.scalars[i], b.scalars[i % cols], weights.scalars[i])
                #expect(y.scalars[i].bitPattern == op.f(x, r).bitPattern, "\(op.name) forward \(i)")
                #expect(a.grad!.scalars[i].bitPattern == op.gradFull(g, x, r).bitPattern, "\(op.name) grad \(i)")
                expectedRowGrad[i % cols] += op.gradRow(g, x, r)
                elementGrads.append(op.gradRow(g, x, r))
            }
            if cols == 1 { expectedRowGrad = [Reduce.sum(elementGrads, count: elementGrads.count)] }
            #expect(b.grad!.scalars.map(\.bitPattern) == expectedRowGrad.map(\.bitPattern), "\(op.name) row grad")
        }
    }

    @Test func aRowOnTheLeftOfAddAndMulGivesTheSameBitsAndGradientOrder() throws {
        var rng = Generator(PCG64(seed: 12))
        let x = try Tensor.normal([9, 6], using: &rng, requiresGrad: true)
        let bias = try Tensor.normal([6], using: &rng, requiresGrad: true)
        for apply in [{ try $0 + $1 }, { try $0 * $1 }] as [(Tensor, Tensor) throws -> Tensor] {
            x.grad = nil
            bias.grad = nil
            try apply(bias, x).sum().backward()
            let (left, leftX) = (bias.grad!.scalars, x.grad!.scalars)
            x.grad = nil
            bias.grad = nil
            try apply(x, bias).sum().backward()
            #expect(try apply(bias, x).scalars == (try apply(x, bias)).scalars)
            #expect(left == bias.grad!.scalars && leftX == x.grad!.scalars)
        }
    }
}
