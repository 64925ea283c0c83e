import ReproTensor

/// A pre-norm transformer block as in GPT-2 and nanoGPT (`Block`):
/// `x = x + attn(ln_1(x))`, then `x = x + mlp(ln_2(x))` with
/// `mlp = dropout(c_proj(gelu(c_fc(x))))`, `c_fc` `[4·width, width]` and `c_proj` `[width, 4·width]`.
/// Parameters: `ln_1.*`, `attn.*`, `ln_2.*`, `mlp.c_fc.*`, `mlp.c_proj.*` (nanoGPT's names).
///
/// The GELU is the tanh approximation (GPT-2's; nanoGPT's `nn.GELU()` is the exact erf form, see
/// ``GELU``). Contexts: `ln_1` 0, `attn` 1, `ln_2` 2, `c_fc` 3, `c_proj` 4, the MLP's dropout 5.
/// Traced outputs: the attention branch `attn` and the MLP branch `mlp` (after its dropout).
public final class TransformerBlock: Layer {
    public let norm1: LayerNorm
    public let attention: CausalSelfAttention
    public let norm2: LayerNorm
    public let expand: Linear
    public let contract: Linear

    /// The model width.
    public var width: Int { attention.width }

    /// A block of the given parts.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the widths do not fit together.
    public init(norm1: LayerNorm, attention: CausalSelfAttention, norm2: LayerNorm, expand: Linear, contract: Linear) throws {
        let width = attention.width
        try require(norm1.dimension == width && norm2.dimension == width && expand.inFeatures == width
                    && contract.inFeatures == expand.outFeatures && contract.outFeatures == width,
                    "TransformerBlock", "the norms, the attention (width \(width)) and the MLP (\(expand.weight.shape), "
                    + "\(contract.weight.shape)) do not fit together")
        self.norm1 = norm1
        self.attention = attention
        self.norm2 = norm2
        self.expand = expand
        self.contract = contract
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        func prefixed(_ prefix: String, _ layer: any Layer) -> [(name: String, tensor: Tensor)] {
            layer.namedParameters.map { ("\(prefix).\($0.name)", $0.tensor) }
        }
        return prefixed("ln_1", norm1) + prefixed("attn", attention) + prefixed("ln_2", norm2)
            + prefixed("mlp.c_fc", expand) + prefixed("mlp.c_proj", contract)
    }

    /// The block applied to `[batch, T, width]`.
    ///
    /// - Determinism: as its layers; in evaluation each position depends on its own sequence up to
    ///   that position only (G9).
    /// - Throws: the first layer's error.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let attended = try attention.forward(try norm1.forward(input, context: context.child(0)), context: context.child(1))
        context.trace("attn", attended)
        let x = try input + attended
        var h = try expand.forward(try norm2.forward(x, context: context.child(2)), context: context.child(3)).gelu()
        h = try contract.forward(h, context: context.child(4))
        if attention.dropout > 0, context.training {
            h = try h.dropout(probability: attention.dropout, key: context.child(5).layerKey(), training: true)
        }
        context.trace("mlp", h)
        return try x + h
    }
}
