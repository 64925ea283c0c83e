import ReproRandom
import ReproTensor

/// A fully connected layer, `y = x · weightᵀ + bias` (PyTorch `nn.Linear`), with `weight`
/// `[outFeatures, inFeatures]` and `bias` `[outFeatures]`. Parameters: `weight`, then `bias`.
public final class Linear: Layer {
    /// `[outFeatures, inFeatures]`, as in PyTorch.
    public let weight: Tensor
    /// `[outFeatures]`, or nil for a layer without bias.
    public let bias: Tensor?

    /// The input width.
    public var inFeatures: Int { weight.shape[1] }
    /// The output width.
    public var outFeatures: Int { weight.shape[0] }

    /// A layer initialized as PyTorch initializes `nn.Linear(inFeatures, outFeatures, bias)`,
    /// from `generator`: first the weight, `[outFeatures, inFeatures]` row-major, uniform in
    /// ±``Initializer/kaimingUniformBound(fanIn:)`` (≈ 1/√inFeatures); then the bias, uniform in
    /// ±``Initializer/biasBound(fanIn:)`` (1/√inFeatures). Each element is one Float64
    /// `generator.uniform(low:high:)` draw rounded to Float32 (see ``Initializer``). In numpy:
    ///
    /// ```python
    /// w = rng.uniform(-kaiming_bound, kaiming_bound, (out, in)).astype(np.float32)
    /// b = rng.uniform(-1 / math.sqrt(in), 1 / math.sqrt(in), out).astype(np.float32)
    /// ```
    ///
    /// - Determinism: a pure function of the generator's state; advances it by
    ///   `outFeatures · inFeatures (+ outFeatures)` draws.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when a size is below 1.
    public convenience init<Bits: BitGenerator>(
        _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using generator: inout Generator<Bits>
    ) throws {
        try require(inFeatures >= 1 && outFeatures >= 1, "Linear",
                    "inFeatures \(inFeatures) and outFeatures \(outFeatures) must be at least 1")
        let weight = try Initializer.uniform([outFeatures, inFeatures],
                                             bound: Initializer.kaimingUniformBound(fanIn: inFeatures),
                                             using: &generator)
        let bias = bias ? try Initializer.uniform([outFeatures], bound: Initializer.biasBound(fanIn: inFeatures),
                                                  using: &generator) : nil
        try self.init(weight: weight, bias: bias)
    }

    /// A layer with the given parameters (used as they are: pass tensors with `requiresGrad:
    /// true` to train them).
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `weight` is not a matrix or
    ///   `bias` is not `[weight.shape[0]]`.
    public init(weight: Tensor, bias: Tensor?) throws {
        try require(weight.rank == 2, "Linear", "weight must be [out, in], got shape \(weight.shape)")
        if let bias {
            try require(bias.shape == [weight.shape[0]], "Linear",
                        "bias must be [\(weight.shape[0])] for weight \(weight.shape), got shape \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
    }

    /// `weight`, then `bias` when the layer has one.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// `input · weightᵀ + bias` for an input `[…, inFeatures]` (rank 1 to 4); the leading
    /// dimensions are kept (PyTorch `F.linear`).
    ///
    /// - Determinism: the matrix product of ``ReproTensor``, then the bias added per element:
    ///   identical bits for any thread count.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the last dimension is not
    ///   `inFeatures`.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try require(input.rank >= 1 && input.shape.last == inFeatures, "Linear",
                    "input must be [..., \(inFeatures)], got shape \(input.shape)")
        let rows = input.rank == 2 ? input : try input.reshaped([-1, inFeatures])
        var output = try rows.matmul(transposed: weight)
        if let bias { output = try output + bias }
        return input.rank == 2 ? output : try output.reshaped(Array(input.shape.dropLast()) + [outFeatures])
    }
}
