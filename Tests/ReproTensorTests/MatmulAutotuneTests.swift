import Testing
@testable import ReproTensor

private func dispatched(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        _ m: Int, _ n: Int, _ k: Int, _ tA: Bool, _ tB: Bool, _ acc: Bool) throws {
    try matmul(a, b, c, m: m, n: n, k: k, transposeA: tA, transposeB: tB, accumulate: acc)
}

private func splitK(_ splits: Int) -> MatmulCase.Kernel {
    { matmulSplitK($0, $1, $2, m: $3, n: $4, k: $5, transposeA: $6, transposeB: $7, accumulate: $8, splits: splits) }
}

@Suite struct MatmulAutotuneTests {
    @Test func benchmarkWithRequiredDeterminismThrowsAndWritesNothing() {
        let c = MatmulCase(m: 20, n: 30, k: 300)
        let settings = DeterminismSettings(deterministicAlgorithms: true, benchmark: true)
        var error: NondeterministicOperationError?
        let out = Determinism.withSettings(settings) {
            c.run { a, b, out, m, n, k, tA, tB, acc in
                #expect {
                    try dispatched(a, b, out, m, n, k, tA, tB, acc)
                } throws: { thrown in
                    error = thrown as? NondeterministicOperationError
                    return error != nil
                }
            }
        }
        #expect(out == c.inputs.c)
        #expect(error?.op == "matmul (autotuned, benchmark = true)")
        #expect(error?.description.hasPrefix(
            "matmul (autotuned, benchmark = true) has no deterministic implementation for these settings: "
                + "the kernel is chosen by timing") == true)
        #expect(error?.description.contains("Set DeterminismSettings.deterministicAlgorithms = false") == true)
    }

    @Test func withoutBenchmarkTheDispatcherIsTheTiledKernel() throws {
        for settings in [DeterminismSettings.strict, DeterminismSettings(deterministicAlgorithms: false)] {
            for c in MatmulCase(m: 13, n: 40, k: 50, seed: 5).variants {
                let out = try Determinism.withSettings(settings) { try c.run(dispatched) }
                expectSameBits(out, c.run(matmulTiled), "\(c)")
            }
        }
    }

    @Test func autotunedResultIsCloseAndTheChoiceIsCached() throws {
        for c in MatmulCase(m: 8, n: 16, k: 128, seed: 6).variants {
            let (first, second) = try Determinism.withSettings(.fast) {
                (try c.run(dispatched), try c.run(dispatched))
            }
            expectClose(first, c.run(matmulNaive), rtol: 1e-5, scale: c.magnitudes, "\(c)")
            let shape = MatmulShape(m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB,
                                    threads: Parallel.threadCount)
            let chosen = try #require(MatmulAutotuner.cache.withLock { $0[shape] }, "\(c)")
            #expect(MatmulAutotuner.candidates(for: shape).contains(chosen))
            let direct = c.run { chosen.run($0, $1, $2, shape: shape, accumulate: $8) }
            expectSameBits(first, direct, "\(c) chose \(chosen)")
            expectSameBits(second, direct, "\(c) chose \(chosen), second call")
        }
    }

    @Test func warnOnlyAutotunes() throws {
        let c = MatmulCase(m: 9, n: 10, k: 200, seed: 8)
        let out = try Determinism.withSettings(DeterminismSettings(warnOnly: true, benchmark: true)) {
            try c.run(dispatched)
        }
        expectClose(out, c.run(matmulNaive), rtol: 1e-5, scale: c.magnitudes, "\(c)")
    }

    @Test func candidatesSplitOnlyLongReductions() {
        func candidates(k: Int) -> [MatmulVariant] {
            MatmulAutotuner.candidates(
                for: MatmulShape(m: 8, n: 8, k: k, transposeA: false, transposeB: false, threads: 2))
        }
        #expect(candidates(k: 127) == [.tiled])
        #expect(candidates(k: 128) == [.tiled, .splitK(2)])
        #expect(candidates(k: 512) == [.tiled, .splitK(2), .splitK(4), .splitK(8)])
    }

    @Test(arguments: [
        MatmulCase(m: 1, n: 1, k: 9), MatmulCase(m: 17, n: 33, k: 300), MatmulCase(m: 16, n: 8, k: 600),
        MatmulCase(m: 3, n: 70, k: 5),
    ])
    func splitKIsCloseToNaive(_ shape: MatmulCase) {
        for c in shape.variants {
            let naive = c.run(matmulNaive), scale = c.magnitudes
            for splits in [2, 3, 4, 8] {
                expectClose(c.run(splitK(splits)), naive, rtol: 1e-5, scale: scale, "\(c) splits \(splits)")
            }
            expectSameBits(c.run(splitK(1)), naive, "\(c)")
        }
    }

    @Test func splitKBitsDoNotDependOnThreadCount() {
        for c in MatmulCase(m: 16, n: 40, k: 400, seed: 9).variants where !c.accumulate {
            let reference = Parallel.withThreadCount(1) { c.run(splitK(4)) }
            for threads in [2, 3, 7] {
                let out = Parallel.withThreadCount(threads) { c.run(splitK(4)) }
                expectSameBits(out, reference, "\(c) threads \(threads)")
            }
        }
    }
}
