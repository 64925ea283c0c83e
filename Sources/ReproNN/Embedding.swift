import ReproRandom
import ReproTensor

/// A lookup table of learned vectors (PyTorch `nn.Embedding(count, dimension)`): token `i` maps to
/// row `i` of `weight` `[count, dimension]`. Parameter: `weight`.
///
/// The input holds token indices as Float32 values (Repro's tensors are Float32; every integer up
/// to 2²⁴ is exact), of any shape; the output has one more dimension, `dimension`.
public final class Embedding: Layer {
    /// `[count, dimension]`.
    public let weight: Tensor

    /// The number of vectors (the vocabulary size).
    public var count: Int { weight.shape[0] }
    /// The length of each vector.
    public var dimension: Int { weight.shape[1] }

    /// A table initialised as PyTorch initialises `nn.Embedding`: normal with mean 0 and standard
    /// deviation `std` (PyTorch: 1; GPT-2 and nanoGPT: 0.02), drawn by ``Initializer/normal(_:std:using:)``.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when a size is below 1 or more
    ///   than 2²⁴ vectors are asked for.
    public convenience init<Bits: BitGenerator>(_ count: Int, _ dimension: Int, std: Double = 1,
                                                using generator: inout Generator<Bits>) throws {
        try require(count >= 1 && dimension >= 1 && count <= Self.maxCount, "Embedding",
                    "count \(count) must be 1 to \(Self.maxCount) and dimension \(dimension) at least 1")
        try self.init(weight: try Initializer.normal([count, dimension], std: std, using: &generator))
    }

    /// A table with the given weight.
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `weight` is not a matrix.
    public init(weight: Tensor) throws {
        try require(weight.rank == 2 && weight.shape[0] <= Self.maxCount, "Embedding",
                    "weight must be [count, dimension] with count at most \(Self.maxCount), got shape \(weight.shape)")
        self.weight = weight
    }

    /// The largest table: indices above 2²⁴ are not all exact in Float32.
    public static let maxCount = 1 << 24

    public var namedParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }

    /// The rows of `weight` at the indices in `input`, shaped `input.shape + [dimension]` (PyTorch
    /// `F.embedding`). The gradient is a scatter-add (``ReproTensor/Tensor/embedding(indices:table:)``).
    ///
    /// - Determinism: copies rows; each output row depends on its index only (G9). The gradient
    ///   has identical bits for any thread count.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when an element is not a whole
    ///   number in `0..<count`, or the output would exceed rank 4.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try require(input.rank < Tensor.maxRank, "Embedding", "input of shape \(input.shape) would give an output above rank 4")
        let indices = try Self.indices(input, count: count)
        return try Tensor.embedding(indices: indices, table: weight).reshaped(input.shape + [dimension])
    }

    /// The token indices held by `input`, checked to be whole numbers in `0..<count`.
    static func indices(_ input: Tensor, count: Int) throws -> [Int] {
        try input.scalars.map { value in
            guard value.isFinite, value == value.rounded(), value >= 0, value < Float(count) else {
                throw NNError.invalidArgument(component: "Embedding", message: "index \(value) is not a whole number in 0..<\(count)")
            }
            return Int(value)
        }
    }
}
