import ReproTensor
import Synchronization

/// What a trace entry records (docs/ARCHITECTURE.md §7, "Traces"). The raw values are the file's
/// kind bytes.
public enum TraceKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The dataset indices of a micro-batch (``TraceHash/hash(indices:)``), named `indices`.
    case batch = 0
    /// A random stream's position, the number itself: `loader.epoch`, `loader.position` (batches
    /// delivered in the epoch), `dropout.key` (the key's two words, the first in the high half),
    /// `dropout.step`.
    case stream = 1
    /// A layer's forward output (``ForwardContext/trace(_:_:)``), named by its dotted path.
    case forward = 2
    /// The loss of a micro-batch, named `loss`.
    case loss = 3
    /// A parameter's gradient as the optimizer applies it, named as the parameter.
    case gradient = 4
    /// A parameter after the optimizer's update, named as the parameter.
    case parameter = 5

    public var description: String {
        switch self {
        case .batch: "batch"
        case .stream: "stream"
        case .forward: "forward"
        case .loss: "loss"
        case .gradient: "gradient"
        case .parameter: "parameter"
        }
    }
}

/// One entry of a step's trace: what it is, its name, and its 64-bit value (a ``TraceHash`` of a
/// tensor or of indices, or a stream position).
public struct TraceEntry: Sendable, Hashable {
    public var kind: TraceKind
    public var name: String
    public var value: UInt64

    public init(_ kind: TraceKind, _ name: String, _ value: UInt64) {
        self.kind = kind
        self.name = name
        self.value = value
    }
}

/// A trace entry with the tensor it hashes, kept by a recorder made with `keepingTensors` (what
/// `repro compare --rerun` compares element by element).
public struct TracedTensor: Sendable {
    public let entry: TraceEntry
    /// The tensor's shape; nil for an entry that hashes no tensor (a stream position, indices).
    public let shape: [Int]?
    /// The tensor's elements (row-major); nil as for ``shape``.
    public let scalars: [Float]?
}

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
