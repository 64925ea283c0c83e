/// Matrix products over a batch of matrices, as attention needs them.
extension Tensor {
    /// `self[b] · other[b]` for every batch entry b: `[…, m, k]` times `[…, k, n]` (PyTorch
    /// `torch.matmul` of rank-3 or rank-4 tensors with equal leading dimensions; no broadcasting).
    ///
    /// - Determinism: every output element is one fused multiply-add chain over k in order, as in
    ///   ``matmul(_:)`` with `benchmark` off (these products are never autotuned): identical bits
    ///   for any thread count, and each batch entry's and each row's result is independent of the
    ///   other entries and rows (G9).
    /// - Throws: ``TensorError`` naming both shapes when they do not fit.
    public func batchedMatmul(_ other: Tensor) throws -> Tensor {
        try batchedProduct(other, transposeOther: false)
    }

    /// `self[b] · other[b]ᵀ` for every batch entry b: `[…, m, k]` times `[…, n, k]` (PyTorch
    /// `q @ k.transpose(-2, -1)`), without materialising the transpose.
    ///
    /// - Determinism: as ``batchedMatmul(_:)``.
    /// - Throws: ``TensorError`` naming both shapes when they do not fit.
    public func batchedMatmul(transposed other: Tensor) throws -> Tensor {
        try batchedProduct(other, transposeOther: true)
    }

    private func batchedProduct(_ other: Tensor, transposeOther: Bool) throws -> Tensor {
        let expected = transposeOther ? "[..., m, k] and [..., n, k] with equal leading dimensions"
            : "[..., m, k] and [..., k, n] with equal leading dimensions"
        guard rank >= 3, other.rank == rank, shape.dropLast(2) == other.shape.dropLast(2),
              shape[rank - 1] == other.shape[rank - (transposeOther ? 1 : 2)] else {
            throw TensorError.shapes("batched_matmul", shape, other.shape, expected)
        }
        let (a, b) = (self, other)
        let batch = shape.dropLast(2).reduce(1, *)
        let (m, k) = (shape[rank - 2], shape[rank - 1])
        let n = transposeOther ? other.shape[rank - 2] : other.shape[rank - 1]
        let c = Tensor.filled(batch * m * n) { out in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    let (pa, pb) = (pa.baseAddress!, pb.baseAddress!)
                    Tensor.forEachEntry(batch) { e in
                        matmulTiled(pa + e * m * k, pb + e * k * n, out + e * m * n, m: m, n: n, k: k,
                                    transposeB: transposeOther)
                    }
                }
            }
        }
        return Tensor.result(Array(shape.dropLast(2)) + [m, n], c, op: "batched_matmul", inputs: [a, b]) { g in
            g.withUnsafeBufferPointer { g in
                let g = g.baseAddress!
                let da: [Float]? = !a.requiresGrad ? nil : Tensor.filled(batch * m * k) { da in
                    b.scalars.withUnsafeBufferPointer { pb in
                        let pb = pb.baseAddress!
                        Tensor.forEachEntry(batch) { e in
                            // dA = dC·op(B)ᵀ: op(B)ᵀ is B itself when transposed, else Bᵀ.
                            matmulTiled(g + e * m * n, pb + e * k * n, da + e * m * k, m: m, n: k, k: n,
                                        transposeB: !transposeOther)
                        }
                    }
                }
                let db: [Float]? = !b.requiresGrad ? nil : Tensor.filled(batch * k * n) { db in
                    a.scalars.withUnsafeBufferPointer { pa in
                        let pa = pa.baseAddress!
                        Tensor.forEachEntry(batch) { e in
                            if transposeOther {  // dB [n, k] = dCᵀ·A
                                matmulTiled(g + e * m * n, pa + e * m * k, db + e * k * n, m: n, n: k, k: m, transposeA: true)
                            } else {  // dB [k, n] = Aᵀ·dC
                                matmulTiled(pa + e * m * k, g + e * m * n, db + e * k * n, m: k, n: n, k: m, transposeA: true)
                            }
                        }
                    }
                }
                return [da, db]
            }
        }
    }

    /// Runs `body(entry)` for every batch entry, entries in parallel (each product decides its own
    /// tiling; the bits do not depend on who runs it).
    static func forEachEntry(_ count: Int, _ body: (Int) -> Void) {
        Parallel.forEach(chunks: count, body)
    }
}
