import ReproTensor

/// max(x, 0) elementwise (PyTorch `nn.ReLU`); no parameters.
public final class ReLU: Layer {
    /// The layer (it has no parameters).
    public init() {}
    /// ``ReproTensor/Tensor/relu()``.
    ///
    /// - Determinism: elementwise; identical bits on every machine and for any thread count.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { input.relu() }
}

/// tanh(x) elementwise (PyTorch `nn.Tanh`), with Repro's own `tanh` (no libm); no parameters.
public final class Tanh: Layer {
    /// The layer (it has no parameters).
    public init() {}
    /// ``ReproTensor/Tensor/tanh()``.
    ///
    /// - Determinism: elementwise; identical bits on every machine and for any thread count.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { input.tanh() }
}

/// 1 / (1 + exp(−x)) elementwise (PyTorch `nn.Sigmoid`); no parameters.
public final class Sigmoid: Layer {
    /// The layer (it has no parameters).
    public init() {}
    /// ``ReproTensor/Tensor/sigmoid()``.
    ///
    /// - Determinism: elementwise; identical bits on every machine and for any thread count.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { input.sigmoid() }
}

/// GELU with the tanh approximation, PyTorch `nn.GELU(approximate='tanh')`:
/// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). (PyTorch's default `nn.GELU()` is the exact erf form,
/// which differs by up to about 1e-3.) No parameters.
public final class GELU: Layer {
    /// The layer (it has no parameters).
    public init() {}
    /// ``ReproTensor/Tensor/gelu()``.
    ///
    /// - Determinism: elementwise; identical bits on every machine and for any thread count.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { input.gelu() }
}

/// Flattens every dimension after the first (PyTorch `nn.Flatten()`, `start_dim=1`): `[N, …]`
/// becomes `[N, product of the rest]`. No parameters.
public final class Flatten: Layer {
    /// The layer (it has no parameters).
    public init() {}

    /// The reshaped input (same elements, same order).
    ///
    /// - Throws: ``NNError/invalidArgument(component:message:)`` for an input of rank below 2.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try require(input.rank >= 2, "Flatten",
                    "input must have a batch dimension and at least one more, got shape \(input.shape)")
        return try input.reshaped([input.shape[0], input.shape.dropFirst().reduce(1, *)])
    }
}

/// 2-D max pooling without padding (PyTorch `nn.MaxPool2d(kernelSize, stride)`, stride defaulting
/// to the kernel size) over `[N, C, H, W]`; no parameters.
public final class MaxPool2d: Layer {
    /// The window's height and width.
    public let kernelSize: Int
    /// The step between windows.
    public let stride: Int

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `kernelSize` or `stride` is
    ///   below 1.
    public init(kernelSize: Int, stride: Int? = nil) throws {
        try require(kernelSize >= 1 && (stride ?? 1) >= 1, "MaxPool2d",
                    "kernelSize \(kernelSize) and stride \(stride ?? kernelSize) must be at least 1")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// ``ReproTensor/Tensor/maxPool2d(kernel:stride:)``; the first maximum of a window wins ties.
    ///
    /// - Determinism: identical bits for any thread count.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try input.maxPool2d(kernel: kernelSize, stride: stride)
    }
}
