/// Reductions over contiguous `Float` buffers: sums, sums of squares and means (of everything, or
/// along one axis of an `[outer, axis, inner]` view), and max/argmax along the last axis. Softmax
/// and log-softmax are in `Reduce+Softmax.swift`; the references in ``Reduce/Naive``.
///
/// The order of every sum is fixed by the problem size alone:
/// - A contiguous sum of n terms is split into blocks of ``blockLength`` terms. Within a block,
///   term i goes to lane i mod 64 of 64 accumulators (four SIMD16 vectors), in order; the four
///   vectors are added as (v0 + v1) + (v2 + v3), and the 16 lanes folded in halves (lanes k and
///   k + 8, then k and k + 4, …). The block sums are combined pairwise, level by level:
///   (b0 + b1), (b2 + b3), … with an odd last one carried up unchanged, until one is left.
/// - A sum along an axis with `inner > 1` adds, for each output, the terms of each block of
///   ``blockLength`` in order, and combines the block sums pairwise as above.
///
/// - Determinism: identical for any thread count: threads only decide who computes which block.
///   Sums are not bitwise equal to the naive in-order sum (they are more accurate); max, argmax,
///   and a sum along an axis of at most ``blockLength`` terms with `inner > 1` are.
public enum Reduce {
    /// Terms per block of a sum: a constant of the algorithm, never of the machine.
    public static let blockLength = 4096
    /// Blocks per parallel chunk.
    static let blocksPerChunk = 16

    /// The sum of `x[0..<count]` (0 when empty).
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        blockedSum(count, parallel: true) { x.lanes(at: $0, count: $1) }
    }

    /// The sum of the squares of `x[0..<count]` (0 when empty): each square `x[i] * x[i]` rounded
    /// to Float32, then summed in the order of ``sum(_:count:)``, bit for bit as `sum` of the
    /// squares would be. The squared L2 norm behind gradient clipping (PyTorch
    /// `torch.linalg.vector_norm(x) ** 2` up to its own summation order; a square can overflow to
    /// infinity, as in PyTorch's Float32 norm).
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
        blockedSum(count, parallel: true) { start, n in
            let v = x.lanes(at: start, count: n)
            return v * v
        }
    }

    /// The mean of `x[0..<count]`: ``sum(_:count:)`` divided by `count` (NaN when empty).
    public static func mean(_ x: UnsafePointer<Float>, count: Int) -> Float {
        sum(x, count: count) / Float(count)
    }

    /// `out[o, i] = Σ_k x[o, k, i]` for a row-major `[outer, axis, inner]` array `x` and an
    /// `[outer, inner]` output (0 where `axis` is 0). With `inner == 1`, each output is the
    /// ``sum(_:count:)`` of its row, bit for bit.
    public static func sum(_ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int,
                           into out: UnsafeMutablePointer<Float>) {
        if inner == 1 {
            // Rows in parallel when there are several, blocks of the row in parallel otherwise.
            let parallelRows = outer > 1
            let rowsPerChunk = parallelRows ? Swift.max(1, Elementwise.grain / Swift.max(1, axis)) : 1
            forEachChunk(count: outer, grain: rowsPerChunk) { rows in
                for o in rows {
                    let row = x + o * axis
                    out[o] = blockedSum(axis, parallel: !parallelRows) { row.lanes(at: $0, count: $1) }
                }
            }
            return
        }
        let blocks = Swift.max(1, (axis + blockLength - 1) / blockLength)
        withBuffer(count: blocks == 1 ? 0 : outer * blocks * inner) { partial in
            // Block b of output row o goes to partial[(o * blocks + b) * inner...], or straight to
            // out when there is one block.
            let target = blocks == 1 ? out : partial
            let tile = 1024  // columns per piece of work, so a narrow `outer` still spreads over threads
            let tiles = (inner + tile - 1) / tile
            Parallel.forEach(chunks: outer * blocks * tiles) { work in
                let (ob, t) = work.quotientAndRemainder(dividingBy: tiles)
                let (o, b) = ob.quotientAndRemainder(dividingBy: blocks)
                let columns = t * tile..<Swift.min(inner, (t + 1) * tile)
                let acc = target + ob * inner
                for i in columns { acc[i] = 0 }
                for k in b * blockLength..<Swift.min(axis, (b + 1) * blockLength) {
                    add(acc, x + (o * axis + k) * inner, columns)
                }
            }
            guard blocks > 1 else { return }
            Parallel.forEach(chunks: outer) { o in
                let rows = partial + o * blocks * inner
                combinePairwise(rows, blocks: blocks, width: inner)
                (out + o * inner).update(from: rows, count: inner)
            }
        }
    }

    /// ``sum(_:outer:axis:inner:into:)`` divided by `axis`.
    public static func mean(_ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int,
                            into out: UnsafeMutablePointer<Float>) {
        sum(x, outer: outer, axis: axis, inner: inner, into: out)
        Elementwise.binary(.div, out, scalar: Float(axis), into: out, count: outer * inner)
    }

    /// The maximum of each row of a row-major `[rows, cols]` matrix (cols ≥ 1) and its index: the
    /// first index of the largest value, or of the first NaN, which counts as larger than
    /// everything (as `torch.max(x, dim=-1)` and `numpy.argmax`). `values[r]` is `x[r, indices[r]]`.
    /// Either output may be `nil`.
    public static func max(_ x: UnsafePointer<Float>, rows: Int, cols: Int,
                           values: UnsafeMutablePointer<Float>?, indices: UnsafeMutablePointer<Int>?) {
        precondition(cols >= 1, "max along an empty axis")
        forEachChunk(count: rows, grain: Swift.max(1, Elementwise.grain / cols)) { chunk in
            for r in chunk {
                let row = x + r * cols
                let index = argmax(row, cols)
                values?[r] = row[index]
                indices?[r] = index
            }
        }
    }
}

