import ReproTensor

/// Adam (PyTorch `torch.optim.Adam`, single-tensor implementation, `amsgrad=False`,
/// `maximize=False`), with L2 weight decay added to the gradient.
///
/// For each parameter `p` with gradient `g` at its update number `t` (1 for the first), with the
/// scalars computed in Float64 as PyTorch computes them in Python:
///
/// ```
/// bc1 = 1 - beta1 ** t,  bc2 = 1 - beta2 ** t      (** is a correctly rounded power, see below)
/// stepSize = lr / bc1,   bc2Sqrt = sqrt(bc2)
/// ```
///
/// and then elementwise in Float32, each operation rounded (no fused multiply-add), each scalar
/// rounded to Float32 where it meets a tensor:
///
/// ```
/// Adam:   if weightDecay != 0 and p decays:  g = g + Float(weightDecay) * p
/// AdamW:  if weightDecay != 0 and p decays:  p = p * Float(1 - lr * weightDecay)
/// m = lerp(m, g, w)  with w = Float(1 - beta1):                       (exp_avg.lerp_(grad, 1 - beta1))
///       |w| < 0.5 ? m + w * (g - m) : g - (g - m) * (1 - w)
/// v = v * Float(beta2) + (Float(1 - beta2) * g) * g                   (mul_(beta2).addcmul_(g, g, 1 - beta2))
/// denom = sqrt(v) / Float(bc2Sqrt) + Float(eps)
/// p = p + (Float(-stepSize) * m) / denom                              (addcdiv_(m, denom, -stepSize))
/// ```
///
/// `m` and `v` start at zero. PyTorch writes `bias_correction2 ** 0.5` and `beta ** step` with
/// libm's `pow`; Repro computes the square root with `sqrt` and integer powers in double-double
/// arithmetic, which give the correctly rounded results a correctly rounded `pow` gives, without
/// depending on the platform's libm. PyTorch's vectorized CPU `lerp` uses a fused multiply-add, so
/// PyTorch can differ from this in the last bit of individual elements; `scripts/reference_nn.py`
/// implements this recipe in numpy, bit for bit.
///
/// Which parameters decay is chosen once, at construction (``decays``): every parameter by
/// default, or those a predicate picks, as PyTorch's two parameter groups
/// `[{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]` do. A
/// parameter that does not decay gets exactly the update of `weight_decay=0`, bit for bit.
///
/// State: `exp_avg.<name>` and `exp_avg_sq.<name>` per parameter once it has been updated, and each
/// parameter's step count in ``OptimizerState`` (the same with or without a decay choice: the
/// choice belongs to the code that builds the optimizer, like the hyperparameters).
///
/// - Determinism: a pure function of the parameters, gradients, state and hyperparameters;
///   identical bits on every machine.
public class Adam: Optimizer {
    /// The decay rates of the first and second moment estimates (PyTorch `betas`).
    public let betas: (Double, Double)
    /// The term added to the denominator (PyTorch `eps`).
    public let eps: Double
    /// The weight decay: an L2 penalty for Adam, decoupled for ``AdamW``.
    public let weightDecay: Double
    /// Whether each parameter, in parameter order, decays (`weight_decay` applies to it; for the
    /// others it is 0).
    public let decays: [Bool]
    let decoupled: Bool
    var slots: OptimizerSlots

