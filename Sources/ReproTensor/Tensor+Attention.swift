/// Causal softmax and scaled dot-product attention, on ``Reduce`` and the batched products.
extension Tensor {
    /// Softmax over the last axis of attention scores `[…, T, T]` with keys after the query masked
    /// (PyTorch `scores.masked_fill(upper_triangle, -inf).softmax(-1)`): row i is the softmax of its
    /// first i + 1 elements, then zeros (``Reduce/causalSoftmax(_:rows:cols:into:)``).
    ///
    /// - Determinism: identical bits for any thread count; a row depends on its unmasked elements
    ///   only (G9).
    /// - Throws: ``TensorError`` when the last two dimensions are not equal and non-zero.
    public func causalSoftmax() throws -> Tensor {
        guard rank >= 2, shape[rank - 1] == shape[rank - 2], shape[rank - 1] > 0 else {
            throw TensorError("causal_softmax", "needs scores [..., T, T] with T >= 1, got shape \(shape)")
        }
        let (rows, cols) = (count / shape[rank - 1], shape[rank - 1])
        let x = self
        let y = Tensor.filled(x.count) { Reduce.causalSoftmax(x.scalars, rows: rows, cols: cols, into: $0) }
        return Tensor.result(x.shape, y, op: "causal_softmax", inputs: [x]) { g in
            [Tensor.filled(g.count) { Reduce.causalSoftmaxBackward(output: y, gradOutput: g, rows: rows, cols: cols, into: $0) }]
        }
    }

    /// Causal scaled dot-product attention of `query`, `key` and `value`, each `[batch, heads, T,
    /// headSize]` (PyTorch `F.scaled_dot_product_attention(q, k, v, is_causal=True)` written out as
    /// nanoGPT's slow path): `causalSoftmax((q · kᵀ) · scale) · v` with
    /// `scale = Float(1 / sqrt(Double(headSize)))`.
    ///
    /// - Determinism: identical bits for any thread count; a query position's result depends on
    ///   the positions up to it in its own sequence only (G9).
    /// - Throws: ``TensorError`` when the three shapes are not one `[batch, heads, T, headSize]`.
    public static func causalAttention(query: Tensor, key: Tensor, value: Tensor) throws -> Tensor {
        guard query.rank == 4, key.shape == query.shape, value.shape == query.shape else {
            throw TensorError.shapes("attention", query.shape, key.shape,
                                     "query, key and value must be one shape [batch, heads, T, headSize]; value is \(value.shape)")
        }
        let scale = Float(1 / Double(query.shape[3]).squareRoot())
        let scores = try query.batchedMatmul(transposed: key) * scale
        return try scores.causalSoftmax().batchedMatmul(value)
    }
}
