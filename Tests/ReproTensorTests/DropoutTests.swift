import Testing
import ReproRandom
@testable import ReproTensor

/// Dropout's mask is a pure function of its key (docs/ARCHITECTURE.md §3).
@Suite struct DropoutTests {
    static func key(step: UInt32, layer: UInt32) -> ThreefryKey {
        ThreefryKey(seed: 77, enableX64: true).foldIn(step).foldIn(layer)
    }

    static func kept(_ y: Tensor) -> [Bool] { y.scalars.map { $0 != 0 } }

    @Test func sameKeySameMaskForAnyThreadCount() throws {
        let x = try normalInputs(seed: 30, [[64, 33]], requiresGrad: true)[0]
        func run(_ threads: Int) throws -> [UInt32] {
            try Parallel.withThreadCount(threads) {
                x.grad = nil
                let y = try x.dropout(probability: 0.25, key: Self.key(step: 5, layer: 2))
                try y.sum().backward()
                return (y.scalars + x.grad!.scalars).map(\.bitPattern)
            }
        }
        let reference = try run(1)
        for threads in [2, 3, 4, 7] { #expect(try run(threads) == reference, "\(threads) threads") }
    }

    @Test func maskDependsOnTheKeyNotOnTheValues() throws {
        let ones = try Tensor.ones([40, 25])
        let x = try normalInputs(seed: 31, [[40, 25]])[0]
        let key = Self.key(step: 9, layer: 0)
        #expect(Self.kept(try ones.dropout(probability: 0.5, key: key)) == Self.kept(try x.dropout(probability: 0.5, key: key)))
    }

    @Test func everyStepAndLayerGetsItsOwnMask() throws {
        let ones = try Tensor.ones([1000])
        var masks: Set<[Bool]> = []
        for step: UInt32 in 0..<3 {
            for layer: UInt32 in 0..<3 {
                masks.insert(Self.kept(try ones.dropout(probability: 0.5, key: Self.key(step: step, layer: layer))))
            }
        }
        #expect(masks.count == 9)
    }

    /// 200 000 elements kept with probability 0.7: the count has standard deviation
    /// sqrt(200 000 · 0.3 · 0.7) ≈ 205, so ±2 000 is about ten of them (and the key is fixed).
    @Test func keepsAboutOneMinusPAndScalesTheKeptValues() throws {
        let (count, p) = (200_000, Float(0.3))
        let key = Self.key(step: 1, layer: 4)
        let y = try Tensor.ones([count]).dropout(probability: p, key: key)
        let scale = 1 / (1 - p)
        #expect(y.scalars.allSatisfy { $0 == 0 || $0 == scale })
        let kept = Self.kept(y)
        #expect(abs(kept.filter { $0 }.count - 140_000) < 2_000)
        #expect(kept == key.uniform(count: count).map { $0 >= p })
    }

    @Test func passesValuesThroughWhenNotTrainingOrPIsZero() throws {
        let x = try normalInputs(seed: 32, [[6, 7]], requiresGrad: true)[0]
        let key = Self.key(step: 0, layer: 0)
        for y in [try x.dropout(probability: 0.5, key: key, training: false), try x.dropout(probability: 0, key: key)] {
            #expect(y.scalars.map(\.bitPattern) == x.scalars.map(\.bitPattern))
            x.grad = nil
            try y.backward(gradient: Array(repeating: 2, count: x.count))
            #expect(x.grad!.scalars == Array(repeating: 2, count: x.count))
        }
    }

    @Test func gradientUsesTheSameMask() throws {
        let x = try normalInputs(seed: 33, [[300]], requiresGrad: true)[0]
        let y = try x.dropout(probability: 0.6, key: Self.key(step: 2, layer: 2))
        try y.sum().backward()
        let scale = 1 / (1 - Float(0.6))
        #expect(x.grad!.scalars == Self.kept(y).map { $0 ? scale : 0 })
    }

    @Test(arguments: [Float(-0.1), 1, 1.5, .nan])
    func rejectsProbabilitiesOutsideZeroToOne(_ p: Float) throws {
        let x = try Tensor.ones([3])
        #expect { try x.dropout(probability: p, key: Self.key(step: 0, layer: 0)) } throws: {
            ($0 as? TensorError)?.op == "dropout" && "\($0)".contains("[0, 1)")
        }
    }
}
