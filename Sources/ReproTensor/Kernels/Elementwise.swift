/// Elementwise kernels over contiguous `Float` buffers: plain functions over pointers and counts
/// (llm.c style), with the output written, never accumulated.
///
/// Each kernel computes 16 elements at a time and the tail through a zero-padded vector, running
/// the same operations per element as its reference in ``Elementwise/Naive``, so the two give the
/// same bits. Buffers longer than ``grain`` are split into chunks of ``grain`` elements, a function
/// of the count only, and run in parallel.
///
/// - Determinism: identical for any thread count (every element is computed on its own), in debug
///   and release builds, and on every machine (IEEE basic operations and ``ReproMath`` only).
/// - Aliasing: the output may be one of the inputs (in place), but must not overlap one partially.
public enum Elementwise {
    /// Elements per parallel chunk.
    public static let grain = 1 << 15

    /// `a op b` elementwise.
    public enum BinaryOp: CaseIterable, Sendable {
        case add, sub, mul, div

        @inline(__always)
        func apply<V: FloatLanes>(_ a: V, _ b: V) -> V {
            switch self {
            case .add: a + b
            case .sub: a - b
            case .mul: a * b
            case .div: a / b
            }
        }
    }

    /// A function applied to each element.
    public enum UnaryOp: CaseIterable, Sendable {
        /// `x <= 0 ? +0 : x` (NaN stays NaN), as `torch.relu`.
        case relu
        /// ``ReproMath/tanh(_:)-(Float)``.
        case tanh
        /// ``ReproMath/sigmoid(_:)-(Float)``.
        case sigmoid
        /// `torch.nn.functional.gelu(x, approximate="tanh")`, with PyTorch's CPU operation order:
        /// `(0.5 * x) * (1 + tanh(β * (x + κ * (x * x * x))))`, β = √(2/π) and κ = 0.044715 as
        /// Float32. GELU(−inf) is NaN, as in that formula.
        case gelu
        /// ``ReproMath/exp(_:)-(Float)``.
        case exp
        /// ``ReproMath/log(_:)-(Float)``.
        case log

        /// Whether ``Elementwise/unaryBackward(_:saved:gradOutput:into:count:)`` takes this op's
        /// output (`true`: tanh, sigmoid, exp) or its input (`false`: relu, gelu, log).
        public var backwardUsesOutput: Bool {
            switch self {
            case .tanh, .sigmoid, .exp: true
            case .relu, .gelu, .log: false
            }
        }

        @inline(__always)
        func apply<V: FloatLanes>(_ x: V) -> V {
            switch self {
            case .relu: x.replacing(with: .splat(0), where: x .<= .splat(0))
            case .tanh: ReproMath.tanhLanes(x)
            case .sigmoid: ReproMath.sigmoidLanes(x)
            case .gelu: Elementwise.gelu(x)
            case .exp: ReproMath.expLanes(x)
            case .log: ReproMath.logLanes(x)
            }
        }
    }

    /// `out[i] = a[i] op b[i]` for `i` in `0..<count`.
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, count: Int) {
        switch op {
        case .add: map(count, out) { a.lanes(at: $0, count: $1) + b.lanes(at: $0, count: $1) }
        case .sub: map(count, out) { a.lanes(at: $0, count: $1) - b.lanes(at: $0, count: $1) }
        case .mul: map(count, out) { a.lanes(at: $0, count: $1) * b.lanes(at: $0, count: $1) }
        case .div: map(count, out) { a.lanes(at: $0, count: $1) / b.lanes(at: $0, count: $1) }
        }
    }

    /// `out[i] = a[i] op b` (a scalar broadcast on the right).
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, scalar b: Float,
                              into out: UnsafeMutablePointer<Float>, count: Int) {
        let s = Lanes(repeating: b)
        switch op {
        case .add: map(count, out) { a.lanes(at: $0, count: $1) + s }
        case .sub: map(count, out) { a.lanes(at: $0, count: $1) - s }
        case .mul: map(count, out) { a.lanes(at: $0, count: $1) * s }
        case .div: map(count, out) { a.lanes(at: $0, count: $1) / s }
        }
    }

    /// `out[i] = a op b[i]` (a scalar broadcast on the left).
    public static func binary(_ op: BinaryOp, scalar a: Float, _ b: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, count: Int) {
        let s = Lanes(repeating: a)
        switch op {
        case .add: map(count, out) { s + b.lanes(at: $0, count: $1) }
        case .sub: map(count, out) { s - b.lanes(at: $0, count: $1) }
        case .mul: map(count, out) { s * b.lanes(at: $0, count: $1) }
        case .div: map(count, out) { s / b.lanes(at: $0, count: $1) }
        }
    }

    /// `out[r, c] = a[r, c] op row[c]` for a row-major `[rows, cols]` matrix `a` and a `[cols]`
    /// vector broadcast over the rows (a bias, say).
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, row: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        switch op {
        case .add: mapRows(rows, cols, out) { a.lanes(at: $0, count: $2) + row.lanes(at: $1, count: $2) }
        case .sub: mapRows(rows, cols, out) { a.lanes(at: $0, count: $2) - row.lanes(at: $1, count: $2) }
        case .mul: mapRows(rows, cols, out) { a.lanes(at: $0, count: $2) * row.lanes(at: $1, count: $2) }
        case .div: mapRows(rows, cols, out) { a.lanes(at: $0, count: $2) / row.lanes(at: $1, count: $2) }
        }
    }

    /// `out[i] = op(x[i])`.
    public static func unary(_ op: UnaryOp, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                             count: Int) {
        switch op {
        case .relu: map(count, out) { UnaryOp.relu.apply(x.lanes(at: $0, count: $1)) }
        case .tanh: map(count, out) { ReproMath.tanhLanes(x.lanes(at: $0, count: $1)) }
        case .sigmoid: map(count, out) { ReproMath.sigmoidLanes(x.lanes(at: $0, count: $1)) }
        case .gelu: map(count, out) { gelu(x.lanes(at: $0, count: $1)) }
        case .exp: map(count, out) { ReproMath.expLanes(x.lanes(at: $0, count: $1)) }
        case .log: map(count, out) { ReproMath.logLanes(x.lanes(at: $0, count: $1)) }
        }
    }

    /// Writes `vector(start, count)` to `out[start..<start + count]` for every piece of 16 (and the
    /// tail) of `0..<count`, chunks in parallel.
    @inline(__always)
    static func map(_ count: Int, _ out: UnsafeMutablePointer<Float>, _ vector: (Int, Int) -> Lanes) {
        forEachChunk(count: count, grain: grain) { chunk in
            forEachLanes(chunk) { start, n in out.store(vector(start, n), at: start, count: n) }
        }
    }

    /// `map` over the rows of a `[rows, cols]` matrix: `vector(index, column, count)`.
    @inline(__always)
    static func mapRows(_ rows: Int, _ cols: Int, _ out: UnsafeMutablePointer<Float>,
                        _ vector: (Int, Int, Int) -> Lanes) {
        let rowsPerChunk = Swift.max(1, grain / Swift.max(1, cols))
        forEachChunk(count: rows, grain: rowsPerChunk) { chunk in
            for r in chunk {
                let base = r * cols
                forEachLanes(0..<cols) { c, n in out.store(vector(base + c, c, n), at: base + c, count: n) }
            }
        }
    }
}
