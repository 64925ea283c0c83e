import ReproRandom

/// What a forward pass needs besides its input: whether the model is training, the optimizer step,
/// and the key that dropout masks are derived from.
///
/// Dropout masks are pure functions of (``dropoutKey``, ``step``, the layer's ``path``); nothing
/// else (no global generator, no thread, no call order) affects them. The recipe, in
/// ``layerKey()``, is one `foldIn` per number:
///
/// ```swift
/// var key = dropoutKey.foldIn(UInt32(step))
/// for index in path { key = key.foldIn(UInt32(index)) }
/// ```
///
/// For a layer at index `i` of a top-level ``Sequential`` the path is `[i]`, so its key is
/// `dropoutKey.foldIn(UInt32(step)).foldIn(UInt32(i))` (in JAX:
/// `fold_in(fold_in(base, step), i)`); a layer at index `j` of a ``Sequential`` that sits at
/// index `i` has the path `[i, j]`. A run derives `dropoutKey` once from its seed, e.g.
/// `ThreefryKey(seed: seed, enableX64: true).foldIn(purpose)` with a fixed purpose number, so a
/// resumed run draws the same masks as an uninterrupted one (docs/ARCHITECTURE.md §3, G5).
public struct ForwardContext: Sendable, Hashable {
    /// Training mode (PyTorch `module.train()`): dropout is active. Off in ``inference``.
    public var training: Bool
    /// The optimizer step this forward pass belongs to (0 for the first step); it must fit in a
    /// `UInt32` when dropout is active.
    public var step: Int
    /// The run's base key for dropout masks.
    public var dropoutKey: ThreefryKey
    /// The indices of the enclosing containers, outermost first; `[]` at the top level. Set by
    /// ``child(_:)``.
    public private(set) var path: [Int] = []

    /// A context for the top-level module.
    public init(training: Bool, step: Int, dropoutKey: ThreefryKey) {
        self.training = training
        self.step = step
        self.dropoutKey = dropoutKey
    }

    /// Evaluation: not training, step 0, and a fixed all-zero key (dropout draws nothing when not
    /// training).
    public static let inference = ForwardContext(training: false, step: 0, dropoutKey: ThreefryKey(data: .zero))

    /// The context for the sub-layer at `index` of a container: the same mode, step and key, with
    /// `index` appended to ``path``. Containers (``Sequential``, and user-written models) call
    /// this for each sub-layer with the sub-layer's position, so that every layer gets its own key.
    public func child(_ index: Int) -> ForwardContext {
        var context = self
        context.path.append(index)
        return context
    }

    /// The key of the layer this context was made for:
    /// `dropoutKey.foldIn(UInt32(step)).foldIn(UInt32(path[0])).foldIn(UInt32(path[1]))…`.
    ///
    /// - Determinism: a pure function of ``dropoutKey``, ``step`` and ``path``.
    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the step or an index is
    ///   negative or does not fit in a `UInt32`.
    public func layerKey() throws -> ThreefryKey {
        var key = dropoutKey.foldIn(try Self.word(step, "step"))
        for index in path { key = key.foldIn(try Self.word(index, "layer index")) }
        return key
    }

    private static func word(_ value: Int, _ what: String) throws -> UInt32 {
        guard let word = UInt32(exactly: value) else {
            throw NNError.invalidArgument(
                component: "ForwardContext", message: "\(what) \(value) must be in 0...\(UInt32.max) to derive a dropout key")
        }
        return word
    }
}
