import Foundation
import Synchronization
import Testing
import ReproRandom
@testable import ReproTensor

/// The two scatter-add implementations and how the determinism settings choose between them.
@Suite struct ScatterAddTests {
    /// The atomic kernel sums in order of arrival, shown without depending on the scheduler.
    ///
    /// A test that runs the kernel on real threads until two results differ cannot be made reliable:
    /// in a test process the dispatch pool is busy with the tests themselves, and `concurrentPerform`
    /// often runs the slices one after the other. Measured on the 2-core development machine with 7
    /// threads, 100 runs of 20 000 indices into 2 rows gave a single result, 100 runs of 100 000 gave
    /// 85 to 91 distinct ones; on one core the slices never interleave. So this test runs the
    /// threads' work (``ScatterAddKernel/addRows``) itself, in both arrival orders: slice A adds 1e8
    /// and then 1 (which rounds away, ulp(1e8) being 8), slice B adds -1e8. A then B gives 0, the
    /// index order that the deterministic kernel always uses; B then A gives 1. Real threads may
    /// arrive either way, or interleaved.
    @Test func atomicResultDependsOnArrivalOrder() throws {
        let source: [Float] = [1e8, 1, -1e8]
        let indices = [0, 0, 0]
        func arrive(_ slices: [Range<Int>]) -> [Float] {
            let cells = AtomicFloats(count: 1)
            for slice in slices {
                ScatterAddKernel.addRows(slice, source: source, indices: indices, width: 1, into: cells)
            }
            return cells.values
        }
        let deterministic = ScatterAddKernel.deterministic(source: source, indices: indices, width: 1, rows: 1)
        #expect(deterministic == [0])
        #expect(arrive([0..<2, 2..<3]) == [0])
        #expect(arrive([2..<3, 0..<2]) == [1])
    }

    /// Real contention: 4 threads, released together, each add 100 000 small integers into the
    /// same 3 cells. Integer sums below 2^24 are exact in Float32 in any order, so the totals are
    /// the same whatever the arrival order, and a lost update (a read-modify-write that is not
    /// atomic) shows as a wrong total.
    @Test func atomicLosesNoUpdateUnderContention() {
        let (threads, perThread) = (4, 100_000)
        let count = threads * perThread
        let indices = (0..<count).map { $0 % 3 }
        let source = (0..<count).map { Float($0 % 5) }
        var exact: [Float] = [0, 0, 0]
        for i in 0..<count { exact[indices[i]] += source[i] }
        let cells = AtomicFloats(count: 3)
        let start = StartLine(threads)
        let done = DispatchGroup()
        for t in 0..<threads {
            done.enter()
            Thread {
                start.arriveAndWait()
                ScatterAddKernel.addRows((t * perThread)..<((t + 1) * perThread), source: source, indices: indices,
                                         width: 1, into: cells)
                done.leave()
            }.start()
        }
        done.wait()
        #expect(cells.values == exact)
    }

    @Test func atomicMatchesDeterministicWithinRounding() throws {
        let (source, indices) = try ThreadCountTests.collidingRows(seed: 20)
        let deterministic = try Tensor.scatterAdd(source, indices: indices, rowCount: 70)
        let atomic = try Determinism.withSettings(.fast) {
            try Parallel.withThreadCount(4) { try Tensor.scatterAdd(source, indices: indices, rowCount: 70, mode: .atomic) }
        }
        let check = allClose(atomic.scalars, deterministic.scalars, rtol: 1e-4, atol: 1)
        #expect(check.ok, "\(check.detail)")
    }

    @Test func atomicWithOneThreadIsIndexOrder() throws {
        let (source, indices) = try ThreadCountTests.collidingRows(seed: 21)
        let deterministic = try Tensor.scatterAdd(source, indices: indices, rowCount: 70)
        let atomic = try Determinism.withSettings(.fast) {
            try Parallel.withThreadCount(1) { try Tensor.scatterAdd(source, indices: indices, rowCount: 70, mode: .atomic) }
        }
        #expect(ThreadCountTests.bits(atomic.scalars) == ThreadCountTests.bits(deterministic.scalars))
    }

    @Test func settingsChooseTheMode() {
        #expect(ScatterAddMode.preferred(under: .strict) == .deterministic)
        #expect(ScatterAddMode.preferred(under: .fast) == .atomic)
        #expect(ScatterAddMode.preferred(under: DeterminismSettings(warnOnly: true)) == .deterministic)
        #expect(ScatterAddMode.deterministic.isDeterministic && !ScatterAddMode.atomic.isDeterministic)
    }

    @Test func strictSettingsRejectTheAtomicScatterAdd() throws {
        let source = try Tensor.ones([4, 2])
        Determinism.withSettings(.strict) {
            #expect {
                try Tensor.scatterAdd(source, indices: [0, 1, 0, 1], rowCount: 2, mode: .atomic)
            } throws: { error in
                let text = "\(error)"
                return error is NondeterministicOperationError && text.contains("scatter_add (atomic)")
                    && text.contains("deterministicAlgorithms")
            }
        }
    }

    /// The embedding picks its backward by the settings: strict and warnOnly give the deterministic
    /// kernel's bits and never throw (a deterministic implementation exists); fast runs the atomic
    /// kernel.
    @Test(arguments: [DeterminismSettings.strict, DeterminismSettings(warnOnly: true), .fast])
    func embeddingBackwardRunsUnderEverySetting(_ settings: DeterminismSettings) throws {
        let (upstream, indices) = try ThreadCountTests.collidingRows(seed: 22)
        let table = try normalInputs(seed: 23, [[70, 7]], requiresGrad: true)[0]
        let expected = ScatterAddKernel.deterministic(source: upstream.scalars, indices: indices, width: 7, rows: 70)
        try Determinism.withSettings(settings) {
            try Parallel.withThreadCount(4) {
                try Tensor.embedding(indices: indices, table: table).backward(gradient: upstream.scalars)
            }
        }
        if settings.deterministicAlgorithms {
            #expect(ThreadCountTests.bits(table.grad!.scalars) == ThreadCountTests.bits(expected))
        } else {
            let check = allClose(table.grad!.scalars, expected, rtol: 1e-4, atol: 1)
            #expect(check.ok, "\(settings): \(check.detail)")
        }
    }

    @Test func atomicScatterAddRunsUnderWarnOnly() throws {
        let source = try Tensor.ones([4, 2])
        let y = try Determinism.withSettings(DeterminismSettings(warnOnly: true)) {
            try Tensor.scatterAdd(source, indices: [0, 1, 0, 0], rowCount: 2, mode: .atomic)
        }
        #expect(y.scalars == [3, 3, 1, 1])
    }
}

/// Holds threads until all have arrived, so their work overlaps.
final class StartLine: Sendable {
    private let waiting: Atomic<Int>

    init(_ threads: Int) {
        waiting = Atomic(threads)
    }

    func arriveAndWait() {
        waiting.subtract(1, ordering: .acquiringAndReleasing)
        while waiting.load(ordering: .acquiring) > 0 { sched_yield() }
    }
}
