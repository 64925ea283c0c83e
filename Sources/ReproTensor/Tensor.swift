import ReproRandom

/// A dense Float32 tensor of rank 0 to 4, contiguous and row-major, that records the operations made
/// from it so that ``backward()`` can compute gradients.
///
/// Copy semantics: `Tensor` is a reference type, like a PyTorch tensor. Operations never modify
/// their operands; each returns a new tensor with its own storage. `grad` is accumulated in place
/// by ``backward()``, and optimizers update `scalars` of parameters in place (outside autograd).
///
/// - Determinism: every operation gives identical bits for any thread count (docs/ARCHITECTURE.md §4); the
///   few nondeterministic fast paths run only when ``DeterminismSettings`` allow them.
public final class Tensor: @unchecked Sendable {
    /// The dimensions, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order.
    public var scalars: [Float]
    /// Whether gradients flow to this tensor (parameters, and results computed from them).
    public let requiresGrad: Bool
    /// The accumulated gradient, set by ``backward()`` when `requiresGrad`.
    public var grad: Tensor?
    /// How this tensor was computed, when it needs a gradient and is not a leaf.
    let node: GradNode?

    /// The largest rank a tensor may have.
    public static let maxRank = 4

    /// A tensor with the given shape and elements (row-major).
    ///
    /// - Throws: ``TensorError`` when the rank exceeds 4, a dimension is negative, or the element
    ///   count does not match the shape.
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) throws {
        guard shape.count <= Self.maxRank else {
            throw TensorError("tensor", "rank \(shape.count) (shape \(shape)) exceeds the maximum rank \(Self.maxRank)")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("tensor", "shape \(shape) has a negative dimension")
        }
        let count = shape.reduce(1, *)
        guard count == scalars.count else {
            throw TensorError("tensor", "shape \(shape) holds \(count) elements, got \(scalars.count)")
        }
        self.init(validShape: shape, scalars: scalars, requiresGrad: requiresGrad, node: nil)
    }

    /// Internal initializer for shapes already checked by the caller.
    init(validShape shape: [Int], scalars: [Float], requiresGrad: Bool = false, node: GradNode? = nil) {
        self.shape = shape
        self.scalars = scalars
        self.requiresGrad = requiresGrad
        self.node = node
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ value: Float, requiresGrad: Bool = false) {
        self.init(validShape: [], scalars: [value], requiresGrad: requiresGrad)
    }

    /// A vector from an array.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(validShape: [values.count], scalars: values, requiresGrad: requiresGrad)
    }

    /// A matrix from rows of equal length.
    ///
    /// - Throws: ``TensorError`` when the rows have different lengths.
    public convenience init(rows: [[Float]], requiresGrad: Bool = false) throws {
        let width = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == width }) else {
            throw TensorError("tensor", "rows have different lengths: \(rows.map(\.count))")
        }
        self.init(validShape: [rows.count, width], scalars: rows.flatMap { $0 }, requiresGrad: requiresGrad)
    }

    /// The number of elements.
    public var count: Int { scalars.count }
    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(scalars.count == 1, "item needs a one-element tensor, got shape \(shape)")
        return scalars[0]
    }

    /// A tensor with the same elements and no autograd history (PyTorch `detach()`).
    public func detached() -> Tensor {
        Tensor(validShape: shape, scalars: scalars)
    }
}

// MARK: - Creation

extension Tensor {
    static func checkedShape(_ shape: [Int], _ op: String) throws -> [Int] {
        guard shape.count <= maxRank, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError(op, "shape \(shape) must have rank <= \(maxRank) and non-negative dimensions")
        }
        return shape
    }

    /// A tensor filled with `value` (PyTorch `torch.full`).
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) throws -> Tensor {
        let shape = try checkedShape(shape, "full")
        return Tensor(validShape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)),
                      requiresGrad: requiresGrad)
    }

    /// A tensor of zeros (PyTorch `torch.zeros`).
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try full(shape, 0, requiresGrad: requiresGrad)
    }

    /// A tensor of ones (PyTorch `torch.ones`).
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try full(shape, 1, requiresGrad: requiresGrad)
    }

    /// Uniform values in [low, high) from `generator`, in row-major order: element i is
    /// `low + (high - low) * generator.randomFloat()` for the i-th draw (numpy
    /// `rng.random(shape, dtype=np.float32) * (high - low) + low` with the same generator).
    public static func uniform<Bits: BitGenerator>(
        _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout Generator<Bits>,
        requiresGrad: Bool = false
    ) throws -> Tensor {
        let shape = try checkedShape(shape, "uniform")
        let values = (0..<shape.reduce(1, *)).map { _ in low + (high - low) * generator.randomFloat() }
        return Tensor(validShape: shape, scalars: values, requiresGrad: requiresGrad)
    }

    /// Normal values from `generator`, in row-major order: element i is
    /// `mean + std * generator.standardNormalFloat()` (numpy
    /// `rng.standard_normal(shape, dtype=np.float32) * std + mean` with the same generator).
    public static func normal<Bits: BitGenerator>(
        _ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout Generator<Bits>,
        requiresGrad: Bool = false
    ) throws -> Tensor {
        let shape = try checkedShape(shape, "normal")
        let values = (0..<shape.reduce(1, *)).map { _ in mean + std * generator.standardNormalFloat() }
        return Tensor(validShape: shape, scalars: values, requiresGrad: requiresGrad)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(scalars.count > 8 ? ", …" : "")])"
    }
}
