// Matrix products over contiguous row-major Float32 buffers, llm.c style: plain functions over
// explicit buffers and shapes, the naive reference beside the fast kernel.
//
// Every function here computes C[m×n] = op(A)·op(B), or C += op(A)·op(B) with `accumulate`, where
// op(A) is m×k and op(B) is k×n:
// - A is stored m×k, or k×m with `transposeA` (then op(A) = Aᵀ);
// - B is stored k×n, or n×k with `transposeB` (then op(B) = Bᵀ);
// - C is stored m×n and must not overlap A or B.
//
// The two gradient products of C = A·B (A m×k, B k×n) are these products with a transposed operand
// (``matmulBackward(_:_:_:da:db:m:n:k:accumulate:)`` runs both):
// - dA[m×k] = dC·Bᵀ: `(dC, B, dA, m: m, n: k, k: n, transposeB: true)`;
// - dB[k×n] = Aᵀ·dC: `(A, dC, dB, m: k, n: n, k: m, transposeA: true)`.
//
// The math, exactly: each output element is one chain of fused multiply-adds over the reduction
// index in order, starting from 0 (or from C's element with `accumulate`):
//
//     c[i,j] = fma(a[i,k-1], b[k-1,j], … fma(a[i,1], b[1,j], fma(a[i,0], b[0,j], c0)))
//
// ``matmulNaive(_:_:_:m:n:k:transposeA:transposeB:accumulate:)`` writes that chain as a triple loop;
// ``matmulTiled(_:_:_:m:n:k:transposeA:transposeB:accumulate:)`` computes the same chain with a
// register-tiled SIMD micro-kernel (each output element is one SIMD lane of one accumulator, which
// meets the products in order), so the two agree bit for bit, whatever the tile sizes, thread count
// or instruction set: a fused multiply-add is correctly rounded everywhere.

/// C = op(A)·op(B) (or C += op(A)·op(B)) by the definition: the reference for the other kernels.
///
/// Matches `np.matmul(a, b)` (with `a.T` / `b.T` for the transposes) up to summation order: numpy's
/// BLAS blocks and reorders the sum, this adds the products in order with fused multiply-adds.
///
/// - Parameters:
///   - a: op(A)'s m×k elements: A stored m×k row-major, or k×m when `transposeA`.
///   - b: op(B)'s k×n elements: B stored k×n row-major, or n×k when `transposeB`.
///   - c: m×n row-major output; must not overlap `a` or `b`.
///   - accumulate: add to C's elements (BLAS beta = 1); otherwise C's old elements are ignored
///     (beta = 0, NaN included).
/// - Determinism: a pure function of its inputs; single-threaded.
/// - Complexity: O(m·n·k), without blocking: slow for large matrices.
public func matmulNaive(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "matmul shape must not be negative: m \(m), n \(n), k \(k)")
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = accumulate ? c[i * n + j] : 0
            for p in 0..<k {
                let x = transposeA ? a[p * m + i] : a[i * k + p]
                let y = transposeB ? b[j * k + p] : b[p * n + j]
                sum.addProduct(x, y)
            }
            c[i * n + j] = sum
        }
    }
}

/// C = op(A)·op(B) (or C += op(A)·op(B)) with a blocked, packed, register-tiled SIMD kernel, in
/// parallel over output tiles: the deterministic fast path.
///
/// Same contract and same bits as ``matmulNaive(_:_:_:m:n:k:transposeA:transposeB:accumulate:)``;
/// matches `np.matmul` up to summation order.
///
/// - Determinism: identical bits for any thread count (and equal to `matmulNaive`): each output
///   element's reduction runs in one fixed order on one thread.
/// - Memory: operands that are large and reused are packed into scratch buffers (at most
///   (m + 8)·k + (n + 32)·k floats) that are kept for later calls, at most 4 of them.
public func matmulTiled(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
) {
    let product = MatmulProduct(a: a, b: b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        return
    }
    let (oriented, output) = product.oriented(into: c)
    oriented.withPanels { panels in
        let grid = MatmulGrid(m: oriented.m, n: oriented.n, k: k)
        Parallel.forEach(chunks: grid.count) { chunk in
            let (rows, cols) = grid.tile(chunk)
            panels.compute(rows: rows, cols: cols, reduction: 0..<k, into: output, fromZero: !accumulate)
        }
    }
}

/// The operands and shape of one product, shared by the tiled and split-K kernels.
struct MatmulProduct {
    let a: UnsafePointer<Float>
    let b: UnsafePointer<Float>
    let m: Int
    let n: Int
    let k: Int
    let transposeA: Bool
    let transposeB: Bool

    init(a: UnsafePointer<Float>, b: UnsafePointer<Float>, m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) {
        precondition(m >= 0 && n >= 0 && k >= 0, "matmul shape must not be negative: m \(m), n \(n), k \(k)")
        (self.a, self.b, self.m, self.n, self.k) = (a, b, m, n, k)
        (self.transposeA, self.transposeB) = (transposeA, transposeB)
    }

