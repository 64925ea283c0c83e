import Foundation
import Testing
@testable import ReproTensor

@Suite struct ReduceKernelTests {
    static let threadCounts = [1, 2, 3, 4, 7]

    /// Runs `body` at every thread count and returns its result at each.
    static func atEveryThreadCount<T>(_ body: () -> T) -> [T] {
        threadCounts.map { Parallel.withThreadCount($0, body) }
    }

    /// The exact sum, and Σ|x|, in Double (exact enough for these sizes).
    static func exactSum(_ x: ArraySlice<Float>) -> (sum: Double, magnitude: Double) {
        x.reduce((0.0, 0.0)) { ($0.0 + Double($1), $0.1 + Double(abs($1))) }
    }

    @Test func sumIsIdenticalForAnyThreadCount() {
        // 245 blocks in 16 chunks, and a partial last block.
        let x = normalFloats(1_000_017, seed: 31)
        let sums = Self.atEveryThreadCount { Reduce.sum(x, count: x.count) }
        #expect(Set(sums.map(\.bitPattern)).count == 1, "sums per thread count: \(sums)")
        let exact = Self.exactSum(x[...])
        #expect(abs(Double(sums[0]) - exact.sum) <= 1e-6 * exact.magnitude)
        let naive = Reduce.Naive.sum(x, count: x.count)
        #expect(abs(Double(naive) - exact.sum) <= 1e-5 * exact.magnitude)
    }

    /// The order the type documents, written out independently: lanes i mod 64, vectors
    /// (v0 + v1) + (v2 + v3), lanes folded in halves, blocks combined pairwise level by level.
    @Test func sumFollowsTheDocumentedOrder() {
        func documented(_ x: [Float]) -> Float {
            var blocks: [Float] = stride(from: 0, to: x.count, by: Reduce.blockLength).map { start in
                var lanes = [Float](repeating: 0, count: 64)
                for i in start..<min(x.count, start + Reduce.blockLength) { lanes[(i - start) % 64] += x[i] }
                var v = [Float]()
                for k in 0..<16 {
                    let first: Float = lanes[k] + lanes[16 + k]
                    let second: Float = lanes[32 + k] + lanes[48 + k]
                    v.append(first + second)
                }
                while v.count > 1 {
                    let half = v.count / 2
                    v = (0..<half).map { v[$0] + v[half + $0] }
                }
                return v[0]
            }
            while blocks.count > 1 {
                blocks = stride(from: 0, to: blocks.count, by: 2).map { $0 + 1 < blocks.count ? blocks[$0] + blocks[$0 + 1] : blocks[$0] }
            }
            return blocks.first ?? 0
        }
        for count in [0, 1, 63, 64, 100, 4096, 4097, 5 * 4096 + 77] {
            let x = normalFloats(count, seed: UInt64(count), scale: 1000)
            #expect(Reduce.sum(x, count: count).bitPattern == documented(x).bitPattern, "count \(count)")
        }
    }

    @Test func meanAndEdgeCases() {
        #expect(Reduce.sum([], count: 0) == 0)
        #expect(Reduce.mean([], count: 0).isNaN)
        #expect(Reduce.mean([1, 2, 3, 6], count: 4) == 3)
        #expect(Reduce.sum([1, .infinity, 2], count: 3) == .infinity)
        #expect(Reduce.sum([1, .nan, 2], count: 3).isNaN)
        let x = normalFloats(9999, seed: 32)
        #expect(Reduce.mean(x, count: x.count) == Reduce.sum(x, count: x.count) / 9999)
    }

    /// The sum of squares is `sum` over the rounded squares, bit for bit, at every thread count
    /// (so it inherits the documented order); close to the naive in-order sum and to the exact one.
    @Test func sumOfSquaresIsTheSumOfTheRoundedSquares() {
        for count in [0, 1, 17, 64, 4096, 4097, 20_003] {
            let x = normalFloats(count, seed: 37 + UInt64(count), scale: 3)
            let squares = x.map { $0 * $0 }
            let expected = Reduce.sum(squares, count: count)
            let results = Self.atEveryThreadCount { Reduce.sumOfSquares(x, count: count) }
            #expect(results.allSatisfy { $0.bitPattern == expected.bitPattern }, "count \(count): \(results) vs \(expected)")
            let exact = squares.reduce(0.0) { $0 + Double($1) }
            #expect(abs(Double(expected) - exact) <= 1e-6 * exact, "count \(count)")
            let naive = Reduce.Naive.sumOfSquares(x, count: count)
            #expect(abs(Double(naive) - exact) <= 1e-3 * exact, "count \(count): naive \(naive)")
        }
        #expect(Reduce.sumOfSquares([3, -4], count: 2) == 25)
        #expect(Reduce.sumOfSquares([1e20, 1], count: 2) == .infinity, "a square overflows, as in PyTorch's Float32 norm")
        #expect(Reduce.sumOfSquares([1, .nan], count: 2).isNaN)
    }

