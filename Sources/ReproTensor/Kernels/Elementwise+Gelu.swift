// GELU, tanh approximation: the formulas of PyTorch's CPU kernels (GeluKernelImpl and
// GeluBackwardKernelImpl, approximate == "tanh"), operation for operation, in Float32.

extension Elementwise {
    /// β = √(2/π) (PyTorch: `M_SQRT2 * M_2_SQRTPI * 0.5`, rounded to Float32).
    static let geluBeta: Float = 0x1.988454p-1
    /// κ = 0.044715.
    static let geluKappa: Float = 0.044715

    /// `(0.5 * x) * (1 + tanh(β * (x + κ * x³)))` with `x³ = (x * x) * x`.
    @inline(__always)
    static func gelu<V: FloatLanes>(_ x: V) -> V {
        let inner = V.splat(geluBeta) * (x + V.splat(geluKappa) * (x * x * x))
        return (V.splat(0.5) * x) * (V.splat(1) + ReproMath.tanhLanes(inner))
    }

    /// d GELU / dx times `g`, as PyTorch writes it:
    ///
    ///     t = tanh(β * (x + κ * x³))
    ///     left = 0.5 * x,  right = 1 + t
    ///     dLeft = 0.5 * right
    ///     dRight = (left * (1 - t * t)) * (β * (1 + (3 * κ) * x²))
    ///     g * (dLeft + dRight)
    @inline(__always)
    static func geluBackward<V: FloatLanes>(_ x: V, _ g: V) -> V {
        let x2 = x * x
        let t = ReproMath.tanhLanes(V.splat(geluBeta) * (x + V.splat(geluKappa) * (x2 * x)))
        let left = V.splat(0.5) * x
        let dLeft = V.splat(0.5) * (V.splat(1) + t)
        let dInner = V.splat(geluBeta) * (V.splat(1) + V.splat(3 * geluKappa) * x2)
        let dRight = left * (V.splat(1) - t * t) * dInner
        return g * (dLeft + dRight)
    }
}
