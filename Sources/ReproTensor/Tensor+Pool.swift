/// 2-D max pooling.
extension Tensor {
    /// The maximum over each `kernel`×`kernel` window of an input `[N, C, H, W]`, windows `stride`
    /// apart (default: `kernel`, no overlap), without padding (PyTorch `F.max_pool2d(input, kernel,
    /// stride)`). The result is `[N, C, HO, WO]` with `HO = (H − kernel) / stride + 1` (rounded
    /// down), and likewise `WO`.
    ///
    /// Windows are scanned row by row; the first maximum wins ties, and a NaN wins over any number
    /// (PyTorch propagates NaN too). The gradient of each output goes to the input element it took;
    /// where windows overlap, an input element taken by several outputs sums their gradients in
    /// output order.
    ///
    /// - Determinism: identical bits for any thread count (parallel over (n, c) planes).
    /// - Throws: ``TensorError`` when the input is not rank 4, `kernel` or `stride` is below 1, or
    ///   the window is larger than the input.
    public func maxPool2d(kernel: Int, stride: Int? = nil) throws -> Tensor {
        try maxPool2d(kernel: (kernel, kernel), stride: stride.map { ($0, $0) })
    }

    /// ``maxPool2d(kernel:stride:)`` with a window and a stride per axis, each given as
    /// (vertical, horizontal) (PyTorch `F.max_pool2d(input, (kh, kw), (sh, sw))`).
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil) throws -> Tensor {
        let (kh, kw) = kernel
        let (sy, sx) = stride ?? kernel
        guard rank == 4 else {
            throw TensorError("max_pool2d", "input must be [N, C, H, W], got shape \(shape)")
        }
        guard kh >= 1, kw >= 1, sy >= 1, sx >= 1 else {
            throw TensorError("max_pool2d", "kernel \(kernel) and stride \((sy, sx)) must be at least 1")
        }
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        guard kh <= height, kw <= width else {
            throw TensorError("max_pool2d", "kernel \(kh)×\(kw) is larger than the input \(height)×\(width) "
                + "of shape \(shape)")
        }
        let (outHeight, outWidth) = ((height - kh) / sy + 1, (width - kw) / sx + 1)
        let (inPlane, outPlane) = (height * width, outHeight * outWidth)
        var out = [Float](repeating: 0, count: planes * outPlane)
        // For each output, the offset of the input element it took.
        var taken = [Int](repeating: 0, count: planes * outPlane)
        scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                taken.withUnsafeMutableBufferPointer { taken in
                    Parallel.forEach(chunks: planes) { plane in
                        for oh in 0..<outHeight {
                            for ow in 0..<outWidth {
                                var best = plane * inPlane + oh * sy * width + ow * sx
                                for i in 0..<kh {
                                    for j in 0..<kw {
                                        let at = plane * inPlane + (oh * sy + i) * width + ow * sx + j
                                        if x[at] > x[best] || (x[at].isNaN && !x[best].isNaN) { best = at }
                                    }
                                }
                                let o = plane * outPlane + oh * outWidth + ow
                                y[o] = x[best]
                                taken[o] = best
                            }
                        }
                    }
                }
            }
        }
        let x = self
        let resultShape = [shape[0], shape[1], outHeight, outWidth]
        return Tensor.result(resultShape, out, op: "max_pool2d", inputs: [x]) { [taken] g in
            var grad = [Float](repeating: 0, count: x.count)
            grad.withUnsafeMutableBufferPointer { dx in
                // Every output of a plane took an element of the same input plane.
                Parallel.forEach(chunks: planes) { plane in
                    for o in (plane * outPlane)..<((plane + 1) * outPlane) { dx[taken[o]] += g[o] }
                }
            }
            return [grad]
        }
    }
}
