import Synchronization

/// C = op(A)·op(B) (or C += op(A)·op(B)): the matrix product ops call, choosing the kernel from
/// ``Determinism/settings``.
///
/// Same contract as ``matmulNaive(_:_:_:m:n:k:transposeA:transposeB:accumulate:)`` (shapes,
/// transposes, `accumulate` as BLAS beta 1 or 0); matches `np.matmul` up to summation order.
///
/// - With `benchmark` off (the default): ``matmulTiled(_:_:_:m:n:k:transposeA:transposeB:accumulate:)``.
/// - With `benchmark` on: autotuned, like cuDNN's benchmark mode. The first call for a shape
///   (m, n, k, transposes, thread count) times the tiled kernel and
///   ``matmulSplitK(_:_:_:m:n:k:transposeA:transposeB:accumulate:splits:)`` with a few split
///   counts on the caller's operands (into scratch memory), and the fastest serves that shape for
///   the rest of the process. Timing noise can pick a different winner in another run, and with it
///   a different reduction order: the result bits can change from run to run.
///
/// - Throws: ``NondeterministicOperationError`` when `benchmark` is on while deterministic
///   algorithms are required (the default), before anything is timed or written. PyTorch in that
///   situation silently ignores `cudnn.benchmark`; Repro makes the conflict visible. With
///   `warnOnly` it warns once and autotunes.
/// - Determinism: with `benchmark` off, identical bits for any thread count (equal to `matmulNaive`);
///   with it on, none across runs.
public func matmul(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
) throws {
    guard Determinism.settings.benchmark else {
        matmulTiled(a, b, c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, accumulate: accumulate)
        return
    }
    try Determinism.checkNondeterministic(
        MatmulAutotuner.op,
        reason: "the kernel is chosen by timing on first use of each shape, so the reduction order "
            + "and the result bits can change from run to run")
    let shape = MatmulShape(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                            threads: Parallel.threadCount)
    let variant = MatmulAutotuner.variant(for: shape, a: a, b: b, c: c, accumulate: accumulate)
    variant.run(a, b, c, shape: shape, accumulate: accumulate)
}

/// The gradients of C = A·B (A m×k, B k×n) from dC (m×n): dA = dC·Bᵀ (m×k) and dB = Aᵀ·dC (k×n),
/// each through ``matmul(_:_:_:m:n:k:transposeA:transposeB:accumulate:)`` (so autotuned when
/// `benchmark` is on). Pass `nil` for a gradient that is not needed.
///
/// Matches numpy's `dc @ b.T` and `a.T @ dc` up to summation order.
///
/// - Parameter accumulate: add to `da` and `db` (gradients accumulate across uses of a tensor);
///   otherwise overwrite them.
/// - Throws: as `matmul`, when `benchmark` is on and deterministic algorithms are required.
/// - Determinism: with `benchmark` off, identical bits for any thread count.
public func matmulBackward(
    _ dc: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    da: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
    m: Int, n: Int, k: Int, accumulate: Bool = true
) throws {
    if let da { try matmul(dc, b, da, m: m, n: k, k: n, transposeB: true, accumulate: accumulate) }
    if let db { try matmul(a, dc, db, m: k, n: n, k: m, transposeA: true, accumulate: accumulate) }
}

/// What the autotuner's choice depends on.
struct MatmulShape: Hashable {
    let m: Int
    let n: Int
    let k: Int
    let transposeA: Bool
    let transposeB: Bool
    let threads: Int
}

/// A kernel the autotuner can choose.
enum MatmulVariant: Hashable {
    case tiled
    case splitK(Int)

    func run(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
             shape s: MatmulShape, accumulate: Bool) {
        switch self {
        case .tiled:
            matmulTiled(a, b, c, m: s.m, n: s.n, k: s.k, transposeA: s.transposeA, transposeB: s.transposeB,
                        accumulate: accumulate)
        case .splitK(let splits):
            matmulSplitK(a, b, c, m: s.m, n: s.n, k: s.k, transposeA: s.transposeA, transposeB: s.transposeB,
                         accumulate: accumulate, splits: splits)
        }
    }
}

/// Times the candidate kernels on first use of a shape and remembers the winner, process-wide.
enum MatmulAutotuner {
    static let op = "matmul (autotuned, benchmark = true)"
    /// Winners by shape. Two threads tuning one shape at once both time it; the first to finish
    /// decides, so every caller sees one choice per shape.
    static let cache = Mutex<[MatmulShape: MatmulVariant]>([:])
    /// Split counts tried, each only while every part keeps at least `minSplitDepth` steps.
    static let splitCounts = [2, 4, 8]
    static let minSplitDepth = 64
    static let timedRuns = 3

    static func candidates(for shape: MatmulShape) -> [MatmulVariant] {
        [.tiled] + splitCounts.filter { shape.k / $0 >= minSplitDepth }.map { .splitK($0) }
    }

    /// The cached winner for `shape`, timing the candidates first if there is none. Timing writes
    /// to scratch memory only (started from C's contents when accumulating, for realistic values).
    static func variant(for shape: MatmulShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                        c: UnsafePointer<Float>, accumulate: Bool) -> MatmulVariant {
        if let known = cache.withLock({ $0[shape] }) { return known }
        let candidates = candidates(for: shape)
        var best = (variant: MatmulVariant.tiled, time: Duration.seconds(Int64.max))
        if candidates.count > 1 {
            let count = shape.m * shape.n
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { scratch.deallocate() }
            if accumulate {
                scratch.initialize(from: c, count: count)
            } else {
                scratch.initialize(repeating: 0, count: count)
            }
            let clock = ContinuousClock()
            for candidate in candidates {
                candidate.run(a, b, scratch, shape: shape, accumulate: accumulate)  // warm-up
                for _ in 0..<timedRuns {
                    let time = clock.measure { candidate.run(a, b, scratch, shape: shape, accumulate: accumulate) }
                    if time < best.time { best = (candidate, time) }
                }
            }
        }
        return cache.withLock { cache in
            if let known = cache[shape] { return known }
            cache[shape] = best.variant
            return best.variant
        }
    }
}
