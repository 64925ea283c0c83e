/// C = op(A)·op(B) (or C += op(A)·op(B)) with the reduction split into `splits` contiguous parts
/// that run in parallel, each into its own partial product, then added in part order.
///
/// Worth it when the output is too small to keep every core busy but the reduction is long
/// (e.g. a 64×64 weight gradient summed over thousands of samples). With `s = min(splits, k)`
/// parts, part `p` covers reduction steps `p*k/s ..< (p+1)*k/s` as one fused multiply-add chain
/// (as in the tiled kernel), and each element is `c = ((c0 + part0) + part1) + …`, with `c0` the
/// old element when accumulating, else `c = (part0 + part1) + …`.
///
/// Matches `np.matmul` up to summation order. Not used by the deterministic path; the autotuner
/// times it (see ``matmul(_:_:_:m:n:k:transposeA:transposeB:accumulate:)``).
///
/// - Determinism: for a fixed `splits`, identical bits for any thread count. The sum's order
///   depends on `splits`, so the bits differ between split counts and from
///   ``matmulTiled(_:_:_:m:n:k:transposeA:transposeB:accumulate:)`` (which is `splits` 1).
public func matmulSplitK(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false,
    splits: Int
) {
    precondition(splits >= 1, "matmulSplitK needs at least one split, got \(splits)")
    let parts = min(splits, k)
    guard parts > 1, m > 0, n > 0 else {
        matmulTiled(a, b, c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, accumulate: accumulate)
        return
    }
    let product = MatmulProduct(a: a, b: b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: parts * m * n)
    defer { partials.deallocate() }
    let (oriented, output) = product.oriented(into: partials)
    oriented.withPanels { panels in
        let grid = MatmulGrid(m: oriented.m, n: oriented.n, k: k / parts)
        Parallel.forEach(chunks: parts * grid.count) { chunk in
            let (part, index) = chunk.quotientAndRemainder(dividingBy: grid.count)
            let (rows, cols) = grid.tile(index)
            let partial = MatmulOutput(start: output.start + part * m * n, rowStride: output.rowStride,
                                       colStride: output.colStride)
            panels.compute(rows: rows, cols: cols, reduction: part * k / parts..<(part + 1) * k / parts,
                           into: partial, fromZero: true)
        }
    }
    // Add the parts element by element, in part order, in parallel over rows.
    let rowsPerChunk = max(1, MatmulGrid.minTileWork / (n * parts))
    Parallel.forEach(chunks: (m + rowsPerChunk - 1) / rowsPerChunk) { chunk in
        let start = chunk * rowsPerChunk * n, end = min(m, (chunk + 1) * rowsPerChunk) * n
        for index in start..<end {
            var sum = accumulate ? c[index] + partials[index] : partials[index]
            for part in 1..<parts { sum += partials[part * m * n + index] }
            c[index] = sum
        }
    }
}