    @Test(arguments: [[3, 5, 7], [2, 10_000, 3], [4, 33, 1], [1, 9000, 1], [2, 3, 1500], [0, 4, 2], [2, 0, 3], [0, 5, 1]])
    func sumAlongAnAxis(_ shape: [Int]) {
        let (outer, axis, inner) = (shape[0], shape[1], shape[2])
        let x = normalFloats(outer * axis * inner, seed: 33)
        let sums = Self.atEveryThreadCount {
            output(outer * inner) { Reduce.sum(x, outer: outer, axis: axis, inner: inner, into: $0) }
        }
        #expect(Set(sums.map(bits)).count == 1, "\(shape): results differ between thread counts")
        let naive = output(outer * inner) { Reduce.Naive.sum(x, outer: outer, axis: axis, inner: inner, into: $0) }
        for o in 0..<outer {
            for i in 0..<inner {
                let terms = (0..<axis).map { x[(o * axis + $0) * inner + i] }
                let exact = Self.exactSum(terms[...])
                #expect(abs(Double(sums[0][o * inner + i]) - exact.sum) <= 1e-6 * exact.magnitude + 1e-30, "\(shape) [\(o), \(i)]")
                if inner == 1 {
                    #expect(sums[0][o].bitPattern == Reduce.sum(terms, count: axis).bitPattern, "a row sums as sum(_:count:)")
                }
            }
        }
        if inner > 1 && axis <= Reduce.blockLength {
            #expect(bits(sums[0]) == bits(naive), "one block along the axis: the naive order")
        }
        let means = output(outer * inner) { Reduce.mean(x, outer: outer, axis: axis, inner: inner, into: $0) }
        let naiveMeans = output(outer * inner) { Reduce.Naive.mean(x, outer: outer, axis: axis, inner: inner, into: $0) }
        #expect(bits(means) == bits(sums[0].map { $0 / Float(axis) }))
        let (ok, message) = close(means, naiveMeans, rtol: 1e-4, atol: 1e-6)
        #expect(ok, "mean: \(message)")
    }

    @Test func sumsAgreeWithNumpy() {
        let v = KernelVectors.shared.sum
        let x = floats(v.x)
        let (outer, axis, inner) = (v.shape[0], v.shape[1], v.shape[2])
        let sums = output(outer * inner) { Reduce.sum(x, outer: outer, axis: axis, inner: inner, into: $0) }
        let means = output(outer * inner) { Reduce.mean(x, outer: outer, axis: axis, inner: inner, into: $0) }
        let (okSum, m1) = close(sums, floats(v.sum_axis1), rtol: 1e-5, atol: 1e-5)
        let (okMean, m2) = close(means, floats(v.mean_axis1), rtol: 1e-5, atol: 1e-6)
        #expect(okSum, "sum along axis 1: \(m1)")
        #expect(okMean, "mean along axis 1: \(m2)")
        #expect(abs(Reduce.sum(x, count: x.count) - floats(v.sum_all)[0]) <= 1e-4)
        #expect(abs(Reduce.mean(x, count: x.count) - floats(v.mean_all)[0]) <= 1e-6)
    }

    @Test func maxAndArgmax() {
        let v = KernelVectors.shared.max
        let x = floats(v.x)
        var values = [Float](repeating: 0, count: v.rows), indices = [Int](repeating: -1, count: v.rows)
        Reduce.max(x, rows: v.rows, cols: v.cols, values: &values, indices: &indices)
        #expect(indices == v.indices, "numpy.argmax: first NaN, else first maximum")
        #expect(bits(values) == bits(floats(v.values)))
        // Against the naive scan, over vector-sized rows with ties, NaNs and infinities.
        let (rows, cols) = (300, 37)
        var y = normalFloats(rows * cols, seed: 34).map { ($0 * 2).rounded() }
        for r in stride(from: 0, to: rows, by: 7) { y[r * cols + r % cols] = .nan }
        for r in stride(from: 3, to: rows, by: 11) { y[r * cols + (5 * r) % cols] = .infinity }
        for threads in Self.threadCounts {
            var fast = [Int](repeating: -1, count: rows), naive = fast
            var fastValues = [Float](repeating: 0, count: rows), naiveValues = fastValues
            Parallel.withThreadCount(threads) {
                Reduce.max(y, rows: rows, cols: cols, values: &fastValues, indices: &fast)
            }
            Reduce.Naive.max(y, rows: rows, cols: cols, values: &naiveValues, indices: &naive)
            #expect(fast == naive && bits(fastValues) == bits(naiveValues), "threads \(threads)")
        }
    }