    /// The product to run for C = this product (C row-major m×n at `c`), and where its output
    /// goes: this product, or Cᵀ = op(B)ᵀ·op(A)ᵀ written transposed when that packs less.
    ///
    /// op(B) = Bᵀ must be transposed into panels (its columns are not contiguous), k·n floats;
    /// computed transposed, B is read in place (or packed without transposing) and op(A) is
    /// transposed instead (m·k floats, none when A is transposed too). That packs less when A
    /// would be read in place anyway: the input gradient dY·Wᵀ or the forward X·Wᵀ of a layer with
    /// a small batch packs the batch's rows instead of the whole weight. With a large batch both
    /// orientations pack both operands, and the product keeps its own (the output is then written
    /// whole rows at a time). The products meet each element in the same order either way (a fused
    /// multiply-add is symmetric in its factors).
    func oriented(into c: UnsafeMutablePointer<Float>) -> (MatmulProduct, MatmulOutput) {
        let own = (self, MatmulOutput(start: c, rowStride: n, colStride: 1))
        guard transposeB else { return own }
        let swapped = MatmulProduct(a: b, b: a, m: n, n: m, k: k, transposeA: !transposeB, transposeB: !transposeA)
        let packsLess = MatmulPanels.Layout(swapped).packedCount < MatmulPanels.Layout(self).packedCount
        return packsLess ? (swapped, MatmulOutput(start: c, rowStride: 1, colStride: n)) : own
    }

    /// Prepares both operands' panels for the micro-kernel (packing in parallel where needed) and
    /// passes them to `body`.
    func withPanels<T>(_ body: (MatmulPanels) -> T) -> T {
        let layout = MatmulPanels.Layout(self)
        return MatmulScratch.withBuffer(count: layout.scratchCount) { scratch in
            body(MatmulPanels(self, layout: layout, scratch: scratch))
        }
    }
}

/// Where a product's output lies: element (i, j) at `start[i*rowStride + j*colStride]`.
struct MatmulOutput {
    let start: UnsafeMutablePointer<Float>
    let rowStride: Int
    let colStride: Int

    func at(_ i: Int, _ j: Int) -> UnsafeMutablePointer<Float> { start + i * rowStride + j * colStride }
}

/// How an m×n output is cut into tiles that run in parallel: a function of the problem size only.
struct MatmulGrid {
    let m: Int
    let n: Int
    let tileRows: Int
    let tileCols: Int
    let rowTiles: Int
    let colTiles: Int

    /// Tiles start at most 256×256 (the packed A block stays in L2 and packing costs little), then
    /// halve until there are enough tiles to balance a few cores, as long as a tile keeps at least
    /// `minTileWork` multiply-adds (about 14 µs on one core), so that waking another thread pays:
    /// with half that, 256×64×64 ran at 108 GFLOPS on 2 threads and 160 on 1. Tiles keep at least
    /// `minTileRows` rows (columns stop at one 32-wide panel): each tile reads its rows of op(A) and
    /// columns of op(B) over the whole reduction, so thinner tiles of a long reduction re-read B
    /// from memory (32×32×16384 ran at 49 GFLOPS in 8-row tiles, 94 in one tile). Such products
    /// are split-K's (autotuned) case.
    static let maxTileRows = 256
    static let maxTileCols = 256
    static let minTileRows = 32
    static let targetTiles = 8
    static let minTileWork = 1 << 20

    init(m: Int, n: Int, k: Int) {
        let (mr, nr) = (MatmulKernel.rows, MatmulKernel.cols)
        var rows = min(roundUp(m, to: mr), Self.maxTileRows)
        var cols = min(roundUp(n, to: nr), Self.maxTileCols)
        func tiles(_ rows: Int, _ cols: Int) -> Int { ((m + rows - 1) / rows) * ((n + cols - 1) / cols) }
        while tiles(rows, cols) < Self.targetTiles, rows * cols * k >= 2 * Self.minTileWork {
            if cols >= rows, cols > nr {
                cols = roundUp(cols / 2, to: nr)
            } else if rows >= 2 * Self.minTileRows {
                rows = roundUp(rows / 2, to: mr)
            } else {
                break
            }
        }
        (self.m, self.n, tileRows, tileCols) = (m, n, rows, cols)
        (rowTiles, colTiles) = ((m + rows - 1) / rows, (n + cols - 1) / cols)
    }

    var count: Int { rowTiles * colTiles }

    /// The output rows and columns of tile `index` (row-major over the tile grid).
    func tile(_ index: Int) -> (rows: Range<Int>, cols: Range<Int>) {
        let (r, c) = index.quotientAndRemainder(dividingBy: colTiles)
        return (r * tileRows..<min((r + 1) * tileRows, m), c * tileCols..<min((c + 1) * tileCols, n))
    }
}

func roundUp(_ x: Int, to multiple: Int) -> Int { (x + multiple - 1) / multiple * multiple }
