import Testing
import ReproRandom
import ReproTensor

/// The tensor example in README.md, with its claim checked: the gradients have the same bits for
/// any thread count.
@Suite struct ReadmeTensorExampleTests {
    static func run() throws -> [[UInt32]] {
        var rng = Generator(PCG64(seed: 0))
        let x = try Tensor.normal([32, 64], using: &rng)
        let w = try Tensor.normal([64, 10], std: 0.1, using: &rng, requiresGrad: true)
        let b = try Tensor.zeros([10], requiresGrad: true)
        let loss = try (x.matmul(w) + b).gelu().crossEntropy(labels: Array(repeating: 3, count: 32))
        try loss.backward()
        return [loss.scalars, w.grad!.scalars, b.grad!.scalars].map { $0.map(\.bitPattern) }
    }

    @Test func exampleRunsAndIsThreadCountInvariant() throws {
        let one = try Parallel.withThreadCount(1) { try Self.run() }
        let four = try Parallel.withThreadCount(4) { try Self.run() }
        #expect(one == four)
        #expect(Float(bitPattern: one[0][0]).isFinite)
    }
}
