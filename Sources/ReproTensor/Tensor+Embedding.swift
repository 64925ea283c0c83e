/// Embedding lookup and its gradient, the scatter-add.
extension Tensor {
    /// The rows of `table` `[vocab, dim]` at `indices`, as `[indices.count, dim]` (PyTorch
    /// `F.embedding(indices, table)`).
    ///
    /// The gradient with respect to `table` is a scatter-add of the output gradient's rows (see
    /// ``scatterAdd(_:indices:rowCount:mode:)``). Its ``ScatterAddMode`` is chosen when the op is
    /// recorded, by ``ScatterAddMode/preferred(under:)`` for ``Determinism/settings``:
    /// `.deterministic` by default and under `warnOnly`; `.atomic` when `deterministicAlgorithms` is
    /// off, after ``Determinism/checkNondeterministic(_:reason:)`` for
    /// `embedding backward (atomic scatter-add)`.
    ///
    /// - Determinism: the forward copies rows. The gradient has identical bits for any thread count
    ///   under the default settings; with nondeterminism allowed, a row looked up several times can
    ///   get different bits from run to run.
    /// - Throws: ``TensorError`` when `table` is not a matrix or an index is outside `0..<vocab`.
    public static func embedding(indices: [Int], table: Tensor) throws -> Tensor {
        guard table.rank == 2 else {
            throw TensorError("embedding", "table must be [vocab, dim], got shape \(table.shape)")
        }
        let (vocab, dim) = (table.shape[0], table.shape[1])
        if let bad = indices.first(where: { !(0..<vocab).contains($0) }) {
            throw TensorError("embedding", "index \(bad) is outside 0..<\(vocab) for a table of shape \(table.shape)")
        }
        let mode = ScatterAddMode.preferred(under: Determinism.settings)
        if isGradEnabled, table.requiresGrad, !mode.isDeterministic {
            try Determinism.checkNondeterministic("embedding backward (atomic scatter-add)",
                                                  reason: ScatterAddMode.atomicReason)
        }
        var rows = [Float]()
        rows.reserveCapacity(indices.count * dim)
        for i in indices { rows += table.scalars[(i * dim)..<((i + 1) * dim)] }
        return Tensor.result([indices.count, dim], rows, op: "embedding", inputs: [table]) { g in
            [ScatterAddKernel.run(mode, source: g, indices: indices, width: dim, rows: vocab)]
        }
    }

    /// Zeros of shape `[rowCount] + source.shape.dropFirst()`, with row `i` of `source` added into
    /// row `indices[i]` (PyTorch `torch.zeros(rowCount, …).index_add_(0, indices, source)`).
    ///
    /// Rows that several indices share are summed as `mode` says. The gradient with respect to
    /// `source` gathers the output gradient's rows at `indices`.
    ///
    /// - Determinism: `.deterministic`: identical bits for any thread count. `.atomic`: none; it runs
    ///   only where ``Determinism/settings`` allow nondeterminism (it is the op's only
    ///   implementation, so it is checked under the name `scatter_add (atomic)`).
    /// - Throws: ``NondeterministicOperationError`` for `.atomic` when deterministic algorithms are
    ///   required; ``TensorError`` when `source` is a scalar, has a row count other than
    ///   `indices.count`, or an index is outside `0..<rowCount`.
    public static func scatterAdd(
        _ source: Tensor, indices: [Int], rowCount: Int, mode: ScatterAddMode = .deterministic
    ) throws -> Tensor {
        guard source.rank >= 1, source.shape[0] == indices.count else {
            throw TensorError("scatter_add", "source must have one row per index (\(indices.count)), "
                + "got shape \(source.shape)")
        }
        guard rowCount >= 0 else {
            throw TensorError("scatter_add", "row count \(rowCount) must be at least 0")
        }
        if let bad = indices.first(where: { !(0..<rowCount).contains($0) }) {
            throw TensorError("scatter_add", "index \(bad) is outside 0..<\(rowCount)")
        }
        if !mode.isDeterministic {
            try Determinism.checkNondeterministic("scatter_add (atomic)", reason: ScatterAddMode.atomicReason)
        }
        let tail = Array(source.shape.dropFirst())
        let width = tail.reduce(1, *)
        let out = ScatterAddKernel.run(mode, source: source.scalars, indices: indices, width: width, rows: rowCount)
        return Tensor.result([rowCount] + tail, out, op: "scatter_add", inputs: [source]) { g in
            var grad = [Float]()
            grad.reserveCapacity(indices.count * width)
            for i in indices { grad += g[(i * width)..<((i + 1) * width)] }
            return [grad]
        }
    }
}
