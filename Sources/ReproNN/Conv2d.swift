import ReproRandom
import ReproTensor

/// A 2-D convolution layer (PyTorch `nn.Conv2d(inChannels, outChannels, kernelSize, stride,
/// padding)` with square kernels, zero padding, no dilation or groups), over an input
/// `[N, inChannels, H, W]`. Parameters: `weight` `[outChannels, inChannels, k, k]`, then `bias`
/// `[outChannels]`.
public final class Conv2d: Layer {
    /// `[outChannels, inChannels, kernelSize, kernelSize]`, as in PyTorch.
    public let weight: Tensor
    /// `[outChannels]`, or nil for a layer without bias.
    public let bias: Tensor?
    /// The step between windows, for both axes.
    public let stride: Int
    /// The zero padding added to each side, for both axes.
    public let padding: Int

    /// A layer initialized as PyTorch initializes `nn.Conv2d`, from `generator`, with
    /// `fanIn = inChannels · kernelSize²`: first the weight, `[outChannels, inChannels, k, k]`
    /// row-major, uniform in ±``Initializer/kaimingUniformBound(fanIn:)``; then the bias, uniform
    /// in ±``Initializer/biasBound(fanIn:)``. Each element is one Float64
    /// `generator.uniform(low:high:)` draw rounded to Float32 (see ``Initializer``).
    ///
    /// - Determinism: a pure function of the generator's state.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when a channel count, the kernel
    ///   size or the stride is below 1, or the padding is negative.
    public convenience init<Bits: BitGenerator>(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, using generator: inout Generator<Bits>
    ) throws {
        try require(inChannels >= 1 && outChannels >= 1 && kernelSize >= 1, "Conv2d",
                    "inChannels \(inChannels), outChannels \(outChannels) and kernelSize \(kernelSize) "
                        + "must be at least 1")
        let fanIn = inChannels * kernelSize * kernelSize
        let weight = try Initializer.uniform([outChannels, inChannels, kernelSize, kernelSize],
                                             bound: Initializer.kaimingUniformBound(fanIn: fanIn), using: &generator)
        let bias = bias ? try Initializer.uniform([outChannels], bound: Initializer.biasBound(fanIn: fanIn),
                                                  using: &generator) : nil
        try self.init(weight: weight, bias: bias, stride: stride, padding: padding)
    }

    /// A layer with the given parameters.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `weight` is not
    ///   `[out, in, k, k]` with `k ≥ 1`, `bias` is not `[out]`, `stride < 1` or `padding < 0`.
    public init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) throws {
        try require(weight.rank == 4 && weight.shape[2] == weight.shape[3] && weight.shape[2] >= 1, "Conv2d",
                    "weight must be [out, in, k, k], got shape \(weight.shape)")
        if let bias {
            try require(bias.shape == [weight.shape[0]], "Conv2d",
                        "bias must be [\(weight.shape[0])] for weight \(weight.shape), got shape \(bias.shape)")
        }
        try require(stride >= 1 && padding >= 0, "Conv2d",
                    "stride \(stride) must be at least 1 and padding \(padding) at least 0")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    /// The input channel count.
    public var inChannels: Int { weight.shape[1] }
    /// The output channel count.
    public var outChannels: Int { weight.shape[0] }
    /// The kernel's height and width.
    public var kernelSize: Int { weight.shape[2] }

    /// `weight`, then `bias` when the layer has one.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// ``ReproTensor/Tensor/conv2d(weight:bias:stride:padding:)``: `[N, out, HO, WO]` with
    /// `HO = (H + 2·padding − k) / stride + 1`.
    ///
    /// - Determinism: identical bits for any thread count (see the tensor op).
    /// - Throws: ``ReproTensor/TensorError`` when the input does not fit.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
