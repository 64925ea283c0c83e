import Foundation
import Testing
@testable import ReproRandom

/// numpy's legacy `RandomState` against numpy itself (vectors from `scripts/reference_legacy.py`).
@Suite struct RandomStateTests {
    struct Ranged: Decodable {
        let low: String
        let high: String
        let values: [String]
    }

    struct Sized: Decodable {
        let n: Int
        let values: [Int]
    }

    struct NumpyState: Decodable {
        let key: [UInt32]
        let position: Int
        let hasGauss: Bool
        let gauss: String

        var state: RandomState.State {
            RandomState.State(key: key, position: position, cachedGaussian: hasGauss ? doubleBits(gauss) : nil)
        }
    }

    struct Case: Decodable {
        let label: String
        let seed: String?
        let seedArray: [UInt32]?
        let randomSample: [String]
        let standardNormal: [String]
        let randint: [Ranged]
        let randomSampleAfterRandint: [String]
        let standardNormalAfterCache: [String]
        let permutation: [Sized]
        let shuffle: [Sized]
        let standardNormalEnd: [String]
        let finalState: NumpyState
        let afterFinalState: [String]

        func generator() throws -> RandomState {
            if let words = seedArray { return try RandomState(seed: words) }
            return try RandomState(decimalSeed: seed ?? "")
        }
    }

    struct SeedError: Decodable {
        let seed: String
        let error: String
    }

    struct RandintError: Decodable {
        let low: String
        let high: String
        let error: String
    }

    struct File: Decodable {
        let cases: [Case]
        let seedErrors: [SeedError]
        let emptyArraySeedError: String
        let randintErrors: [RandintError]
    }

    static func load() throws -> File { try Vectors.load("legacy_randomstate", as: File.self) }

    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    /// Every call in the order the script made it, from one generator per seed.
    @Test func streamsMatchNumpy() throws {
        for c in try Self.load().cases {
            var rs = try c.generator()
            #expect(Self.bits(try rs.randomSample(count: c.randomSample.count)) == c.randomSample.map(hex64), "\(c.label)")
            #expect(Self.bits(try rs.standardNormal(count: c.standardNormal.count)) == c.standardNormal.map(hex64), "\(c.label)")
            for r in c.randint {
                let values = try rs.randint(int64(r.low), int64(r.high), count: r.values.count)
                #expect(values == r.values.map(int64), "\(c.label) randint(\(r.low), \(r.high))")
            }
            #expect(Self.bits(try rs.randomSample(count: 3)) == c.randomSampleAfterRandint.map(hex64), "\(c.label)")
            #expect(Self.bits(try rs.standardNormal(count: 4)) == c.standardNormalAfterCache.map(hex64), "\(c.label)")
            for p in c.permutation {
                #expect(try rs.permutation(p.n) == p.values, "\(c.label) permutation(\(p.n))")
            }
            for s in c.shuffle {
                var items = (0..<s.n).map { 3 * $0 + 1 }
                rs.shuffle(&items)
                #expect(items == s.values, "\(c.label) shuffle(\(s.n))")
            }
            #expect(Self.bits([rs.standardNormal(), rs.standardNormal()]) == c.standardNormalEnd.map(hex64), "\(c.label)")
            #expect(rs.getState() == c.finalState.state, "\(c.label) get_state")
        }
    }

    /// Single draws give the same values as the `count:` forms.
    @Test func singleDrawsMatchCounts() throws {
        let c = try #require(try Self.load().cases.first)
        var rs = try c.generator()
        #expect(Self.bits((0..<c.randomSample.count).map { _ in rs.randomSample() }) == c.randomSample.map(hex64))
        #expect(Self.bits((0..<c.standardNormal.count).map { _ in rs.standardNormal() }) == c.standardNormal.map(hex64))
        for r in c.randint {
            let values = try (0..<r.values.count).map { _ in try rs.randint(int64(r.low), int64(r.high)) }
            #expect(values == r.values.map(int64), "randint(\(r.low), \(r.high))")
        }
    }

