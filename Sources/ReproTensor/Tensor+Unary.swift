import Foundation

/// Elementwise activations and functions, each with its derivative.
extension Tensor {
    /// max(x, 0) (PyTorch `relu`); the gradient at 0 is 0, as in PyTorch.
    public func relu() -> Tensor {
        unary("relu", { max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 })
    }

    /// tanh(x) (PyTorch `tanh`).
    public func tanh() -> Tensor {
        unary("tanh", { ElementaryMath.tanh($0) }, derivative: { _, y in 1 - y * y })
    }

    /// 1 / (1 + exp(-x)) (PyTorch `sigmoid`).
    public func sigmoid() -> Tensor {
        unary("sigmoid", { ElementaryMath.sigmoid($0) }, derivative: { _, y in y * (1 - y) })
    }

    /// exp(x) (PyTorch `exp`).
    public func exp() -> Tensor {
        unary("exp", { ElementaryMath.exp($0) }, derivative: { _, y in y })
    }

    /// The natural logarithm (PyTorch `log`).
    public func log() -> Tensor {
        unary("log", { ElementaryMath.log($0) }, derivative: { x, _ in 1 / x })
    }

    /// GELU with the tanh approximation, PyTorch `gelu(x, approximate='tanh')`:
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    public func gelu() -> Tensor {
        unary("gelu", { ElementaryMath.gelu($0) }, derivative: { x, _ in ElementaryMath.geluDerivative(x) })
    }

    /// -x.
    public func negated() -> Tensor {
        unary("neg", { -$0 }, derivative: { _, _ in -1 })
    }

    func unary(_ op: String, _ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let x = self
        let y = x.scalars.map(f)
        return Tensor.result(x.shape, y, op: op, inputs: [x]) { g in
            [(0..<g.count).map { g[$0] * derivative(x.scalars[$0], y[$0]) }]
        }
    }
}

/// The scalar functions behind the activations. Until Repro's own IEEE-only implementations land,
/// these call the platform's libm (so G7, cross-platform identity, does not hold for them yet).
enum ElementaryMath {
    static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    static func log(_ x: Float) -> Float { Foundation.log(x) }
    static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

    static let geluScale: Float = 0.7978845608028654  // √(2/π)

    static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + tanh(geluScale * (x + 0.044715 * x * x * x)))
    }

    static func geluDerivative(_ x: Float) -> Float {
        let inner = geluScale * (x + 0.044715 * x * x * x)
        let t = tanh(inner)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluScale * (1 + 3 * 0.044715 * x * x)
    }
}
