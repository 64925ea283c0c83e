import ReproTensor

/// Scales the gradients of `parameters` so that their global L2 norm is at most `maxNorm`, and
/// returns that norm as it was before scaling (PyTorch
/// `torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False)`).
///
/// Parameters whose `grad` is nil are skipped, as in PyTorch. In Float32, each operation rounded:
///
/// ```
/// norm_i = sqrt(Σ_j g_i[j] * g_i[j])                 per parameter with a gradient, in order
/// total  = sqrt(Σ_i norm_i * norm_i)                 (0 when no parameter has a gradient)
/// coef   = (1 / (total + Float(1e-6))) * Float(maxNorm)
/// coef   = coef > 1 ? 1 : coef                       (torch.clamp(max=1.0): NaN stays NaN)
/// g_i[j] = g_i[j] * coef                             every gradient, also when coef is 1
/// ```
///
/// PyTorch's `max_norm / (total_norm + 1e-6)` on a tensor is `reciprocal()` then a multiply
/// (`Tensor.__rtruediv__`), hence the two roundings written above. Each sum of squares is
/// ``ReproTensor/Reduce/sumOfSquares(_:count:)``: the blocked order of ReproTensor's sums, fixed
/// by the length alone; PyTorch's CPU norm sums in an order of its own, so its norms can differ
/// from these in the last bits (`scripts/reference_clipping.py` compares the two).
///
/// A non-finite total is not an error (PyTorch's default `error_if_nonfinite=False`): a NaN
/// total makes every gradient NaN; an infinite one (an infinite gradient, or squares that
/// overflow Float32, as in PyTorch) gives `coef` 0, so finite gradients become zeros and
/// infinite ones NaN. Check the returned norm to skip such a step.
///
/// - Parameters:
///   - parameters: the tensors whose `grad` is scaled in place (``Layer/parameters``).
///   - maxNorm: the largest norm allowed, finite and at least 0.
/// - Returns: the total norm of the gradients before clipping.
/// - Throws: ``NNError/invalidArgument(component:message:)`` for a negative or non-finite
///   `maxNorm`; ``NNError/shapeMismatch(name:expected:actual:)`` for a gradient whose shape is
///   not its parameter's (named `grad of parameter <index>`). Nothing is scaled then.
/// - Determinism: identical bits for any thread count: threads only decide who sums which block.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Double) throws -> Float {
    try require(maxNorm >= 0 && maxNorm.isFinite, "clipGradNorm", "maxNorm \(maxNorm) must be finite and non-negative")
    let grads = try gradients(of: parameters)
    let total = globalNorm(grads)
    guard !grads.isEmpty else { return total }
    let reciprocal = 1 / (total + Float(1e-6))
    let product = reciprocal * Float(maxNorm)
    let coefficient = product > 1 ? 1 : product
    for grad in grads {
        let count = grad.count
        grad.scalars.withUnsafeMutableBufferPointer { g in
            Elementwise.binary(.mul, g.baseAddress!, scalar: coefficient, into: g.baseAddress!, count: count)
        }
    }
    return total
}

/// The global L2 norm of the gradients of `parameters`, as ``clipGradNorm(_:maxNorm:)`` computes
/// it, without scaling anything (PyTorch `torch.nn.utils.get_total_norm([p.grad for p in
/// parameters if p.grad is not None])`): 0 when no parameter has a gradient.
///
/// - Throws: ``NNError/shapeMismatch(name:expected:actual:)`` as ``clipGradNorm(_:maxNorm:)``.
/// - Determinism: identical bits for any thread count.
public func gradNorm(_ parameters: [Tensor]) throws -> Float {
    globalNorm(try gradients(of: parameters))
}

/// The gradients of the parameters that have one, in order, after checking every shape.
private func gradients(of parameters: [Tensor]) throws -> [Tensor] {
    try parameters.enumerated().compactMap { index, parameter in
        guard let grad = parameter.grad else { return nil }
        guard grad.shape == parameter.shape else {
            throw NNError.shapeMismatch(name: "grad of parameter \(index)", expected: parameter.shape, actual: grad.shape)
        }
        return grad
    }
}

/// `sqrt(Σ_i norm_i²)` over the per-tensor L2 norms, each sum in ``ReproTensor/Reduce``'s order.
private func globalNorm(_ grads: [Tensor]) -> Float {
    let norms = grads.map { Reduce.sumOfSquares($0.scalars, count: $0.count).squareRoot() }
    return Reduce.sumOfSquares(norms, count: norms.count).squareRoot()
}
