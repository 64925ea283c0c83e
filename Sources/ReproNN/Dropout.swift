import ReproRandom
import ReproTensor

/// Inverted dropout (PyTorch `nn.Dropout(p)`): while training, each element is zeroed with
/// probability `probability` and the others are scaled by `1 / (1 − p)`; in evaluation the input
/// passes through unchanged. No parameters.
///
/// The mask is keyed, not drawn from a stream: it is a pure function of the context's
/// (dropout key, step, layer path), through ``ForwardContext/layerKey()``:
///
/// ```swift
/// let key = context.dropoutKey.foldIn(UInt32(context.step)).foldIn(UInt32(layerIndex))  // in a Sequential
/// let y = try x.dropout(probability: p, key: key, training: true)
/// ```
///
/// so element `i` is kept iff `jax.random.uniform(key, (count,))[i] >= p` (see
/// ``ReproTensor/Tensor/dropout(probability:key:training:)``). Each step and each layer gets its own
/// mask, the same whichever thread computes it and whether or not the run was resumed.
public final class Dropout: Layer {
    /// The probability of zeroing an element, in [0, 1).
    public let probability: Float

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `probability` is not in
    ///   [0, 1) (PyTorch accepts 1 and zeroes everything; a layer that drops everything is a
    ///   mistake here).
    public init(probability: Float) throws {
        try require(probability >= 0 && probability < 1, "Dropout", "probability \(probability) must be in [0, 1)")
        self.probability = probability
    }

    /// The input with the keyed mask applied while `context.training`; the input itself otherwise.
    ///
    /// - Determinism: a pure function of the input, `probability` and `context.layerKey()`.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the step does not fit in a
    ///   `UInt32` (see ``ForwardContext/layerKey()``).
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        guard context.training, probability > 0 else { return input }
        return try input.dropout(probability: probability, key: context.layerKey(), training: true)
    }
}