extension Reduce {
    /// The sum of `term(start, count)` over the pieces of `0..<count`, in the blocked order the type
    /// documents; `term` returns zeros in the lanes past `count`. Blocks run in parallel chunks
    /// when `parallel` is set.
    @inline(__always)
    static func blockedSum(_ count: Int, parallel: Bool, _ term: (Int, Int) -> Lanes) -> Float {
        let blocks = (count + blockLength - 1) / blockLength
        if blocks <= 1 { return blockSum(0..<count, term) }
        return withBuffer(count: blocks) { partial in
            let grain = parallel ? blocksPerChunk : blocks
            forEachChunk(count: blocks, grain: grain) { chunk in
                for b in chunk { partial[b] = blockSum(b * blockLength..<Swift.min(count, (b + 1) * blockLength), term) }
            }
            combinePairwise(partial, blocks: blocks, width: 1)
            return partial[0]
        }
    }

    /// One block: 64 accumulators (term i in lane i mod 64), folded in a fixed order.
    @inline(__always)
    static func blockSum(_ range: Range<Int>, _ term: (Int, Int) -> Lanes) -> Float {
        var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
        var i = range.lowerBound
        while i + 64 <= range.upperBound {
            a0 += term(i, 16)
            a1 += term(i + 16, 16)
            a2 += term(i + 32, 16)
            a3 += term(i + 48, 16)
            i += 64
        }
        if i < range.upperBound {
            let left = range.upperBound - i
            a0 += term(i, Swift.min(16, left))
            a1 += term(i + 16, Swift.min(16, left - 16))
            a2 += term(i + 32, Swift.min(16, left - 32))
            a3 += term(i + 48, left - 48)
        }
        let h16 = (a0 + a1) + (a2 + a3)
        let h8 = h16.lowHalf + h16.highHalf
        let h4 = h8.lowHalf + h8.highHalf
        let h2 = h4.lowHalf + h4.highHalf
        return h2[0] + h2[1]
    }

    /// Combines `blocks` rows of `width` floats pairwise, level by level ((r0 + r1), (r2 + r3), …,
    /// an odd last row carried up), leaving the total in the first row.
    static func combinePairwise(_ rows: UnsafeMutablePointer<Float>, blocks: Int, width: Int) {
        var level = blocks
        while level > 1 {
            for j in 0..<level / 2 {
                let target = rows + j * width
                target.update(from: rows + 2 * j * width, count: width)
                add(target, rows + (2 * j + 1) * width, 0..<width)
            }
            if level % 2 == 1 { (rows + level / 2 * width).update(from: rows + (level - 1) * width, count: width) }
            level = (level + 1) / 2
        }
    }

    /// `target[i] += x[i]` for `i` in `range`.
    @inline(__always)
    static func add(_ target: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ range: Range<Int>) {
        forEachLanes(range) { i, n in
            target.store(UnsafePointer(target).lanes(at: i, count: n) + x.lanes(at: i, count: n), at: i, count: n)
        }
    }

    /// Scratch memory for `count` floats (at least one), on the stack when small.
    @inline(__always)
    static func withBuffer<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.max(1, count)) { body($0.baseAddress!) }
    }

    /// The index of the first NaN, or else of the first largest value, of `row[0..<cols]`.
    static func argmax(_ row: UnsafePointer<Float>, _ cols: Int) -> Int {
        let largest = rowMax(row, cols)
        if largest.hasNaN { return (0..<cols).first { row[$0].isNaN }! }
        return (0..<cols).first { row[$0] == largest.value }!
    }

    /// The largest lane of a NaN-free vector, folded in halves.
    @inline(__always)
    static func horizontalMax(_ v: Lanes) -> Float {
        let h8 = v.lowHalf.replacing(with: v.highHalf, where: v.lowHalf .< v.highHalf)
        let h4 = h8.lowHalf.replacing(with: h8.highHalf, where: h8.lowHalf .< h8.highHalf)
        let h2 = h4.lowHalf.replacing(with: h4.highHalf, where: h4.lowHalf .< h4.highHalf)
        return h2[0] < h2[1] ? h2[1] : h2[0]
    }
}
