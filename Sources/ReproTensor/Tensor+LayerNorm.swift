/// Layer normalization, on ``LayerNormKernel``.
extension Tensor {
    /// Normalizes over the last axis, then scales by `weight` and shifts by `bias` (each of the
    /// last axis's length, or nil): PyTorch `F.layer_norm(x, (x.shape[-1],), weight, bias, eps)`.
    ///
    /// Gradients flow to the input, `weight` and `bias` (see ``LayerNormKernel`` for the formulas).
    ///
    /// - Determinism: identical bits for any thread count; each row's result depends on that row
    ///   only, so a sample gets the same bits in a batch of any size (G9).
    /// - Throws: ``TensorError`` for an empty last axis, a `weight` or `bias` whose shape is not
    ///   `[x.shape.last]`, or an `eps` that is negative or not finite.
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        let (rows, cols) = try lastAxisView("layer_norm")
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter, parameter.shape != [cols] {
                throw TensorError("layer_norm", "\(name) must have shape [\(cols)] for input \(shape), got \(parameter.shape)")
            }
        }
        guard eps >= 0, eps.isFinite else { throw TensorError("layer_norm", "eps \(eps) must be finite and non-negative") }
        let x = self
        var mean = [Float](repeating: 0, count: rows)
        var rstd = [Float](repeating: 0, count: rows)
        let y = Tensor.filled(x.count) { out in
            withOptionalPointer(weight?.scalars) { w in
                withOptionalPointer(bias?.scalars) { b in
                    LayerNormKernel.forward(x.scalars, weight: w, bias: b, rows: rows, cols: cols, eps: eps, into: out,
                                            mean: &mean, rstd: &rstd)
                }
            }
        }
        let (savedMean, savedRstd) = (mean, rstd)
        let inputs = [x] + [weight, bias].compactMap { $0 }
        return Tensor.result(x.shape, y, op: "layer_norm", inputs: inputs) { g in
            var dx: [Float]? = x.requiresGrad ? [Float](repeating: 0, count: x.count) : nil
            var dw: [Float]? = weight?.requiresGrad == true ? [Float](repeating: 0, count: cols) : nil
            var db: [Float]? = bias?.requiresGrad == true ? [Float](repeating: 0, count: cols) : nil
            withOptionalPointer(weight?.scalars) { w in
                dx.withUnsafeMutableOptionalPointer { pdx in
                    dw.withUnsafeMutableOptionalPointer { pdw in
                        db.withUnsafeMutableOptionalPointer { pdb in
                            LayerNormKernel.backward(x.scalars, weight: w, mean: savedMean, rstd: savedRstd, gradOutput: g,
                                                     rows: rows, cols: cols, dx: pdx, dweight: pdw, dbias: pdb)
                        }
                    }
                }
            }
            return [dx] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
        }
    }
}

/// Calls `body` with a pointer to the array's elements, or nil when there is no array.
func withOptionalPointer<T>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> T) -> T {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
