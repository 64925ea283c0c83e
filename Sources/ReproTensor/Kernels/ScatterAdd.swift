import Synchronization

/// How a scatter-add (`out[indices[i], :] += source[i, :]`) sums the source rows that share a
/// destination row: the embedding gradient's accumulation.
public enum ScatterAddMode: Sendable, Equatable, CaseIterable {
    /// Owner computes: parallel over destination rows; each row adds the source rows that point to
    /// it in index order, starting from zero.
    ///
    /// - Determinism: identical bits for any thread count.
    case deterministic
    /// Threads split the indices and add into the shared destination with atomic float adds (a
    /// compare-and-swap loop on each element's bit pattern), so an element shared by several indices
    /// is summed in order of arrival. It needs no bucketing pass, and a frequent index cannot leave
    /// one thread with most of the work; but every add is a locked compare-and-swap, so on CPUs it
    /// is slower: 5 to 15 times for 100 000 rows of 64 on the 2-core x86-64 development machine.
    ///
    /// - Determinism: none. When indices repeat, the bits can change from run to run with more than
    ///   one thread (with one thread, the order is index order and the bits equal `.deterministic`).
    case atomic

    /// Whether the result has the same bits on every run and for any thread count.
    public var isDeterministic: Bool { self == .deterministic }

    /// The mode an op picks by itself under `settings`: `.atomic` only when `deterministicAlgorithms`
    /// is off. Under `warnOnly` the deterministic implementation exists, so it is used (as PyTorch's
    /// `warn_only` keeps deterministic kernels wherever they exist).
    public static func preferred(under settings: DeterminismSettings) -> ScatterAddMode {
        settings.deterministicAlgorithms ? .deterministic : .atomic
    }

    /// Why `.atomic` is nondeterministic, for ``Determinism/checkNondeterministic(_:reason:)``.
    static let atomicReason = "threads add into shared rows with atomic float adds, so rows that several "
        + "indices share are summed in order of arrival"
}

/// Scatter-add kernels over row-major buffers: `out` is `[rows, width]` zeros, then
/// `out[indices[i] * width + j] += source[i * width + j]`. Indices must lie in `0..<rows`.
enum ScatterAddKernel {
    static func run(_ mode: ScatterAddMode, source: [Float], indices: [Int], width: Int, rows: Int) -> [Float] {
        switch mode {
        case .deterministic: deterministic(source: source, indices: indices, width: width, rows: rows)
        case .atomic: atomic(source: source, indices: indices, width: width, rows: rows)
        }
    }

    /// Destination rows per chunk of the deterministic kernel.
    static let rowGrain = 32

    /// Buckets the positions by destination row (a counting sort, which keeps index order within a
    /// row), then each chunk of rows sums its buckets.
    static func deterministic(source: [Float], indices: [Int], width: Int, rows: Int) -> [Float] {
        var start = [Int](repeating: 0, count: rows + 1)
        for row in indices { start[row + 1] += 1 }
        for row in 0..<rows { start[row + 1] += start[row] }
        var next = start
        var positions = [Int](repeating: 0, count: indices.count)
        for (i, row) in indices.enumerated() {
            positions[next[row]] = i
            next[row] += 1
        }
        var out = [Float](repeating: 0, count: rows * width)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Parallel.forEach(chunks: Parallel.chunkCount(work: rows, grain: rowGrain)) { chunk in
                    for row in (chunk * rowGrain)..<Swift.min(rows, (chunk + 1) * rowGrain) {
                        let sum = dst.baseAddress! + row * width
                        for p in start[row]..<start[row + 1] {
                            let term = src.baseAddress! + positions[p] * width
                            for j in 0..<width { sum[j] += term[j] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Each of the ``Parallel/threadCount`` threads takes a contiguous slice of the indices and adds
    /// its rows into shared atomic cells.
    static func atomic(source: [Float], indices: [Int], width: Int, rows: Int) -> [Float] {
        let cells = AtomicFloats(count: rows * width)
        let slices = Swift.min(Parallel.threadCount, indices.count)
        Parallel.forEach(chunks: slices) { slice in
            let positions = (slice * indices.count / slices)..<((slice + 1) * indices.count / slices)
            addRows(positions, source: source, indices: indices, width: width, into: cells)
        }
        return cells.values
    }

    /// Adds source rows `positions` into `cells`, in order: the work of one thread of ``atomic``.
    static func addRows(
        _ positions: Range<Int>, source: [Float], indices: [Int], width: Int, into cells: AtomicFloats
    ) {
        source.withUnsafeBufferPointer { src in
            for i in positions {
                let row = indices[i] * width
                for j in 0..<width { cells.add(src[i * width + j], at: row + j) }
            }
        }
    }
}

/// Float32 cells that threads add into with atomic read-modify-writes (a compare-and-swap loop on
/// the bit pattern; there is no hardware float add). Each add is one rounding of `old + value`,
/// and no add is lost; the order of adds to one cell is the order they arrive in. (Sendable: the
/// cells are only reached through atomic operations.)
final class AtomicFloats: @unchecked Sendable {
    private let cells: UnsafeMutablePointer<Atomic<UInt32>>
    let count: Int

    init(count: Int) {
        self.count = count
        cells = .allocate(capacity: count)
        for i in 0..<count { (cells + i).initialize(to: Atomic(Float(0).bitPattern)) }
    }

    deinit {
        cells.deinitialize(count: count)
        cells.deallocate()
    }

    func add(_ value: Float, at i: Int) {
        precondition(i >= 0 && i < count, "AtomicFloats: cell \(i) is outside 0..<\(count)")
        var old = cells[i].load(ordering: .relaxed)
        while true {
            let new = (Float(bitPattern: old) + value).bitPattern
            let (exchanged, seen) = cells[i].weakCompareExchange(expected: old, desired: new, ordering: .relaxed)
            if exchanged { return }
            old = seen
        }
    }

    /// The current values (read after the adding threads have finished).
    var values: [Float] {
        (0..<count).map { Float(bitPattern: cells[$0].load(ordering: .relaxed)) }
    }
}
