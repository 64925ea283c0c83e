import ReproTensor

/// A gradient-descent optimizer over named parameters (PyTorch `torch.optim.Optimizer`).
///
/// An optimizer is built over a model's ``Layer/namedParameters``; ``step()`` updates each
/// parameter's `scalars` in place from its `grad`, in parameter order, one element after another.
/// A parameter whose `grad` is nil is skipped and its state does not advance, as in PyTorch.
///
/// State, for checkpoints: ``state()`` is the `Codable` scalar part (algorithm, learning rate, step
/// counts); ``stateTensors()`` are the per-parameter buffers as named tensors (`exp_avg.0.weight`,
/// `momentum_buffer.3.bias`, …) for a safetensors file; ``restore(_:tensors:)`` validates both and
/// continues exactly where the saved optimizer stopped.
///
/// - Determinism: every update is Float32 elementwise arithmetic in a fixed order, without fused
///   multiply-add, so results have identical bits on every machine and for any thread count.
public protocol Optimizer: AnyObject {
    /// The algorithm's name as stored in ``OptimizerState/algorithm`` (`SGD`, `Adam`, `AdamW`).
    var algorithm: String { get }
    /// The parameters, in the order they are updated, under their names.
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// The learning rate the next ``step()`` uses (PyTorch `param_groups[0]['lr']`).
    var learningRate: Double { get }
    /// The number of ``step()`` calls so far.
    var stepCount: Int { get }

    /// Sets the learning rate for the following steps (for schedules).
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when it is negative or not finite.
    func setLearningRate(_ learningRate: Double) throws

    /// Updates every parameter that has a gradient (PyTorch `optimizer.step()`).
    ///
    /// - Throws: ``NNError/shapeMismatch(name:expected:actual:)`` when a gradient's shape is not
    ///   its parameter's; nothing is updated then.
    func step() throws

    /// The scalar state: a `Codable` value to store beside ``stateTensors()``.
    func state() -> OptimizerState

    /// The per-parameter buffers, copied, as named tensors in parameter order (only parameters that
    /// have been updated at least once have buffers, as in PyTorch).
    func stateTensors() -> [(name: String, tensor: Tensor)]

    /// Restores what ``state()`` and ``stateTensors()`` returned, after checking that it belongs to
    /// this optimizer; on error nothing changes.
    ///
    /// - Throws: ``NNError/stateMismatch(message:)`` for another algorithm or other parameter
    ///   names; ``NNError/missingTensor(name:expectedShape:)``,
    ///   ``NNError/shapeMismatch(name:expected:actual:)`` or ``NNError/unexpectedTensor(name:)`` for
    ///   buffers that do not fit; ``NNError/invalidArgument(component:message:)`` for a negative
    ///   step count or an invalid learning rate.
    func restore(_ state: OptimizerState, tensors: [String: Tensor]) throws
}

extension Optimizer {
    /// Clears the gradient of every parameter (PyTorch `optimizer.zero_grad()`, `set_to_none=True`).
    public func zeroGrad() {
        for parameter in parameters { parameter.tensor.grad = nil }
    }
}

/// The `Codable` scalar state of an ``Optimizer``; the buffers travel as named tensors beside it.
public struct OptimizerState: Codable, Equatable, Sendable {
    /// One parameter's step count (PyTorch `state[p]['step']`): how many updates it has received.
    public struct ParameterStep: Codable, Equatable, Sendable {
        /// The parameter's name.
        public var name: String
        /// The number of updates it has received.
        public var step: Int

        /// The step count `step` of the parameter `name`.
        public init(name: String, step: Int) {
            self.name = name
            self.step = step
        }
    }

    /// `SGD`, `Adam` or `AdamW`.
    public var algorithm: String
    /// The learning rate in effect.
    public var learningRate: Double
    /// The number of `step()` calls.
    public var stepCount: Int
    /// Every parameter's step count, in parameter order.
    public var parameters: [ParameterStep]

    /// A state with these fields (``Optimizer/state()`` makes one; this is for tools and tests).
    public init(algorithm: String, learningRate: Double, stepCount: Int, parameters: [ParameterStep]) {
        self.algorithm = algorithm
        self.learningRate = learningRate
        self.stepCount = stepCount
        self.parameters = parameters
    }
}

