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

    package init(entry: TraceEntry, shape: [Int]?, scalars: [Float]?) {
        self.entry = entry
        self.shape = shape
        self.scalars = scalars
    }
}
