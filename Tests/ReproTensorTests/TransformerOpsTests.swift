import Testing
import ReproRandom
@testable import ReproTensor

/// The ops a transformer needs (layer norm, causal softmax, batched products, permutes, column
/// slices): gradients against central finite differences (step 1e-2; rtol 2e-2, atol 2e-3, as
/// ``GradientTests``), identical bits for 1, 2, 3 and 7 threads, and the causal mask's contract.
/// Values against PyTorch are in `TransformerVectorTests`.
@Suite struct TransformerOpsTests {
    static let ops: [(String, [[Int]], @Sendable ([Tensor]) throws -> Tensor)] = [
        ("layer_norm", [[3, 5], [5], [5]], { try $0[0].layerNorm(weight: $0[1], bias: $0[2]) }),
        ("layer_norm without affine", [[2, 2, 6]], { try $0[0].layerNorm(weight: nil, bias: nil) }),
        ("causal_softmax", [[2, 4, 4]], { try $0[0].causalSoftmax() }),
        ("batched_matmul", [[2, 3, 4], [2, 4, 5]], { try $0[0].batchedMatmul($0[1]) }),
        ("batched_matmul transposed", [[2, 2, 3, 4], [2, 2, 5, 4]], { try $0[0].batchedMatmul(transposed: $0[1]) }),
        ("permute", [[2, 3, 4, 2]], { try $0[0].permuted([0, 2, 1, 3]) }),
        ("columns", [[2, 3, 6]], { try $0[0].columns(2..<5) }),
        ("causal attention", [[1, 2, 4, 3], [1, 2, 4, 3], [1, 2, 4, 3]], {
            try Tensor.causalAttention(query: $0[0], key: $0[1], value: $0[2])
        }),
    ]

