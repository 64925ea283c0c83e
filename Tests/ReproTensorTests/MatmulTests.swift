import Foundation
import ReproRandom
import Testing
@testable import ReproTensor

/// One product C = op(A)·op(B) (m×n, reduction k): its flags, and inputs drawn from a seeded
/// generator.
struct MatmulCase: CustomStringConvertible, Sendable {
    var m: Int
    var n: Int
    var k: Int
    var transposeA = false
    var transposeB = false
    var accumulate = false
    var seed: UInt64 = 1

    var description: String {
        "m \(m) n \(n) k \(k) transposeA \(transposeA) transposeB \(transposeB) accumulate \(accumulate) seed \(seed)"
    }

    /// The same shape with every combination of transposes and accumulation.
    var variants: [MatmulCase] {
        [false, true].flatMap { tA in
            [false, true].flatMap { tB in
                [false, true].map { acc in
                    var v = self
                    (v.transposeA, v.transposeB, v.accumulate) = (tA, tB, acc)
                    return v
                }
            }
        }
    }

    /// A, B and C's old contents, uniform in [-1, 1) (cheap to draw in a debug build).
    var inputs: (a: [Float], b: [Float], c: [Float]) {
        var g = Generator(PCG64(seed: seed))
        let a = (0..<m * k).map { _ in 2 * g.randomFloat() - 1 }
        let b = (0..<k * n).map { _ in 2 * g.randomFloat() - 1 }
        let c = (0..<m * n).map { _ in 2 * g.randomFloat() - 1 }
        return (a, b, c)
    }

    /// A kernel's signature: a, b, c, m, n, k, transposeA, transposeB, accumulate.
    typealias Kernel = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
                        Int, Int, Int, Bool, Bool, Bool) -> Void

    /// Runs `kernel` on the inputs (or on `a`, `b`, `c` when given) and returns C.
    func run(_ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
                        Int, Int, Int, Bool, Bool, Bool) throws -> Void,
             a: [Float]? = nil, b: [Float]? = nil, c: [Float]? = nil) rethrows -> [Float] {
        let x = inputs
        var out = c ?? x.c
        try (a ?? x.a).withUnsafeBufferPointer { a in
            try (b ?? x.b).withUnsafeBufferPointer { b in
                try out.withUnsafeMutableBufferPointer { c in
                    try kernel(a.baseAddress!, b.baseAddress!, c.baseAddress!, m, n, k,
                               transposeA, transposeB, accumulate)
                }
            }
        }
        return out
    }

    /// Σ|a||b| (+ |c0| when accumulating) per output element: the scale of its rounding error.
    var magnitudes: [Float] {
        let x = inputs
        return run(matmulNaive, a: x.a.map(abs), b: x.b.map(abs), c: x.c.map(abs))
    }
}

/// Expects `|actual - expected| <= atol + rtol * scale` for every element, where `scale` is
/// `|expected|` unless given, and names the first element that is not.
func expectClose(_ actual: [Float], _ expected: [Float], rtol: Float, atol: Float = 0, scale: [Float]? = nil,
                 _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(comment): \(actual.count) elements, expected \(expected.count)",
            sourceLocation: sourceLocation)
    var failures = 0
    var first = ""
    for i in 0..<min(actual.count, expected.count) {
        let bound = atol + rtol * (scale?[i] ?? abs(expected[i]))
        if !(abs(actual[i] - expected[i]) <= bound) {
            if failures == 0 { first = "element \(i): \(actual[i]) vs \(expected[i]) (bound \(bound))" }
            failures += 1
        }
    }
    #expect(failures == 0, "\(comment): \(failures) elements differ; first \(first)", sourceLocation: sourceLocation)
}

/// Expects the same bits in every element, and names the first that differs.
func expectSameBits(_ actual: [Float], _ expected: [Float], _ comment: String,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(comment): \(actual.count) elements, expected \(expected.count)",
            sourceLocation: sourceLocation)
    let differing = (0..<min(actual.count, expected.count)).filter { actual[$0].bitPattern != expected[$0].bitPattern }
    let first = differing.first.map { "element \($0): \(actual[$0]) vs \(expected[$0])" } ?? ""
    #expect(differing.isEmpty, "\(comment): \(differing.count) elements differ; first \(first)",
            sourceLocation: sourceLocation)
}

