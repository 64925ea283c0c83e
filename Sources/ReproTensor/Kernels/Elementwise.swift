/// Elementwise kernels over contiguous `Float` buffers: plain functions over pointers and counts
/// (llm.c style), with the output written, never accumulated.
///
/// Each kernel computes 16 elements at a time and the tail through a zero-padded vector, running
/// the same operations per element as its reference in ``Elementwise/Naive``, so the two give the
/// same bits. Buffers longer than ``grain`` are split into chunks of ``grain`` elements, a function
/// of the count only, and run in parallel.
///
/// - Determinism: identical for any thread count (every element is computed on its own), in debug
///   and release builds, and on every machine (IEEE basic operations and ``ReproMath`` only). The
///   payload and sign of a NaN result are not specified: the optimizer may reorder the operands of
///   a NaN-producing operation differently in the two forms.
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
        forEachChunk(count: count, grain: grain) { chunk in
            forEachLanes(chunk) { i, n in out.store(op.apply(a.lanes(at: i, count: n), b.lanes(at: i, count: n)), at: i, count: n) }
        }
    }

    /// `out[i] = a[i] op b` (a scalar broadcast on the right).
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, scalar b: Float,
                              into out: UnsafeMutablePointer<Float>, count: Int) {
        let s = Lanes(repeating: b)
        forEachChunk(count: count, grain: grain) { chunk in
            forEachLanes(chunk) { i, n in out.store(op.apply(a.lanes(at: i, count: n), s), at: i, count: n) }
        }
    }

    /// `out[i] = a op b[i]` (a scalar broadcast on the left).
    public static func binary(_ op: BinaryOp, scalar a: Float, _ b: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, count: Int) {
        let s = Lanes(repeating: a)
        forEachChunk(count: count, grain: grain) { chunk in
            forEachLanes(chunk) { i, n in out.store(op.apply(s, b.lanes(at: i, count: n)), at: i, count: n) }
        }
    }

    /// `out[r, c] = a[r, c] op row[c]` for a row-major `[rows, cols]` matrix `a` and a `[cols]`
    /// vector broadcast over the rows (a bias, say).
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, row: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        forEachChunk(count: rows, grain: Swift.max(1, grain / Swift.max(1, cols))) { chunk in
            for r in chunk {
                let (ar, outr) = (a + r * cols, out + r * cols)
                forEachLanes(0..<cols) { c, n in outr.store(op.apply(ar.lanes(at: c, count: n), row.lanes(at: c, count: n)), at: c, count: n) }
            }
        }
    }

    /// `out[i] = op(x[i])`.
    public static func unary(_ op: UnaryOp, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                             count: Int) {
        forEachChunk(count: count, grain: grain) { chunk in
            forEachLanes(chunk) { i, n in out.store(op.apply(x.lanes(at: i, count: n)), at: i, count: n) }
        }
    }
}
