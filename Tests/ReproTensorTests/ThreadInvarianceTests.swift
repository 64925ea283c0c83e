import Testing
import ReproRandom
@testable import ReproTensor

/// G3: the same computation gives identical bits for any thread count.
@Suite struct ThreadInvarianceTests {
    /// Loss and every gradient of one forward+backward pass of a small MLP
    /// (64 → 48 → 10, GELU, cross-entropy) on a batch of 32.
    static func mlpStep() throws -> [[Float]] {
        var generator = Generator(PCG64(seed: 11))
        let x = try Tensor.normal([32, 64], using: &generator)
        let w1 = try Tensor.normal([64, 48], std: 0.125, using: &generator, requiresGrad: true)
        let b1 = try Tensor.normal([48], std: 0.1, using: &generator, requiresGrad: true)
        let w2 = try Tensor.normal([48, 10], std: 0.14, using: &generator, requiresGrad: true)
        let b2 = try Tensor.normal([10], std: 0.1, using: &generator, requiresGrad: true)
        let labels = (0..<32).map { ($0 * 7) % 10 }
        let hidden = try (x.matmul(w1) + b1).gelu()
        let loss = try (hidden.matmul(w2) + b2).crossEntropy(labels: labels)
        try loss.backward()
        return [loss.scalars] + [w1, b1, w2, b2].map { $0.grad!.scalars }
    }

    @Test func mlpForwardBackwardIsIdenticalForAnyThreadCount() throws {
        let reference = try Parallel.withThreadCount(1) { try Self.mlpStep() }
        for threads in [2, 3, 4, 7] {
            let result = try Parallel.withThreadCount(threads) { try Self.mlpStep() }
            for (a, b) in zip(result, reference) {
                #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(threads) threads")
            }
        }
    }

    @Test func reductionsAndMatmulAreIdenticalForAnyThreadCount() throws {
        func compute() throws -> [[Float]] {
            let x = try normalInputs(seed: 12, [[300, 257], [257, 129]])
            return [x[0].sum().scalars, try x[0].sum(axis: 0).scalars, try x[0].sum(axis: 1).scalars,
                    x[0].mean().scalars, try x[0].amax().scalars, try x[0].softmax().scalars,
                    try x[0].logSoftmax().scalars, try x[0].matmul(x[1]).scalars]
        }
        let reference = try Parallel.withThreadCount(1) { try compute() }
        for threads in [2, 3, 4, 7] {
            let result = try Parallel.withThreadCount(threads) { try compute() }
            #expect(result.map { $0.map(\.bitPattern) } == reference.map { $0.map(\.bitPattern) }, "\(threads) threads")
        }
    }
}
