import Testing
import ReproNN
import ReproRandom
import ReproTensor

/// Parameter names and order, forward shapes and values, loading and saving, and bad arguments.
@Suite struct LayerTests {
    static func mlp(seed: UInt64 = 1) throws -> Sequential {
        var g = Generator(PCG64(seed: seed))
        return Sequential(try Linear(3, 4, using: &g), ReLU(), try Dropout(probability: 0.5), try Linear(4, 2, using: &g))
    }

    @Test func sequentialNamesFollowPyTorch() throws {
        let model = try Self.mlp()
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias"])
        #expect(model.namedParameters.map(\.tensor.shape) == [[4, 3], [4], [2, 4], [2]])
        #expect(model.parameterCount == 12 + 4 + 8 + 2)
        #expect(model.parameters.allSatisfy { $0.requiresGrad })
        // The names are computed, not stored: asking twice gives the same tensors in the same order.
        #expect(zip(model.parameters, model.parameters).allSatisfy { $0 === $1 })
    }

    @Test func nestedAndBiasFreeNames() throws {
        var g = Generator(PCG64(seed: 2))
        let model = Sequential(
            try Conv2d(1, 2, kernelSize: 3, bias: false, using: &g),
            Sequential(Tanh(), try Linear(2, 2, bias: false, using: &g), try Linear(2, 3, using: &g)),
            Flatten())
        #expect(model.namedParameters.map(\.name) == ["0.weight", "1.1.weight", "1.2.weight", "1.2.bias"])
        #expect(try Linear(2, 5, bias: false, using: &g).namedParameters.map(\.name) == ["weight"])
        #expect(try Conv2d(2, 5, kernelSize: 1, using: &g).namedParameters.map(\.name) == ["weight", "bias"])
        #expect(GELU().namedParameters.isEmpty)
    }

    @Test func forwardShapes() throws {
        var g = Generator(PCG64(seed: 3))
        let linear = try Linear(3, 4, using: &g)
        let context = ForwardContext.inference
        #expect(try linear(Tensor.zeros([5, 3]), context: context).shape == [5, 4])
        #expect(try linear(Tensor.zeros([3]), context: context).shape == [4])
        #expect(try linear(Tensor.zeros([2, 5, 3]), context: context).shape == [2, 5, 4])
        #expect(try linear(Tensor.zeros([0, 3]), context: context).shape == [0, 4])

        let x = try Tensor.zeros([2, 1, 8, 8])
        #expect(try Conv2d(1, 4, kernelSize: 3, padding: 1, using: &g)(x, context: context).shape == [2, 4, 8, 8])
        #expect(try Conv2d(1, 4, kernelSize: 3, stride: 2, padding: 1, using: &g)(x, context: context).shape == [2, 4, 4, 4])
        #expect(try MaxPool2d(kernelSize: 2)(x, context: context).shape == [2, 1, 4, 4])
        #expect(try MaxPool2d(kernelSize: 3, stride: 1)(x, context: context).shape == [2, 1, 6, 6])
        #expect(try Flatten()(Tensor.zeros([2, 4, 4, 4]), context: context).shape == [2, 64])
        #expect(try Flatten()(Tensor.zeros([2, 3]), context: context).shape == [2, 3])

        let lenet = Sequential(
            try Conv2d(1, 4, kernelSize: 3, padding: 1, using: &g), ReLU(), try MaxPool2d(kernelSize: 2),
            try Conv2d(4, 8, kernelSize: 3, using: &g), GELU(), Flatten(), try Dropout(probability: 0.25),
            try Linear(8 * 2 * 2, 10, using: &g))
        #expect(try lenet(x, context: trainingContext()).shape == [2, 10])
        #expect(try lenet(x, context: context).shape == [2, 10])
    }

    /// Exact small-integer arithmetic: y = x·Wᵀ + b.
    @Test func linearComputesXWTransposePlusBias() throws {
        let weight = try Tensor(rows: [[1, 2, 3], [-1, 0, 2]], requiresGrad: true)
        let linear = try Linear(weight: weight, bias: Tensor([10, 20], requiresGrad: true))
        let y = try linear(Tensor(rows: [[1, 1, 1], [2, 0, -1]]), context: .inference)
        #expect(y.shape == [2, 2])
        #expect(y.scalars == [16, 21, 9, 16])
        let activations = Tensor([-2, 0, 3])
        let context = ForwardContext.inference
        #expect(try ReLU()(activations, context: context).scalars == [0, 0, 3])
        #expect(try Tanh()(activations, context: context).scalars == activations.tanh().scalars)
        #expect(try Sigmoid()(activations, context: context).scalars == activations.sigmoid().scalars)
        #expect(try GELU()(activations, context: context).scalars == activations.gelu().scalars)
    }

