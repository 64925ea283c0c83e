/// Reductions, softmax and losses, on the kernels of ``Reduce``.
///
/// - Determinism: long sums are split into blocks whose boundaries depend on the length only and
///   combined in a fixed tree, so bits do not depend on the thread count.
extension Tensor {
    /// The sum of all elements, a scalar (PyTorch `sum()`).
    public func sum() -> Tensor {
        let x = self
        let total = Reduce.sum(x.scalars, count: x.count)
        return Tensor.result([], [total], op: "sum", inputs: [x]) { g in
            [Array(repeating: g[0], count: x.count)]
        }
    }

    /// The mean of all elements, a scalar (PyTorch `mean()`).
    public func mean() -> Tensor {
        let x = self
        let n = Float(max(x.count, 1))
        let total = Reduce.sum(x.scalars, count: x.count) / n
        return Tensor.result([], [total], op: "mean", inputs: [x]) { g in
            [Array(repeating: g[0] / n, count: x.count)]
        }
    }

    /// The sum over `axis`, which is removed from the shape (PyTorch `sum(dim=axis)`); negative axes
    /// count from the end.
    public func sum(axis: Int) throws -> Tensor {
        let (outer, length, inner, d) = try axisView(axis, "sum")
        let x = self
        let out = Tensor.filled(outer * inner) {
            Reduce.sum(x.scalars, outer: outer, axis: length, inner: inner, into: $0)
        }
        var shape = x.shape
        shape.remove(at: d)
        return Tensor.result(shape, out, op: "sum", inputs: [x]) { g in
            var grad = Array(repeating: Float(0), count: x.count)
            for o in 0..<outer {
                for a in 0..<length {
                    for i in 0..<inner { grad[(o * length + a) * inner + i] = g[o * inner + i] }
                }
            }
            return [grad]
        }
    }

    /// The mean over `axis`, which is removed from the shape (PyTorch `mean(dim=axis)`).
    public func mean(axis: Int) throws -> Tensor {
        let d = try normalizedAxis(axis, "mean")
        return try sum(axis: d) * (1 / Float(max(shape[d], 1)))
    }

    /// The maximum over the last axis (PyTorch `amax(dim=-1)`); the gradient goes to the first
    /// maximal element of each row.
    public func amax() throws -> Tensor {
        let (rows, cols) = try lastAxisView("max")
        let x = self
        let index = argmaxRows(rows, cols)
        let out = (0..<rows).map { x.scalars[$0 * cols + index[$0]] }
        return Tensor.result(Array(x.shape.dropLast()), out, op: "max", inputs: [x]) { g in
            var grad = Array(repeating: Float(0), count: x.count)
            for r in 0..<rows { grad[r * cols + index[r]] = g[r] }
            return [grad]
        }
    }

    /// The index of the first maximum over the last axis (PyTorch `argmax(dim=-1)`).
    public func argmax() throws -> [Int] {
        let (rows, cols) = try lastAxisView("argmax")
        return argmaxRows(rows, cols)
    }

    /// Softmax over the last axis, computed stably as exp(x - max) / Σ exp(x - max).
    public func softmax() throws -> Tensor {
        let (rows, cols) = try lastAxisView("softmax")
        let x = self
        let y = Tensor.filled(x.count) { Reduce.softmax(x.scalars, rows: rows, cols: cols, into: $0) }
        return Tensor.result(x.shape, y, op: "softmax", inputs: [x]) { g in
            [Tensor.filled(g.count) { Reduce.softmaxBackward(output: y, gradOutput: g, rows: rows, cols: cols, into: $0) }]
        }
    }

    /// Log-softmax over the last axis: x - max - log Σ exp(x - max).
    public func logSoftmax() throws -> Tensor {
        let (rows, cols) = try lastAxisView("log_softmax")
        let x = self
        let y = x.logSoftmaxRows(rows, cols)
        return Tensor.result(x.shape, y, op: "log_softmax", inputs: [x]) { g in
            [Tensor.filled(g.count) {
                Reduce.logSoftmaxBackward(output: y, gradOutput: g, rows: rows, cols: cols, into: $0)
            }]
        }
    }

