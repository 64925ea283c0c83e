import Foundation
import Testing
@testable import ReproRandom

/// ``Generator`` against numpy 2.4's `np.random.Generator`, through the vectors written by
/// `scripts/reference_generator.py` (no Python needed here).
@Suite struct GeneratorTests {
    static let vectorFiles = [
        "seeds", "uniform", "integers", "normal", "exponential", "shuffle", "choice", "mixed", "long",
    ]

    /// Every case of every vector file, through the scalar methods and through the bulk ones: each
    /// step's outputs (or their hash, for the 50,000-draw ziggurat streams) equal numpy's, in order,
    /// on one generator, so the position in the stream and the buffered half word match too.
    @Test(arguments: vectorFiles, DrawMode.allCases)
    func matchesNumpy(file: String, mode: DrawMode) throws {
        let vectors = try Vectors.load("generator_\(file)", as: GeneratorVectorFile.self)
        #expect(!vectors.cases.isEmpty)
        for testCase in vectors.cases {
            try check(testCase, mode: mode, type: seededBitGenerator(named: testCase.bitGenerator))
        }
    }

    /// States just before draws where numpy's floating-point precision decides the value (the
    /// float normal's wedge test compares in double, the float exponential's in single precision):
    /// a port computing either in the other precision fails here.
    @Test(arguments: DrawMode.allCases)
    func precisionEdges(mode: DrawMode) throws {
        let vectors = try Vectors.load("generator_edges", as: GeneratorVectorFile.self)
        #expect(vectors.cases.count == 2)
        for testCase in vectors.cases {
            var g = Generator(try #require(testCase.pcg64).bitGenerator)
            try check(testCase, on: &g, mode: mode)
        }
    }

    private func check<Bits: SeededBitGenerator>(_ testCase: GeneratorCase, mode: DrawMode, type: Bits.Type) throws {
        var g = Generator(Bits(try testCase.seedSequence()))
        try check(testCase, on: &g, mode: mode)
    }

    private func check<Bits: BitGenerator>(
        _ testCase: GeneratorCase, on g: inout Generator<Bits>, mode: DrawMode
    ) throws {
        for (index, step) in testCase.steps.enumerated() {
            let words = try step.run(on: &g, mode: mode)
            let context = "\(testCase.label), step \(index) (\(step.method))"
            if let hash = step.hash {
                #expect(words.count == step.count && streamHash(words) == hex64(hash), "\(context)")
            } else {
                let difference = firstDifference(words, step.expectedWords)
                #expect(difference == nil, "\(context): \(difference ?? "")")
            }
        }
    }

    /// numpy's documented values (`numpy-random-facts.md`): `default_rng(42)`.
    @Test func knownAnswers() throws {
        var g = Generator(PCG64(seed: 42))
        #expect(try g.random(count: 5) == [
            0.7739560485559633, 0.4388784397520523, 0.8585979199113825, 0.6973680290593639, 0.09417734788764953,
        ])
        g = Generator(PCG64(seed: 42))
        #expect(try g.integers(0, 100, count: 5) == [8, 77, 65, 43, 43])
        g = Generator(PCG64(seed: 42))
        #expect(try g.standardNormal(count: 5) == [
            0.30471707975443135, -1.0399841062404955, 0.7504511958064572, 0.9405647163912139, -1.9510351886538364,
        ])
        g = Generator(PCG64(seed: 42))
        #expect(try g.permutation(10) == [5, 6, 0, 7, 3, 2, 4, 9, 1, 8])
    }

    /// The public `fill…` methods give the values of the scalar calls, for every distribution.
    @Test(arguments: seededBitGenerators.map(\.name))
    func fillsMatchScalarCalls(name: String) throws {
        try checkFills(type: seededBitGenerator(named: name))
    }

    private func checkFills<Bits: SeededBitGenerator>(type: Bits.Type) throws {
        let count = 3001  // odd, so the 32-bit buffer is left holding a half word
        func same<T: Equatable>(
            _ fill: (inout Generator<Bits>, UnsafeMutableBufferPointer<T>) throws -> Void,
            _ scalar: (inout Generator<Bits>) throws -> T, _ initial: T
        ) throws -> Bool {
            var bulk = Generator(Bits(seed: 7))
            var single = bulk
            var values = [T](repeating: initial, count: count)
            try values.withUnsafeMutableBufferPointer { try fill(&bulk, $0) }
            let expected = try (0..<count).map { _ in try scalar(&single) }
            return values == expected && bulk == single
        }
        #expect(try same({ $0.fillRandom($1) }, { $0.random() }, 0))
        #expect(try same({ $0.fillRandomFloat($1) }, { $0.randomFloat() }, 0))
        #expect(try same({ $0.fillStandardNormal($1) }, { $0.standardNormal() }, 0))
        #expect(try same({ $0.fillStandardNormalFloat($1) }, { $0.standardNormalFloat() }, 0))
        #expect(try same({ $0.fillStandardExponential($1) }, { $0.standardExponential() }, 0))
        #expect(try same({ $0.fillStandardExponentialFloat($1) }, { $0.standardExponentialFloat() }, 0))
        for (low, high, endpoint) in [(Int64(-3), Int64(9), false), (0, 1 << 33, false), (.min, .max, true)] {
            #expect(try same(
                { try $0.fillIntegers($1, low: low, high: high, endpoint: endpoint) },
                { try $0.integers(low, high, endpoint: endpoint) }, 0))
        }
    }

    /// `integers` over the whole `Int64` range is `low` plus one raw 64-bit word (numpy's
    /// `off + next_uint64`), and a width of one draws nothing.
    @Test func integerRangeEdges() throws {
        var g = Generator(SFC64(seed: 3))
        var raw = g.bitGenerator
        let word = raw.next()
        #expect(try g.integers(.min, .max, endpoint: true) == Int64(bitPattern: word &+ (1 << 63)))
        #expect(try g.integers(.max, .max, endpoint: true) == .max)
        #expect(try g.integers(.min, .min + 1) == .min)
        #expect(g.bitGenerator == raw)
    }

    /// `shuffle` works on any mutable random-access collection and moves the positions
    /// `permutation` produces.
    @Test func shuffleIsGeneric() throws {
        var a = Generator(Philox(seed: 11))
        var b = a
        let order = try a.permutation(26)
        var letters = Array("abcdefghijklmnopqrstuvwxyz")[...]
        b.shuffle(&letters)
        #expect(Array(letters) == order.map { Array("abcdefghijklmnopqrstuvwxyz")[$0] })
        #expect(a == b)
    }

    /// A generator saved mid-stream, with a half word buffered, restores exactly and continues the
    /// same stream (checkpoints rely on this).
    @Test(arguments: seededBitGenerators.map(\.name))
    func codableRoundTrip(name: String) throws {
        try checkCodable(type: seededBitGenerator(named: name))
    }

    private func checkCodable<Bits: SeededBitGenerator>(type: Bits.Type) throws {
        var g = Generator(Bits(seed: 5))
        _ = try g.integers(0, 10, count: 3)
        let restored = try JSONDecoder().decode(Generator<Bits>.self, from: JSONEncoder().encode(g))
        #expect(restored == g)
        var copy = restored
        #expect(try copy.integers(0, 1 << 40, count: 9) == g.integers(0, 1 << 40, count: 9))
        #expect(copy.randomFloat() == g.randomFloat())
    }
}
