import ReproTensor

/// A neural-network layer or model (PyTorch `nn.Module`): a forward function and parameters with
/// stable, ordered names.
///
/// Parameter names are PyTorch's dotted names (`weight`, `bias` for a ``Linear``; `0.weight`,
/// `0.bias`, `3.weight`, … for a ``Sequential``), listed in declaration order, never in dictionary
/// order, so that checkpoints, optimizer state and digests are the same in every process (G2).
///
/// Parameters are leaf tensors with `requiresGrad: true`. ``forward(_:context:)`` records autograd
/// history from them; optimizers update their `scalars` in place, and ``load(_:)`` overwrites them
/// in place, so a tensor obtained from ``namedParameters`` stays the model's parameter.
public protocol Layer: AnyObject {
    /// The layer's output for `input` (PyTorch `module(input)`).
    ///
    /// - Determinism: a pure function of the input, the parameters and `context` (dropout keys
    ///   are derived from it, see ``ForwardContext``); identical bits for any thread count.
    func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor

    /// The parameters, in declaration order, under their dotted names (PyTorch
    /// `named_parameters()`). The default is none.
    var namedParameters: [(name: String, tensor: Tensor)] { get }
}

extension Layer {
    /// No parameters: the default for layers such as activations, pooling and dropout.
    public var namedParameters: [(name: String, tensor: Tensor)] { [] }

    /// ``forward(_:context:)``, so that a layer can be called like a function.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try forward(input, context: context)
    }

    /// The parameter tensors in the order of ``namedParameters`` (PyTorch `parameters()`).
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// The number of parameter elements.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Copies of the parameters, detached from the model, in the order of ``namedParameters``
    /// (PyTorch `state_dict()` for a model without buffers): what a checkpoint stores.
    public func parameterTensors() -> [(name: String, tensor: Tensor)] {
        namedParameters.map { ($0.name, $0.tensor.detached()) }
    }

    /// Overwrites every parameter with the tensor of the same name (PyTorch
    /// `load_state_dict(strict=True)`). The parameter tensors keep their identity; only their
    /// elements change. Either every parameter is loaded or, on error, none is.
    ///
    /// - Throws: ``NNError/missingTensor(name:expectedShape:)`` for the first parameter (in
    ///   parameter order) with no tensor, ``NNError/shapeMismatch(name:expected:actual:)`` for one
    ///   whose tensor has another shape, ``NNError/unexpectedTensor(name:)`` for a name that is no
    ///   parameter's (the first in sorted order).
    public func load(_ tensors: [String: Tensor]) throws {
        let parameters = namedParameters
        let sources = try matchNamedTensors(parameters.map { ($0.name, $0.tensor.shape) }, tensors)
        for (parameter, source) in zip(parameters, sources) { parameter.tensor.scalars = source.scalars }
    }

    /// ``load(_:)`` from an ordered list, as ``parameterTensors()`` returns it.
    ///
    /// - Throws: as ``load(_:)``, and ``NNError/invalidArgument(component:message:)`` when a name
    ///   appears twice.
    public func load(_ tensors: [(name: String, tensor: Tensor)]) throws {
        try load(try uniqueDictionary(tensors, "load"))
    }

    /// Clears the gradient of every parameter (PyTorch `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for parameter in parameters { parameter.grad = nil }
    }
}

/// The tensors of `given` for the names and shapes of `expected`, in that order, after checking
/// that every name is present with its shape and that `given` has no other name.
func matchNamedTensors(_ expected: [(name: String, shape: [Int])], _ given: [String: Tensor]) throws -> [Tensor] {
    let matched = try expected.map { name, shape -> Tensor in
        guard let tensor = given[name] else { throw NNError.missingTensor(name: name, expectedShape: shape) }
        guard tensor.shape == shape else {
            throw NNError.shapeMismatch(name: name, expected: shape, actual: tensor.shape)
        }
        return tensor
    }
    let known = Set(expected.map(\.name))
    if let extra = given.keys.filter({ !known.contains($0) }).sorted().first {
        throw NNError.unexpectedTensor(name: extra)
    }
    return matched
}

/// A dictionary from an ordered list of named tensors whose names must be distinct.
func uniqueDictionary(_ tensors: [(name: String, tensor: Tensor)], _ component: String) throws -> [String: Tensor] {
    var dictionary: [String: Tensor] = [:]
    for (name, tensor) in tensors {
        guard dictionary.updateValue(tensor, forKey: name) == nil else {
            throw NNError.invalidArgument(component: component, message: "the name '\(name)' appears twice")
        }
    }
    return dictionary
}
