import ReproTensor

/// Layers applied one after the other (PyTorch `nn.Sequential`).
///
/// Parameter names are the layer's index, a dot and the layer's own name, in layer order:
/// `Sequential([Linear, ReLU, Dropout, Linear])` has `0.weight`, `0.bias`, `3.weight`, `3.bias`, as
/// in PyTorch. Layer `i` runs with `context.child(i)`, so a ``Dropout`` at index `i` of a top-level
/// `Sequential` draws its mask from `dropoutKey.foldIn(UInt32(step)).foldIn(UInt32(i))`.
public final class Sequential: Layer {
    /// The layers, in order.
    public let layers: [any Layer]

    /// A container of `layers`, in order.
    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    /// A container of `layers`, in order.
    public convenience init(_ layers: any Layer...) {
        self.init(layers)
    }

    /// Every layer's parameters in layer order, each name prefixed by the layer's index and a dot.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        layers.enumerated().flatMap { index, layer in
            layer.namedParameters.map { ("\(index).\($0.name)", $0.tensor) }
        }
    }

    /// Each layer's output fed to the next; layer `i` gets `context.child(i)`. When tracing, layer
    /// `i`'s output is traced as `i` (`2.1` for layer 1 of a `Sequential` at index 2).
    ///
    /// - Determinism: as its layers.
    /// - Throws: the first layer's error.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        var x = input
        for (index, layer) in layers.enumerated() {
            x = try layer.forward(x, context: context.child(index))
            context.trace(String(index), x)
        }
        return x
    }
}
