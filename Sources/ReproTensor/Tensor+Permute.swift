/// Reordering dimensions and slicing the last axis: the reshaping attention needs to split heads.
/// Each returns a new contiguous tensor; elements are copied, never computed.
extension Tensor {
    /// The dimensions reordered: dimension `i` of the result is dimension `axes[i]` of this tensor
    /// (PyTorch `permute(*axes)`, numpy `transpose(axes)`), copied into a contiguous tensor.
    ///
    /// - Throws: ``TensorError`` when `axes` is not a permutation of `0..<rank`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.sorted() == Array(0..<rank) else {
            throw TensorError("permute", "axes \(axes) are not a permutation of 0..<\(rank) for shape \(shape)")
        }
        var inverse = axes
        for (i, axis) in axes.enumerated() { inverse[axis] = i }
        let x = self
        let outShape = axes.map { shape[$0] }
        let y = Tensor.permute(x.scalars, shape: x.shape, axes: axes)
        return Tensor.result(outShape, y, op: "permute", inputs: [x]) { g in
            [Tensor.permute(g, shape: outShape, axes: inverse)]
        }
    }

    /// The elements of `x` (of `shape`) with dimension `i` of the result being dimension `axes[i]`.
    static func permute(_ x: [Float], shape: [Int], axes: [Int]) -> [Float] {
        // Pad to rank 4 with leading dimensions of 1, so one loop nest serves every rank.
        let pad = maxRank - shape.count
        let dims = Array(repeating: 1, count: pad) + shape
        let order = Array(0..<pad) + axes.map { $0 + pad }
        var strides = Array(repeating: 1, count: maxRank)
        for d in stride(from: maxRank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * dims[d + 1] }
        let (n0, n1, n2, n3) = (dims[order[0]], dims[order[1]], dims[order[2]], dims[order[3]])
        let (s0, s1, s2, s3) = (strides[order[0]], strides[order[1]], strides[order[2]], strides[order[3]])
        return Tensor.filled(x.count) { out in
            x.withUnsafeBufferPointer { x in
                let x = x.baseAddress!
                var o = 0
                for i0 in 0..<n0 {
                    for i1 in 0..<n1 {
                        for i2 in 0..<n2 {
                            let base = i0 * s0 + i1 * s1 + i2 * s2
                            if s3 == 1 {  // the last axis stays last: one contiguous run
                                (out + o).update(from: x + base, count: n3)
                                o += n3
                                continue
                            }
                            for i3 in 0..<n3 {
                                out[o] = x[base + i3 * s3]
                                o += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The elements `range` of the last axis (PyTorch `x[..., a:b]`): e.g. the query, key or
    /// value part of a fused projection.
    ///
    /// - Throws: ``TensorError`` for a scalar or a range outside the last axis.
    public func columns(_ range: Range<Int>) throws -> Tensor {
        guard let width = shape.last, range.lowerBound >= 0, range.upperBound <= width else {
            throw TensorError("slice", "columns \(range) are outside the last axis of shape \(shape)")
        }
        let rows = width == 0 ? 0 : count / width
        let x = self
        var y = [Float]()
        y.reserveCapacity(rows * range.count)
        for r in 0..<rows { y += x.scalars[(r * width + range.lowerBound)..<(r * width + range.upperBound)] }
        return Tensor.result(Array(shape.dropLast()) + [range.count], y, op: "slice", inputs: [x]) { g in
            var grad = [Float](repeating: 0, count: x.count)
            for r in 0..<rows {
                grad.replaceSubrange((r * width + range.lowerBound)..<(r * width + range.upperBound),
                                     with: g[(r * range.count)..<((r + 1) * range.count)])
            }
            return [grad]
        }
    }
}
