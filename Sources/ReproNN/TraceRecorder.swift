import ReproTensor
import Synchronization

/// Collects the entries of one training step, in the order they are recorded (execution order).
/// The trainer gives it to each training forward pass through ``ForwardContext/recorder``, and
/// takes the step's entries after the optimizer's update.
public final class TraceRecorder: Sendable {
    /// Whether the recorder keeps each tensor besides its hash (``takeTensors()``).
    public let keepsTensors: Bool
    private let recorded = Mutex<[TracedTensor]>([])

    public init(keepingTensors: Bool = false) {
        keepsTensors = keepingTensors
    }

    /// Appends an entry.
    public func record(_ kind: TraceKind, _ name: String, _ value: UInt64) {
        let traced = TracedTensor(entry: TraceEntry(kind, name, value), shape: nil, scalars: nil)
        recorded.withLock { $0.append(traced) }
    }

    /// Appends an entry with ``TraceHash/hash(_:)`` of `tensor` (and, when keeping tensors, a copy
    /// of its elements as they are now).
    public func record(_ kind: TraceKind, _ name: String, _ tensor: Tensor) {
        let entry = TraceEntry(kind, name, TraceHash.hash(tensor))
        let traced = keepsTensors ? TracedTensor(entry: entry, shape: tensor.shape, scalars: tensor.scalars)
            : TracedTensor(entry: entry, shape: nil, scalars: nil)
        recorded.withLock { $0.append(traced) }
    }

    /// The entries recorded since the last take, in order; the recorder is empty afterwards.
    public func take() -> [TraceEntry] { takeTensors().map(\.entry) }

    /// The entries recorded since the last take with their tensors (nil unless ``keepsTensors``),
    /// in order; the recorder is empty afterwards.
    public func takeTensors() -> [TracedTensor] {
        recorded.withLock { recorded in
            defer { recorded.removeAll(keepingCapacity: true) }
            return recorded
        }
    }
}
