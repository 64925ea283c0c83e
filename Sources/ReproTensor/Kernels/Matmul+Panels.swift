/// op(A) in panels of MR rows and op(B) in panels of NR columns, over the whole reduction, as the
/// micro-kernel reads them.
///
/// An operand is packed into scratch memory step by step (`a[p*MR + r]`, `b[p*NR + j]`) when it
/// is large and read often, so that the kernel streams through contiguous panels without
/// cache-set conflicts or TLB misses; every element is packed once (GotoBLAS packs about as much).
/// Otherwise it is read where it lies: a small operand stays in cache, so strided reads cost
/// little, and an operand read by only a few tiles (A by at most 2 column panels, B by at most 8
/// row panels, e.g. the weight in the forward pass of a batch of 32) would pay for packing more
/// than it saves (measured: packing B cost a quarter of a 32×1024×1024 product). A ragged last
/// panel is always packed, padded with zeros (the kernel reads whole panels), and so is
/// op(B) = Bᵀ, whose columns are not contiguous.
///
/// Which panels are packed changes only speed: the kernel meets the products in the same order.
struct MatmulPanels {
    /// Which panels are packed, and the scratch memory they need.
    struct Layout {
        /// Operands of at most this many floats (128 KiB) are read in place.
        static let inPlaceLimit = 1 << 15
        /// Operands read by at most this many column (A) or row (B) panels are read in place.
        static let inPlaceUsesA = 2
        static let inPlaceUsesB = 8
        /// Packed floats per chunk of packing work.
        static let packGrain = 1 << 16

        let k: Int
        let rowPanels: Int
        let colPanels: Int
        /// The row panels of op(A) that are packed: all, the ragged last one, or none.
        let packedRows: Range<Int>
        /// The column panels of op(B) that are packed.
        let packedCols: Range<Int>

        init(_ product: MatmulProduct) {
            let (mr, nr, m, n, k) = (MatmulKernel.rows, MatmulKernel.cols, product.m, product.n, product.k)
            (self.k, rowPanels, colPanels) = (k, (m + mr - 1) / mr, (n + nr - 1) / nr)
            let packA = m * k > Self.inPlaceLimit && colPanels > Self.inPlaceUsesA
            let packB = product.transposeB || (k * n > Self.inPlaceLimit && rowPanels > Self.inPlaceUsesB)
            packedRows = packA ? 0..<rowPanels : (m % mr == 0 ? rowPanels..<rowPanels : rowPanels - 1..<rowPanels)
            let oneRowOfTiles = MatmulGrid(m: m, n: n, k: k).rowTiles == 1
            packsBInTiles = packB && oneRowOfTiles
            packedCols = packsBInTiles ? colPanels..<colPanels
                : packB ? 0..<colPanels : (n % nr == 0 ? colPanels..<colPanels : colPanels - 1..<colPanels)
        }

        /// Whether each tile packs its own columns of op(B), slice by slice, just before using
        /// them (instead of all of op(B) up front): when one row of tiles covers the output, each
        /// column panel is used by one tile only, and packed in the tile it stays in cache (L2)
        /// until the kernel reads it rather than going out to memory and back.
        let packsBInTiles: Bool

        /// Floats of packed A, then packed B.
        var aCount: Int { packedRows.count * MatmulKernel.rows * k }
        var bCount: Int { packedCols.count * MatmulKernel.cols * k }
        var scratchCount: Int { aCount + bCount }
        /// Floats packed in all, up front or in the tiles.
        var packedCount: Int { aCount + (packsBInTiles ? colPanels * MatmulKernel.cols * k : bCount) }
    }

    let product: MatmulProduct
    let layout: Layout
    /// Packed panels of op(A) (`layout.packedRows`), each MR·k floats.
    let a: UnsafeMutablePointer<Float>
    /// Packed panels of op(B) (`layout.packedCols`), each NR·k floats.
    let b: UnsafeMutablePointer<Float>