/// Edge sizes around the 8×32 register tile and the 256-step reduction slice, primes, k = 1,
/// tall and skinny shapes, and shapes large enough that operands are packed rather than read in
/// place (more than 2^15 floats) with ragged panels.
let matmulShapes: [MatmulCase] = [
    .init(m: 1, n: 1, k: 1), .init(m: 1, n: 1, k: 7), .init(m: 2, n: 3, k: 1), .init(m: 3, n: 2, k: 5),
    .init(m: 15, n: 16, k: 17), .init(m: 16, n: 17, k: 15), .init(m: 17, n: 15, k: 16),
    .init(m: 31, n: 33, k: 64), .init(m: 33, n: 31, k: 100), .init(m: 64, n: 64, k: 64),
    .init(m: 100, n: 127, k: 3), .init(m: 127, n: 100, k: 1), .init(m: 13, n: 29, k: 37), .init(m: 61, n: 67, k: 71),
    .init(m: 1, n: 300, k: 2), .init(m: 300, n: 1, k: 2), .init(m: 5, n: 3, k: 600),
    .init(m: 8, n: 32, k: 256), .init(m: 8, n: 32, k: 257), .init(m: 9, n: 33, k: 513),
    .init(m: 129, n: 9, k: 260), .init(m: 9, n: 129, k: 260),
]

@Suite struct MatmulTests {
    @Test func naiveMatchesDoublePrecision() {
        for shape in [MatmulCase(m: 17, n: 33, k: 31), MatmulCase(m: 5, n: 3, k: 600)] {
            for c in shape.variants {
                let (a, b, c0) = c.inputs
                var exact = [Float]()
                for i in 0..<c.m {
                    for j in 0..<c.n {
                        var sum = c.accumulate ? Double(c0[i * c.n + j]) : 0
                        for p in 0..<c.k {
                            let x = c.transposeA ? a[p * c.m + i] : a[i * c.k + p]
                            let y = c.transposeB ? b[j * c.k + p] : b[p * c.n + j]
                            sum += Double(x) * Double(y)
                        }
                        exact.append(Float(sum))
                    }
                }
                expectClose(c.run(matmulNaive), exact, rtol: 1e-5, scale: c.magnitudes, "\(c)")
            }
        }
    }

    @Test(arguments: matmulShapes)
    func tiledEqualsNaiveBitForBit(_ shape: MatmulCase) {
        for c in shape.variants {
            expectSameBits(c.run(matmulTiled), c.run(matmulNaive), "\(c)")
        }
    }

