import Foundation
import Testing
import ReproTensor

/// Proof that the ThreadSanitizer step of `.ci/run` can see a race through `Parallel.forEach`
/// (chunks on Dispatch's worker threads): with `REPRO_TSAN_CANARY=1` every chunk increments one
/// shared counter without synchronization, a data race that a `--sanitize=thread` build must report.
/// Without the variable (every ordinary run) the test does nothing.
@Suite struct ThreadSanitizerCanaryTests {
    final class Counter: @unchecked Sendable { var value = 0 }

    @Test func aRaceThroughParallelForEachIsVisible() {
        guard ProcessInfo.processInfo.environment["REPRO_TSAN_CANARY"] == "1" else { return }
        let counter = Counter()
        Parallel.withThreadCount(2) {
            Parallel.forEach(chunks: 64) { _ in
                counter.value += 1
                usleep(100)
            }
        }
        #expect(counter.value > 0)
    }
}
