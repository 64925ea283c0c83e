import Foundation

/// Memory for packed panels, kept between calls.
///
/// Fresh large allocations come from `mmap`, and touching their pages costs a fault each (about
/// 0.8 µs per 4 KiB page on the development VM): 8% of a 1024³ product. Keeping a few buffers
/// avoids that, as OpenBLAS does with its per-thread buffers. At most `maxKept` buffers stay
/// allocated, so the memory kept is bounded by a few times the largest packed problem.
enum MatmulScratch {
    private struct Buffer: @unchecked Sendable {
        let start: UnsafeMutablePointer<Float>
        let count: Int
    }

    /// The kept buffers, guarded by an `NSLock` (a pthread mutex): ThreadSanitizer understands it,
    /// while it reports `Synchronization.Mutex`'s futex-based locking on Linux as a Swift access race
    /// when matmuls run on several threads at once (seen in CI).
    private final class Kept: @unchecked Sendable {
        private let lock = NSLock()
        private var buffers: [Buffer] = []

        func withLock<R>(_ body: (inout [Buffer]) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&buffers)
        }
    }

    private static let kept = Kept()
    static let maxKept = 4

    /// Runs `body` with at least `count` floats of uninitialized memory, reused across calls.
    static func withBuffer<T>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> T) -> T {
        let reused = kept.withLock { kept -> Buffer? in
            guard let index = kept.firstIndex(where: { $0.count >= count }) else { return nil }
            return kept.remove(at: index)
        }
        let buffer = reused ?? Buffer(start: .allocate(capacity: count), count: count)
        defer {
            let dropped = kept.withLock { kept -> Buffer? in
                kept.append(buffer)
                guard kept.count > maxKept, let smallest = kept.indices.min(by: { kept[$0].count < kept[$1].count })
                else { return nil }
                return kept.remove(at: smallest)
            }
            dropped?.start.deallocate()
        }
        return body(buffer.start)
    }
}
