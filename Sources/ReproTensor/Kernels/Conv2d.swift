/// The sizes of a 2-D convolution of `[batch, inChannels, height, width]` with a weight of
/// `[outChannels, inChannels, kernelHeight, kernelWidth]`, and its kernels: forward, gradient with
/// respect to the input, the weight and the bias. Buffers are contiguous and row-major.
///
/// The forward, input-gradient and weight-gradient kernels each have a naive twin that documents
/// the math, one output element at a time, and that tests compare them with. The fast kernels go
/// through patch matrices (im2col, col2im) so that the innermost loop runs along a
/// long contiguous row, but add each element's terms in the naive order: fast and naive give
/// identical bits. Zero padding is literal, as in PyTorch: a tap in the padding reads 0.
///
/// - Determinism: work is split over outputs (output channels of one sample after another,
///   input-gradient planes, weight-gradient rows); each element is reduced in one fixed order on
///   one thread, so the bits are the same for any thread count.
struct Conv2dGeometry {
    let batch, inChannels, height, width: Int
    let outChannels, kernelHeight, kernelWidth: Int
    let strideY, strideX, padY, padX: Int

    var outHeight: Int { (height + 2 * padY - kernelHeight) / strideY + 1 }
    var outWidth: Int { (width + 2 * padX - kernelWidth) / strideX + 1 }
    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }
    var taps: Int { kernelHeight * kernelWidth }
    /// The length of a patch: the weights of one output channel.
    var patch: Int { inChannels * taps }
    var inputCount: Int { batch * inChannels * inPlane }
    var weightCount: Int { outChannels * patch }
    var outputCount: Int { batch * outChannels * outPlane }

    /// The output indices `o` whose input index `o * stride + tap - pad` lies in `0..<inSize`.
    static func validOutputs(tap: Int, pad: Int, stride: Int, inSize: Int, outSize: Int) -> Range<Int> {
        let first = tap - pad
        let low = first >= 0 ? 0 : (stride - 1 - first) / stride
        let last = inSize - 1 - first
        let high = last < 0 ? 0 : Swift.min(outSize, last / stride + 1)
        return low..<Swift.max(low, high)
    }

    func validRows(_ kh: Int) -> Range<Int> {
        Self.validOutputs(tap: kh, pad: padY, stride: strideY, inSize: height, outSize: outHeight)
    }

    func validColumns(_ kw: Int) -> Range<Int> {
        Self.validOutputs(tap: kw, pad: padX, stride: strideX, inSize: width, outSize: outWidth)
    }

    // MARK: - Fast kernels

    /// Writes channel `c` of sample `n` as patch rows (im2col): for k = (c, kh, kw) and output
    /// position p = (oh, ow), the input under tap k at p, or 0 in the padding, at `k * outPlane + p`,
    /// or at `p * patch + k` when `transposed`.
    func im2col(
        _ x: UnsafePointer<Float>, sample n: Int, channel c: Int, transposed: Bool, into cols: UnsafeMutablePointer<Float>
    ) {
        let src = x + (n * inChannels + c) * inPlane
        for kh in 0..<kernelHeight {
            for kw in 0..<kernelWidth {
                let k = c * taps + kh * kernelWidth + kw
                for oh in 0..<outHeight {
                    for ow in 0..<outWidth {
                        let p = oh * outWidth + ow
                        let value = inputOffset(oh, ow, kh, kw).map { src[$0] } ?? 0
                        cols[transposed ? p * patch + k : k * outPlane + p] = value
                    }
                }
            }
        }
    }

    /// `y[n, o, p] = Σ_k w[o, k] · cols_n[k, p]` over k = (c, kh, kw) in order, then `+ bias[o]`.
    /// For each sample: im2col in parallel over channels, then parallel over output channels.
    func forward(input: [Float], weight: [Float], bias: [Float]?) -> [Float] {
        var out = [Float](repeating: 0, count: outputCount)
        var cols = [Float](repeating: 0, count: patch * outPlane)
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { y in
                    cols.withUnsafeMutableBufferPointer { cols in
                        for n in 0..<batch {
                            Parallel.forEach(chunks: inChannels) { c in
                                im2col(x.baseAddress!, sample: n, channel: c, transposed: false, into: cols.baseAddress!)
                            }
                            Parallel.forEach(chunks: outChannels) { o in
                                let dst = y.baseAddress! + (n * outChannels + o) * outPlane
                                for k in 0..<patch {
                                    let wv = w[o * patch + k]
                                    let col = cols.baseAddress! + k * outPlane
                                    for p in 0..<outPlane { dst[p] += wv * col[p] }
                                }
                                if let bias {
                                    for p in 0..<outPlane { dst[p] += bias[o] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dx[n, c, ih, iw] = Σ_{kh, kw} (Σ_o g[n, o, oh, ow] · w[o, c, kh, kw])` over the taps that
    /// read (ih, iw): each tap's sum over o (in order), added tap by tap in order (col2im).
    /// Parallel over (n, c) input planes.
    func inputGradient(output g: [Float], weight: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: inputCount)
        g.withUnsafeBufferPointer { g in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { dx in
                    Parallel.forEach(chunks: batch * inChannels) { plane in
                        let (n, c) = plane.quotientAndRemainder(dividingBy: inChannels)
                        // The gradient of channel c's patch rows: [taps, outPlane].
                        var rows = [Float](repeating: 0, count: taps * outPlane)
                        rows.withUnsafeMutableBufferPointer { rows in
                            for tap in 0..<taps {
                                let row = rows.baseAddress! + tap * outPlane
                                for o in 0..<outChannels {
                                    let wv = w[o * patch + c * taps + tap]
                                    let src = g.baseAddress! + (n * outChannels + o) * outPlane
                                    for p in 0..<outPlane { row[p] += src[p] * wv }
                                }
                            }
                            let dst = dx.baseAddress! + plane * inPlane
                            for kh in 0..<kernelHeight {
                                for kw in 0..<kernelWidth {
                                    let row = rows.baseAddress! + (kh * kernelWidth + kw) * outPlane
                                    let columns = validColumns(kw)
                                    for oh in validRows(kh) {
                                        let base = (oh * strideY + kh - padY) * width + kw - padX
                                        for ow in columns { dst[base + ow * strideX] += row[oh * outWidth + ow] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dw[o, k] = Σ_{n, p} g[n, o, p] · cols_n[k, p]` in order (n, p), where p = (oh, ow). For each
    /// sample: im2col (transposed) in parallel over channels, then parallel over output channels;
    /// never over the batch.
    func weightGradient(output g: [Float], input: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: weightCount)
        var cols = [Float](repeating: 0, count: outPlane * patch)
        g.withUnsafeBufferPointer { g in
            input.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { dw in
                    cols.withUnsafeMutableBufferPointer { cols in
                        for n in 0..<batch {
                            Parallel.forEach(chunks: inChannels) { c in
                                im2col(x.baseAddress!, sample: n, channel: c, transposed: true, into: cols.baseAddress!)
                            }
                            Parallel.forEach(chunks: outChannels) { o in
                                let dst = dw.baseAddress! + o * patch
                                let src = g.baseAddress! + (n * outChannels + o) * outPlane
                                for p in 0..<outPlane {
                                    let gv = src[p]
                                    let col = cols.baseAddress! + p * patch
                                    for k in 0..<patch { dst[k] += gv * col[k] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `db[o] = Σ_{n, oh, ow} g[n, o, oh, ow]` in order (n, oh, ow). Parallel over o.
    func biasGradient(output g: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: outChannels)
        g.withUnsafeBufferPointer { g in
            out.withUnsafeMutableBufferPointer { db in
                Parallel.forEach(chunks: outChannels) { o in
                    var sum: Float = 0
                    for n in 0..<batch {
                        let plane = g.baseAddress! + (n * outChannels + o) * outPlane
                        for p in 0..<outPlane { sum += plane[p] }
                    }
                    db[o] = sum
                }
            }
        }
        return out
    }

    // MARK: - Naive reference kernels

    /// The input element under output (oh, ow) and tap (kh, kw), or nil in the zero padding.
    func inputOffset(_ oh: Int, _ ow: Int, _ kh: Int, _ kw: Int) -> Int? {
        let ih = oh * strideY + kh - padY
        let iw = ow * strideX + kw - padX
        guard (0..<height).contains(ih), (0..<width).contains(iw) else { return nil }
        return ih * width + iw
    }

    /// ``forward(input:weight:bias:)``, one output element at a time.
    func forwardNaive(input x: [Float], weight w: [Float], bias: [Float]?) -> [Float] {
        var y = [Float](repeating: 0, count: outputCount)
        for n in 0..<batch {
            for o in 0..<outChannels {
                for oh in 0..<outHeight {
                    for ow in 0..<outWidth {
                        var sum: Float = 0
                        for c in 0..<inChannels {
                            for kh in 0..<kernelHeight {
                                for kw in 0..<kernelWidth {
                                    let value = inputOffset(oh, ow, kh, kw).map { x[(n * inChannels + c) * inPlane + $0] }
                                    sum += w[(o * inChannels + c) * taps + kh * kernelWidth + kw] * (value ?? 0)
                                }
                            }
                        }
                        y[((n * outChannels + o) * outHeight + oh) * outWidth + ow] = bias.map { sum + $0[o] } ?? sum
                    }
                }
            }
        }
        return y
    }

    /// ``inputGradient(output:weight:)``, one input element at a time: for each tap that reads
    /// it, the sum over output channels, added tap by tap.
    func inputGradientNaive(output g: [Float], weight w: [Float]) -> [Float] {
        var dx = [Float](repeating: 0, count: inputCount)
        for n in 0..<batch {
            for c in 0..<inChannels {
                for ih in 0..<height {
                    for iw in 0..<width {
                        var sum: Float = 0
                        for kh in 0..<kernelHeight {
                            for kw in 0..<kernelWidth {
                                let (oh, rh) = (ih + padY - kh).quotientAndRemainder(dividingBy: strideY)
                                let (ow, rw) = (iw + padX - kw).quotientAndRemainder(dividingBy: strideX)
                                guard rh == 0, rw == 0, (0..<outHeight).contains(oh),
                                      (0..<outWidth).contains(ow) else { continue }
                                var tapSum: Float = 0
                                for o in 0..<outChannels {
                                    tapSum += g[((n * outChannels + o) * outHeight + oh) * outWidth + ow]
                                        * w[(o * inChannels + c) * taps + kh * kernelWidth + kw]
                                }
                                sum += tapSum
                            }
                        }
                        dx[(n * inChannels + c) * inPlane + ih * width + iw] = sum
                    }
                }
            }
        }
        return dx
    }

    /// ``weightGradient(output:input:)``, one weight element at a time.
    func weightGradientNaive(output g: [Float], input x: [Float]) -> [Float] {
        var dw = [Float](repeating: 0, count: weightCount)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for kh in 0..<kernelHeight {
                    for kw in 0..<kernelWidth {
                        var sum: Float = 0
                        for n in 0..<batch {
                            for oh in 0..<outHeight {
                                for ow in 0..<outWidth {
                                    let value = inputOffset(oh, ow, kh, kw).map { x[(n * inChannels + c) * inPlane + $0] }
                                    sum += g[((n * outChannels + o) * outHeight + oh) * outWidth + ow] * (value ?? 0)
                                }
                            }
                        }
                        dw[(o * inChannels + c) * taps + kh * kernelWidth + kw] = sum
                    }
                }
            }
        }
        return dw
    }
}
