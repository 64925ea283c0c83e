import ReproTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// exactly the update of PyTorch's `torch.optim.SGD` (single-tensor implementation, dampening 0,
/// `maximize=False`).
///
/// For each parameter `p` with gradient `g`, elementwise in Float32, each operation rounded
/// (no fused multiply-add), with the hyperparameters rounded to Float32 where they meet tensors
/// (`wd = Float(weightDecay)`, `m = Float(momentum)`, `η = Float(-learningRate)`):
///
/// ```
/// if weightDecay != 0:  g = g + wd * p
/// if momentum != 0:
///     buf = g                        (the parameter's first update)
///     buf = buf * m + g              (later updates)
///     g = nesterov ? g + m * buf : buf
/// p = p + η * g
/// ```
///
/// PyTorch's vectorized CPU kernels compute `a.add(b, alpha=c)` as one fused multiply-add, so
/// PyTorch itself can differ from this (and from its own scalar tail loop) in the last bit of
/// individual elements; the numpy recipe in `scripts/reference_nn.py` is this one, bit for bit.
///
/// State: `momentum_buffer.<name>` per parameter once it has been updated, when `momentum != 0`.
///
/// - Determinism: a pure function of the parameters, gradients, state and hyperparameters;
///   identical bits on every machine.
public final class SGD: Optimizer {
    /// The momentum factor (PyTorch `momentum`), 0 for none.
    public let momentum: Double
    /// Nesterov momentum (PyTorch `nesterov`).
    public let nesterov: Bool
    /// The L2 penalty added to the gradient (PyTorch `weight_decay`).
    public let weightDecay: Double
    var slots: OptimizerSlots

    /// An optimizer over `parameters` (PyTorch `SGD(params, lr, momentum, dampening=0,
    /// weight_decay, nesterov)`).
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the learning rate, momentum
    ///   or weight decay is negative or not finite, when Nesterov is asked for without momentum
    ///   (PyTorch's checks), or when a parameter name appears twice.
    public init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Double, momentum: Double = 0,
                nesterov: Bool = false, weightDecay: Double = 0) throws {
        try require(momentum >= 0 && momentum.isFinite, "SGD", "momentum \(momentum) must be finite and non-negative")
        try require(weightDecay >= 0 && weightDecay.isFinite, "SGD",
                    "weight decay \(weightDecay) must be finite and non-negative")
        try require(!nesterov || momentum > 0, "SGD", "Nesterov momentum requires a momentum above 0")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        slots = try OptimizerSlots("SGD", parameters, learningRate: learningRate,
                                   bufferKinds: momentum != 0 ? ["momentum_buffer"] : [])
    }

    // MARK: - Optimizer

    /// See ``Optimizer/algorithm``.
    public var algorithm: String { slots.algorithm }
    /// See ``Optimizer/parameters``.
    public var parameters: [(name: String, tensor: Tensor)] { slots.parameters }
    /// See ``Optimizer/learningRate``.
    public var learningRate: Double { slots.learningRate }
    /// See ``Optimizer/stepCount``.
    public var stepCount: Int { slots.stepCount }

    /// See ``Optimizer/setLearningRate(_:)``.
    public func setLearningRate(_ learningRate: Double) throws {
        try OptimizerSlots.checkLearningRate(learningRate, algorithm)
        slots.learningRate = learningRate
    }

    /// One update of every parameter that has a gradient, by the recipe above (PyTorch `step()`).
    ///
    /// - Throws: ``NNError/shapeMismatch(name:expected:actual:)`` for a gradient of the wrong shape,
    ///   before anything is updated.
    public func step() throws {
        let wd = Float(weightDecay)
        let m = Float(momentum)
        let negativeRate = Float(-slots.learningRate)
        for i in try slots.parametersWithGradients() {
            let parameter = slots.tensors[i]
            let grad = parameter.grad!.scalars
            let first = slots.steps[i] == 0
            var buffer = momentum != 0 ? slots.buffers[0][i] : []
            if momentum != 0 {
                slots.buffers[0][i] = []  // keep the buffer uniquely referenced while it is updated
                if first { buffer = Array(repeating: 0, count: grad.count) }
            }
            let (lr, decay, nesterov) = (negativeRate, weightDecay != 0, self.nesterov)
            // One loop per case, so each vectorises; the arithmetic per element is the recipe above.
            // Large tensors are updated in fixed 64 Ki-element chunks on the compute threads: each
            // element's arithmetic is the same whichever thread runs it.
            let chunk = 1 << 16
            parameter.scalars.withUnsafeMutableBufferPointer { p in
                grad.withUnsafeBufferPointer { gradient in
                    buffer.withUnsafeMutableBufferPointer { b in
                        let (p, gradient) = (p.baseAddress!, gradient.baseAddress!)
                        let b = momentum != 0 ? b.baseAddress : nil
                        let count = grad.count
                        Parallel.forEach(chunks: (count + chunk - 1) / chunk) { piece in
                            let range = piece * chunk..<min(count, (piece + 1) * chunk)
                            if let b, first {
                                for j in range {
                                    let g = decay ? gradient[j] + wd * p[j] : gradient[j]
                                    b[j] = g
                                    p[j] = p[j] + lr * (nesterov ? g + m * g : g)
                                }
                            } else if let b {
                                for j in range {
                                    let g = decay ? gradient[j] + wd * p[j] : gradient[j]
                                    let v = b[j] * m + g
                                    b[j] = v
                                    p[j] = p[j] + lr * (nesterov ? g + m * v : v)
                                }
                            } else {
                                for j in range {
                                    let g = decay ? gradient[j] + wd * p[j] : gradient[j]
                                    p[j] = p[j] + lr * g
                                }
                            }
                        }
                    }
                }
            }
            if momentum != 0 { slots.buffers[0][i] = buffer }
            slots.steps[i] += 1
        }
        slots.stepCount += 1
    }

    /// See ``Optimizer/state()``.
    public func state() -> OptimizerState { slots.state() }
    /// See ``Optimizer/stateTensors()``.
    public func stateTensors() -> [(name: String, tensor: Tensor)] { slots.stateTensors() }
    /// See ``Optimizer/restore(_:tensors:)``.
    public func restore(_ state: OptimizerState, tensors: [String: Tensor]) throws {
        try slots.restore(state, tensors: tensors)
    }
}
