import Testing
import ReproRandom
@testable import ReproTensor

/// conv2d, max_pool2d and embedding, forward and backward, against numpy
/// (`scripts/reference_convops.py`, computed in float64 and rounded once).
///
/// Tolerances: Repro sums in Float32 in a fixed order, so a sum of k terms can be off by about
/// k·ulp of its largest partial sum; conv2d sums up to 100 terms of size ~1 (rtol 1e-5,
/// atol 1e-5). max_pool2d and the embedding forward copy values and must match exactly.
@Suite struct ConvOpsTests {
    struct ConvCase: Decodable {
        let seed: UInt64; let shapes: [[Int]]; let bias: Bool; let stride: [Int]; let padding: [Int]
        let outShape: [Int]; let out: [String]; let gradInput: [String]; let gradWeight: [String]
        let gradBias: [String]
    }
    struct PoolCase: Decodable {
        let seed: UInt64; let shapes: [[Int]]; let kernel: [Int]; let stride: [Int]
        let outShape: [Int]; let out: [String]; let gradInput: [String]
    }
    struct EmbeddingCase: Decodable {
        let seed: UInt64; let shapes: [[Int]]; let indices: [Int]; let out: [String]; let gradTable: [String]
    }
    struct File: Decodable { let conv2d: [ConvCase]; let maxPool2d: [PoolCase]; let embedding: [EmbeddingCase] }

    static let file: File = try! TensorVectors.load("convops")

    static func expectClose(_ x: [Float], _ reference: [String], _ what: String) {
        let check = allClose(x, TensorVectors.floats(reference), rtol: 1e-5, atol: 1e-5)
        #expect(check.ok, "\(what): \(check.detail)")
    }

    @Test(arguments: file.conv2d.indices)
    func conv2dMatchesNumpy(_ index: Int) throws {
        let c = Self.file.conv2d[index]
        let values = try normalInputs(seed: c.seed, c.shapes, requiresGrad: true)
        let (x, w, b, upstream) = (values[0], values[1], c.bias ? values[2] : nil, values.last!)
        let y = try x.conv2d(weight: w, bias: b, stride: (c.stride[0], c.stride[1]),
                             padding: (c.padding[0], c.padding[1]))
        let what = "conv2d \(c.shapes) stride \(c.stride) padding \(c.padding)"
        #expect(y.shape == c.outShape, "\(what)")
        Self.expectClose(y.scalars, c.out, what)
        try y.backward(gradient: upstream.scalars)
        Self.expectClose(x.grad!.scalars, c.gradInput, "\(what), input gradient")
        Self.expectClose(w.grad!.scalars, c.gradWeight, "\(what), weight gradient")
        if let b { Self.expectClose(b.grad!.scalars, c.gradBias, "\(what), bias gradient") }
    }

    @Test func squareStrideAndPaddingMatchPerAxis() throws {
        let x = try normalInputs(seed: 1, [[2, 3, 7, 6], [4, 3, 3, 3], [4]])
        let square = try x[0].conv2d(weight: x[1], bias: x[2], stride: 2, padding: 1)
        let perAxis = try x[0].conv2d(weight: x[1], bias: x[2], stride: (2, 2), padding: (1, 1))
        #expect(square.shape == [2, 4, 4, 3])
        #expect(square.scalars.map(\.bitPattern) == perAxis.scalars.map(\.bitPattern))
    }

    @Test(arguments: file.maxPool2d.indices)
    func maxPool2dMatchesNumpy(_ index: Int) throws {
        let c = Self.file.maxPool2d[index]
        let inputs = try normalInputs(seed: c.seed, c.shapes, requiresGrad: true)
        let y = try inputs[0].maxPool2d(kernel: (c.kernel[0], c.kernel[1]), stride: (c.stride[0], c.stride[1]))
        #expect(y.shape == c.outShape)
        #expect(y.scalars == TensorVectors.floats(c.out), "max_pool2d \(c.shapes[0]) kernel \(c.kernel)")
        try y.backward(gradient: inputs[1].scalars)
        // An input taken by two overlapping windows sums two gradients: exact in float64, one rounding
        // in Float32.
        Self.expectClose(inputs[0].grad!.scalars, c.gradInput, "max_pool2d \(c.shapes[0]) gradient")
    }

