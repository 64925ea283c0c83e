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

/// Collects the entries of one training step, in the order they are recorded (execution order).
/// The trainer gives it to each training forward pass through ``ForwardContext/recorder``, and
/// takes the step's entries after the optimizer's update.
public final class TraceRecorder: Sendable {
    private let entries = Mutex<[TraceEntry]>([])

    public init() {}

    /// Appends an entry.
    public func record(_ kind: TraceKind, _ name: String, _ value: UInt64) {
        entries.withLock { $0.append(TraceEntry(kind, name, value)) }
    }

    /// Appends an entry with ``TraceHash/hash(_:)`` of `tensor`.
    public func record(_ kind: TraceKind, _ name: String, _ tensor: Tensor) {
        record(kind, name, TraceHash.hash(tensor))
    }

    /// The entries recorded since the last call, in order; the recorder is empty afterwards.
    public func take() -> [TraceEntry] {
        entries.withLock { entries in
            defer { entries.removeAll(keepingCapacity: true) }
            return entries
        }
    }
}
