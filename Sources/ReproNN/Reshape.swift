import ReproTensor

/// Reshapes each sample, keeping the batch dimension (PyTorch `nn.Unflatten(1, shape)`): e.g.
/// `[N, 64]` to `[N, 1, 8, 8]` in front of a convolution. No parameters.
public final class Reshape: Layer {
    /// The shape of one sample after the layer.
    public let sampleShape: [Int]

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when a dimension is below 1.
    public init(_ sampleShape: [Int]) throws {
        try require(!sampleShape.isEmpty && sampleShape.allSatisfy { $0 >= 1 }, "Reshape",
                    "sample shape must have positive dimensions, got \(sampleShape)")
        self.sampleShape = sampleShape
    }

    /// The input with each sample reshaped (same elements, same order).
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when a sample's element count differs.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let perSample = input.shape.dropFirst().reduce(1, *)
        try require(input.rank >= 1 && perSample == sampleShape.reduce(1, *), "Reshape",
                    "cannot reshape samples of shape \(Array(input.shape.dropFirst())) to \(sampleShape)")
        return try input.reshaped([input.shape[0]] + sampleShape)
    }
}
