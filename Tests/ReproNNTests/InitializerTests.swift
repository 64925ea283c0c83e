import Testing
import ReproNN
import ReproRandom
import ReproTensor

/// Initial weights against `scripts/reference_nn.py` (numpy's `Generator.uniform` rounded to
/// float32), compared bit for bit: both sides make the same Float64 draws and round once.
@Suite struct InitializerTests {
    @Test func boundsAreComputedAsPyTorchDoes() {
        for (fanIn, hex) in NNVectors.shared.bounds {
            let n = Int(fanIn)!
            #expect(Initializer.kaimingUniformBound(fanIn: n).bitPattern == double(hex[0]).bitPattern, "fan_in \(n)")
            #expect(Initializer.biasBound(fanIn: n).bitPattern == double(hex[1]).bitPattern, "fan_in \(n)")
        }
    }

    @Test(arguments: NNVectors.shared.inits.map(\.name))
    func layersMatchTheNumpyRecipe(_ name: String) throws {
        let vector = NNVectors.shared.inits.first { $0.name == name }!
        var g = Generator(PCG64(seed: seed64(vector.seed)))
        let layer: any Layer
        switch vector.kind {
        case "linear":
            layer = try Linear(vector.in!, vector.out!, bias: vector.bias!, using: &g)
        case "conv2d":
            layer = try Conv2d(vector.in!, vector.out!, kernelSize: vector.kernel!, bias: vector.bias!, using: &g)
        default:
            layer = Sequential(try Linear(4, 5, using: &g), ReLU(), try Linear(5, 2, using: &g))
        }
        #expect(Set(layer.namedParameters.map(\.name)) == Set(vector.tensors.keys))
        for (parameterName, tensor) in layer.namedParameters {
            let expected = floats(vector.tensors[parameterName] ?? [])
            #expect(firstBitDifference(tensor.scalars, expected) == nil, "\(name) \(parameterName)")
        }
    }

    @Test func valuesLieWithinTheBounds() throws {
        var g = Generator(PCG64(seed: 5))
        let conv = try Conv2d(3, 8, kernelSize: 5, using: &g)
        let bound = Float(Initializer.kaimingUniformBound(fanIn: 75))
        #expect(conv.weight.scalars.allSatisfy { abs($0) <= bound })
        #expect(conv.bias!.scalars.allSatisfy { abs($0) <= Float(Initializer.biasBound(fanIn: 75)) })
        #expect(throws: NNError.self) { try Initializer.uniform([2], bound: -1, using: &g) }
    }
}
