import ReproTensor

/// Layer normalization over the last axis (PyTorch `nn.LayerNorm(dimension, eps, bias)`), with a
/// learned scale `weight` (ones at first) and shift `bias` (zeros at first). Parameters: `weight`,
/// then `bias`.
public final class LayerNorm: Layer {
    /// `[dimension]`, initialised to ones.
    public let weight: Tensor
    /// `[dimension]`, initialised to zeros, or nil for a layer without bias.
    public let bias: Tensor?
    /// The term added to the variance.
    public let eps: Float

    /// The length of the normalised axis.
    public var dimension: Int { weight.shape[0] }

    /// A layer as PyTorch initialises one: weight ones, bias zeros.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `dimension` is below 1 or
    ///   `eps` is negative or not finite.
    public init(_ dimension: Int, eps: Float = 1e-5, bias: Bool = true) throws {
        try require(dimension >= 1, "LayerNorm", "dimension \(dimension) must be at least 1")
        try require(eps >= 0 && eps.isFinite, "LayerNorm", "eps \(eps) must be finite and non-negative")
        weight = try Initializer.constant([dimension], 1)
        self.bias = bias ? try Initializer.constant([dimension], 0) : nil
        self.eps = eps
    }

    /// `weight`, then `bias` when the layer has one.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// ``ReproTensor/Tensor/layerNorm(weight:bias:eps:)`` over the last axis.
    ///
    /// - Determinism: identical bits for any thread count; each position's result depends on that
    ///   position only (G9).
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the last dimension is not
    ///   `dimension`.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try require(input.rank >= 1 && input.shape.last == dimension, "LayerNorm",
                    "input must be [..., \(dimension)], got shape \(input.shape)")
        return try input.layerNorm(weight: weight, bias: bias, eps: eps)
    }
}
