import ReproTensor

/// Multi-head causal self-attention as in GPT-2 and nanoGPT (`CausalSelfAttention`): a fused
/// query/key/value projection `c_attn` (`[3·width, width]`), `heads` heads of `width / heads`
/// dimensions attending to the positions up to their own, and an output projection `c_proj`.
/// Parameters: `c_attn.weight`, `c_attn.bias`, `c_proj.weight`, `c_proj.bias` (nanoGPT's names).
///
/// For an input `x` `[batch, T, width]`, in PyTorch:
///
/// ```python
/// q, k, v = c_attn(x).split(width, dim=2)
/// q = q.view(B, T, heads, hs).transpose(1, 2)          # same for k and v
/// att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
/// att = F.softmax(att.masked_fill(causal_mask == 0, float('-inf')), dim=-1)
/// y = (attn_dropout(att) @ v).transpose(1, 2).contiguous().view(B, T, width)
/// return resid_dropout(c_proj(y))
/// ```
///
/// Dropout (when `dropout > 0` and training) draws its masks from the context: the attention
/// probabilities from `context.child(3)`, the output from `context.child(2)`.
public final class CausalSelfAttention: Layer {
    /// The fused query, key and value projection, `[3·width, width]`.
    public let attention: Linear
    /// The output projection, `[width, width]`.
    public let projection: Linear
    /// The number of heads.
    public let heads: Int
    /// The probability of dropping an attention probability and an output element while training.
    public let dropout: Float

    /// The model width.
    public var width: Int { projection.outFeatures }

    /// A layer with the given projections.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the projections are not
    ///   `[3·width, width]` and `[width, width]`, `heads` does not divide `width`, or `dropout` is
    ///   outside [0, 1).
    public init(attention: Linear, projection: Linear, heads: Int, dropout: Float = 0) throws {
        let width = projection.outFeatures
        try require(projection.inFeatures == width && attention.inFeatures == width && attention.outFeatures == 3 * width,
                    "CausalSelfAttention", "projections must be [3·width, width] and [width, width], got "
                    + "\(attention.weight.shape) and \(projection.weight.shape)")
        try require(heads >= 1 && width % heads == 0, "CausalSelfAttention", "\(heads) heads must divide the width \(width)")
        try require(dropout >= 0 && dropout < 1, "CausalSelfAttention", "dropout \(dropout) must be in [0, 1)")
        self.attention = attention
        self.projection = projection
        self.heads = heads
        self.dropout = dropout
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        attention.namedParameters.map { ("c_attn.\($0.name)", $0.tensor) }
            + projection.namedParameters.map { ("c_proj.\($0.name)", $0.tensor) }
    }

    /// The attention of every position of each sequence to itself and the positions before it.
    ///
    /// - Determinism: identical bits for any thread count; in evaluation, a position's output
    ///   depends on its own sequence up to that position only, not on the batch or on later
    ///   positions (G9).
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the input is not
    ///   `[batch, T, width]` with T ≥ 1.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try require(input.rank == 3 && input.shape[2] == width && input.shape[1] >= 1, "CausalSelfAttention",
                    "input must be [batch, T, \(width)] with T >= 1, got shape \(input.shape)")
        let (batch, length) = (input.shape[0], input.shape[1])
        let headSize = width / heads
        let qkv = try attention.forward(input, context: context.child(0))
        func split(_ part: Int) throws -> Tensor {
            try qkv.columns(part * width..<(part + 1) * width).reshaped([batch, length, heads, headSize]).permuted([0, 2, 1, 3])
        }
        let (q, k, v) = (try split(0), try split(1), try split(2))
        let scale = Float(1 / Double(headSize).squareRoot())
        var probabilities = try (q.batchedMatmul(transposed: k) * scale).causalSoftmax()
        probabilities = try dropped(probabilities, context.child(3))
        let y = try probabilities.batchedMatmul(v).permuted([0, 2, 1, 3]).reshaped([batch, length, width])
        return try dropped(try projection.forward(y, context: context.child(1)), context.child(2))
    }

    private func dropped(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard dropout > 0, context.training else { return x }
        return try x.dropout(probability: dropout, key: context.layerKey(), training: true)
    }
}