    /// Operands are packed only when large and reused (see `MatmulPanels`), so the shapes above
    /// mostly read them in place; these two pack A (as is and transposed), then B.
    @Test(arguments: [
        MatmulCase(m: 521, n: 70, k: 64, seed: 3), MatmulCase(m: 521, n: 70, k: 64, transposeA: true, seed: 3),
        MatmulCase(m: 75, n: 521, k: 64, seed: 4), MatmulCase(m: 75, n: 521, k: 64, transposeA: true, seed: 4),
    ])
    func packedOperandsEqualNaive(_ c: MatmulCase) {
        let (a, b, _) = c.inputs
        let layout = MatmulPanels.Layout(MatmulProduct(a: a, b: b, m: c.m, n: c.n, k: c.k, transposeA: c.transposeA,
                                                       transposeB: c.transposeB))
        #expect(layout.packedRows.count == layout.rowPanels || layout.packedCols.count == layout.colPanels
                || layout.packsBInTiles)
        expectSameBits(c.run(matmulTiled), c.run(matmulNaive), "\(c)")
    }

    /// op(B)'s panels are packed by the tiles, slice by slice, when one row of tiles covers the
    /// output (72 rows; 300 steps run as two slices, 300 columns end in a ragged panel), and up
    /// front otherwise (600 rows); the bits equal the naive kernel's either way.
    @Test(arguments: [(c: MatmulCase(m: 72, n: 300, k: 300, seed: 6), inTiles: true),
                      (c: MatmulCase(m: 600, n: 100, k: 400, seed: 7), inTiles: false)])
    func bPanelsPackedInTilesOrUpFront(_ shape: (c: MatmulCase, inTiles: Bool)) {
        let (a, b, _) = shape.c.inputs
        let layout = MatmulPanels.Layout(MatmulProduct(a: a, b: b, m: shape.c.m, n: shape.c.n, k: shape.c.k,
                                                       transposeA: false, transposeB: false))
        #expect(layout.packsBInTiles == shape.inTiles)
        #expect(layout.packedCols.count == (shape.inTiles ? 0 : layout.colPanels))
        for c in shape.c.variants {
            expectSameBits(c.run(matmulTiled), c.run(matmulNaive), "\(c)")
        }
    }

    /// X·Wᵀ with a transposed weight: a small batch is computed transposed (the weight is read in
    /// place and only the batch is transposed into panels), a large batch keeps its orientation
    /// (both operands are packed either way); the bits equal the naive kernel's in both.
    @Test(arguments: [(m: 32, swaps: true), (m: 200, swaps: false)])
    func transposedWeightOrientation(_ batch: (m: Int, swaps: Bool)) {
        let c = MatmulCase(m: batch.m, n: 300, k: 260, transposeB: true, seed: 5)
        let (a, b, _) = c.inputs
        let product = MatmulProduct(a: a, b: b, m: c.m, n: c.n, k: c.k, transposeA: false, transposeB: true)
        var out = [Float](repeating: 0, count: c.m * c.n)
        let (swapped, writesColumns) = out.withUnsafeMutableBufferPointer { out in
            let (oriented, output) = product.oriented(into: out.baseAddress!)
            return (oriented.m == c.n, output.colStride == c.n)
        }
        #expect(swapped == batch.swaps)
        #expect(writesColumns == batch.swaps)
        expectSameBits(c.run(matmulTiled), c.run(matmulNaive), "\(c)")
    }

    @Test func emptyProducts() {
        // k = 0: C = 0, or unchanged when accumulating; m = 0 or n = 0: nothing to write.
        for c in MatmulCase(m: 3, n: 4, k: 0).variants {
            let (_, _, c0) = c.inputs
            #expect(c.run(matmulTiled) == (c.accumulate ? c0 : Array(repeating: 0, count: 12)), "\(c)")
            #expect(c.run(matmulNaive) == (c.accumulate ? c0 : Array(repeating: 0, count: 12)), "\(c)")
        }
        for c in MatmulCase(m: 0, n: 4, k: 3).variants + MatmulCase(m: 4, n: 0, k: 3).variants {
            #expect(c.run(matmulTiled).isEmpty, "\(c)")
        }
    }

    @Test func overwriteIgnoresNaNInTheOutput() {
        let c = MatmulCase(m: 9, n: 33, k: 5)
        let nan = [Float](repeating: .nan, count: c.m * c.n)
        expectSameBits(c.run(matmulTiled, c: nan), c.run(matmulNaive), "\(c)")
    }

    /// Small enough for a debug build (where the SIMD kernel is about 3000 times slower), large
    /// enough to run on two tiles, over two reduction slices.
    @Test func tiledBitsDoNotDependOnThreadCount() {
        let shape = MatmulCase(m: 80, n: 64, k: 420, seed: 2)
        #expect(MatmulGrid(m: shape.m, n: shape.n, k: shape.k).count > 1, "the shape must span several tiles")
        for c in shape.variants where c.accumulate == (c.transposeA != c.transposeB) {
            let reference = Parallel.withThreadCount(1) { c.run(matmulTiled) }
            for threads in [2, 3, 4, 7] {
                let out = Parallel.withThreadCount(threads) { c.run(matmulTiled) }
                expectSameBits(out, reference, "\(c) threads \(threads)")
            }
        }
    }

    @Test func backwardIsTheTwoTransposedProducts() throws {
        let (m, n, k) = (19, 45, 37)
        var g = Generator(PCG64(seed: 7))
        let a = (0..<m * k).map { _ in g.standardNormalFloat() }
        let b = (0..<k * n).map { _ in g.standardNormalFloat() }
        let dc = (0..<m * n).map { _ in g.standardNormalFloat() }
        let da0 = (0..<m * k).map { _ in g.standardNormalFloat() }
        let db0 = (0..<k * n).map { _ in g.standardNormalFloat() }
        for accumulate in [false, true] {
            var (da, db) = (da0, db0)
            try matmulBackward(dc, a, b, da: &da, db: &db, m: m, n: n, k: k, accumulate: accumulate)
            var (expectedA, expectedB) = (da0, db0)
            matmulNaive(dc, b, &expectedA, m: m, n: k, k: n, transposeB: true, accumulate: accumulate)
            matmulNaive(a, dc, &expectedB, m: k, n: n, k: m, transposeA: true, accumulate: accumulate)
            expectSameBits(da, expectedA, "dA, accumulate \(accumulate)")
            expectSameBits(db, expectedB, "dB, accumulate \(accumulate)")
        }
        var onlyB = db0
        try matmulBackward(dc, a, b, da: nil, db: &onlyB, m: m, n: n, k: k, accumulate: false)
        var expectedB = db0
        matmulNaive(a, dc, &expectedB, m: k, n: n, k: m, transposeA: true)
        expectSameBits(onlyB, expectedB, "dB only")
    }

    /// numpy's float32 `a @ b`, `dc @ b.T` and `a.T @ dc` (scripts/reference_matmul.py). numpy's
    /// BLAS sums in another order, so the comparison allows rounding relative to Σ|a||b|.
    @Test func matchesNumpy() throws {
        struct Case: Decodable {
            let m: Int, n: Int, k: Int, seed: UInt64
            let a: [String], b: [String], dc: [String], c: [String], da: [String], db: [String]
        }
        struct Document: Decodable { let cases: [Case] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors").appendingPathComponent("matmul.json")
        let document = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url))
        #expect(document.cases.count == 4)
        func floats(_ hex: [String]) -> [Float] { hex.map { Float(bitPattern: UInt32($0.dropFirst(2), radix: 16)!) } }
        for v in document.cases {
            let (a, b, dc) = (floats(v.a), floats(v.b), floats(v.dc))
            // The inputs are numpy's Generator(PCG64(seed)).standard_normal(dtype=float32): Repro's too.
            var g = Generator(PCG64(seed: v.seed))
            let drawn = (0..<a.count + b.count).map { _ in g.standardNormalFloat() }
            expectSameBits(drawn, a + b, "inputs of seed \(v.seed)")
            let products: [(MatmulCase, [Float], [Float], [Float])] = [
                (MatmulCase(m: v.m, n: v.n, k: v.k), a, b, floats(v.c)),
                (MatmulCase(m: v.m, n: v.k, k: v.n, transposeB: true), dc, b, floats(v.da)),
                (MatmulCase(m: v.k, n: v.n, k: v.m, transposeA: true), a, dc, floats(v.db)),
            ]
            for (c, x, y, expected) in products {
                let zeros = [Float](repeating: 0, count: c.m * c.n)
                let scale = c.run(matmulNaive, a: x.map(abs), b: y.map(abs), c: zeros)
                expectClose(try c.run({ try matmul($0, $1, $2, m: $3, n: $4, k: $5, transposeA: $6, transposeB: $7,
                                                   accumulate: $8) }, a: x, b: y, c: zeros),
                            expected, rtol: 1e-5, scale: scale, "\(c) numpy seed \(v.seed)")
            }
        }
    }
}