    /// An optimizer over `parameters` (PyTorch `Adam(params, lr, betas, eps, weight_decay)`), with
    /// the weight decay on the parameters for which `decays(name, tensor)` is true (evaluated once,
    /// here, in parameter order); every parameter decays when `decays` is nil.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the learning rate, `eps` or
    ///   the weight decay is negative or not finite, a beta is outside [0, 1) (PyTorch's checks),
    ///   or a parameter name appears twice.
    public convenience init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Double = 1e-3,
                            betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
                            decays: ((_ name: String, _ tensor: Tensor) -> Bool)? = nil) throws {
        try self.init("Adam", parameters, learningRate: learningRate, betas: betas, eps: eps,
                      weightDecay: weightDecay, decoupled: false, decays: decays)
    }

    init(_ algorithm: String, _ parameters: [(name: String, tensor: Tensor)], learningRate: Double,
         betas: (Double, Double), eps: Double, weightDecay: Double, decoupled: Bool,
         decays: ((_ name: String, _ tensor: Tensor) -> Bool)?) throws {
        for (index, beta) in [betas.0, betas.1].enumerated() {
            try require(beta >= 0 && beta < 1, algorithm, "beta parameter at index \(index), \(beta), must be in [0, 1)")
        }
        try require(eps >= 0 && eps.isFinite, algorithm, "eps \(eps) must be finite and non-negative")
        try require(weightDecay >= 0 && weightDecay.isFinite, algorithm,
                    "weight decay \(weightDecay) must be finite and non-negative")
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        self.decays = parameters.map { decays?($0.name, $0.tensor) ?? true }
        slots = try OptimizerSlots(algorithm, parameters, learningRate: learningRate,
                                   bufferKinds: ["exp_avg", "exp_avg_sq"])
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
        let lr = slots.learningRate
        let (beta1, beta2) = betas
        let penalty = Float(weightDecay)
        let shrink = Float(1 - lr * weightDecay)
        let w = Float(1 - beta1)
        let smallWeight = abs(w) < 0.5
        let oneMinusW = 1 - w
        let b2 = Float(beta2)
        let oneMinusB2 = Float(1 - beta2)
        let epsilon = Float(eps)
        for i in try slots.parametersWithGradients() {
            let parameter = slots.tensors[i]
            let grad = parameter.grad!.scalars
            slots.steps[i] += 1
            let t = slots.steps[i]
            let biasCorrection1 = 1 - ScalarMath.power(beta1, t)
            let biasCorrection2 = 1 - ScalarMath.power(beta2, t)
            let negativeStepSize = Float(-(lr / biasCorrection1))
            let biasCorrection2Sqrt = Float(biasCorrection2.squareRoot())
            var m = slots.buffers[0][i]
            var v = slots.buffers[1][i]
            slots.buffers[0][i] = []  // keep the buffers uniquely referenced while they are updated
            slots.buffers[1][i] = []
            if m.isEmpty {
                m = Array(repeating: 0, count: grad.count)
                v = Array(repeating: 0, count: grad.count)
            }
            let decay = weightDecay != 0 && decays[i]
            parameter.scalars.withUnsafeMutableBufferPointer { p in
                for j in p.indices {
                    var g = grad[j]
                    if decay {
                        if decoupled { p[j] = p[j] * shrink } else { g = g + penalty * p[j] }
                    }
                    m[j] = smallWeight ? m[j] + w * (g - m[j]) : g - (g - m[j]) * oneMinusW
                    v[j] = v[j] * b2 + (oneMinusB2 * g) * g
                    let denom = v[j].squareRoot() / biasCorrection2Sqrt + epsilon
                    p[j] = p[j] + (negativeStepSize * m[j]) / denom
                }
            }
            slots.buffers[0][i] = m
            slots.buffers[1][i] = v
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

/// AdamW (PyTorch `torch.optim.AdamW`): ``Adam`` with decoupled weight decay, each update first
/// scaling the parameter by `Float(1 - lr * weightDecay)` instead of adding an L2 term to the
/// gradient. PyTorch's default weight decay, 0.01, is the default here too.
///
/// nanoGPT decays only the weight matrices (`AdamW([{"params": [p for p in params if p.dim() >= 2],
/// "weight_decay": wd}, {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}])`);
/// here that is `AdamW(parameters, weightDecay: wd, decays: AdamW.decaysWeightMatrices)`.
///
/// - Determinism: as ``Adam``.
public final class AdamW: Adam {
    /// An optimizer over `parameters` (PyTorch `AdamW(params, lr, betas, eps, weight_decay)`), with
    /// the weight decay on the parameters for which `decays(name, tensor)` is true (evaluated once,
    /// here, in parameter order); every parameter decays when `decays` is nil.
    ///
    /// - Throws: as ``Adam``.
    public init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Double = 1e-3,
                betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 1e-2,
                decays: ((_ name: String, _ tensor: Tensor) -> Bool)? = nil) throws {
        try super.init("AdamW", parameters, learningRate: learningRate, betas: betas, eps: eps,
                       weightDecay: weightDecay, decoupled: true, decays: decays)
    }

    /// nanoGPT's choice of what decays: parameters of rank 2 or more (the weights of linear,
    /// convolution and embedding layers); biases and normalization gains (rank 1) do not.
    public static func decaysWeightMatrices(_ name: String, _ tensor: Tensor) -> Bool {
        tensor.rank >= 2
    }
}