/// The bookkeeping every optimizer shares: parameters, learning rate, step counts, and buffers
/// (`buffers[kind][parameter]`, empty until the parameter's first update).
struct OptimizerSlots {
    let algorithm: String
    let names: [String]
    let tensors: [Tensor]
    /// The buffer kinds, PyTorch's state keys (`momentum_buffer`; `exp_avg`, `exp_avg_sq`).
    let bufferKinds: [String]
    var learningRate: Double
    var stepCount = 0
    var steps: [Int]
    var buffers: [[[Float]]]

    init(_ algorithm: String, _ parameters: [(name: String, tensor: Tensor)], learningRate: Double,
         bufferKinds: [String]) throws {
        _ = try uniqueDictionary(parameters, algorithm)
        try Self.checkLearningRate(learningRate, algorithm)
        self.algorithm = algorithm
        names = parameters.map(\.name)
        tensors = parameters.map(\.tensor)
        self.bufferKinds = bufferKinds
        self.learningRate = learningRate
        steps = Array(repeating: 0, count: parameters.count)
        buffers = Array(repeating: Array(repeating: [], count: parameters.count), count: bufferKinds.count)
    }

    static func checkLearningRate(_ learningRate: Double, _ algorithm: String) throws {
        try require(learningRate >= 0 && learningRate.isFinite, algorithm,
                    "learning rate \(learningRate) must be finite and non-negative")
    }

    var parameters: [(name: String, tensor: Tensor)] { Array(zip(names, tensors)) }

    /// The indices of the parameters that have a gradient, after checking every gradient's shape.
    func parametersWithGradients() throws -> [Int] {
        try tensors.indices.filter { i in
            guard let grad = tensors[i].grad else { return false }
            guard grad.shape == tensors[i].shape else {
                throw NNError.shapeMismatch(name: "grad of \(names[i])", expected: tensors[i].shape, actual: grad.shape)
            }
            return true
        }
    }

    func state() -> OptimizerState {
        OptimizerState(algorithm: algorithm, learningRate: learningRate, stepCount: stepCount,
                       parameters: zip(names, steps).map { OptimizerState.ParameterStep(name: $0, step: $1) })
    }

    /// The buffers each parameter has once it has been updated: `(name, shape, kind, parameter)`.
    func expectedBuffers(steps: [Int]) -> [(name: String, shape: [Int], kind: Int, parameter: Int)] {
        tensors.indices.filter { steps[$0] > 0 }.flatMap { i in
            bufferKinds.indices.map { k in ("\(bufferKinds[k]).\(names[i])", tensors[i].shape, k, i) }
        }
    }

    func stateTensors() -> [(name: String, tensor: Tensor)] {
        expectedBuffers(steps: steps).map { name, shape, kind, parameter in
            (name, try! Tensor(shape: shape, scalars: buffers[kind][parameter]))
        }
    }

    mutating func restore(_ state: OptimizerState, tensors given: [String: Tensor]) throws {
        guard state.algorithm == algorithm else {
            throw NNError.stateMismatch(message: "it was saved by \(state.algorithm), this optimizer is \(algorithm)")
        }
        let savedNames = state.parameters.map(\.name)
        guard savedNames == names else {
            throw NNError.stateMismatch(message: "it holds the parameters \(savedNames), this optimizer has \(names)")
        }
        try Self.checkLearningRate(state.learningRate, algorithm)
        let savedSteps = state.parameters.map(\.step)
        try require(state.stepCount >= 0 && savedSteps.allSatisfy { $0 >= 0 }, algorithm,
                    "step counts must be non-negative, got \(state.stepCount) and \(savedSteps)")
        let expected = expectedBuffers(steps: savedSteps)
        let sources = try matchNamedTensors(expected.map { ($0.name, $0.shape) }, given)
        var restored = Array(repeating: Array(repeating: [Float](), count: names.count), count: bufferKinds.count)
        for (slot, source) in zip(expected, sources) { restored[slot.kind][slot.parameter] = source.scalars }
        learningRate = state.learningRate
        stepCount = state.stepCount
        steps = savedSteps
        buffers = restored
    }
}
