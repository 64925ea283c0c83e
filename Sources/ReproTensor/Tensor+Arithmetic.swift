import Foundation

/// Elementwise arithmetic with numpy broadcasting: shapes are aligned from the right, and a
/// dimension of 1 (or a missing one) stretches to match the other operand.
extension Tensor {
    /// `self + other` (PyTorch `add`).
    public func adding(_ other: Tensor) throws -> Tensor {
        try binary(.add, "add", other, { $0 + $1 }, gradA: { g, _, _ in g }, gradB: { g, _, _ in g })
    }

    /// `self - other` (PyTorch `sub`).
    public func subtracting(_ other: Tensor) throws -> Tensor {
        try binary(.sub, "sub", other, { $0 - $1 }, gradA: { g, _, _ in g }, gradB: { g, _, _ in -g })
    }

    /// `self * other`, elementwise (PyTorch `mul`).
    public func multiplying(_ other: Tensor) throws -> Tensor {
        try binary(.mul, "mul", other, { $0 * $1 }, gradA: { g, _, b in g * b }, gradB: { g, a, _ in g * a })
    }

    /// `self / other`, elementwise (PyTorch `div`).
    public func dividing(_ other: Tensor) throws -> Tensor {
        try binary(.div, "div", other, { $0 / $1 }, gradA: { g, _, b in g / b },
                   gradB: { g, a, b in -g * ((a / b) / b) })
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.adding(b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.subtracting(b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.multiplying(b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.dividing(b) }
    public static func + (a: Tensor, b: Float) throws -> Tensor { try a.adding(Tensor(b)) }
    public static func - (a: Tensor, b: Float) throws -> Tensor { try a.subtracting(Tensor(b)) }
    public static func * (a: Tensor, b: Float) throws -> Tensor { try a.multiplying(Tensor(b)) }
    public static func / (a: Tensor, b: Float) throws -> Tensor { try a.dividing(Tensor(b)) }

    /// The broadcast result shape of two shapes (numpy rules).
    static func broadcastShape(_ op: String, _ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        return try zip(pa, pb).map { x, y in
            guard x == y || x == 1 || y == 1 else {
                throw TensorError.shapes(op, a, b, "each dimension must match or be 1 (numpy broadcasting)")
            }
            return x == 1 ? y : x
        }
    }

    /// For each element of `outShape` in row-major order, the offset of the element of a tensor of
    /// `shape` that broadcasts onto it.
    static func broadcastOffsets(_ shape: [Int], onto outShape: [Int]) -> [Int] {
        let rank = outShape.count
        let padded = Array(repeating: 1, count: rank - shape.count) + shape
        var strides = Array(repeating: 0, count: rank)
        var step = 1
        for d in (0..<rank).reversed() {
            strides[d] = padded[d] == 1 ? 0 : step
            step *= padded[d]
        }
        var offsets = [0]
        for d in 0..<rank {
            offsets = offsets.flatMap { base in (0..<outShape[d]).map { base + $0 * strides[d] } }
        }
        return offsets
    }

    /// An elementwise binary op with broadcasting; the gradient of a broadcast operand is summed over
    /// the stretched dimensions in row-major order of the output.
    ///
    /// Equal shapes run on the SIMD kernels of ``Elementwise``; other broadcasts use `f` and the
    /// scalar gradient formulas, which perform the same operations per element.
    func binary(
        _ kernel: Elementwise.BinaryOp, _ op: String, _ other: Tensor, _ f: (Float, Float) -> Float,
        gradA: @escaping (Float, Float, Float) -> Float, gradB: @escaping (Float, Float, Float) -> Float
    ) throws -> Tensor {
        let a = self
        let b = other
        if a.shape == b.shape {
            let n = a.count
            let out = Tensor.filled(n) { Elementwise.binary(kernel, a.scalars, b.scalars, into: $0, count: n) }
            return Tensor.result(a.shape, out, op: op, inputs: [a, b]) { g in
                var da: [Float]? = a.requiresGrad ? Array(repeating: 0, count: n) : nil
                var db: [Float]? = b.requiresGrad ? Array(repeating: 0, count: n) : nil
                da.withUnsafeMutableOptionalPointer { pa in
                    db.withUnsafeMutableOptionalPointer { pb in
                        Elementwise.binaryBackward(kernel, a.scalars, b.scalars, gradOutput: g, gradA: pa, gradB: pb,
                                                   count: n)
                    }
                }
                return [da, db]
            }
        }
        if Tensor.isRow(b.shape, of: a.shape) {
            return rowBroadcast(kernel, op, full: a, row: b, rowIsLeft: false)
        }
        if kernel == .add || kernel == .mul, Tensor.isRow(a.shape, of: b.shape) {
            return rowBroadcast(kernel, op, full: b, row: a, rowIsLeft: true)  // commutative: same bits
        }
        let outShape = try Tensor.broadcastShape(op, a.shape, b.shape)
        let ia = Tensor.broadcastOffsets(a.shape, onto: outShape)
        let ib = Tensor.broadcastOffsets(b.shape, onto: outShape)
        let out = (0..<ia.count).map { f(a.scalars[ia[$0]], b.scalars[ib[$0]]) }
        return Tensor.result(outShape, out, op: op, inputs: [a, b]) { g in
            var da: [Float]? = a.requiresGrad ? Array(repeating: 0, count: a.count) : nil
            var db: [Float]? = b.requiresGrad ? Array(repeating: 0, count: b.count) : nil
            for i in g.indices {
                let x = a.scalars[ia[i]]
                let y = b.scalars[ib[i]]
                da?[ia[i]] += gradA(g[i], x, y)
                db?[ib[i]] += gradB(g[i], x, y)
            }
            return [da, db]
        }
    }
}

extension Tensor {
    /// `full op row` where `row`'s shape is a suffix of `full`'s (a bias over a batch): the row
    /// kernel forward; backward runs the equal-shape gradient formulas on `row` repeated over the
    /// rows and sums the row's gradient over them with ``Reduce/sum(_:outer:axis:inner:into:)``
    /// (the fixed blocked order). With `rowIsLeft` (add and mul only) the tensor is `row op full`,
    /// which has the same bits, and the gradients are returned in that operand order.
    /// Whether `row` broadcasts onto `full` by repeating it over leading dimensions only: without
    /// its leading 1s it is a suffix of `full`, and it has no more dimensions than `full`.
    static func isRow(_ row: [Int], of full: [Int]) -> Bool {
        let core = row.drop { $0 == 1 }
        return row.count <= full.count && core.allSatisfy { $0 > 0 } && full.suffix(core.count).elementsEqual(core)
            && full.allSatisfy { $0 > 0 }
    }

    func rowBroadcast(_ kernel: Elementwise.BinaryOp, _ op: String, full: Tensor, row: Tensor,
                      rowIsLeft: Bool) -> Tensor {
        let (cols, n) = (row.count, full.count)
        let rows = n / cols
        let out = Tensor.filled(n) {
            if cols == 1 {
                Elementwise.binary(kernel, full.scalars, scalar: row.scalars[0], into: $0, count: n)
            } else {
                Elementwise.binary(kernel, full.scalars, row: row.scalars, into: $0, rows: rows, cols: cols)
            }
        }
        let inputs = rowIsLeft ? [row, full] : [full, row]
        return Tensor.result(full.shape, out, op: op, inputs: inputs) { g in
            if kernel == .add {
                // A bias: the full operand's gradient is g itself and the row's is g summed over
                // rows (the same bits as through binaryBackward, without its two copies of g).
                let dRow = row.requiresGrad
                    ? Tensor.filled(cols) { Reduce.sum(g, outer: 1, axis: rows, inner: cols, into: $0) } : nil
                let dFull = full.requiresGrad ? g : nil
                return rowIsLeft ? [dRow, dFull] : [dFull, dRow]
            }
            if !row.requiresGrad, !rowIsLeft || kernel == .mul {
                // Only the full (left) operand's gradient: g, g·row or g/row per element, the same
                // single operation binaryBackward performs, without repeating the row.
                let dFull: [Float]? = switch kernel {
                case .add, .sub: g
                case .mul, .div: Tensor.filled(n) {
                    if cols == 1 {
                        Elementwise.binary(kernel, g, scalar: row.scalars[0], into: $0, count: n)
                    } else {
                        Elementwise.binary(kernel, g, row: row.scalars, into: $0, rows: rows, cols: cols)
                    }
                }
                }
                return rowIsLeft ? [nil, dFull] : [dFull, nil]
            }
            var dFull: [Float]? = full.requiresGrad ? Array(repeating: 0, count: n) : nil
            var dRows: [Float]? = row.requiresGrad ? Array(repeating: 0, count: n) : nil
            // add and sub read neither operand; mul and div need the row at every position.
            var repeated = full.scalars
            if kernel == .mul || kernel == .div {
                repeated = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
                    for r in 0..<rows { (buffer.baseAddress! + r * cols).initialize(from: row.scalars, count: cols) }
                    initialized = n
                }
            }
            dFull.withUnsafeMutableOptionalPointer { pFull in
                dRows.withUnsafeMutableOptionalPointer { pRows in
                    Elementwise.binaryBackward(kernel, full.scalars, repeated, gradOutput: g, gradA: pFull, gradB: pRows,
                                               count: n)
                }
            }
            let dRow = dRows.map { elements in
                Tensor.filled(cols) { Reduce.sum(elements, outer: 1, axis: rows, inner: cols, into: $0) }
            }
            return rowIsLeft ? [dRow, dFull] : [dFull, dRow]
        }
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's elements, or nil when there is no array.
    mutating func withUnsafeMutableOptionalPointer<T>(_ body: (UnsafeMutablePointer<Float>?) -> T) -> T {
        guard self != nil else { return body(nil) }
        return self!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
}
