// Row-wise softmax and log-softmax over the last axis of a row-major [rows, cols] matrix, and their
// backward kernels. Rows run in parallel; each row's sum is a blocked sum (see Reduce), so results
// are identical for any thread count. A row holding NaN or +inf gives NaN throughout, as PyTorch.

extension Reduce {
    /// `y[r, i] = e_i / Σ_j e_j` with `e_i = exp(x[r, i] − m)`, m the row's maximum (so no
    /// exponential overflows), as `torch.softmax(x, dim=-1)`. Divides by the sum (PyTorch's CPU
    /// kernel multiplies by its reciprocal, which rounds twice).
    public static func softmax(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        forEachRow(rows, cols) { r in
            let row = x + r * cols
            let y = out + r * cols
            let m = Lanes(repeating: rowMax(row, cols).value)
            forEachLanes(0..<cols) { i, n in y.store(ReproMath.expLanes(row.lanes(at: i, count: n) - m), at: i, count: n) }
            let e = UnsafePointer(y)
            let s = Lanes(repeating: blockedSum(cols, parallel: false) { e.lanes(at: $0, count: $1) })
            forEachLanes(0..<cols) { i, n in y.store(e.lanes(at: i, count: n) / s, at: i, count: n) }
        }
    }

    /// `y[r, i] = (x[r, i] − m) − log Σ_j exp(x[r, j] − m)`, m the row's maximum, as
    /// `torch.log_softmax(x, dim=-1)`.
    public static func logSoftmax(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        forEachRow(rows, cols) { r in
            let row = x + r * cols
            let m = Lanes(repeating: rowMax(row, cols).value)
            // exp(0 − m) in the padding lanes is replaced by zeros before summing.
            let s = blockedSum(cols, parallel: false) { i, n in
                let e = ReproMath.expLanes(row.lanes(at: i, count: n) - m)
                return n >= 16 ? e : e.replacing(with: 0, where: lanePositions .>= SIMD16(repeating: Int32(Swift.max(0, n))))
            }
            let logSum = Lanes(repeating: ReproMath.log(s))
            forEachLanes(0..<cols) { i, n in (out + r * cols).store((row.lanes(at: i, count: n) - m) - logSum, at: i, count: n) }
        }
    }

    /// The gradient of ``softmax(_:rows:cols:into:)`` from its output `y` and the output gradient
    /// `g`: `y_i · (g_i − Σ_j g_j y_j)` per row, as PyTorch's `_softmax_backward_data`.
    public static func softmaxBackward(output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>,
                                       rows: Int, cols: Int, into gradInput: UnsafeMutablePointer<Float>) {
        forEachRow(rows, cols) { r in
            let (yr, gr) = (y + r * cols, g + r * cols)
            let dot = Lanes(repeating: blockedSum(cols, parallel: false) { yr.lanes(at: $0, count: $1) * gr.lanes(at: $0, count: $1) })
            forEachLanes(0..<cols) { i, n in
                (gradInput + r * cols).store(yr.lanes(at: i, count: n) * (gr.lanes(at: i, count: n) - dot), at: i, count: n)
            }
        }
    }

    /// The gradient of ``logSoftmax(_:rows:cols:into:)`` from its output `y` and the output
    /// gradient `g`: `g_i − exp(y_i) · Σ_j g_j` per row, as PyTorch's `_log_softmax_backward_data`.
    public static func logSoftmaxBackward(output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>,
                                          rows: Int, cols: Int, into gradInput: UnsafeMutablePointer<Float>) {
        forEachRow(rows, cols) { r in
            let (yr, gr) = (y + r * cols, g + r * cols)
            let total = Lanes(repeating: blockedSum(cols, parallel: false) { gr.lanes(at: $0, count: $1) })
            forEachLanes(0..<cols) { i, n in
                let grad = gr.lanes(at: i, count: n) - ReproMath.expLanes(yr.lanes(at: i, count: n)) * total
                (gradInput + r * cols).store(grad, at: i, count: n)
            }
        }
    }

    /// Lane numbers 0...15.
    static let lanePositions = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    /// Runs `body(r)` for every row, chunks of rows in parallel.
    @inline(__always)
    static func forEachRow(_ rows: Int, _ cols: Int, _ body: (Int) -> Void) {
        forEachChunk(count: rows, grain: Swift.max(1, Elementwise.grain / Swift.max(1, cols))) { chunk in
            for r in chunk { body(r) }
        }
    }

    /// The largest value of `row[0..<cols]` with NaNs ignored (−inf for an empty row), and whether
    /// there was a NaN.
    @inline(__always)
    static func rowMax(_ row: UnsafePointer<Float>, _ cols: Int) -> (value: Float, hasNaN: Bool) {
        var best = Lanes(repeating: -.infinity)
        var nan = SIMDMask<SIMD16<Int32>>(repeating: false)
        forEachLanes(0..<cols) { i, n in
            let v = row.lanes(at: i, count: n, padding: -.infinity)
            best = best.replacing(with: v, where: best .< v)
            nan .|= v .!= v
        }
        return (horizontalMax(best), any(nan))
    }
}