    /// Packs the panels `layout` names into `scratch` (at least `layout.scratchCount` floats),
    /// in parallel.
    init(_ product: MatmulProduct, layout: Layout, scratch: UnsafeMutablePointer<Float>) {
        (self.product, self.layout) = (product, layout)
        let (mr, nr, k) = (MatmulKernel.rows, MatmulKernel.cols, product.k)
        (a, b) = (scratch, scratch + layout.aCount)
        // Chunks of whole panels, A's first: a function of the problem size only.
        let aGroup = max(1, Layout.packGrain / (mr * k)), bGroup = max(1, Layout.packGrain / (nr * k))
        let aChunks = (layout.packedRows.count + aGroup - 1) / aGroup
        let bChunks = (layout.packedCols.count + bGroup - 1) / bGroup
        let (a, b) = (a, b)
        Parallel.forEach(chunks: aChunks + bChunks) { chunk in
            if chunk < aChunks {
                let first = chunk * aGroup, count = min(aGroup, layout.packedRows.count - first)
                let panels = layout.packedRows.lowerBound + first..<layout.packedRows.lowerBound + first + count
                product.packA(panels: panels, into: a + first * mr * k)
            } else {
                let first = (chunk - aChunks) * bGroup, count = min(bGroup, layout.packedCols.count - first)
                let panels = layout.packedCols.lowerBound + first..<layout.packedCols.lowerBound + first + count
                product.packB(panels: panels, into: b + first * nr * k)
            }
        }
    }

    /// Row panel `i` of op(A), from reduction step `p0`.
    func aPanel(_ i: Int, from p0: Int) -> MatmulKernel.Panel {
        let mr = MatmulKernel.rows
        if layout.packedRows.contains(i) {
            let panel = a + (i - layout.packedRows.lowerBound) * mr * product.k
            return .init(start: panel + p0 * mr, laneStride: 1, stepStride: mr)
        }
        return product.transposeA
            ? .init(start: product.a + p0 * product.m + i * mr, laneStride: 1, stepStride: product.m)
            : .init(start: product.a + i * mr * product.k + p0, laneStride: product.k, stepStride: 1)
    }

    /// Column panel `j` of op(B), from reduction step `p0`.
    func bPanel(_ j: Int, from p0: Int) -> MatmulKernel.Panel {
        let nr = MatmulKernel.cols
        if layout.packedCols.contains(j) {
            let panel = b + (j - layout.packedCols.lowerBound) * nr * product.k
            return .init(start: panel + p0 * nr, laneStride: 1, stepStride: nr)
        }
        return .init(start: product.b + p0 * product.n + j * nr, laneStride: 1, stepStride: product.n)
    }

    /// Computes the output block `rows × cols` (starting on a panel boundary), reducing over
    /// `reduction` only, into `output`. Starts each element's chain from 0 when `fromZero`, else
    /// from the value in the output.
    ///
    /// The reduction runs in slices of at most `MatmulKernel.depth` steps, of about equal depth
    /// (``MatmulKernel/sliceDepth(_:)``); between slices the accumulators
    /// go through the output (exactly, so each chain is unbroken). Within a slice, one B panel
    /// stays in L1 while the block's A panels stream past it from L2. A short slice (at most
    /// `shortSlice` steps, e.g. a weight gradient over a batch of 32) walks the block row panel by
    /// row panel instead: the block's B panels fit in L1 together, and the output is written in
    /// whole rows (measured: 25% faster at 1024×1024×32, 5% slower at 512³).
    func compute(rows: Range<Int>, cols: Range<Int>, reduction: Range<Int>, into output: MatmulOutput, fromZero: Bool) {
        let sliceDepth = MatmulKernel.sliceDepth(reduction.count)
        guard layout.packsBInTiles else {
            return compute(rows: rows, cols: cols, reduction: reduction, sliceDepth: sliceDepth, into: output,
                           fromZero: fromZero, tileB: nil)
        }
        let panels = (cols.count + MatmulKernel.cols - 1) / MatmulKernel.cols
        MatmulScratch.withBuffer(count: panels * MatmulKernel.cols * min(sliceDepth, reduction.count)) { tileB in
            compute(rows: rows, cols: cols, reduction: reduction, sliceDepth: sliceDepth, into: output,
                    fromZero: fromZero, tileB: tileB)
        }
    }

