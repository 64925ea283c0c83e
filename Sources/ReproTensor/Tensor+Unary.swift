/// Elementwise activations and functions, each with its derivative, on the SIMD kernels of
/// ``Elementwise`` (Repro's own `exp`, `log`, `tanh`: no libm, same bits on every machine).
extension Tensor {
    /// max(x, 0) (PyTorch `relu`); the gradient at 0 is 0, as in PyTorch.
    public func relu() -> Tensor { unary(.relu, "relu") }

    /// tanh(x) (PyTorch `tanh`).
    public func tanh() -> Tensor { unary(.tanh, "tanh") }

    /// 1 / (1 + exp(-x)) (PyTorch `sigmoid`).
    public func sigmoid() -> Tensor { unary(.sigmoid, "sigmoid") }

    /// exp(x) (PyTorch `exp`).
    public func exp() -> Tensor { unary(.exp, "exp") }

    /// The natural logarithm (PyTorch `log`).
    public func log() -> Tensor { unary(.log, "log") }

    /// GELU with the tanh approximation, PyTorch `gelu(x, approximate='tanh')`:
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    public func gelu() -> Tensor { unary(.gelu, "gelu") }

    /// -x.
    public func negated() -> Tensor {
        let x = self
        let y = Tensor.filled(x.count) { Elementwise.binary(.mul, x.scalars, scalar: -1, into: $0, count: x.count) }
        return Tensor.result(x.shape, y, op: "neg", inputs: [x]) { g in
            [Tensor.filled(g.count) { Elementwise.binary(.mul, g, scalar: -1, into: $0, count: g.count) }]
        }
    }

    func unary(_ kernel: Elementwise.UnaryOp, _ op: String) -> Tensor {
        let x = self
        let y = Tensor.filled(x.count) { Elementwise.unary(kernel, x.scalars, into: $0, count: x.count) }
        return Tensor.result(x.shape, y, op: op, inputs: [x]) { g in
            let saved = kernel.backwardUsesOutput ? y : x.scalars
            return [Tensor.filled(g.count) {
                Elementwise.unaryBackward(kernel, saved: saved, gradOutput: g, into: $0, count: g.count)
            }]
        }
    }

    /// An array of `count` elements written by `fill`, which must set every element.
    static func filled(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { fill(buffer.baseAddress!) }
            initialized = count
        }
    }
}
