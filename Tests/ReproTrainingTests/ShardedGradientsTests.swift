import ReproDistributed
import ReproNN
import ReproRandom
import ReproTensor
import Testing
@testable import ReproTraining

/// ``ShardedGradients`` in one process: the step's gradients are the fixed-point sum of the shards'
/// own gradients (each from zeroed gradients, of the shard's loss divided by S), close to the
/// gradient of the whole batch's mean loss, and the losses come back in shard order.
@Suite struct ShardedGradientsTests {
    static func model() throws -> Sequential {
        var generator = Generator(PCG64(seed: 3))
        return Sequential([try Linear(6, 5, using: &generator), ReLU(), try Linear(5, 3, using: &generator)])
    }

    static func batch() throws -> (inputs: Tensor, labels: [Int]) {
        var generator = Generator(PCG64(seed: 4))
        let inputs = try Tensor(shape: [12, 6], scalars: (0..<72).map { _ in generator.standardNormalFloat() })
        return (inputs, (0..<12).map { $0 % 3 })
    }

    @Test func gradientsAreTheFixedPointSumOfTheShards() throws {
        let shardCount = 4
        let (inputs, labels) = try Self.batch()
        func shardLoss(_ model: Sequential, _ shard: Int) throws -> Tensor {
            let rows = shard * 3 ..< shard * 3 + 3
            return try model(try inputs.rows(rows), context: .inference).crossEntropy(labels: Array(labels[rows]))
        }

        let model = try Self.model()
        let sharded = ShardedGradients(group: SingleProcess(), shardCount: shardCount)
        let losses = try sharded.compute(step: 0, parameters: model.namedParameters) { shard in
            let loss = try shardLoss(model, shard)
            return (loss, loss.scalars[0])
        }

        // The same shards by hand: each shard's gradients alone, then FixedPointSum per parameter.
        let reference = try Self.model()
        var perShard: [[[Float]]] = []
        var referenceLosses: [Float] = []
        for shard in 0..<shardCount {
            reference.zeroGrad()
            let loss = try shardLoss(reference, shard)
            referenceLosses.append(loss.scalars[0])
            try (loss / Float(shardCount)).backward()
            perShard.append(reference.parameters.map { $0.grad!.scalars })
        }
        #expect(losses.map(\.bitPattern) == referenceLosses.map(\.bitPattern))
        for (index, parameter) in model.namedParameters.enumerated() {
            let expected = try FixedPointSum.sum(perShard.map { $0[index] })
            #expect(parameter.tensor.grad?.scalars.map(\.bitPattern) == expected.map(\.bitPattern), "\(parameter.name)")
        }

        // Close to the gradient of the whole batch's mean loss (the same quantity, summed in another order).
        let whole = try Self.model()
        try whole(inputs, context: .inference).crossEntropy(labels: labels).backward()
        for (mine, theirs) in zip(model.parameters, whole.parameters) {
            for (a, b) in zip(mine.grad!.scalars, theirs.grad!.scalars) {
                #expect((a - b).magnitude <= 1e-6 + 1e-5 * b.magnitude, "\(a) vs \(b)")
            }
        }
    }

    @Test func aNonFiniteLossLeavesTheGradientsAndReturnsTheLosses() throws {
        let model = try Self.model()
        let sharded = ShardedGradients(group: SingleProcess(), shardCount: 2)
        let losses = try sharded.compute(step: 0, parameters: model.namedParameters) { shard in
            let loss = try model(try Tensor(shape: [1, 6], scalars: [Float](repeating: 1, count: 6)), context: .inference)
                .crossEntropy(labels: [0])
            return (loss, shard == 1 ? .nan : loss.scalars[0])
        }
        #expect(losses.count == 2 && losses[1].isNaN)
    }
}
