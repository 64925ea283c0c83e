// Layer normalization over the last axis of a row-major [rows, cols] matrix, llm.c style: the
// forward and backward kernels over explicit buffers, the naive reference beside them.
//
// The math, per row x (cols = C), with optional weight w and bias b of C elements:
//
//     mean = (Σ_i x_i) / C
//     d_i  = x_i − mean
//     var  = (Σ_i d_i·d_i) / C                 (biased, as PyTorch)
//     rstd = 1 / sqrt(var + eps)
//     x̂_i  = d_i · rstd
//     y_i  = x̂_i · w_i + b_i
//
// and for an output gradient g, with gw_i = g_i · w_i:
//
//     dx_i = (gw_i − (Σ_j gw_j) / C − x̂_i · (Σ_j gw_j·x̂_j) / C) · rstd
//     dw_i = Σ_rows g_i · x̂_i,   db_i = Σ_rows g_i
//
// Every operation is one rounded Float32 operation (no fused multiply-add). The sums over a row
// are ``Reduce``'s blocked sums, whose order depends on C only; the sums over rows (dw, db) are
// ``Reduce/sum(_:outer:axis:inner:into:)``'s, whose order depends on the row count only.

/// Layer normalization kernels (PyTorch `F.layer_norm(x, (cols,), weight, bias, eps)`).
///
/// Rows run in parallel; each row's sums are blocked sums whose order depends on `cols` only.
///
/// - Determinism: identical bits for any thread count. The forward result of a row depends on
///   that row, `weight`, `bias` and `eps` only, so it is the same in a batch of any size (G9).
///   Not bitwise equal to ``forwardNaive(_:weight:bias:rows:cols:eps:into:mean:rstd:)`` or to
///   PyTorch (their sums run in another order); equal within rounding.
public enum LayerNormKernel {
    /// `y = (x − mean) · rstd · weight + bias` per row, and each row's `mean` and `rstd` (saved for
    /// the backward pass; either may be nil).
    public static func forward(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
        rows: Int, cols: Int, eps: Float, into y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>?, rstd: UnsafeMutablePointer<Float>?
    ) {
        precondition(cols >= 1, "layer norm over an empty axis")
        Reduce.forEachRow(rows, cols) { r in
            let (row, out) = (x + r * cols, y + r * cols)
            let m = Reduce.blockedSum(cols, parallel: false) { row.lanes(at: $0, count: $1) } / Float(cols)
            let mLanes = Lanes(repeating: m)
            // d_i · d_i with zeros past the row's end (the padding lanes load 0 − m).
            let squares = Reduce.blockedSum(cols, parallel: false) { i, n in
                let d = row.lanes(at: i, count: n, padding: m) - mLanes
                return d * d
            }
            let s = 1 / (squares / Float(cols) + eps).squareRoot()
            let sLanes = Lanes(repeating: s)
            forEachLanes(0..<cols) { i, n in
                var v = (row.lanes(at: i, count: n) - mLanes) * sLanes
                if let weight { v = v * weight.lanes(at: i, count: n) }
                if let bias { v = v + bias.lanes(at: i, count: n) }
                out.store(v, at: i, count: n)
            }
            mean?[r] = m
            rstd?[r] = s
        }
    }

    /// The input gradient `dx` (overwritten) and, when asked for, `dweight` and `dbias`
    /// (overwritten), from the output gradient `g` and the forward's `mean` and `rstd`.
    public static func backward(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>,
        rstd: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, rows: Int, cols: Int,
        dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?
    ) {
        if let dx {
            Reduce.forEachRow(rows, cols) { r in
                let (row, gr, out) = (x + r * cols, g + r * cols, dx + r * cols)
                let (m, s) = (Lanes(repeating: mean[r]), Lanes(repeating: rstd[r]))
                @inline(__always) func gw(_ i: Int, _ n: Int) -> Lanes {
                    weight.map { gr.lanes(at: i, count: n) * $0.lanes(at: i, count: n) } ?? gr.lanes(at: i, count: n)
                }
                @inline(__always) func normalized(_ i: Int, _ n: Int) -> Lanes { (row.lanes(at: i, count: n) - m) * s }
                let c = Float(cols)
                let a = Lanes(repeating: Reduce.blockedSum(cols, parallel: false) { gw($0, $1) } / c)
                let b = Lanes(repeating: Reduce.blockedSum(cols, parallel: false) { gw($0, $1) * normalized($0, $1) } / c)
                forEachLanes(0..<cols) { i, n in
                    out.store((gw(i, n) - a - normalized(i, n) * b) * s, at: i, count: n)
                }
            }
        }
        guard dweight != nil || dbias != nil else { return }
        if let dbias { Reduce.sum(g, outer: 1, axis: rows, inner: cols, into: dbias) }
        if let dweight {
            Reduce.withBuffer(count: rows * cols) { products in
                Reduce.forEachRow(rows, cols) { r in
                    let (row, gr, out) = (x + r * cols, g + r * cols, products + r * cols)
                    let (m, s) = (Lanes(repeating: mean[r]), Lanes(repeating: rstd[r]))
                    forEachLanes(0..<cols) { i, n in
                        out.store(gr.lanes(at: i, count: n) * ((row.lanes(at: i, count: n) - m) * s), at: i, count: n)
                    }
                }
                Reduce.sum(products, outer: 1, axis: rows, inner: cols, into: dweight)
            }
        }
    }
}

extension LayerNormKernel {
    /// The forward pass by the formulas above, one row at a time, each sum in index order from 0
    /// on one thread: the reference. `mean` and `rstd` (one per row) may be nil.
    public static func forwardNaive(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
        rows: Int, cols: Int, eps: Float, into y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>? = nil, rstd: UnsafeMutablePointer<Float>? = nil
    ) {
        for r in 0..<rows {
            let (row, out) = (x + r * cols, y + r * cols)
            var sum: Float = 0
            for i in 0..<cols { sum += row[i] }
            let m = sum / Float(cols)
            var squares: Float = 0
            for i in 0..<cols { squares += (row[i] - m) * (row[i] - m) }
            let s = 1 / (squares / Float(cols) + eps).squareRoot()
            for i in 0..<cols {
                let normalized = (row[i] - m) * s
                let scaled = weight.map { normalized * $0[i] } ?? normalized
                out[i] = bias.map { scaled + $0[i] } ?? scaled
            }
            mean?[r] = m
            rstd?[r] = s
        }
    }
}
