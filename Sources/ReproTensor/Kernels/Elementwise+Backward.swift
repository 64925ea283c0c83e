// Backward kernels of the elementwise ops: gradients with respect to the inputs, given the
// gradient with respect to the output. Formulas and operation order as PyTorch's CPU kernels.

extension Elementwise.UnaryOp {
    /// The gradient with respect to the input, from `saved` (the op's input or output, see
    /// ``backwardUsesOutput``) and the output gradient `g`.
    @inline(__always)
    func backward<V: FloatLanes>(_ saved: V, _ g: V) -> V {
        switch self {
        case .relu: g.replacing(with: .splat(0), where: saved .<= .splat(0))  // threshold_backward
        case .tanh: g * (V.splat(1) - saved * saved)                          // tanh_backward
        case .sigmoid: g * (V.splat(1) - saved) * saved                       // sigmoid_backward
        case .gelu: Elementwise.geluBackward(saved, g)
        case .exp: g * saved
        case .log: g / saved
        }
    }
}

extension Elementwise {
    /// `gradInput[i] = d op / dx (at element i) * gradOutput[i]`.
    ///
    /// `saved` is the op's output for tanh, sigmoid and exp, and its input for relu, gelu and log
    /// (``UnaryOp/backwardUsesOutput``). relu's gradient is 0 where the input is ≤ 0 (and NaN
    /// passes the gradient), as `torch.relu`'s.
    public static func unaryBackward(_ op: UnaryOp, saved: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                     into gradInput: UnsafeMutablePointer<Float>, count: Int) {
        forEachChunk(count: count, grain: grain) { chunk in
            forEachLanes(chunk) { i, n in
                gradInput.store(op.backward(saved.lanes(at: i, count: n), gradOutput.lanes(at: i, count: n)), at: i, count: n)
            }
        }
    }

    /// The gradients of `out = a op b` (same shape) with respect to `a` and `b`, given `g`, the
    /// gradient with respect to `out`; either may be `nil` when not needed.
    ///
    /// | op | gradA | gradB |
    /// |---|---|---|
    /// | add | g | g |
    /// | sub | g | −g |
    /// | mul | g · b | g · a |
    /// | div | g / b | −g · ((a / b) / b) |
    ///
    /// For a broadcast operand, its gradient is the same elementwise gradient summed over the
    /// broadcast dimensions: ``Reduce/sum(_:count:)`` for a scalar, and ``Reduce/sum(_:outer:axis:inner:into:)``
    /// with `outer: 1, axis: rows, inner: cols` for a row.
    public static func binaryBackward(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                      gradOutput g: UnsafePointer<Float>, gradA: UnsafeMutablePointer<Float>?,
                                      gradB: UnsafeMutablePointer<Float>?, count: Int) {
        if let gradA {
            switch op {
            case .add, .sub: gradA.update(from: g, count: count)
            case .mul: binary(.mul, g, b, into: gradA, count: count)
            case .div: binary(.div, g, b, into: gradA, count: count)
            }
        }
        if let gradB {
            switch op {
            case .add: gradB.update(from: g, count: count)
            case .sub:
                forEachChunk(count: count, grain: grain) { chunk in
                    forEachLanes(chunk) { i, n in gradB.store(g.lanes(at: i, count: n).negated, at: i, count: n) }
                }
            case .mul: binary(.mul, g, a, into: gradB, count: count)
            case .div:
                forEachChunk(count: count, grain: grain) { chunk in
                    forEachLanes(chunk) { i, n in
                        let grad = divideBackwardDenominator(a.lanes(at: i, count: n), b.lanes(at: i, count: n), g.lanes(at: i, count: n))
                        gradB.store(grad, at: i, count: n)
                    }
                }
            }
        }
    }

    /// −g · ((a / b) / b), PyTorch's `div_tensor_other_backward`.
    @inline(__always)
    static func divideBackwardDenominator<V: FloatLanes>(_ a: V, _ b: V, _ g: V) -> V {
        g.negated * ((a / b) / b)
    }
}