    /// ``compute(rows:cols:reduction:into:fromZero:)`` with op(B)'s panels packed slice by slice
    /// into `tileB` when given (``Layout/packsBInTiles``).
    private func compute(rows: Range<Int>, cols: Range<Int>, reduction: Range<Int>, sliceDepth: Int,
                         into output: MatmulOutput, fromZero: Bool, tileB: UnsafeMutablePointer<Float>?) {
        let (mr, nr) = (MatmulKernel.rows, MatmulKernel.cols)
        var p0 = reduction.lowerBound
        while p0 < reduction.upperBound {
            let depth = min(sliceDepth, reduction.upperBound - p0)
            if let tileB {
                product.packB(panels: cols.lowerBound / nr..<(cols.upperBound + nr - 1) / nr, steps: p0..<p0 + depth,
                              into: tileB)
            }
            func bPanel(_ j: Int, from p0: Int) -> MatmulKernel.Panel {
                guard let tileB else { return self.bPanel(j, from: p0) }
                return .init(start: tileB + (j - cols.lowerBound / nr) * nr * depth, laneStride: 1, stepStride: nr)
            }
            let first = fromZero && p0 == reduction.lowerBound
            func tile(_ i: Int, _ j: Int, _ a: MatmulKernel.Panel, _ b: MatmulKernel.Panel) {
                MatmulKernel.tile(depth: depth, a: a, b: b, c: output.at(i, j),
                                  rowStride: output.rowStride, colStride: output.colStride,
                                  height: min(mr, rows.upperBound - i), width: min(nr, cols.upperBound - j),
                                  fromZero: first)
            }
            if depth <= Self.shortSlice {
                for i in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
                    let aPanel = aPanel(i / mr, from: p0)
                    for j in stride(from: cols.lowerBound, to: cols.upperBound, by: nr) {
                        tile(i, j, aPanel, bPanel(j / nr, from: p0))
                    }
                }
            } else {
                for j in stride(from: cols.lowerBound, to: cols.upperBound, by: nr) {
                    let bPanel = bPanel(j / nr, from: p0)
                    for i in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
                        tile(i, j, aPanel(i / mr, from: p0), bPanel)
                    }
                }
            }
            p0 += depth
        }
    }

    static let shortSlice = 64
}

extension MatmulProduct {
    /// Packs op(A)'s row panels `panels` (all k steps) starting at `dst`.
    func packA(panels: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        let mr = MatmulKernel.rows
        let i0 = panels.lowerBound * mr
        if transposeA {
            // A is k×m: op(A)'s rows at one step are contiguous.
            MatmulPacking.packContiguous(a + i0, stepStride: m, lanes: min(panels.count * mr, m - i0),
                                         width: mr, depth: k, into: dst)
        } else {
            for panel in panels {
                let i = panel * mr
                MatmulPacking.packTransposing(a + i * k, laneStride: k, lanes: min(mr, m - i), width: mr, depth: k,
                                              into: dst + (i - i0) * k)
            }
        }
    }

    /// Packs op(B)'s column panels `panels` over reduction steps `steps` (all k steps by default)
    /// starting at `dst`: panel `q` of the range at `dst + q*NR*steps.count`.
    func packB(panels: Range<Int>, steps: Range<Int>? = nil, into dst: UnsafeMutablePointer<Float>) {
        let nr = MatmulKernel.cols
        let j0 = panels.lowerBound * nr
        let steps = steps ?? 0..<k
        if transposeB {
            // B is n×k: op(B)'s columns are contiguous along the reduction.
            for panel in panels {
                let j = panel * nr
                MatmulPacking.packTransposing(b + j * k + steps.lowerBound, laneStride: k, lanes: min(nr, n - j),
                                              width: nr, depth: steps.count, into: dst + (j - j0) * steps.count)
            }
        } else {
            MatmulPacking.packContiguous(b + steps.lowerBound * n + j0, stepStride: n,
                                         lanes: min(panels.count * nr, n - j0), width: nr, depth: steps.count,
                                         into: dst)
        }
    }
}
