import Testing
@testable import ReproTensor

/// Every elementwise kernel gives its naive reference's bits, for lengths around the vector width
/// and across parallel chunks, at several thread counts.
@Suite struct ElementwiseKernelTests {
    /// Empty, shorter than a vector, around one and two vectors, and over two parallel chunks.
    static let counts = [0, 1, 15, 16, 17, 33, Elementwise.grain + 21]
    static let threadCounts = [1, 3]

    /// Normal values with some specials mixed in.
    static func input(_ count: Int, seed: UInt64, scale: Float = 3) -> [Float] {
        var x = normalFloats(count, seed: seed, scale: scale)
        let specials: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 0x1p-133, -0x1p-133, 100, -100, 1e30]
        for (k, s) in specials.enumerated() where 7 * k + 3 < count { x[7 * k + 3] = s }
        return x
    }

    @Test(arguments: Elementwise.BinaryOp.allCases)
    func binaryMatchesNaive(_ op: Elementwise.BinaryOp) {
        for count in Self.counts {
            let a = Self.input(count, seed: 1), b = Self.input(count, seed: 2)
            let expected = output(count) { Elementwise.Naive.binary(op, a, b, into: $0, count: count) }
            let scalarRight = output(count) { Elementwise.Naive.binary(op, a, scalar: 0.75, into: $0, count: count) }
            let scalarLeft = output(count) { Elementwise.Naive.binary(op, scalar: -1.5, b, into: $0, count: count) }
            for threads in Self.threadCounts {
                Parallel.withThreadCount(threads) {
                    let got = output(count) { Elementwise.binary(op, a, b, into: $0, count: count) }
                    #expect(bits(got) == bits(expected), "\(op) count \(count) threads \(threads)")
                    let right = output(count) { Elementwise.binary(op, a, scalar: 0.75, into: $0, count: count) }
                    #expect(bits(right) == bits(scalarRight), "\(op) scalar right, count \(count)")
                    let left = output(count) { Elementwise.binary(op, scalar: -1.5, b, into: $0, count: count) }
                    #expect(bits(left) == bits(scalarLeft), "\(op) scalar left, count \(count)")
                }
            }
        }
    }

    @Test(arguments: Elementwise.BinaryOp.allCases)
    func rowBroadcastMatchesNaive(_ op: Elementwise.BinaryOp) {
        for (rows, cols) in [(0, 5), (1, 1), (3, 17), (5, 16), (4099, 19)] {
            let a = Self.input(rows * cols, seed: 3), row = Self.input(cols, seed: 4)
            let expected = output(rows * cols) { Elementwise.Naive.binary(op, a, row: row, into: $0, rows: rows, cols: cols) }
            for threads in Self.threadCounts {
                let got = Parallel.withThreadCount(threads) {
                    output(rows * cols) { Elementwise.binary(op, a, row: row, into: $0, rows: rows, cols: cols) }
                }
                #expect(bits(got) == bits(expected), "\(op) [\(rows), \(cols)] threads \(threads)")
            }
        }
        // The math itself, on a case small enough to write out.
        let got = output(4) { Elementwise.binary(.sub, [1, 2, 3, 4], row: [10, 20], into: $0, rows: 2, cols: 2) }
        #expect(got == [-9, -18, -7, -16])
    }

    @Test(arguments: Elementwise.UnaryOp.allCases)
    func unaryAndBackwardMatchNaive(_ op: Elementwise.UnaryOp) {
        for count in Self.counts {
            let x = Self.input(count, seed: 5)
            let g = Self.input(count, seed: 6, scale: 1)
            let y = output(count) { Elementwise.Naive.unary(op, x, into: $0, count: count) }
            let saved = op.backwardUsesOutput ? y : x
            let grad = output(count) { Elementwise.Naive.unaryBackward(op, saved: saved, gradOutput: g, into: $0, count: count) }
            for threads in Self.threadCounts {
                Parallel.withThreadCount(threads) {
                    let got = output(count) { Elementwise.unary(op, x, into: $0, count: count) }
                    #expect(bits(got) == bits(y), "\(op) count \(count) threads \(threads)")
                    let gotGrad = output(count) {
                        Elementwise.unaryBackward(op, saved: saved, gradOutput: g, into: $0, count: count)
                    }
                    #expect(bits(gotGrad) == bits(grad), "\(op) backward, count \(count) threads \(threads)")
                }
            }
        }
    }

    @Test(arguments: Elementwise.BinaryOp.allCases)
    func binaryBackwardMatchesNaive(_ op: Elementwise.BinaryOp) {
        let count = 1000
        let a = Self.input(count, seed: 7), b = Self.input(count, seed: 8), g = Self.input(count, seed: 9)
        var expectedA = [Float](repeating: 0, count: count), expectedB = expectedA
        Elementwise.Naive.binaryBackward(op, a, b, gradOutput: g, gradA: &expectedA, gradB: &expectedB, count: count)
        var gotA = [Float](repeating: 0, count: count), gotB = gotA
        Elementwise.binaryBackward(op, a, b, gradOutput: g, gradA: &gotA, gradB: &gotB, count: count)
        #expect(bits(gotA) == bits(expectedA), "\(op) gradA")
        #expect(bits(gotB) == bits(expectedB), "\(op) gradB")
        // One gradient alone.
        var onlyB = [Float](repeating: 0, count: count)
        Elementwise.binaryBackward(op, a, b, gradOutput: g, gradA: nil, gradB: &onlyB, count: count)
        #expect(bits(onlyB) == bits(expectedB))
    }

    @Test func binaryBackwardFormulas() {
        // d(a/b)/db = -a/b^2: at a = 3, b = 2, g = 4: -3.
        var gradA: [Float] = [0], gradB: [Float] = [0]
        Elementwise.binaryBackward(.div, [3], [2], gradOutput: [4], gradA: &gradA, gradB: &gradB, count: 1)
        #expect(gradA == [2] && gradB == [-3])
        Elementwise.binaryBackward(.sub, [3], [2], gradOutput: [4], gradA: &gradA, gradB: &gradB, count: 1)
        #expect(gradA == [4] && gradB == [-4])
        Elementwise.binaryBackward(.mul, [3], [2], gradOutput: [4], gradA: &gradA, gradB: &gradB, count: 1)
        #expect(gradA == [8] && gradB == [12])
    }

    @Test func inPlace() {
        let x = Self.input(100, seed: 10)
        let expected = output(100) { Elementwise.unary(.gelu, x, into: $0, count: 100) }
        var y = x
        y.withUnsafeMutableBufferPointer { Elementwise.unary(.gelu, $0.baseAddress!, into: $0.baseAddress!, count: 100) }
        #expect(bits(y) == bits(expected))
    }

    @Test func reluSemantics() {
        let x: [Float] = [-2, -0.0, 0, 3, .nan, -.infinity]
        let y = output(x.count) { Elementwise.unary(.relu, x, into: $0, count: x.count) }
        #expect(bits(y) == bits([0, 0, 0, 3, .nan, 0]), "relu(-0) = +0, NaN propagates")
        let g = output(x.count) {
            Elementwise.unaryBackward(.relu, saved: x, gradOutput: [1, 1, 1, 1, 1, 1], into: $0, count: x.count)
        }
        #expect(g == [0, 0, 0, 1, 1, 0], "the gradient stops where x <= 0 and passes NaN")
    }

    @Test func geluAgreesWithNumpy() {
        let v = KernelVectors.shared.gelu
        let x = floats(v.x), g = floats(v.g)
        let y = output(x.count) { Elementwise.unary(.gelu, x, into: $0, count: x.count) }
        let (ok, message) = close(y, floats(v.y), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "gelu: \(message)")
        let grad = output(x.count) { Elementwise.unaryBackward(.gelu, saved: x, gradOutput: g, into: $0, count: x.count) }
        let (okGrad, messageGrad) = close(grad, floats(v.grad), rtol: 1e-5, atol: 1e-6)
        #expect(okGrad, "gelu backward: \(messageGrad)")
    }

    /// The backward kernels against central differences of the forward kernels, in Double.
    @Test(arguments: Elementwise.UnaryOp.allCases)
    func backwardMatchesFiniteDifferences(_ op: Elementwise.UnaryOp) {
        let x: [Float] = [-2.5, -1.2, -0.3, 0.4, 0.9, 1.7, 3.1].map { op == .log ? abs($0) : $0 }
        let y = output(x.count) { Elementwise.unary(op, x, into: $0, count: x.count) }
        let ones = [Float](repeating: 1, count: x.count)
        let grad = output(x.count) {
            Elementwise.unaryBackward(op, saved: op.backwardUsesOutput ? y : x, gradOutput: ones, into: $0, count: x.count)
        }
        let h: Float = 1e-2
        let up = output(x.count) { Elementwise.unary(op, x.map { $0 + h }, into: $0, count: x.count) }
        let down = output(x.count) { Elementwise.unary(op, x.map { $0 - h }, into: $0, count: x.count) }
        for i in x.indices {
            let numeric = (Double(up[i]) - Double(down[i])) / (2 * Double(h))
            #expect(abs(numeric - Double(grad[i])) <= 2e-3 * max(1, abs(numeric)), "\(op)'(\(x[i])): \(grad[i]) vs \(numeric)")
        }
    }
}
