/// Matrix multiplication.
extension Tensor {
    /// `self · other` for `[m, k]` and `[k, n]` matrices (numpy `matmul`, PyTorch `mm`), on
    /// ``matmul(_:_:_:m:n:k:transposeA:transposeB:accumulate:)``.
    ///
    /// - Determinism: with ``DeterminismSettings/benchmark`` off (the default), each output element
    ///   sums over k in one fixed order on one thread: identical bits for any thread count. With it
    ///   on, kernels are chosen by timing (nondeterministic), and the gradients use the settings in
    ///   effect when the forward ran.
    /// - Throws: ``TensorError`` naming both shapes when they are not `[m, k]` and `[k, n]`;
    ///   ``NondeterministicOperationError`` when `benchmark` is on while deterministic algorithms
    ///   are required.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError.shapes("matmul", shape, other.shape, "expected [m, k] and [k, n]")
        }
        return try product(other, n: other.shape[1], transposeOther: false)
    }
}

extension Tensor {
    /// `self · otherᵀ` for `[m, k]` and `[n, k]` matrices (PyTorch `F.linear` without bias: a
    /// weight stored `[out, in]`), without materialising the transpose.
    ///
    /// Each output element is the same fused multiply-add chain over k as `matmul(other.transposed())`,
    /// and so are both gradients (`dSelf = dC·other`, `dOther = dCᵀ·self`): the same bits, less
    /// copying.
    ///
    /// - Determinism: as ``matmul(_:)``.
    /// - Throws: ``TensorError`` naming both shapes when they are not `[m, k]` and `[n, k]`;
    ///   ``NondeterministicOperationError`` as ``matmul(_:)``.
    public func matmul(transposed other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[1] else {
            throw TensorError.shapes("matmul", shape, other.shape, "expected [m, k] and [n, k] (the second transposed)")
        }
        return try product(other, n: other.shape[0], transposeOther: true)
    }

    /// `self · op(other)` with op the identity (`other` is `[k, n]`) or the transpose (`[n, k]`),
    /// and its gradients: dSelf = dC·op(other)ᵀ, and dOther = selfᵀ·dC or dCᵀ·self.
    private func product(_ other: Tensor, n: Int, transposeOther: Bool) throws -> Tensor {
        let a = self
        let b = other
        let (m, k) = (shape[0], shape[1])
        let settings = Determinism.settings
        // Every product below overwrites its whole output (accumulate: false), so the buffers start
        // uninitialised: no zero fill of megabytes per step.
        var failure: (any Error)?
        let c = Tensor.filled(m * n) { out in
            do { try ReproTensor.matmul(a.scalars, b.scalars, out, m: m, n: n, k: k, transposeB: transposeOther) }
            catch { failure = error }
        }
        if let failure { throw failure }
        return Tensor.result([m, n], c, op: "matmul", inputs: [a, b]) { g in
            // The forward passed the determinism check under these settings, so these cannot throw.
            let da: [Float]? = !a.requiresGrad ? nil : Tensor.filled(m * k) { pa in
                try! Determinism.withSettings(settings) {
                    if transposeOther {
                        try ReproTensor.matmul(g, b.scalars, pa, m: m, n: k, k: n)
                    } else {
                        try ReproTensor.matmul(g, b.scalars, pa, m: m, n: k, k: n, transposeB: true)
                    }
                }
            }
            let db: [Float]? = !b.requiresGrad ? nil : Tensor.filled(k * n) { pb in
                try! Determinism.withSettings(settings) {
                    if transposeOther {
                        try ReproTensor.matmul(g, a.scalars, pb, m: n, n: k, k: m, transposeA: true)
                    } else {
                        try ReproTensor.matmul(a.scalars, g, pb, m: k, n: n, k: m, transposeA: true)
                    }
                }
            }
            return [da, db]
        }
    }
}
