import Testing
import ReproNN
import ReproRandom
import ReproTensor

/// Gradients of small models with respect to every parameter, against central finite differences
/// in Float32 (step 1e-2; rtol 2e-2, atol 2e-3, as ReproTensorTests' gradient checks: Float32
/// differences carry rounding error of about ulp(loss)/h). Smooth activations only, so no kink lies
/// within a step of any input.
@Suite struct GradientTests {
    static func check(_ model: any Layer, loss: () throws -> Tensor) throws {
        let parameters = model.namedParameters
        model.zeroGrad()
        try loss().backward()
        let h: Float = 1e-2
        for (name, tensor) in parameters {
            let analytic = try #require(tensor.grad).scalars
            var numeric: [Float] = []
            for i in tensor.scalars.indices {
                let saved = tensor.scalars[i]
                tensor.scalars[i] = saved + h
                let up = try Tensor.withNoGrad { try loss().item }
                tensor.scalars[i] = saved - h
                let down = try Tensor.withNoGrad { try loss().item }
                tensor.scalars[i] = saved
                numeric.append((up - down) / (2 * h))
            }
            let check = allClose(analytic, numeric, rtol: 2e-2, atol: 2e-3)
            #expect(check.ok, "\(name): \(check.detail)")
        }
    }

    @Test func mlpWithMSE() throws {
        var g = Generator(PCG64(seed: 30))
        let model = Sequential(try Linear(3, 5, using: &g), Tanh(), try Linear(5, 2, using: &g))
        let inputs = try normalTensors(seed: 31, [[6, 3], [6, 2]])
        try Self.check(model) { try Loss.mse(model(inputs[0], context: .inference), inputs[1]) }
    }

    @Test func convolutionalModelWithDropoutAndCrossEntropy() throws {
        var g = Generator(PCG64(seed: 32))
        let model = Sequential(
            try Conv2d(2, 3, kernelSize: 3, padding: 1, using: &g), GELU(), Flatten(), try Dropout(probability: 0.25),
            try Linear(3 * 4 * 4, 4, using: &g), Sigmoid())
        let x = try normalTensors(seed: 33, [[2, 2, 4, 4]])[0]
        // Training mode with a fixed context: the dropout mask is the same in every evaluation.
        let context = trainingContext(step: 4)
        try Self.check(model) { try Loss.crossEntropy(model(x, context: context), labels: [3, 0]) }
    }
}