    @Test(arguments: ops.indices)
    func gradientsMatchFiniteDifferences(_ index: Int) throws {
        let (name, shapes, op) = Self.ops[index]
        let x = try normalInputs(seed: UInt64(700 + index), shapes, requiresGrad: true)
        let (analytic, numeric) = try gradients(of: { try GradientTests.weighted(op($0)) }, at: x)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            let check = allClose(a, n, rtol: 2e-2, atol: 2e-3)
            #expect(check.ok, "\(name), input \(i): \(check.detail)")
        }
    }

    /// Forward values and every gradient of one pass through each op, on shapes large enough to
    /// be split over threads.
    static func passes() throws -> [[Float]] {
        let x = try normalInputs(seed: 750, [[1200, 70], [70], [70], [16, 48, 48], [4, 4, 40, 32], [4, 4, 40, 32]],
                                 requiresGrad: true)
        var results: [[Float]] = []
        func pass(_ y: Tensor, _ inputs: [Tensor]) throws {
            for input in inputs { input.grad = nil }
            try GradientTests.weighted(y).backward()
            results.append(y.scalars)
            results += inputs.map { $0.grad!.scalars }
        }
        try pass(try x[0].layerNorm(weight: x[1], bias: x[2]), [x[0], x[1], x[2]])
        try pass(try x[3].causalSoftmax(), [x[3]])
        try pass(try x[4].batchedMatmul(transposed: x[5]), [x[4], x[5]])
        try pass(try Tensor.causalAttention(query: x[4], key: x[5], value: x[4]), [x[4], x[5]])
        try pass(try x[4].permuted([0, 2, 1, 3]).columns(5..<20), [x[4]])
        return results
    }

    @Test func identicalBitsForAnyThreadCount() throws {
        let reference = try Parallel.withThreadCount(1) { try Self.passes() }
        for threads in [2, 3, 7] {
            let result = try Parallel.withThreadCount(threads) { try Self.passes() }
            #expect(result.map { $0.map(\.bitPattern) } == reference.map { $0.map(\.bitPattern) }, "\(threads) threads")
        }
    }

    /// Every batch entry of a batched product is the naive reference's product of that entry, bit
    /// for bit, in both forms and for their gradients' products.
    @Test func batchedProductsEqualTheNaiveReferencePerEntry() throws {
        let x = try normalInputs(seed: 780, [[3, 2, 37, 19], [3, 2, 19, 41], [3, 2, 41, 19]])
        let (batch, m, k, n) = (6, 37, 19, 41)
        for (product, transposed) in [(try x[0].batchedMatmul(x[1]), false), (try x[0].batchedMatmul(transposed: x[2]), true)] {
            #expect(product.shape == [3, 2, m, n])
            let b = transposed ? x[2] : x[1]
            for e in 0..<batch {
                var expected = [Float](repeating: 0, count: m * n)
                Array(x[0].scalars[(e * m * k)..<((e + 1) * m * k)]).withUnsafeBufferPointer { pa in
                    Array(b.scalars[(e * k * n)..<((e + 1) * k * n)]).withUnsafeBufferPointer { pb in
                        matmulNaive(pa.baseAddress!, pb.baseAddress!, &expected, m: m, n: n, k: k, transposeB: transposed)
                    }
                }
                #expect(Array(product.scalars[(e * m * n)..<((e + 1) * m * n)]).map(\.bitPattern) == expected.map(\.bitPattern),
                        "entry \(e), transposed \(transposed)")
            }
        }
    }

    @Test func causalSoftmaxRowIsTheSoftmaxOfItsPrefixAndIgnoresTheMaskedElements() throws {
        let scores = try normalInputs(seed: 760, [[2, 37, 37]])[0]
        var poisoned = scores.scalars
        for g in 0..<2 { for i in 0..<37 { for j in (i + 1)..<37 where j < 37 { poisoned[(g * 37 + i) * 37 + j] = .nan } } }
        let y = try scores.causalSoftmax()
        let yPoisoned = try Tensor(shape: scores.shape, scalars: poisoned).causalSoftmax()
        #expect(y.scalars.map(\.bitPattern) == yPoisoned.scalars.map(\.bitPattern))
        for g in 0..<2 {
            for i in 0..<37 {
                let start = (g * 37 + i) * 37
                let prefix = try Tensor(Array(scores.scalars[start...(start + i)])).softmax()
                #expect(Array(y.scalars[start...(start + i)]).map(\.bitPattern) == prefix.scalars.map(\.bitPattern))
                #expect(y.scalars[(start + i + 1)..<(start + 37)].allSatisfy { $0 == 0 })
            }
        }
    }

    @Test func layerNormKernelAgreesWithTheNaiveReferenceAndFloat64() throws {
        let x = try normalInputs(seed: 770, [[9, 300], [300], [300]])
        let (rows, cols) = (9, 300)
        let fast = try x[0].layerNorm(weight: x[1], bias: x[2]).scalars
        var naive = [Float](repeating: 0, count: rows * cols)
        LayerNormKernel.forwardNaive(x[0].scalars, weight: x[1].scalars, bias: x[2].scalars, rows: rows, cols: cols,
                                     eps: 1e-5, into: &naive)
        #expect(allClose(fast, naive, rtol: 1e-5, atol: 1e-5).ok)
        for r in 0..<rows {
            let row = x[0].scalars[(r * cols)..<((r + 1) * cols)].map(Double.init)
            let mean = row.reduce(0, +) / Double(cols)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
            let exact = row.enumerated().map { i, v in
                Float((v - mean) / (variance + 1e-5).squareRoot() * Double(x[1].scalars[i]) + Double(x[2].scalars[i]))
            }
            let check = allClose(Array(fast[(r * cols)..<((r + 1) * cols)]), exact, rtol: 1e-5, atol: 1e-5)
            #expect(check.ok, "row \(r): \(check.detail)")
        }
    }

    @Test func shapeErrorsNameTheShapes() throws {
        let x = try Tensor.zeros([2, 3, 4])
        #expect(throws: TensorError.self) { try x.layerNorm(weight: Tensor.zeros([3]), bias: nil) }
        #expect(throws: TensorError.self) { try x.layerNorm(weight: nil, bias: nil, eps: -1) }
        #expect(throws: TensorError.self) { try x.causalSoftmax() }
        #expect(throws: TensorError.self) { try x.batchedMatmul(Tensor.zeros([2, 3, 4])) }
        #expect(throws: TensorError.self) { try x.batchedMatmul(Tensor.zeros([3, 4, 5])) }
        #expect(throws: TensorError.self) { try x.batchedMatmul(transposed: Tensor.zeros([2, 5, 3])) }
        #expect(throws: TensorError.self) { try x.permuted([0, 1, 1]) }
        #expect(throws: TensorError.self) { try x.columns(2..<5) }
        #expect(throws: TensorError.self) { try Tensor.causalAttention(query: x, key: x, value: x) }
        do {
            _ = try x.batchedMatmul(Tensor.zeros([2, 5, 4]))
            Issue.record("expected an error")
        } catch let error as TensorError {
            #expect("\(error)".contains("[2, 3, 4]") && "\(error)".contains("[2, 5, 4]"))
        }
    }
}
