/// 2-D convolution.
extension Tensor {
    /// The 2-D cross-correlation of an input `[N, C, H, W]` with `weight` `[O, C, KH, KW]`, plus
    /// `bias` `[O]` when given, with one stride and one zero padding for both axes (PyTorch
    /// `F.conv2d(input, weight, bias, stride, padding)`). The result is `[N, O, HO, WO]` with
    /// `HO = (H + 2·padding − KH) / stride + 1` (rounded down), and likewise `WO`.
    ///
    /// - Determinism: identical bits for any thread count. Each output element sums its terms in
    ///   order (c, kh, kw) and then adds the bias; each input-gradient element adds, tap by tap in
    ///   order (kh, kw), that tap's sum over o; each weight- and bias-gradient element sums over
    ///   (n, oh, ow) in order. Every sum runs on one thread.
    /// - Throws: ``TensorError`` naming the shapes when they do not fit, when `stride < 1` or
    ///   `padding < 0`, or when the kernel is larger than the padded input.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) throws -> Tensor {
        try conv2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding))
    }

    /// ``conv2d(weight:bias:stride:padding:)`` with a stride and a padding per axis, each given as
    /// (vertical, horizontal) (PyTorch `F.conv2d(…, stride=(sh, sw), padding=(ph, pw))`).
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int), padding: (Int, Int)) throws -> Tensor {
        let geometry = try conv2dGeometry(weight: weight, bias: bias, stride: stride, padding: padding)
        let x = self
        let w = weight
        let y = geometry.forward(input: x.scalars, weight: w.scalars, bias: bias?.scalars)
        let shape = [geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth]
        return Tensor.result(shape, y, op: "conv2d", inputs: [x, w] + (bias.map { [$0] } ?? [])) { g in
            [x.requiresGrad ? geometry.inputGradient(output: g, weight: w.scalars) : nil,
             w.requiresGrad ? geometry.weightGradient(output: g, input: x.scalars) : nil]
                + (bias.map { [$0.requiresGrad ? geometry.biasGradient(output: g) : nil] } ?? [])
        }
    }

    func conv2dGeometry(weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int)) throws
        -> Conv2dGeometry {
        guard rank == 4 else {
            throw TensorError("conv2d", "input must be [N, C, H, W], got shape \(shape)")
        }
        guard weight.rank == 4 else {
            throw TensorError("conv2d", "weight must be [O, C, KH, KW], got shape \(weight.shape)")
        }
        guard weight.shape[1] == shape[1] else {
            throw TensorError.shapes("conv2d", shape, weight.shape,
                                     "input has \(shape[1]) channels, weight expects \(weight.shape[1])")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw TensorError.shapes("conv2d", weight.shape, bias.shape, "bias must be [\(weight.shape[0])]")
        }
        guard stride.0 >= 1, stride.1 >= 1, padding.0 >= 0, padding.1 >= 0 else {
            throw TensorError("conv2d", "stride \(stride) must be at least 1 and padding \(padding) at least 0")
        }
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        guard kh >= 1, kw >= 1, kh <= shape[2] + 2 * padding.0, kw <= shape[3] + 2 * padding.1 else {
            throw TensorError.shapes("conv2d", shape, weight.shape,
                                     "kernel \(kh)×\(kw) must be non-empty and fit in the input padded by \(padding)")
        }
        return Conv2dGeometry(batch: shape[0], inChannels: shape[1], height: shape[2], width: shape[3],
                              outChannels: weight.shape[0], kernelHeight: kh, kernelWidth: kw,
                              strideY: stride.0, strideX: stride.1, padY: padding.0, padX: padding.1)
    }
}
