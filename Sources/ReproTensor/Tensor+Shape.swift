/// Reshaping, transposition, slicing, joining and gathering. Each returns a new contiguous tensor.
extension Tensor {
    /// The same elements with a new shape of equal element count (PyTorch `reshape`); one dimension
    /// may be -1 and is then inferred.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shapes("reshape", shape, newShape, "cannot infer the -1 dimension")
            }
            target[hole] = count / known
        }
        _ = try Tensor.checkedShape(target, "reshape")
        guard target.reduce(1, *) == count else {
            throw TensorError.shapes("reshape", shape, newShape, "element counts differ")
        }
        let x = self
        return Tensor.result(target, x.scalars, op: "reshape", inputs: [x]) { g in [g] }
    }

    /// The transpose of a matrix (PyTorch `t()`).
    public func transposed() throws -> Tensor {
        guard rank == 2 else { throw TensorError("transpose", "needs a matrix, got shape \(shape)") }
        let (m, n) = (shape[0], shape[1])
        let x = self
        let y = Tensor.transpose(x.scalars, m, n)
        return Tensor.result([n, m], y, op: "transpose", inputs: [x]) { g in [Tensor.transpose(g, n, m)] }
    }

    static func transpose(_ x: [Float], _ m: Int, _ n: Int) -> [Float] {
        var y = Array(repeating: Float(0), count: m * n)
        for i in 0..<m { for j in 0..<n { y[j * m + i] = x[i * n + j] } }
        return y
    }

    /// Rows `range` along the first axis (PyTorch `x[a:b]`).
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw TensorError("slice", "rows \(range) are outside 0..<\(shape.first ?? 0) for shape \(shape)")
        }
        let width = count / Swift.max(shape[0], 1)
        let x = self
        let y = Array(x.scalars[(range.lowerBound * width)..<(range.upperBound * width)])
        var outShape = shape
        outShape[0] = range.count
        return Tensor.result(outShape, y, op: "slice", inputs: [x]) { g in
            var grad = Array(repeating: Float(0), count: x.count)
            grad.replaceSubrange((range.lowerBound * width)..<(range.upperBound * width), with: g)
            return [grad]
        }
    }

    /// The rows at `indices` along the first axis, in that order (PyTorch `index_select(0, …)`).
    /// The gradient of a row gathered several times is summed in index order.
    public func gathered(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw TensorError("gather", "needs rank >= 1, got shape \(shape)") }
        if let bad = indices.first(where: { !(0..<shape[0]).contains($0) }) {
            throw TensorError("gather", "index \(bad) is outside 0..<\(shape[0]) for shape \(shape)")
        }
        let width = count / Swift.max(shape[0], 1)
        let x = self
        var y: [Float] = []
        y.reserveCapacity(indices.count * width)
        for i in indices { y += x.scalars[(i * width)..<((i + 1) * width)] }
        var outShape = shape
        outShape[0] = indices.count
        return Tensor.result(outShape, y, op: "gather", inputs: [x]) { g in
            var grad = Array(repeating: Float(0), count: x.count)
            for (row, i) in indices.enumerated() {
                for c in 0..<width { grad[i * width + c] += g[row * width + c] }
            }
            return [grad]
        }
    }

    /// Tensors joined along the first axis (PyTorch `cat(dim=0)`).
    public static func concatenated(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first, first.rank >= 1 else {
            throw TensorError("cat", "needs at least one tensor of rank >= 1")
        }
        let tail = Array(first.shape.dropFirst())
        for part in parts where part.rank < 1 || Array(part.shape.dropFirst()) != tail {
            throw TensorError.shapes("cat", first.shape, part.shape, "all dimensions but the first must match")
        }
        let y = parts.flatMap(\.scalars)
        let shape = [parts.map { $0.shape[0] }.reduce(0, +)] + tail
        let counts = parts.map(\.count)
        return Tensor.result(shape, y, op: "cat", inputs: parts) { g in
            var start = 0
            return counts.map { n in
                defer { start += n }
                return Array(g[start..<(start + n)])
            }
        }
    }

    /// Tensors of one shape stacked along a new first axis (PyTorch `stack(dim=0)`).
    public static func stacked(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw TensorError("stack", "needs at least one tensor") }
        guard first.rank < maxRank else {
            throw TensorError("stack", "stacking shape \(first.shape) would exceed rank \(maxRank)")
        }
        let expanded = try parts.map { part -> Tensor in
            guard part.shape == first.shape else {
                throw TensorError.shapes("stack", first.shape, part.shape, "all tensors must have the same shape")
            }
            return try part.reshaped([1] + part.shape)
        }
        return try concatenated(expanded)
    }
}
