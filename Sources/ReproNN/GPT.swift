import ReproRandom
import ReproTensor

/// A GPT language model in the style of nanoGPT's `GPT`: token and position embeddings, `layers`
/// ``TransformerBlock``s, a final ``LayerNorm`` and a language-model head tied to the token
/// embedding (logits = `ln_f(x) · wteᵀ`).
///
/// Parameters, in order, under nanoGPT's names (so a state dict maps one to one; nanoGPT's
/// `lm_head.weight` is the tied `transformer.wte.weight`): `transformer.wte.weight`,
/// `transformer.wpe.weight`, `transformer.h.<i>.…` for each block, `transformer.ln_f.weight`,
/// `transformer.ln_f.bias`.
///
/// Contexts: the embedding dropout `context.child(2)`, block `i` `context.child(3 + i)`. Traced
/// outputs (nanoGPT's module names): `transformer.drop` (the embeddings after dropout), each
/// block's `transformer.h.<i>.attn` and `.mlp` branches and its output `transformer.h.<i>`,
/// `transformer.ln_f`, and the logits `lm_head`.
public final class GPT: Layer {
    /// The shape of a GPT.
    public struct Configuration: Codable, Hashable, Sendable {
        /// The number of tokens (characters for a character-level model).
        public var vocabularySize: Int
        /// The longest sequence the model reads (nanoGPT's `block_size`).
        public var contextLength: Int
        /// The number of transformer blocks (`n_layer`).
        public var layers: Int
        /// The number of attention heads (`n_head`), dividing ``width``.
        public var heads: Int
        /// The model width (`n_embd`).
        public var width: Int
        /// The dropout probability after the embeddings, on attention probabilities, and after
        /// each residual branch, while training.
        public var dropout: Float

        public init(vocabularySize: Int, contextLength: Int, layers: Int, heads: Int, width: Int, dropout: Float = 0) {
            self.vocabularySize = vocabularySize
            self.contextLength = contextLength
            self.layers = layers
            self.heads = heads
            self.width = width
            self.dropout = dropout
        }

        /// Checks every field.
        ///
        /// - Throws: ``NNError/invalidArgument(component:message:)`` naming the field.
        public func validate() throws {
            for (name, value, range) in [("vocabularySize", vocabularySize, 1...Embedding.maxCount),
                                         ("contextLength", contextLength, 1...Embedding.maxCount),
                                         ("layers", layers, 1...1024), ("heads", heads, 1...4096), ("width", width, 1...65536)] {
                try require(range.contains(value), "GPT", "\(name) \(value) must be \(range.lowerBound) to \(range.upperBound)")
            }
            try require(width % heads == 0, "GPT", "heads \(heads) must divide the width \(width)")
            try require(dropout >= 0 && dropout < 1, "GPT", "dropout \(dropout) must be in [0, 1)")
        }
    }

    public let configuration: Configuration
    /// `transformer.wte`: the token embedding, also the output head.
    public let tokenEmbedding: Embedding
    /// `transformer.wpe`: the position embedding, `[contextLength, width]`.
    public let positionEmbedding: Embedding
    /// `transformer.h`.
    public let blocks: [TransformerBlock]
    /// `transformer.ln_f`.
    public let finalNorm: LayerNorm

    /// A model initialised as nanoGPT initialises one, from `generator`, parameter by parameter in
    /// the order of ``namedParameters``: every linear and embedding weight normal with standard
    /// deviation 0.02, except the residual projections (`attn.c_proj.weight`, `mlp.c_proj.weight`)
    /// with 0.02/√(2·layers); biases zero; norms' weights one and biases zero
    /// (``Initializer/normal(_:std:using:)``: numpy `rng.normal(0, std, shape).astype(np.float32)`).
    ///
    /// - Determinism: a pure function of the configuration and the generator's state.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` for an invalid configuration.
    public init<Bits: BitGenerator>(_ configuration: Configuration, using generator: inout Generator<Bits>) throws {
        try configuration.validate()
        let c = configuration
        let residualStd = 0.02 / Double(2 * c.layers).squareRoot()
        func linear(_ input: Int, _ output: Int, std: Double) throws -> Linear {
            try Linear(weight: try Initializer.normal([output, input], std: std, using: &generator),
                       bias: try Initializer.constant([output], 0))
        }
        self.configuration = c
        tokenEmbedding = try Embedding(c.vocabularySize, c.width, std: 0.02, using: &generator)
        positionEmbedding = try Embedding(c.contextLength, c.width, std: 0.02, using: &generator)
        var blocks: [TransformerBlock] = []
        for _ in 0..<c.layers {
            let norm1 = try LayerNorm(c.width)
            let attention = try CausalSelfAttention(attention: try linear(c.width, 3 * c.width, std: 0.02),
                                                    projection: try linear(c.width, c.width, std: residualStd),
                                                    heads: c.heads, dropout: c.dropout)
            blocks.append(try TransformerBlock(norm1: norm1, attention: attention, norm2: try LayerNorm(c.width),
                                               expand: try linear(c.width, 4 * c.width, std: 0.02),
                                               contract: try linear(4 * c.width, c.width, std: residualStd)))
        }
        self.blocks = blocks
        finalNorm = try LayerNorm(c.width)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("transformer.wte.weight", tokenEmbedding.weight), ("transformer.wpe.weight", positionEmbedding.weight)]
            + blocks.enumerated().flatMap { i, block in block.namedParameters.map { ("transformer.h.\(i).\($0.name)", $0.tensor) } }
            + finalNorm.namedParameters.map { ("transformer.ln_f.\($0.name)", $0.tensor) }
    }

    /// The logits `[batch, T, vocabularySize]` of the next token at every position of `input`, token
    /// indices `[batch, T]` as Float32 values with 1 ≤ T ≤ ``Configuration/contextLength``.
    ///
    /// - Determinism: identical bits for any thread count. In evaluation (no dropout) the logits
    ///   at a position depend only on its own sequence up to that position: not on the other
    ///   sequences of the batch, the batch size, or tokens after it (so a batch of prompts of
    ///   different lengths can be padded on the right) (G9).
    /// - Throws: ``NNError/invalidArgument(component:message:)`` for another shape or a token
    ///   outside the vocabulary.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let c = configuration
        try require(input.rank == 2 && (1...c.contextLength).contains(input.shape[1]), "GPT",
                    "input must be token indices [batch, T] with 1 <= T <= \(c.contextLength), got shape \(input.shape)")
        let (batch, length) = (input.shape[0], input.shape[1])
        var x = try tokenEmbedding.forward(input, context: context.child(0))
            + positionEmbedding.weight.rows(0..<length)
        if c.dropout > 0, context.training {
            x = try x.dropout(probability: c.dropout, key: context.child(2).layerKey(), training: true)
        }
        context.trace("transformer.drop", x)
        for (i, block) in blocks.enumerated() {
            x = try block.forward(x, context: context.child(3 + i, name: "transformer.h.\(i)"))
            context.trace("transformer.h.\(i)", x)
        }
        x = try finalNorm.forward(x, context: context.child(3 + blocks.count))
        context.trace("transformer.ln_f", x)
        let logits = try x.reshaped([batch * length, c.width]).matmul(transposed: tokenEmbedding.weight)
            .reshaped([batch, length, c.vocabularySize])
        context.trace("lm_head", logits)
        return logits
    }
}
