import Dispatch
import Foundation
import Synchronization

/// The parallel runtime: runs independent chunks of work on a fixed number of threads.
///
/// Thread count, in order of precedence:
/// 1. ``withThreadCount(_:_:)`` for the current task (tests run several counts side by side);
/// 2. ``threadCount`` set through the API;
/// 3. the `REPRO_NUM_THREADS` environment variable;
/// 4. the number of active processor cores.
///
/// - Determinism: callers compute chunk boundaries from the problem size only, and every chunk's
///   result is written to its own place or combined afterwards in a fixed order, so results are
///   identical for any thread count. The thread count changes only which thread runs a chunk.
public enum Parallel {
    private static let configured = Mutex<Int?>(nil)
    @TaskLocal private static var scoped: Int?

    /// The number of threads parallel kernels use (at least 1).
    public static var threadCount: Int {
        get {
            if let n = scoped { return n }
            if let n = configured.withLock({ $0 }) { return n }
            return defaultThreadCount
        }
        set {
            precondition(newValue >= 1, "thread count must be at least 1, got \(newValue)")
            configured.withLock { $0 = newValue }
        }
    }

    /// `REPRO_NUM_THREADS`, or else the active core count, read once: Foundation's
    /// `activeProcessorCount` reads cgroup files on Linux at every call, which cost half of a
    /// training step's time when asked at every kernel launch.
    static let defaultThreadCount = environmentThreadCount ?? max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `REPRO_NUM_THREADS`, when it holds a positive integer.
    public static let environmentThreadCount: Int? = {
        guard let text = ProcessInfo.processInfo.environment["REPRO_NUM_THREADS"],
              let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else { return nil }
        return n
    }()

    /// Runs `body` with `count` threads for the current task only.
    @discardableResult
    public static func withThreadCount<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        precondition(count >= 1, "thread count must be at least 1, got \(count)")
        return try $scoped.withValue(count, operation: body)
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, spread over ``threadCount`` threads.
    ///
    /// Workers claim the next unclaimed chunk until none is left, so a worker that starts late
    /// (measured: 2–5 ms on a loaded machine) leaves its share to the others. Which worker runs a
    /// chunk varies; the chunks, and so the results, do not. `body` must only write state that
    /// belongs to its chunk.
    public static func forEach(chunks: Int, _ body: (Int) -> Void) {
        let threads = min(threadCount, chunks)
        if threads <= 1 {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // Chunks write disjoint memory by contract; concurrentPerform returns after all ran.
            nonisolated(unsafe) let body = body
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard chunk < chunks else { return }
                    body(chunk)
                }
            }
        }
    }

    /// The number of chunks for `work` units when a chunk should hold about `grain` units: a
    /// function of the problem size only, never of the thread count.
    @inlinable
    public static func chunkCount(work: Int, grain: Int) -> Int {
        max(1, (work + grain - 1) / grain)
    }
}