    /// Cross-entropy of logits `[batch, classes]` against integer labels, averaged over the batch
    /// (PyTorch `cross_entropy(logits, labels)`), fused: the gradient is (softmax − one-hot) / batch.
    ///
    /// - Throws: ``TensorError`` for a shape that is not `[batch, classes]`, a label count that is not
    ///   the batch size, or a label outside `0..<classes`.
    public func crossEntropy(labels: [Int]) throws -> Tensor {
        let (rows, cols) = try crossEntropyView(labels)
        let x = self
        let logp = logSoftmaxRows(rows, cols)
        var loss: Float = 0
        for r in 0..<rows { loss -= logp[r * cols + labels[r]] }
        loss /= Float(max(rows, 1))
        return Tensor.result([], [loss], op: "cross_entropy", inputs: [x]) { g in
            let scale = g[0] / Float(max(rows, 1))
            var grad = Tensor.filled(logp.count) {
                Elementwise.unary(.exp, logp, into: $0, count: logp.count)
                Elementwise.binary(.mul, $0, scalar: scale, into: $0, count: logp.count)
            }
            for r in 0..<rows { grad[r * cols + labels[r]] -= scale }
            return [grad]
        }
    }

    /// The cross-entropy of each row of logits `[batch, classes]` against its integer label, a
    /// tensor `[batch]` (PyTorch `cross_entropy(logits, labels, reduction='none')`): row r is
    /// `-logSoftmax(logits[r])[labels[r]]`. The gradient of row r is `(softmax − one-hot) · g[r]`.
    ///
    /// - Determinism: identical bits for any thread count; each row's loss depends on that row
    ///   only, so per-sample losses (and means of them taken in sample order) do not depend on the
    ///   batch they were computed in (G9). ``crossEntropy(labels:)``'s batch mean does.
    /// - Throws: as ``crossEntropy(labels:)``.
    public func crossEntropyPerSample(labels: [Int]) throws -> Tensor {
        let (rows, cols) = try crossEntropyView(labels)
        let x = self
        let logp = logSoftmaxRows(rows, cols)
        let losses = (0..<rows).map { -logp[$0 * cols + labels[$0]] }
        return Tensor.result([rows], losses, op: "cross_entropy", inputs: [x]) { g in
            var grad = Tensor.filled(logp.count) { Elementwise.unary(.exp, logp, into: $0, count: logp.count) }
            for r in 0..<rows {
                for c in 0..<cols { grad[r * cols + c] *= g[r] }
                grad[r * cols + labels[r]] -= g[r]
            }
            return [grad]
        }
    }

    /// (rows, classes) of logits `[batch, classes]` after checking the labels against them.
    private func crossEntropyView(_ labels: [Int]) throws -> (Int, Int) {
        guard rank == 2 else {
            throw TensorError("cross_entropy", "logits must be [batch, classes], got shape \(shape)")
        }
        let (rows, cols) = (shape[0], shape[1])
        guard labels.count == rows else {
            throw TensorError("cross_entropy", "\(labels.count) labels for logits of shape \(shape)")
        }
        if let bad = labels.first(where: { !(0..<cols).contains($0) }) {
            throw TensorError("cross_entropy", "label \(bad) is outside 0..<\(cols) for logits of shape \(shape)")
        }
        return (rows, cols)
    }

    /// Mean squared error against `target` of the same shape (PyTorch `mse_loss`).
    public func mseLoss(_ target: Tensor) throws -> Tensor {
        guard shape == target.shape else {
            throw TensorError.shapes("mse_loss", shape, target.shape, "input and target must have the same shape")
        }
        let difference = try self - target
        return try (difference * difference).mean()
    }

    // MARK: - Views

    func normalizedAxis(_ axis: Int, _ op: String) throws -> Int {
        let d = axis < 0 ? axis + rank : axis
        guard (0..<rank).contains(d) else {
            throw TensorError(op, "axis \(axis) is out of range for shape \(shape)")
        }
        return d
    }

    /// (outer, axis length, inner, normalized axis) for reducing over `axis`.
    func axisView(_ axis: Int, _ op: String) throws -> (Int, Int, Int, Int) {
        let d = try normalizedAxis(axis, op)
        return (shape[..<d].reduce(1, *), shape[d], shape[(d + 1)...].reduce(1, *), d)
    }

    /// (rows, columns) for an op over the last axis, which must be non-empty.
    func lastAxisView(_ op: String) throws -> (Int, Int) {
        guard let cols = shape.last, cols > 0 else {
            throw TensorError(op, "needs a tensor with a non-empty last axis, got shape \(shape)")
        }
        return (count / cols, cols)
    }

    func argmaxRows(_ rows: Int, _ cols: Int) -> [Int] {
        [Int](unsafeUninitializedCapacity: rows) { buffer, initialized in
            Reduce.max(scalars, rows: rows, cols: cols, values: nil, indices: buffer.baseAddress)
            initialized = rows
        }
    }

    func logSoftmaxRows(_ rows: Int, _ cols: Int) -> [Float] {
        Tensor.filled(count) { Reduce.logSoftmax(scalars, rows: rows, cols: cols, into: $0) }
    }
}
