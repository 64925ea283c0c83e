import Foundation

/// Computes items `start..<end` on worker threads, at most `depth` ahead of the consumer, and hands
/// them out strictly in order.
///
/// Worker `w` of `workers` computes items `start + w`, `start + w + workers`, … (round-robin, as
/// PyTorch assigns batches), so which worker makes which item depends only on the worker count;
/// what an item contains depends on nothing but `make`. An error thrown by `make` is delivered in
/// place of its item.
final class Prefetcher<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var ready: [Int: Result<Item, Error>] = [:]
    private var nextToDeliver: Int
    private var stopping = false
    private var running: Int

    private let end: Int
    private let depth: Int

    /// Starts `workers` threads; each first calls `onStart(worker)`, then makes its items.
    init(start: Int, end: Int, workers: Int, depth: Int,
         onStart: @escaping @Sendable (Int) -> Void,
         make: @escaping @Sendable (Int) throws -> Item) {
        precondition(workers >= 1 && depth >= 1)
        self.nextToDeliver = start
        self.end = end
        self.depth = depth
        self.running = workers
        for worker in 0..<workers {
            let thread = Thread { [self] in
                onStart(worker)
                for item in stride(from: start + worker, to: end, by: workers) {
                    guard waitForRoom(before: item) else { break }
                    let result = Result { try make(item) }
                    condition.withLock {
                        ready[item] = result
                        condition.broadcast()
                    }
                }
                condition.withLock {
                    running -= 1
                    condition.broadcast()
                }
            }
            thread.name = "repro-loader-\(worker)"
            thread.start()
        }
    }

    /// Waits until `item` is less than `depth` ahead of the consumer; false when stopping.
    private func waitForRoom(before item: Int) -> Bool {
        condition.withLock {
            while !stopping && item >= nextToDeliver + depth { condition.wait() }
            return !stopping
        }
    }

    /// The next item in order, waiting for it; nil after the last one.
    func next() -> Result<Item, Error>? {
        condition.withLock {
            guard nextToDeliver < end else { return nil }
            while ready[nextToDeliver] == nil { condition.wait() }
            let result = ready.removeValue(forKey: nextToDeliver)!
            nextToDeliver += 1
            condition.broadcast()
            return result
        }
    }

    /// Stops the workers after their current item and waits for them to finish.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while running > 0 { condition.wait() }
            ready.removeAll()
        }
    }
}
