import ReproRandom
import ReproTensor

/// PyTorch's default initializers, drawn from an explicit generator (never a global one).
///
/// Values come from ``ReproRandom/Generator/uniform(low:high:)`` in Float64, rounded once to
/// Float32, one draw per element in row-major order: the same numbers as numpy's
/// `rng.uniform(-bound, bound, size=shape).astype(np.float32)` with a generator in the same
/// state. The distributions are PyTorch's; the streams are numpy's (PyTorch's own CPU generator
/// is a different stream), so a numpy user reproduces Repro's weights exactly.
public enum Initializer {
    /// The bound of PyTorch's `nn.init.kaiming_uniform_(w, a=math.sqrt(5))`, the default weight
    /// initialization of `nn.Linear` and `nn.Conv2d`, computed in Float64 exactly as PyTorch
    /// writes it: `a = sqrt(5)`, `gain = sqrt(2 / (1 + a*a))`, `std = gain / sqrt(fanIn)`,
    /// `bound = sqrt(3) * std`. Mathematically `1 / sqrt(fanIn)`; the rounding can differ from it
    /// in the last bit, and this is PyTorch's rounding.
    public static func kaimingUniformBound(fanIn: Int) -> Double {
        let a = Double(5).squareRoot()
        let gain = (2 / (1 + a * a)).squareRoot()
        let std = gain / Double(fanIn).squareRoot()
        return Double(3).squareRoot() * std
    }

    /// The bound of PyTorch's default bias initialization for `nn.Linear` and `nn.Conv2d`,
    /// `1 / math.sqrt(fanIn)`, in Float64.
    public static func biasBound(fanIn: Int) -> Double {
        1 / Double(fanIn).squareRoot()
    }

    /// A parameter tensor (`requiresGrad: true`) of `shape` with elements uniform in
    /// [-bound, bound]: element `i` (row-major) is `Float(generator.uniform(low: -bound, high:
    /// bound))` of the i-th draw, one Float64 draw per element (numpy
    /// `rng.uniform(-bound, bound, size=shape).astype(np.float32)`).
    ///
    /// - Determinism: a pure function of the generator's state; advances it by one 64-bit draw per
    ///   element.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `bound` is negative or not
    ///   finite.
    public static func uniform<Bits: BitGenerator>(
        _ shape: [Int], bound: Double, using generator: inout Generator<Bits>
    ) throws -> Tensor {
        try require(bound >= 0 && bound.isFinite, "Initializer", "bound \(bound) must be finite and non-negative")
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        for i in values.indices { values[i] = Float(try generator.uniform(low: -bound, high: bound)) }
        return try Tensor(shape: shape, scalars: values, requiresGrad: true)
    }

    /// A parameter tensor (`requiresGrad: true`) of `shape` with elements normal with mean 0 and
    /// standard deviation `std`: element `i` (row-major) is `Float(generator.normal(mean: 0,
    /// standardDeviation: std))` of the i-th draw (numpy `rng.normal(0, std, size=shape)
    /// .astype(np.float32)`). PyTorch's `nn.init.normal_(w, 0, std)`, from numpy's stream.
    ///
    /// - Determinism: a pure function of the generator's state.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `std` is negative or not finite.
    public static func normal<Bits: BitGenerator>(
        _ shape: [Int], std: Double, using generator: inout Generator<Bits>
    ) throws -> Tensor {
        try require(std >= 0 && std.isFinite, "Initializer", "standard deviation \(std) must be finite and non-negative")
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        for i in values.indices { values[i] = Float(try generator.normal(mean: 0, standardDeviation: std)) }
        return try Tensor(shape: shape, scalars: values, requiresGrad: true)
    }

    /// A parameter tensor (`requiresGrad: true`) of `shape` filled with `value` (PyTorch
    /// `nn.init.constant_`): ones for a norm's weight, zeros for a bias.
    public static func constant(_ shape: [Int], _ value: Float) throws -> Tensor {
        try Tensor.full(shape, value, requiresGrad: true)
    }
}