/// `matmul(transposed:)` is `matmul(other.transposed())` without the copy: the same bits forward
/// and backward.
@Suite struct MatmulTransposedTests {
    @Test(arguments: [(1, 1, 1), (7, 5, 3), (64, 64, 128), (33, 70, 19)])
    func matchesMatmulOfTheTransposeBitForBit(shape: (Int, Int, Int)) throws {
        let (m, k, n) = shape
        var rng = Generator(PCG64(seed: UInt64(m * 1000 + k * 10 + n)))
        let x = try Tensor.normal([m, k], using: &rng, requiresGrad: true)
        let w = try Tensor.normal([n, k], using: &rng, requiresGrad: true)
        let weights = try Tensor.normal([m, n], using: &rng)
        let fused = try x.matmul(transposed: w)
        try (fused * weights).sum().backward()
        let (dx, dw) = (x.grad!.scalars, w.grad!.scalars)
        x.grad = nil
        w.grad = nil
        let reference = try x.matmul(try w.transposed())
        try (reference * weights).sum().backward()
        #expect(fused.shape == [m, n])
        #expect(fused.scalars.map(\.bitPattern) == reference.scalars.map(\.bitPattern))
        #expect(dx.map(\.bitPattern) == x.grad!.scalars.map(\.bitPattern))
        #expect(dw.map(\.bitPattern) == w.grad!.scalars.map(\.bitPattern))
    }

    @Test func rejectsMismatchedShapes() {
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).matmul(transposed: try Tensor.zeros([3, 2])) }
    }
}