    /// `set_state` with numpy's `get_state()` continues numpy's stream, cached Gaussian first; so
    /// does a JSON round trip.
    @Test func restoredStateContinuesTheStream() throws {
        for c in try Self.load().cases {
            var restored = try RandomState(state: c.finalState.state)
            #expect(Self.bits(try restored.standardNormal(count: 3)) == c.afterFinalState.map(hex64), "\(c.label)")

            var decoded = try JSONDecoder().decode(RandomState.self,
                                                   from: JSONEncoder().encode(RandomState(state: c.finalState.state)))
            #expect(decoded.getState() == c.finalState.state, "\(c.label)")
            #expect(Self.bits(try decoded.standardNormal(count: 3)) == c.afterFinalState.map(hex64), "\(c.label)")

            var reset = RandomState(seed: 7)
            try reset.setState(c.finalState.state)
            #expect(reset == (try RandomState(state: c.finalState.state)))
        }
    }

    @Test func integerSeedsAgree() throws {
        for seed: UInt32 in [0, 1, 42, .max] {
            let expected = RandomState(seed: seed)
            #expect(try RandomState(validating: Int64(seed)) == expected)
            #expect(try RandomState(validating: UInt64(seed)) == expected)
            #expect(try RandomState(decimalSeed: String(seed)) == expected)
            #expect(try RandomState(decimalSeed: "+000\(seed)") == expected)
        }
        #expect(try RandomState(decimalSeed: "-0") == RandomState(seed: 0))
        // A one-element array is init_by_array, not init_genrand (numpy's list form).
        #expect(try RandomState(seed: [42]) != RandomState(seed: 42))
    }

    @Test func rejectsWhatNumpyRejects() throws {
        let file = try Self.load()
        for e in file.seedErrors {
            expectRejected(e.error, "seed \(e.seed)") { try RandomState(decimalSeed: e.seed) }
            if let seed = Int64(e.seed) {
                expectRejected(e.error, "seed \(e.seed)") { try RandomState(validating: seed) }
            }
        }
        expectRejected(file.emptyArraySeedError) { try RandomState(seed: [UInt32]()) }
        var rs = RandomState(seed: 0)
        for e in file.randintErrors {
            expectRejected(e.error, "randint(\(e.low), \(e.high))") { try rs.randint(int64(e.low), int64(e.high)) }
            expectRejected(e.error, "randint(\(e.low), \(e.high), count:)") {
                try rs.randint(int64(e.low), int64(e.high), count: 3)
            }
        }
        #expect(rs == RandomState(seed: 0), "a rejected call draws nothing")
    }

    @Test func rejectsBadArguments() throws {
        var rs = RandomState(seed: 0)
        expectRejected("count must be non-negative") { try rs.randomSample(count: -1) }
        expectRejected("count must be non-negative") { try rs.standardNormal(count: -1) }
        expectRejected("count must be non-negative") { try rs.randint(0, 10, count: -1) }
        expectRejected("n must be non-negative") { try rs.permutation(-1) }
        for text in ["", "-", "+", "12a", " 1", "1 ", "1_000", "0x10", "1e3", "١٢", String(repeating: "9", count: 4301)] {
            expectRejected("a seed must be a decimal integer", "'\(text.prefix(10))'") { try RandomState(decimalSeed: text) }
        }
        #expect(rs == RandomState(seed: 0), "a rejected call draws nothing")
    }

    @Test func rejectsInvalidStates() throws {
        let good = RandomState(seed: 1).getState()
        var short = good
        short.key.removeLast()
        expectRejected("624 words, got 623") { try RandomState(state: short) }
        for position in [-1, 625] {
            var bad = good
            bad.position = position
            expectRejected("position must be in 0...624, got \(position)") { try RandomState(state: bad) }
            var rs = RandomState(seed: 1)
            expectRejected("position must be in 0...624") { try rs.setState(bad) }
            #expect(rs == RandomState(seed: 1), "a rejected state leaves the generator unchanged")
        }
        let corrupt = try JSONEncoder().encode(short)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RandomState.self, from: corrupt) }
    }
}