    @Test func maxPool2dFirstMaximumWinsTiesAndStrideDefaultsToKernel() throws {
        let x = try Tensor(shape: [1, 1, 2, 4], scalars: [1, 3, 2, 2, 3, 0, 2, 2], requiresGrad: true)
        let y = try x.maxPool2d(kernel: 2)
        #expect(y.shape == [1, 1, 1, 2])
        #expect(y.scalars == [3, 2])
        try y.backward(gradient: [10, 20])
        #expect(x.grad!.scalars == [0, 10, 20, 0, 0, 0, 0, 0])
    }

    @Test func maxPool2dPropagatesNaN() throws {
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, .nan, 5, .nan])
        #expect(try x.maxPool2d(kernel: 2).item.isNaN)
    }

    @Test(arguments: file.embedding.indices)
    func embeddingMatchesNumpy(_ index: Int) throws {
        let c = Self.file.embedding[index]
        let inputs = try normalInputs(seed: c.seed, c.shapes, requiresGrad: true)
        let y = try Tensor.embedding(indices: c.indices, table: inputs[0])
        #expect(y.shape == [c.indices.count, c.shapes[0][1]])
        #expect(y.scalars == TensorVectors.floats(c.out))
        try y.backward(gradient: inputs[1].scalars)
        Self.expectClose(inputs[0].grad!.scalars, c.gradTable, "embedding \(c.indices) gradient")
    }

    @Test func scatterAddMatchesTheEmbeddingGradient() throws {
        let c = Self.file.embedding[0]
        let source = try normalInputs(seed: c.seed, c.shapes)[1]
        let y = try Tensor.scatterAdd(source, indices: c.indices, rowCount: c.shapes[0][0])
        #expect(y.shape == c.shapes[0])
        Self.expectClose(y.scalars, c.gradTable, "scatter_add \(c.indices)")
    }

    @Test func badOperandsNameTheShapes() throws {
        let x = try Tensor.zeros([1, 3, 5, 5])
        #expect { try x.conv2d(weight: Tensor.zeros([2, 4, 3, 3])) } throws: {
            "\($0)".contains("[1, 3, 5, 5]") && "\($0)".contains("[2, 4, 3, 3]")
        }
        #expect { try x.conv2d(weight: Tensor.zeros([2, 3, 3, 3]), bias: Tensor.zeros([3])) } throws: {
            "\($0)".contains("bias must be [2]")
        }
        #expect { try x.conv2d(weight: Tensor.zeros([2, 3, 7, 3])) } throws: { "\($0)".contains("kernel 7×3") }
        #expect { try x.conv2d(weight: Tensor.zeros([2, 3, 3, 3]), stride: 0) } throws: { "\($0)".contains("stride") }
        #expect { try Tensor.zeros([3, 5, 5]).conv2d(weight: Tensor.zeros([2, 3, 3, 3])) } throws: {
            "\($0)".contains("[N, C, H, W]")
        }
        #expect { try x.maxPool2d(kernel: 6) } throws: { "\($0)".contains("max_pool2d") && "\($0)".contains("5×5") }
        #expect { try Tensor.embedding(indices: [0, 4], table: Tensor.zeros([4, 2])) } throws: {
            "\($0)".contains("index 4") && "\($0)".contains("[4, 2]")
        }
        #expect { try Tensor.scatterAdd(Tensor.zeros([3, 2]), indices: [0, 1], rowCount: 4) } throws: {
            "\($0)".contains("[3, 2]")
        }
    }
}
