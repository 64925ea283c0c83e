import Testing
import ReproRandom
@testable import ReproTensor

/// The fast conv2d kernels against their naive twins, and identical bits for any thread count
/// (docs/ARCHITECTURE.md §1 G3) for conv2d, max_pool2d and the deterministic scatter-add.
@Suite struct ThreadCountTests {
    static let threadCounts = [2, 3, 4, 7]

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    /// The output and every gradient of `op`, for a loss that weights each output element with a
    /// fixed normal value, computed with `threads` threads.
    static func run(threads: Int, inputs: [Tensor], _ op: ([Tensor]) throws -> Tensor) throws -> [[UInt32]] {
        try Parallel.withThreadCount(threads) {
            for input in inputs { input.grad = nil }
            let y = try op(inputs)
            var generator = Generator(PCG64(seed: 99))
            let w = try Tensor.normal(y.shape, using: &generator)
            try (y * w).sum().backward()
            return [bits(y.scalars)] + inputs.map { bits($0.grad!.scalars) }
        }
    }

    static func expectSameBitsForAnyThreadCount(
        _ name: String, inputs: [Tensor], _ op: ([Tensor]) throws -> Tensor
    ) throws {
        let reference = try run(threads: 1, inputs: inputs, op)
        for threads in threadCounts {
            let other = try run(threads: threads, inputs: inputs, op)
            #expect(other == reference, "\(name) with \(threads) threads differs from 1 thread")
        }
    }

    @Test(arguments: [(1, 1), (2, 0), (3, 2)])
    func conv2dForAnyThreadCount(_ stride: Int, _ padding: Int) throws {
        let x = try normalInputs(seed: 10, [[3, 5, 11, 10], [18, 5, 3, 3], [18]], requiresGrad: true)
        try Self.expectSameBitsForAnyThreadCount("conv2d stride \(stride) padding \(padding)", inputs: x) {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding)
        }
    }

    @Test func maxPool2dForAnyThreadCount() throws {
        let x = try normalInputs(seed: 11, [[4, 6, 9, 9]], requiresGrad: true)
        try Self.expectSameBitsForAnyThreadCount("max_pool2d", inputs: x) { try $0[0].maxPool2d(kernel: 3, stride: 2) }
    }

    /// Many collisions (5000 indices into 70 rows, three chunks of rows) with values of mixed
    /// magnitude, whose sums change with the order of the terms.
    static func collidingRows(seed: UInt64) throws -> (source: Tensor, indices: [Int]) {
        var generator = Generator(PCG64(seed: seed))
        let indices = try (0..<5000).map { _ in Int(try generator.integers(0, 70)) }
        let values = try Tensor.normal([5000, 7], using: &generator).scalars.enumerated()
            .map { $0.element * Float(1 << ($0.offset % 20)) }
        return (try Tensor(shape: [5000, 7], scalars: values, requiresGrad: true), indices)
    }

    @Test func deterministicScatterAddForAnyThreadCount() throws {
        let (source, indices) = try Self.collidingRows(seed: 12)
        try Self.expectSameBitsForAnyThreadCount("scatter_add", inputs: [source]) {
            try Tensor.scatterAdd($0[0], indices: indices, rowCount: 70, mode: .deterministic)
        }
        let table = try normalInputs(seed: 13, [[70, 7]], requiresGrad: true)
        try Determinism.withSettings(.strict) {
            try Self.expectSameBitsForAnyThreadCount("embedding", inputs: table) {
                try Tensor.embedding(indices: indices, table: $0[0]) * 1000
            }
        }
    }

    /// Random shapes, strides and paddings (seeded, so a failure names a replayable seed). Both
    /// kernels add each element's terms in the same order, so the bits must be equal.
    @Test func fastConv2dKernelsMatchTheNaiveOnes() throws {
        for seed: UInt64 in 0..<60 {
            var generator = Generator(PCG64(seed: seed))
            func draw(_ low: Int, _ high: Int) throws -> Int {
                Int(try generator.integers(Int64(low), Int64(high), endpoint: true))
            }
            let (kh, kw, py, px) = (try draw(1, 4), try draw(1, 4), try draw(0, 2), try draw(0, 2))
            let geometry = Conv2dGeometry(
                batch: try draw(1, 3), inChannels: try draw(1, 4),
                height: try draw(max(1, kh - 2 * py), 9), width: try draw(max(1, kw - 2 * px), 9),
                outChannels: try draw(1, 20), kernelHeight: kh, kernelWidth: kw,
                strideY: try draw(1, 3), strideX: try draw(1, 3), padY: py, padX: px)
            let x = try Tensor.normal([geometry.inputCount], using: &generator).scalars
            let w = try Tensor.normal([geometry.weightCount], using: &generator).scalars
            let b = try Tensor.normal([geometry.outChannels], using: &generator).scalars
            let g = try Tensor.normal([geometry.outputCount], using: &generator).scalars
            let name = "seed \(seed): \(geometry)"
            Parallel.withThreadCount(3) {
                #expect(Self.bits(geometry.forward(input: x, weight: w, bias: b))
                        == Self.bits(geometry.forwardNaive(input: x, weight: w, bias: b)), "forward, \(name)")
                #expect(Self.bits(geometry.forward(input: x, weight: w, bias: nil))
                        == Self.bits(geometry.forwardNaive(input: x, weight: w, bias: nil)), "no bias, \(name)")
                #expect(Self.bits(geometry.inputGradient(output: g, weight: w))
                        == Self.bits(geometry.inputGradientNaive(output: g, weight: w)), "input gradient, \(name)")
                #expect(Self.bits(geometry.weightGradient(output: g, input: x))
                        == Self.bits(geometry.weightGradientNaive(output: g, input: x)), "weight gradient, \(name)")
            }
        }
    }

    @Test func validOutputsAreExactlyTheInRangeTaps() {
        for (stride, pad, inSize, tap) in [(1, 0, 5, 0), (2, 1, 5, 0), (3, 2, 4, 4), (2, 3, 1, 0), (1, 1, 1, 2)] {
            let outSize = 20
            let range = Conv2dGeometry.validOutputs(tap: tap, pad: pad, stride: stride, inSize: inSize, outSize: outSize)
            let expected = (0..<outSize).filter { (0..<inSize).contains($0 * stride + tap - pad) }
            #expect(Array(range) == expected, "stride \(stride) pad \(pad) size \(inSize) tap \(tap)")
        }
    }
}
