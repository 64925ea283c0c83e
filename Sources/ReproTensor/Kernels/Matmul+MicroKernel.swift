/// The register tile at the heart of ``matmulTiled(_:_:_:m:n:k:transposeA:transposeB:accumulate:)``.
///
/// An MR×NR = 8×32 block of C lives in 16 `SIMD16<Float>` accumulators (one AVX-512 register each
/// when built for the host; 16 of the 32 vector registers, leaving room for the B row and the
/// broadcasts). At each reduction step the kernel loads the B panel's 32 floats, broadcasts each of
/// the A panel's 8 values and adds the products with explicit fused multiply-adds. Each
/// output element is one lane of one accumulator, so its chain of multiply-adds runs in reduction
/// order: the bits equal the naive kernel's. 8×32 measured as fast as 12×32 or 14×32 with the panels
/// in cache (about 160 GFLOPS on one Sapphire Rapids core) and divides the batch and feature sizes
/// of typical MLPs (multiples of 8 and 32) without padding.
enum MatmulKernel {
    /// MR: rows of the register tile.
    static let rows = 8
    /// NR: columns of the register tile (two SIMD16 vectors).
    static let cols = 32
    /// KC: reduction steps per packed slice; a packed B panel (KC×NR floats, 32 KiB) fits in L1.
    static let depth = 256

    /// The depth of the slices a reduction of `k` steps is cut into: as few slices as `depth`
    /// allows, of about equal depth, so that no slice is short (k = 784 runs as 262 + 262 + 260
    /// rather than 256 + 256 + 256 + 16: each slice reloads and stores the accumulators).
    static func sliceDepth(_ k: Int) -> Int {
        let slices = max(1, (k + depth - 1) / depth)
        return (k + slices - 1) / slices
    }

    /// Where a panel's elements lie: lane `l` (a row of op(A) or a column of op(B)) at step `p` is
    /// `start[l*laneStride + p*stepStride]`. B panels always have `laneStride` 1.
    struct Panel {
        let start: UnsafePointer<Float>
        let laneStride: Int
        let stepStride: Int
    }

    /// Runs the micro-kernel for the `height`×`width` tile at `c` (element (r, l) at
    /// `c[r*rowStride + l*colStride]`) over `depth` packed steps. Whole tiles with contiguous rows
    /// run in place; others go through a local MR×NR tile: whole tiles of a transposed output
    /// (contiguous columns) are transposed in and out 8×8 blocks at a time, ragged tiles are copied
    /// element by element, their zero-padded lanes computed and dropped.
    static func tile(depth: Int, a: Panel, b: Panel, c: UnsafeMutablePointer<Float>, rowStride: Int, colStride: Int,
                     height: Int, width: Int, fromZero: Bool) {
        let whole = height == rows && width == cols
        if whole && colStride == 1 {
            microKernel(depth: depth, a: a, b: b, c: c, rowStride: rowStride, fromZero: fromZero)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * cols) { buffer in
            let local = buffer.baseAddress!
            if whole && rowStride == 1 {
                if !fromZero {
                    for q in stride(from: 0, to: cols, by: 8) {
                        MatmulPacking.transpose8x8(c + q * colStride, stride: colStride, into: local + q, stride: cols)
                    }
                }
                microKernel(depth: depth, a: a, b: b, c: local, rowStride: cols, fromZero: fromZero)
                for q in stride(from: 0, to: cols, by: 8) {
                    MatmulPacking.transpose8x8(local + q, stride: cols, into: c + q * colStride, stride: colStride)
                }
                return
            }
            local.initialize(repeating: 0, count: rows * cols)
            if !fromZero {
                for r in 0..<height {
                    for l in 0..<width { local[r * cols + l] = c[r * rowStride + l * colStride] }
                }
            }
            microKernel(depth: depth, a: a, b: b, c: local, rowStride: cols, fromZero: fromZero)
            for r in 0..<height {
                for l in 0..<width { c[r * rowStride + l * colStride] = local[r * cols + l] }
            }
        }
    }

