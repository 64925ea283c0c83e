/// Matrix multiplication.
extension Tensor {
    /// `self · other` for `[m, k]` and `[k, n]` matrices (numpy `matmul`, PyTorch `mm`).
    ///
    /// - Determinism: each output element sums over k in order 0..<k on one thread.
    /// - Throws: ``TensorError`` naming both shapes when they are not `[m, k]` and `[k, n]`.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError.shapes("matmul", shape, other.shape, "expected [m, k] and [k, n]")
        }
        let a = self
        let b = other
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        let c = Tensor.gemm(a.scalars, b.scalars, m: m, k: k, n: n, transposeA: false, transposeB: false)
        return Tensor.result([m, n], c, op: "matmul", inputs: [a, b]) { g in
            [a.requiresGrad ? Tensor.gemm(g, b.scalars, m: m, k: n, n: k, transposeA: false, transposeB: true) : nil,
             b.requiresGrad ? Tensor.gemm(a.scalars, g, m: k, k: m, n: n, transposeA: true, transposeB: false) : nil]
        }
    }

    /// C[m×n] = op(A)·op(B) where op(A) is [m×k] (stored [k×m] when transposed), op(B) is [k×n].
    static func gemm(
        _ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, transposeA: Bool, transposeB: Bool
    ) -> [Float] {
        var c = Array(repeating: Float(0), count: m * n)
        for i in 0..<m {
            for p in 0..<k {
                let x = transposeA ? a[p * m + i] : a[i * k + p]
                for j in 0..<n {
                    c[i * n + j] += x * (transposeB ? b[j * k + p] : b[p * n + j])
                }
            }
        }
        return c
    }
}
