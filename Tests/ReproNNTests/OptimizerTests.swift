import Foundation
import Testing
@testable import ReproNN
import ReproRandom
import ReproTensor

/// SGD, Adam and AdamW against `scripts/reference_nn.py`, which runs PyTorch's single-tensor
/// algorithms in numpy float32 with the same operation order (each operation rounded, no fused
/// multiply-add): every parameter after every step, the final buffers and step counts, bit for bit.
@Suite struct OptimizerTests {
    typealias Case = NNVectors.OptimizerCase

    /// The case's parameters (`p0`, `p1`, …) and, per step, the gradients, drawn as the script draws them.
    static func inputs(_ vector: Case) throws -> (parameters: [(name: String, tensor: Tensor)], grads: [[Tensor]]) {
        let steps = vector.learningRates.count
        let shapes = vector.shapes + Array(repeating: vector.shapes, count: steps).flatMap { $0 }
        let all = try normalTensors(seed: seed64(vector.seed), shapes)
        let n = vector.shapes.count
        let parameters = (0..<n).map { ("p\($0)", Self.copy(all[$0])) }
        let grads = (0..<steps).map { k in Array(all[(n + k * n)..<(n + (k + 1) * n)]) }
        return (parameters, grads)
    }

    static func optimizer(_ vector: Case, _ parameters: [(name: String, tensor: Tensor)]) throws -> any Optimizer {
        let h = vector.hyperparameters
        let lr = double(vector.learningRates[0])
        // The case's mask by parameter name (`p0`, `p1`, …).
        let decays = h.decays.map { mask in { (name: String, _: Tensor) in mask[Int(name.dropFirst())!] } }
        switch vector.algorithm {
        case "SGD":
            return try SGD(parameters, learningRate: lr, momentum: h.momentum!, nesterov: h.nesterov!,
                           weightDecay: h.weightDecay!)
        case "Adam":
            return try Adam(parameters, learningRate: lr, betas: (h.betas![0], h.betas![1]), eps: h.eps!,
                            weightDecay: h.weightDecay!, decays: decays)
        default:
            return try AdamW(parameters, learningRate: lr, betas: (h.betas![0], h.betas![1]), eps: h.eps!,
                             weightDecay: h.weightDecay!, decays: decays)
        }
    }

    /// Runs steps `range` of the case: sets the step's learning rate and gradients, then steps.
    static func run(_ vector: Case, _ optimizer: any Optimizer, grads: [[Tensor]], steps range: Range<Int>) throws {
        for k in range {
            try optimizer.setLearningRate(double(vector.learningRates[k]))
            for (i, parameter) in optimizer.parameters.enumerated() {
                parameter.tensor.grad = vector.skips.contains([k, i]) ? nil : grads[k][i]
            }
            try optimizer.step()
        }
    }

    /// A new parameter (a leaf that requires gradients) with the elements of `tensor`.
    static func copy(_ tensor: Tensor) -> Tensor {
        try! Tensor(shape: tensor.shape, scalars: tensor.scalars, requiresGrad: true)
    }

    static var names: [String] { NNVectors.shared.optimizers.map(\.name) }
    static func vector(_ name: String) -> Case { NNVectors.shared.optimizers.first { $0.name == name }! }

    @Test(arguments: names)
    func everyStepMatchesTheNumpyReference(_ name: String) throws {
        let vector = Self.vector(name)
        let (parameters, grads) = try Self.inputs(vector)
        let optimizer = try Self.optimizer(vector, parameters)
        for k in vector.learningRates.indices {
            try Self.run(vector, optimizer, grads: grads, steps: k..<(k + 1))
            for (i, parameter) in parameters.enumerated() {
                let difference = firstBitDifference(parameter.tensor.scalars, floats(vector.parametersAfterStep[k][i]))
                #expect(difference == nil, "\(name), step \(k), p\(i): \(difference ?? "")")
            }
        }
        #expect(optimizer.algorithm == vector.algorithm)
        #expect(optimizer.stepCount == vector.learningRates.count)
        #expect(optimizer.state().parameters.map(\.step) == vector.steps)
        let state = optimizer.stateTensors()
        #expect(Set(state.map(\.name)) == Set(vector.state.keys))
        for (bufferName, tensor) in state {
            let difference = firstBitDifference(tensor.scalars, floats(vector.state[bufferName] ?? []))
            #expect(difference == nil, "\(name), \(bufferName): \(difference ?? "")")
        }
    }