    @Test func parameterTensorsAreCopiesThatLoadBack() throws {
        let source = try Self.mlp(seed: 10)
        let target = try Self.mlp(seed: 11)
        let saved = source.parameterTensors()
        #expect(saved.map(\.name) == source.namedParameters.map(\.name))
        #expect(zip(saved, source.parameters).allSatisfy { $0.tensor !== $1 && $0.tensor.scalars == $1.scalars })
        let targetParameters = target.parameters
        try target.load(saved)
        #expect(zip(target.parameters, source.parameters).allSatisfy { $0.scalars == $1.scalars })
        // Loading keeps the parameter tensors (an optimizer holding them keeps working).
        #expect(zip(target.parameters, targetParameters).allSatisfy { $0 === $1 })
        // The copies do not follow later changes of the model.
        source.parameters[0].scalars[0] += 1
        #expect(saved[0].tensor.scalars[0] != source.parameters[0].scalars[0])
    }

    @Test func loadRejectsMissingExtraAndMisshapenTensorsAndChangesNothing() throws {
        let model = try Self.mlp(seed: 12)
        let before = model.parameters.map(\.scalars)
        var tensors = Dictionary(uniqueKeysWithValues: try Self.mlp(seed: 13).parameterTensors().map { ($0.name, $0.tensor) })

        var missing = tensors
        missing["3.weight"] = nil
        #expect(throws: NNError.missingTensor(name: "3.weight", expectedShape: [2, 4])) { try model.load(missing) }

        var misshapen = tensors
        misshapen["0.bias"] = try Tensor.zeros([5])
        #expect(throws: NNError.shapeMismatch(name: "0.bias", expected: [4], actual: [5])) { try model.load(misshapen) }

        tensors["4.weight"] = try Tensor.zeros([1])
        tensors["2.weight"] = try Tensor.zeros([1])
        #expect(throws: NNError.unexpectedTensor(name: "2.weight")) { try model.load(tensors) }

        #expect(model.parameters.map(\.scalars) == before)
        let duplicated = [("0.weight", try Tensor.zeros([4, 3])), ("0.weight", try Tensor.zeros([4, 3]))]
        #expect(throws: NNError.invalidArgument(component: "load", message: "the name '0.weight' appears twice")) {
            try model.load(duplicated)
        }
    }

    @Test func errorsDescribeTheProblem() {
        #expect("\(NNError.missingTensor(name: "0.weight", expectedShape: [4, 3]))"
            == "missing tensor '0.weight' (expected shape [4, 3])")
        #expect("\(NNError.shapeMismatch(name: "exp_avg.0.bias", expected: [4], actual: [5]))"
            == "tensor 'exp_avg.0.bias' has shape [5], expected [4]")
        #expect("\(NNError.invalidArgument(component: "SGD", message: "learning rate -1.0 must be finite and non-negative"))"
            == "SGD: learning rate -1.0 must be finite and non-negative")
    }

    @Test func badLayerArguments() throws {
        var g = Generator(PCG64(seed: 4))
        for p: Float in [1, 1.5, -0.1, .nan] {
            #expect(throws: NNError.invalidArgument(component: "Dropout", message: "probability \(p) must be in [0, 1)")) {
                try Dropout(probability: p)
            }
        }
        #expect(throws: NNError.self) { try Linear(0, 3, using: &g) }
        #expect(throws: NNError.self) { try Conv2d(1, 1, kernelSize: 0, using: &g) }
        #expect(throws: NNError.self) { try Conv2d(1, 1, kernelSize: 3, stride: 0, using: &g) }
        #expect(throws: NNError.self) { try MaxPool2d(kernelSize: 2, stride: 0) }
        #expect(throws: NNError.self) { try Linear(weight: Tensor.zeros([3]), bias: nil) }
        #expect(throws: NNError.self) { try Linear(weight: Tensor.zeros([2, 3]), bias: Tensor.zeros([3])) }
        let linear = try Linear(3, 4, using: &g)
        #expect(throws: NNError.invalidArgument(component: "Linear", message: "input must be [..., 3], got shape [2, 5]")) {
            try linear(Tensor.zeros([2, 5]), context: .inference)
        }
        #expect(throws: NNError.self) { try Flatten()(Tensor.zeros([4]), context: .inference) }
        let conv = try Conv2d(2, 1, kernelSize: 3, using: &g)
        #expect(throws: TensorError.self) { try conv(Tensor.zeros([1, 1, 5, 5]), context: .inference) }
    }
}