    /// Rows long enough for several blocks, offset far from 0 (stability), at every thread count.
    @Test func softmaxFamilyAcrossThreadCountsAndAgainstNaive() {
        for (rows, cols) in [(1, 1), (3, 17), (40, 1000), (2, 9000)] {
            var x = normalFloats(rows * cols, seed: 35, scale: 4)
            for r in 0..<rows { for i in 0..<cols { x[r * cols + i] += Float(r % 3 - 1) * 500 } }
            let g = normalFloats(rows * cols, seed: 36)
            let n = rows * cols
            typealias Kernel = (UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void
            let forward: [(String, Kernel, Kernel)] = [
                ("softmax", { Reduce.softmax($0, rows: $1, cols: $2, into: $3) }, { Reduce.Naive.softmax($0, rows: $1, cols: $2, into: $3) }),
                ("logSoftmax", { Reduce.logSoftmax($0, rows: $1, cols: $2, into: $3) }, { Reduce.Naive.logSoftmax($0, rows: $1, cols: $2, into: $3) }),
            ]
            // The exact values, in Double.
            var exactY = [Float](), exactLogY = [Float]()
            for r in 0..<rows {
                let row = x[r * cols..<(r + 1) * cols].map(Double.init)
                let m = row.max()!
                let logSum = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
                exactLogY += row.map { Float(($0 - m) - logSum) }
                exactY += row.map { Float(Foundation.exp(($0 - m) - logSum)) }
            }
            for ((name, fast, naive), exact) in zip(forward, [exactY, exactLogY]) {
                let results = Self.atEveryThreadCount { output(n) { fast(x, rows, cols, $0) } }
                #expect(Set(results.map(bits)).count == 1, "\(name) [\(rows), \(cols)] differs between thread counts")
                let (ok, message) = close(results[0], exact, rtol: 2e-6, atol: 1e-6)
                #expect(ok, "\(name) [\(rows), \(cols)] vs exact: \(message)")
                // The naive in-order sum is less accurate: up to about cols·2^-24 relative.
                let reference = output(n) { naive(x, rows, cols, $0) }
                let (okNaive, messageNaive) = close(results[0], reference, rtol: 1e-4, atol: 1e-5)
                #expect(okNaive, "\(name) [\(rows), \(cols)] vs naive: \(messageNaive)")
            }
            let y = output(n) { Reduce.softmax(x, rows: rows, cols: cols, into: $0) }
            let logY = output(n) { Reduce.logSoftmax(x, rows: rows, cols: cols, into: $0) }
            for r in 0..<rows {
                let total = Self.exactSum(y[r * cols..<(r + 1) * cols]).sum
                #expect(abs(total - 1) <= 1e-5, "softmax row \(r) sums to \(total)")
            }
            let backward: [(String, [Float], Kernel, Kernel)] = [
                ("softmaxBackward", y, { Reduce.softmaxBackward(output: $0, gradOutput: g, rows: $1, cols: $2, into: $3) },
                 { Reduce.Naive.softmaxBackward(output: $0, gradOutput: g, rows: $1, cols: $2, into: $3) }),
                ("logSoftmaxBackward", logY, { Reduce.logSoftmaxBackward(output: $0, gradOutput: g, rows: $1, cols: $2, into: $3) },
                 { Reduce.Naive.logSoftmaxBackward(output: $0, gradOutput: g, rows: $1, cols: $2, into: $3) }),
            ]
            for (name, saved, fast, naive) in backward {
                let results = Self.atEveryThreadCount { output(n) { fast(saved, rows, cols, $0) } }
                #expect(Set(results.map(bits)).count == 1, "\(name) [\(rows), \(cols)] differs between thread counts")
                let reference = output(n) { naive(saved, rows, cols, $0) }
                let (ok, message) = close(results[0], reference, rtol: 1e-4, atol: 1e-5)
                #expect(ok, "\(name) [\(rows), \(cols)]: \(message)")
            }
        }
    }

    @Test func softmaxFamilyAgreesWithNumpy() {
        let v = KernelVectors.shared.softmax
        let x = floats(v.x), g = floats(v.g), n = v.rows * v.cols
        let y = output(n) { Reduce.softmax(x, rows: v.rows, cols: v.cols, into: $0) }
        let logY = output(n) { Reduce.logSoftmax(x, rows: v.rows, cols: v.cols, into: $0) }
        let dY = output(n) { Reduce.softmaxBackward(output: y, gradOutput: g, rows: v.rows, cols: v.cols, into: $0) }
        let dLogY = output(n) { Reduce.logSoftmaxBackward(output: logY, gradOutput: g, rows: v.rows, cols: v.cols, into: $0) }
        for (name, got, expected, atol) in [("softmax", y, v.softmax, Float(1e-7)), ("logSoftmax", logY, v.log_softmax, 1e-5),
                                            ("softmaxBackward", dY, v.softmax_grad, 1e-6),
                                            ("logSoftmaxBackward", dLogY, v.log_softmax_grad, 1e-5)] {
            let (ok, message) = close(got, floats(expected), rtol: 1e-5, atol: atol)
            #expect(ok, "\(name): \(message)")
        }
    }

    @Test func softmaxOfNaNOrInfinityIsNaN() {
        let x: [Float] = [1, .nan, 2, 3, .infinity, 0]
        let y = output(6) { Reduce.softmax(x, rows: 2, cols: 3, into: $0) }
        let allNaN = y.allSatisfy { $0.isNaN }
        #expect(allNaN, "as PyTorch: \(y)")
    }
}
