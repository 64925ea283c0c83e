import ReproRandom
import ReproTensor

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
///
/// Traces (`repro train --trace`): while the trainer records a trace, ``recorder`` is set and
/// ``trace(_:_:)`` records a hash of a tensor under the context's dotted name; otherwise it costs
/// one nil check. ``Sequential`` traces each layer's output; a user's own layer traces what it
/// wants to see in a trace with one line, `context.trace("attention", output)`.
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
    /// Where ``trace(_:_:)`` records; nil (the default, and always outside training) records nothing.
    public var recorder: TraceRecorder?
    /// The dotted name of the layer this context was made for, kept only while ``recorder`` is
    /// set: `""` at the top level, the index (or the name given to ``child(_:name:)``) appended
    /// for each sub-layer.
    public private(set) var traceName = ""

    /// A context for the top-level module.
    public init(training: Bool, step: Int, dropoutKey: ThreefryKey, recorder: TraceRecorder? = nil) {
        self.training = training
        self.step = step
        self.dropoutKey = dropoutKey
        self.recorder = recorder
    }

    /// Evaluation: not training, step 0, and a fixed all-zero key (dropout draws nothing when not
    /// training).
    public static let inference = ForwardContext(training: false, step: 0, dropoutKey: ThreefryKey(data: .zero))

    /// The context for the sub-layer at `index` of a container: the same mode, step and key, with
    /// `index` appended to ``path``. Containers (``Sequential``, and user-written models) call
    /// this for each sub-layer with the sub-layer's position, so that every layer gets its own key.
    public func child(_ index: Int) -> ForwardContext {
        child(index, name: String(index))
    }

    /// ``child(_:)`` for a sub-layer that traces under `name` instead of its index (as
    /// ``GPT``'s `transformer.h.0`); `name` is evaluated only while tracing. The dropout key is
    /// the index's, as for ``child(_:)``.
    public func child(_ index: Int, name: @autoclosure () -> String) -> ForwardContext {
        var context = self
        context.path.append(index)
        if recorder != nil { context.traceName = Self.dotted(traceName, name()) }
        return context
    }

    /// Records ``TraceHash/hash(_:)`` of `tensor` as a forward output named ``traceName``, a dot
    /// and `name` (just `name` at the top level), when tracing; nothing otherwise (`name` is then
    /// not evaluated).
    public func trace(_ name: @autoclosure () -> String, _ tensor: Tensor) {
        guard let recorder else { return }
        recorder.record(.forward, Self.dotted(traceName, name()), tensor)
    }

    private static func dotted(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    /// Equal when the mode, step, key, path and trace name are, and both record into the same
    /// recorder (or none).
    public static func == (a: ForwardContext, b: ForwardContext) -> Bool {
        a.training == b.training && a.step == b.step && a.dropoutKey == b.dropoutKey && a.path == b.path
            && a.recorder === b.recorder && a.traceName == b.traceName
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(training)
        hasher.combine(step)
        hasher.combine(dropoutKey)
        hasher.combine(path)
        hasher.combine(recorder.map(ObjectIdentifier.init))
        hasher.combine(traceName)
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