    /// Save after `split` steps (JSON for the scalars, tensors for the buffers), restore into a new
    /// optimizer over copies of the parameters, and finish both: identical bits, equal to the vectors.
    @Test(arguments: ["sgd momentum decay schedule skip", "adam betas eps decay schedule skip", "adamw", "adamw decay mask"])
    func stateRoundTripContinuesIdentically(_ name: String) throws {
        let vector = Self.vector(name)
        let steps = vector.learningRates.count
        let split = 3
        let (parameters, grads) = try Self.inputs(vector)
        let original = try Self.optimizer(vector, parameters)
        try Self.run(vector, original, grads: grads, steps: 0..<split)

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(original.state())
        let savedState = try JSONDecoder().decode(OptimizerState.self, from: json)
        #expect(savedState == original.state())
        let savedTensors = Dictionary(uniqueKeysWithValues: original.stateTensors().map { ($0.name, $0.tensor) })

        let copies: [(name: String, tensor: Tensor)] = parameters.map { ($0.name, Self.copy($0.tensor)) }
        let restored = try Self.optimizer(vector, copies)
        try restored.restore(savedState, tensors: savedTensors)
        #expect(restored.state() == original.state())
        #expect(restored.stateTensors().map(\.name) == original.stateTensors().map(\.name))

        try Self.run(vector, original, grads: grads, steps: split..<steps)
        try Self.run(vector, restored, grads: grads, steps: split..<steps)
        for (i, (a, b)) in zip(parameters, copies).enumerated() {
            #expect(firstBitDifference(a.tensor.scalars, b.tensor.scalars) == nil, "\(name), p\(i)")
            #expect(firstBitDifference(b.tensor.scalars, floats(vector.parametersAfterStep[steps - 1][i])) == nil)
        }
        #expect(restored.state() == original.state())
    }

    /// With a decay choice, a parameter that does not decay is updated exactly as by an optimizer
    /// with weight decay 0, and one that does exactly as by the optimizer without a choice; the
    /// state has the same names and bits either way.
    @Test(arguments: ["Adam", "AdamW"])
    func aParameterThatDoesNotDecayGetsTheUpdateOfWeightDecayZero(_ algorithm: String) throws {
        let shapes = [[4, 3], [3], [2, 2]]
        let all = try normalTensors(seed: 730, shapes + Array(repeating: shapes, count: 5).flatMap { $0 })
        func run(weightDecay: Double, decays: ((String, Tensor) -> Bool)?) throws -> (parameters: [[Float]], state: [[Float]]) {
            let parameters = (0..<3).map { ("p\($0)", Self.copy(all[$0])) }
            let optimizer: any Optimizer = algorithm == "Adam"
                ? try Adam(parameters, learningRate: 0.01, weightDecay: weightDecay, decays: decays)
                : try AdamW(parameters, learningRate: 0.01, weightDecay: weightDecay, decays: decays)
            for step in 0..<5 {
                for i in 0..<3 { parameters[i].1.grad = all[3 + step * 3 + i] }
                try optimizer.step()
            }
            let state = optimizer.stateTensors()
            #expect(state.map(\.name) == ["exp_avg.p0", "exp_avg_sq.p0", "exp_avg.p1", "exp_avg_sq.p1", "exp_avg.p2", "exp_avg_sq.p2"])
            return (parameters.map(\.1.scalars), state.map(\.tensor.scalars))
        }
        let chosen = try run(weightDecay: 0.1, decays: AdamW.decaysWeightMatrices)
        let everything = try run(weightDecay: 0.1, decays: nil)
        let nothing = try run(weightDecay: 0, decays: nil)
        for i in 0..<3 {
            let reference = shapes[i].count >= 2 ? everything : nothing
            #expect(firstBitDifference(chosen.parameters[i], reference.parameters[i]) == nil, "\(algorithm) p\(i)")
            for k in 0..<2 {
                #expect(firstBitDifference(chosen.state[2 * i + k], reference.state[2 * i + k]) == nil, "\(algorithm) p\(i) buffer \(k)")
            }
        }
        #expect(firstBitDifference(everything.parameters[1], nothing.parameters[1]) != nil, "the decay changes the bias")
    }

