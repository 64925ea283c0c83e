import Testing
import ReproNN
import ReproRandom
import ReproTensor

/// G9, batch invariance: a sample's forward result (evaluation: no dropout) has the same bits
/// whatever batch it is computed in. For every layer and for whole models (MLP, CNN, GPT), with
/// random shapes drawn from a replayable seed, the first k rows of a batch of n equal the same k
/// samples computed as a batch of their own, and a sample keeps its bits when the others change.
@Suite struct BatchInvarianceTests {
    /// A model and the shape of one sample (token models take whole numbers below `tokens`).
    struct Case {
        let name: String
        let model: any Layer
        let sampleShape: [Int]
        var tokens: Int? = nil
    }

    static func cases(seed: UInt64) throws -> [Case] {
        var g = Generator(PCG64(seed: seed))
        func size(_ range: ClosedRange<Int>) throws -> Int { range.lowerBound + Int(try g.integers(0, Int64(range.count))) }
        let (width, hidden, channels, side) = (try size(1...70), try size(1...90), try size(1...4), try size(4...11))
        let heads = try size(1...3)
        let attentionWidth = heads * (try size(1...9))
        let length = try size(1...12)
        let vocabulary = try size(2...30)
        let gpt = try GPT(.init(vocabularySize: vocabulary, contextLength: length + 3, layers: 2, heads: heads,
                               width: attentionWidth, dropout: 0.1), using: &g)
        func attention() throws -> CausalSelfAttention {
            try CausalSelfAttention(attention: try Linear(attentionWidth, 3 * attentionWidth, using: &g),
                                    projection: try Linear(attentionWidth, attentionWidth, using: &g), heads: heads)
        }
        return [
            Case(name: "Linear", model: try Linear(width, hidden, using: &g), sampleShape: [width]),
            Case(name: "Linear on [batch, T, width]", model: try Linear(width, hidden, using: &g), sampleShape: [length, width]),
            Case(name: "MLP (Linear, ReLU, Dropout, Linear, GELU, Tanh, Sigmoid)",
                 model: Sequential(try Linear(width, hidden, using: &g), ReLU(), try Dropout(probability: 0.5),
                                   try Linear(hidden, 10, using: &g), GELU(), Tanh(), Sigmoid()),
                 sampleShape: [width]),
            Case(name: "CNN (Conv2d, ReLU, MaxPool2d, Conv2d, Flatten, Linear)",
                 model: Sequential(try Conv2d(channels, 5, kernelSize: 3, padding: 1, using: &g), ReLU(),
                                   try MaxPool2d(kernelSize: 2), try Conv2d(5, 4, kernelSize: 3, padding: 1, using: &g),
                                   Flatten(), try Linear(4 * (side / 2) * (side / 2), 7, using: &g)),
                 sampleShape: [channels, side, side]),
            Case(name: "LayerNorm", model: try LayerNorm(width), sampleShape: [length, width]),
            Case(name: "Embedding", model: try Embedding(vocabulary, width, using: &g), sampleShape: [length],
                 tokens: vocabulary),
            Case(name: "CausalSelfAttention", model: try attention(), sampleShape: [length, attentionWidth]),
            Case(name: "TransformerBlock",
                 model: try TransformerBlock(norm1: try LayerNorm(attentionWidth), attention: try attention(),
                                             norm2: try LayerNorm(attentionWidth),
                                             expand: try Linear(attentionWidth, 4 * attentionWidth, using: &g),
                                             contract: try Linear(4 * attentionWidth, attentionWidth, using: &g)),
                 sampleShape: [length, attentionWidth]),
            Case(name: "GPT", model: gpt, sampleShape: [length], tokens: vocabulary),
        ]
    }

    /// `count` samples of `sampleShape` from `generator`.
    static func batch(_ count: Int, _ testCase: Case, _ generator: inout Generator<PCG64>) throws -> Tensor {
        let shape = [count] + testCase.sampleShape
        guard let tokens = testCase.tokens else { return try Tensor.normal(shape, using: &generator) }
        let values = try (0..<shape.reduce(1, *)).map { _ in Float(try generator.integers(0, Int64(tokens))) }
        return try Tensor(shape: shape, scalars: values)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func firstRowsOfALargeBatchEqualTheSmallBatch(seed: UInt64) throws {
        var g = Generator(PCG64(seed: 1000 + seed))
        for testCase in try Self.cases(seed: seed) {
            let n = 2 + Int(try g.integers(0, 30))
            let k = 1 + Int(try g.integers(0, Int64(n - 1)))
            let large = try Self.batch(n, testCase, &g)
            let perSample = large.count / n
            let small = try large.rows(0..<k)
            let (yLarge, ySmall) = try Tensor.withNoGrad {
                (try testCase.model.forward(large, context: .inference), try testCase.model.forward(small, context: .inference))
            }
            let width = yLarge.count / n
            #expect(Array(yLarge.scalars[0..<(k * width)]).map(\.bitPattern) == ySmall.scalars.map(\.bitPattern),
                    "seed \(seed), \(testCase.name): \(k) of \(n) samples (\(perSample) elements each)")
            // The same samples after other ones: their rows do not depend on their position either.
            let shifted = try Tensor.concatenated([try Self.batch(n - k, testCase, &g), small])
            let yShifted = try Tensor.withNoGrad { try testCase.model.forward(shifted, context: .inference) }
            #expect(Array(yShifted.scalars[((n - k) * width)...]).map(\.bitPattern) == ySmall.scalars.map(\.bitPattern),
                    "seed \(seed), \(testCase.name): the same samples after \(n - k) others")
        }
    }

    /// A causal model's output at a position depends on the positions up to it only, so prompts
    /// of different lengths can share a batch padded on the right (what `repro sample` does).
    @Test(arguments: [UInt64(5), 6, 7])
    func causalModelsIgnoreThePaddingAfterAPosition(seed: UInt64) throws {
        var g = Generator(PCG64(seed: 2000 + seed))
        let model = try GPT(.init(vocabularySize: 17, contextLength: 16, layers: 2, heads: 2, width: 12), using: &g)
        let long = try (0..<16).map { _ in Float(try g.integers(0, 17)) }
        let length = 1 + Int(try g.integers(0, 15))
        let (full, prefix) = try Tensor.withNoGrad {
            (try model.forward(try Tensor(shape: [1, 16], scalars: long), context: .inference),
             try model.forward(try Tensor(shape: [1, length], scalars: Array(long[0..<length])), context: .inference))
        }
        #expect(Array(full.scalars[0..<(length * 17)]).map(\.bitPattern) == prefix.scalars.map(\.bitPattern),
                "seed \(seed): the first \(length) of 16 positions")
    }
}
