import Testing
@testable import ReproTensor

@Suite struct ParallelTests {
    @Test(arguments: [1, 2, 3, 4, 7])
    func everyChunkRunsOnceForAnyThreadCount(_ threads: Int) {
        let chunks = 37
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        defer { hits.deallocate() }
        hits.initialize(repeating: 0)
        Parallel.withThreadCount(threads) {
            #expect(Parallel.threadCount == threads)
            Parallel.forEach(chunks: chunks) { hits[$0] += 1 }
        }
        #expect(Array(hits) == Array(repeating: 1, count: chunks))
    }

    @Test func chunkCountDependsOnTheProblemOnly() {
        #expect(Parallel.chunkCount(work: 0, grain: 64) == 1)
        #expect(Parallel.chunkCount(work: 64, grain: 64) == 1)
        #expect(Parallel.chunkCount(work: 65, grain: 64) == 2)
    }
}

@Suite struct DeterminismSettingsTests {
    @Test func requiredDeterminismRejectsNondeterministicOps() {
        Determinism.withSettings(.strict) {
            #expect {
                try Determinism.checkNondeterministic("embedding backward (atomic scatter-add)", reason: "arrival order")
            } throws: { error in
                let text = "\(error)"
                return text.contains("embedding backward") && text.contains("deterministicAlgorithms = false")
            }
        }
    }

    @Test func allowedOrWarnOnlyRuns() throws {
        try Determinism.withSettings(.fast) {
            try Determinism.checkNondeterministic("op", reason: "r")
        }
        try Determinism.withSettings(DeterminismSettings(warnOnly: true)) {
            try Determinism.checkNondeterministic("test-only op", reason: "r")
        }
    }
}
