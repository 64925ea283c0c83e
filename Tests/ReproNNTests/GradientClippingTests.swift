import Testing
@testable import ReproNN
import ReproTensor

/// `clipGradNorm` against `scripts/reference_clipping.py`: PyTorch's `clip_grad_norm_` in numpy
/// float32 with Repro's summation order (bit for bit), and what torch itself returned (to a
/// tolerance: torch sums squares in its own order).
@Suite struct GradientClippingTests {
    struct ClippingVectors: Decodable, Sendable {
        struct Result: Decodable, Sendable {
            let total: String
            let grads: [[String]?]
        }

        struct Case: Decodable, Sendable {
            let name: String
            let shapes: [[Int]]
            let maxNorm: String
            let grads: [[String]?]
            let expected: Result
            let torch: Result
        }

        let cases: [Case]

        static let shared: ClippingVectors = {
            do { return try Vectors.load("clipping") } catch { fatalError("cannot read Vectors/clipping.json: \(error)") }
        }()
    }

    static var names: [String] { ClippingVectors.shared.cases.map(\.name) }

    /// The case's parameters, each with its gradient (or none).
    static func parameters(_ vector: ClippingVectors.Case) throws -> [Tensor] {
        try zip(vector.shapes, vector.grads).map { shape, grad in
            let parameter = try Tensor.zeros(shape, requiresGrad: true)
            parameter.grad = try grad.map { try Tensor(shape: shape, scalars: floats($0)) }
            return parameter
        }
    }

    /// Equal bits, any NaN counting as equal to any NaN (PyTorch's NaN payloads are its own).
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// Within `rtol` of each other, or both the same infinity, or both NaN.
    static func close(_ a: [Float], _ b: [Float], rtol: Float) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x == y || (x.isNaN && y.isNaN) || abs(x - y) <= rtol * abs(y)
        }
    }

    @Test(arguments: names)
    func matchesTheReferenceBitForBitAndTorchClosely(_ name: String) throws {
        let vector = ClippingVectors.shared.cases.first { $0.name == name }!
        let parameters = try Self.parameters(vector)
        let norm = try gradNorm(parameters)
        let total = try clipGradNorm(parameters, maxNorm: double(vector.maxNorm))
        #expect(Self.sameBits([total], floats([vector.expected.total])), "\(name): total \(total)")
        #expect(Self.sameBits([norm], [total]), "\(name): gradNorm \(norm) is the total clipGradNorm returns")
        #expect(Self.close([total], floats([vector.torch.total]), rtol: 1e-6), "\(name): torch's total")
        for (i, parameter) in parameters.enumerated() {
            guard let expected = vector.expected.grads[i], let torch = vector.torch.grads[i] else {
                #expect(parameter.grad == nil, "\(name): p\(i) had no gradient and must have none")
                continue
            }
            let grad = try #require(parameter.grad).scalars
            #expect(Self.sameBits(grad, floats(expected)), "\(name), p\(i): \(firstBitDifference(grad, floats(expected)) ?? "")")
            #expect(Self.close(grad, floats(torch), rtol: 1e-6), "\(name), p\(i): torch's gradients")
        }
    }

    /// Several blocks and parallel chunks per tensor: the same bits at 1, 2, 3 and 7 threads.
    @Test func identicalForAnyThreadCount() throws {
        let shapes = [[300, 1000], [1000], [70_001]]
        let grads = try normalTensors(seed: 850, shapes)
        var results: [[[Float]]] = []
        for threads in [1, 2, 3, 7] {
            let parameters = try shapes.map { try Tensor.zeros($0, requiresGrad: true) }
            for (parameter, grad) in zip(parameters, grads) { parameter.grad = grad.detached() }
            let total = try Parallel.withThreadCount(threads) { try clipGradNorm(parameters, maxNorm: 10) }
            results.append([[total]] + parameters.map { $0.grad!.scalars })
        }
        #expect(results[0][0][0] < 1000 && results[0][0][0] > 500, "the clip is active: total \(results[0][0][0])")
        for (threads, result) in zip([2, 3, 7], results.dropFirst()) {
            #expect(zip(result, results[0]).allSatisfy { Self.sameBits($0, $1) }, "\(threads) threads differ from 1")
        }
    }

    /// A coefficient clamped at 1 multiplies by 1: the gradients keep their bits.
    @Test func aNormBelowTheLimitLeavesTheGradientsAsTheyWere() throws {
        let grads = try normalTensors(seed: 851, [[5, 7], [7]])
        let parameters = try grads.map { grad in
            let parameter = try Tensor.zeros(grad.shape, requiresGrad: true)
            parameter.grad = grad.detached()
            return parameter
        }
        let total = try clipGradNorm(parameters, maxNorm: 1000)
        #expect(total > 1 && total < 1000)
        for (parameter, grad) in zip(parameters, grads) { #expect(Self.sameBits(parameter.grad!.scalars, grad.scalars)) }
    }

    /// A parameter without a gradient neither counts towards the norm nor gets one.
    @Test func aParameterWithoutAGradientIsSkipped() throws {
        let a = try Tensor.zeros([2], requiresGrad: true)
        let b = try Tensor.zeros([3], requiresGrad: true)
        let c = try Tensor.zeros([2], requiresGrad: true)
        a.grad = Tensor([3, 0])
        c.grad = Tensor([0, 4])
        let total = try clipGradNorm([a, b, c], maxNorm: 1)
        #expect(total == 5)
        #expect(b.grad == nil)
        let coefficient = (1 / (Float(5) + Float(1e-6))) * 1
        #expect(a.grad!.scalars == [3 * coefficient, 0] && c.grad!.scalars == [0, 4 * coefficient])
        #expect(try clipGradNorm([b], maxNorm: 1) == 0)
        #expect(try clipGradNorm([], maxNorm: 1) == 0)
    }

    @Test func badArgumentsAreRefusedBeforeAnythingIsScaled() throws {
        let a = try Tensor.zeros([2], requiresGrad: true)
        a.grad = Tensor([30, 40])
        for bad in [-1, Double.nan, .infinity] {
            #expect(throws: NNError.invalidArgument(component: "clipGradNorm", message: "maxNorm \(bad) must be finite and non-negative")) {
                try clipGradNorm([a], maxNorm: bad)
            }
        }
        let b = try Tensor.zeros([3], requiresGrad: true)
        b.grad = Tensor([1, 2])
        #expect(throws: NNError.shapeMismatch(name: "grad of parameter 1", expected: [3], actual: [2])) {
            try clipGradNorm([a, b], maxNorm: 1)
        }
        #expect(a.grad!.scalars == [30, 40])
    }
}