    /// C[8×32] = (fromZero ? 0 : C) + A·B over `depth` steps of the panels, one fused
    /// multiply-add chain per element in step order.
    static func microKernel(depth: Int, a: Panel, b: Panel, c: UnsafeMutablePointer<Float>, rowStride: Int,
                            fromZero: Bool) {
        // A's rows adjacent (packed, or A transposed) is the common case: a constant lane stride
        // lets the compiler address the 8 broadcasts as fixed offsets (measured: 2-5% faster).
        if a.laneStride == 1 && a.stepStride == rows && b.stepStride == cols {
            // Both panels packed (the large products): constant strides (measured 2-5% faster).
            microKernel(depth: depth, a: a.start, laneStride: 1, stepStride: rows, b: b.start, bStepStride: cols, c: c,
                        rowStride: rowStride, fromZero: fromZero)
        } else if a.laneStride == 1 {
            microKernel(depth: depth, a: a.start, laneStride: 1, stepStride: a.stepStride, b: b.start,
                        bStepStride: b.stepStride, c: c, rowStride: rowStride, fromZero: fromZero)
        } else {
            microKernel(depth: depth, a: a.start, laneStride: a.laneStride, stepStride: a.stepStride, b: b.start,
                        bStepStride: b.stepStride, c: c, rowStride: rowStride, fromZero: fromZero)
        }
    }

    @inline(__always)
    private static func microKernel(depth: Int, a: UnsafePointer<Float>, laneStride l: Int, stepStride: Int,
                                    b: UnsafePointer<Float>, bStepStride: Int, c: UnsafeMutablePointer<Float>,
                                    rowStride s: Int, fromZero: Bool) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
            fromZero ? .zero : UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        }
        var c00 = load(c), c01 = load(c + 16)
        var c10 = load(c + s), c11 = load(c + s + 16)
        var c20 = load(c + 2 * s), c21 = load(c + 2 * s + 16)
        var c30 = load(c + 3 * s), c31 = load(c + 3 * s + 16)
        var c40 = load(c + 4 * s), c41 = load(c + 4 * s + 16)
        var c50 = load(c + 5 * s), c51 = load(c + 5 * s + 16)
        var c60 = load(c + 6 * s), c61 = load(c + 6 * s + 16)
        var c70 = load(c + 7 * s), c71 = load(c + 7 * s + 16)
        var pa = a, pb = b
        for _ in 0..<depth {
            let b0 = UnsafeRawPointer(pb).loadUnaligned(as: SIMD16<Float>.self)
            let b1 = UnsafeRawPointer(pb + 16).loadUnaligned(as: SIMD16<Float>.self)
            let a0 = SIMD16(repeating: pa[0]), a1 = SIMD16(repeating: pa[l])
            let a2 = SIMD16(repeating: pa[2 * l]), a3 = SIMD16(repeating: pa[3 * l])
            let a4 = SIMD16(repeating: pa[4 * l]), a5 = SIMD16(repeating: pa[5 * l])
            let a6 = SIMD16(repeating: pa[6 * l]), a7 = SIMD16(repeating: pa[7 * l])
            c00.addProduct(a0, b0); c01.addProduct(a0, b1)
            c10.addProduct(a1, b0); c11.addProduct(a1, b1)
            c20.addProduct(a2, b0); c21.addProduct(a2, b1)
            c30.addProduct(a3, b0); c31.addProduct(a3, b1)
            c40.addProduct(a4, b0); c41.addProduct(a4, b1)
            c50.addProduct(a5, b0); c51.addProduct(a5, b1)
            c60.addProduct(a6, b0); c61.addProduct(a6, b1)
            c70.addProduct(a7, b0); c71.addProduct(a7, b1)
            pa += stepStride
            pb += bStepStride
        }
        @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
        }
        store(c, c00); store(c + 16, c01)
        store(c + s, c10); store(c + s + 16, c11)
        store(c + 2 * s, c20); store(c + 2 * s + 16, c21)
        store(c + 3 * s, c30); store(c + 3 * s + 16, c31)
        store(c + 4 * s, c40); store(c + 4 * s + 16, c41)
        store(c + 5 * s, c50); store(c + 5 * s + 16, c51)
        store(c + 6 * s, c60); store(c + 6 * s + 16, c61)
        store(c + 7 * s, c70); store(c + 7 * s + 16, c71)
    }
}