    /// nanoGPT's rule: weights of rank 2 or more decay, biases do not; evaluated once, in order.
    @Test func decaysWeightMatricesPicksTheWeights() throws {
        var generator = Generator(PCG64(seed: 1))
        let linear = try Linear(3, 2, using: &generator)
        let parameters = linear.namedParameters + [("gain", try Tensor.ones([2], requiresGrad: true))]
        var asked: [String] = []
        let optimizer = try AdamW(parameters, weightDecay: 0.1) { name, tensor in
            asked.append(name)
            return AdamW.decaysWeightMatrices(name, tensor)
        }
        #expect(parameters.map(\.name) == ["weight", "bias", "gain"])
        #expect(optimizer.decays == [true, false, false])
        #expect(asked == ["weight", "bias", "gain"])
        #expect(try AdamW(parameters).decays == [true, true, true])
    }

    @Test func restoreRejectsStateThatDoesNotFit() throws {
        let vector = Self.vector("adam")
        let (parameters, grads) = try Self.inputs(vector)
        let adam = try Self.optimizer(vector, parameters)
        try Self.run(vector, adam, grads: grads, steps: 0..<2)
        let state = adam.state()
        let tensors = Dictionary(uniqueKeysWithValues: adam.stateTensors().map { ($0.name, $0.tensor) })
        #expect(tensors.keys.sorted() == ["exp_avg.p0", "exp_avg.p1", "exp_avg_sq.p0", "exp_avg_sq.p1"])

        let fresh = try Adam(parameters, learningRate: 0.5)
        let before = (fresh.state(), fresh.stateTensors().map(\.name))

        #expect(throws: NNError.stateMismatch(message: "it was saved by Adam, this optimizer is AdamW")) {
            try AdamW(parameters).restore(state, tensors: tensors)
        }
        #expect(throws: NNError.stateMismatch(message: "it was saved by Adam, this optimizer is SGD")) {
            try SGD(parameters, learningRate: 0.1).restore(state, tensors: tensors)
        }
        #expect(throws: NNError.stateMismatch(message: "it holds the parameters [\"p0\", \"p1\"], this optimizer has [\"p0\"]")) {
            try Adam([parameters[0]]).restore(state, tensors: tensors)
        }
        var missing = tensors
        missing["exp_avg_sq.p1"] = nil
        #expect(throws: NNError.missingTensor(name: "exp_avg_sq.p1", expectedShape: [4])) {
            try fresh.restore(state, tensors: missing)
        }
        var misshapen = tensors
        misshapen["exp_avg.p0"] = try Tensor.zeros([4, 3])
        #expect(throws: NNError.shapeMismatch(name: "exp_avg.p0", expected: [3, 4], actual: [4, 3])) {
            try fresh.restore(state, tensors: misshapen)
        }
        var extra = tensors
        extra["momentum_buffer.p0"] = try Tensor.zeros([3, 4])
        #expect(throws: NNError.unexpectedTensor(name: "momentum_buffer.p0")) { try fresh.restore(state, tensors: extra) }
        // Buffers for a parameter that the state says was never updated are unexpected too.
        var neverUpdated = state
        neverUpdated.parameters[1].step = 0
        #expect(throws: NNError.unexpectedTensor(name: "exp_avg.p1")) { try fresh.restore(neverUpdated, tensors: tensors) }
        var negative = state
        negative.parameters[0].step = -1
        #expect(throws: NNError.self) { try fresh.restore(negative, tensors: tensors) }
        var badRate = state
        badRate.learningRate = -1
        #expect(throws: NNError.self) { try fresh.restore(badRate, tensors: tensors) }

        // A failed restore changes nothing.
        #expect(fresh.state() == before.0)
        #expect(fresh.stateTensors().map(\.name) == before.1)
    }

    @Test func badHyperparameters() throws {
        let p = [("w", try Tensor.zeros([2], requiresGrad: true))]
        #expect(throws: NNError.invalidArgument(component: "SGD", message: "learning rate -0.1 must be finite and non-negative")) {
            try SGD(p, learningRate: -0.1)
        }
        #expect(throws: NNError.self) { try SGD(p, learningRate: .nan) }
        #expect(throws: NNError.self) { try SGD(p, learningRate: 0.1, momentum: -0.5) }
        #expect(throws: NNError.self) { try SGD(p, learningRate: 0.1, weightDecay: -1) }
        #expect(throws: NNError.invalidArgument(component: "SGD", message: "Nesterov momentum requires a momentum above 0")) {
            try SGD(p, learningRate: 0.1, nesterov: true)
        }
        #expect(throws: NNError.invalidArgument(component: "Adam", message: "beta parameter at index 1, 1.0, must be in [0, 1)")) {
            try Adam(p, betas: (0.9, 1))
        }
        #expect(throws: NNError.self) { try Adam(p, eps: -1e-8) }
        #expect(throws: NNError.self) { try AdamW(p, learningRate: -1) }
        #expect(throws: NNError.self) { try AdamW(p, weightDecay: -0.01) }
        #expect(throws: NNError.invalidArgument(component: "Adam", message: "the name 'w' appears twice")) {
            try Adam(p + p)
        }
        let sgd = try SGD(p, learningRate: 0.1)
        #expect(throws: NNError.invalidArgument(component: "SGD", message: "learning rate -1.0 must be finite and non-negative")) {
            try sgd.setLearningRate(-1)
        }
        #expect(sgd.learningRate == 0.1)
        try sgd.setLearningRate(0.25)
        #expect(sgd.learningRate == 0.25)
        // A gradient of the wrong shape is rejected before anything is updated.
        p[0].1.grad = try Tensor.ones([3])
        #expect(throws: NNError.shapeMismatch(name: "grad of w", expected: [2], actual: [3])) { try sgd.step() }
        #expect(p[0].1.scalars == [0, 0])
        #expect(sgd.stepCount == 0)
    }

    @Test func zeroGradAndSkippedParameters() throws {
        let w = Tensor([1, 2], requiresGrad: true)
        let b = Tensor([3], requiresGrad: true)
        let sgd = try SGD([("w", w), ("b", b)], learningRate: 0.5, momentum: 0.9)
        w.grad = Tensor([1, 1])
        try sgd.step()
        #expect(w.scalars == [0.5, 1.5])
        #expect(b.scalars == [3])
        #expect(sgd.stateTensors().map(\.name) == ["momentum_buffer.w"])
        #expect(sgd.state().parameters == [.init(name: "w", step: 1), .init(name: "b", step: 0)])
        sgd.zeroGrad()
        #expect(w.grad == nil && b.grad == nil)
    }

    /// The integer powers behind the bias corrections and StepLR, against Python's `base ** float(n)`
    /// (glibc `pow`), bit for bit.
    @Test func powersMatchPython() {
        let powers = NNVectors.shared.powers
        for entry in powers.bases {
            let base = double(entry.base)
            for (n, hex) in zip(powers.exponents, entry.values) {
                #expect(ScalarMath.power(base, n).bitPattern == double(hex).bitPattern, "\(base) ** \(n)")
            }
        }
    }
}
