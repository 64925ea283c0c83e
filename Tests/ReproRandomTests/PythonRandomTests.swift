import Foundation
import Testing
@testable import ReproRandom

/// CPython's `random.Random` against CPython 3.11 itself (vectors from `scripts/reference_legacy.py`).
@Suite struct PythonRandomTests {
    struct Bits: Decodable {
        let k: Int
        let values: [String]
    }

    struct Range: Decodable {
        let start: String
        let stop: String
        let step: String
        let values: [String]
    }

    struct Stop: Decodable {
        let stop: String
        let values: [String]
    }

    struct Inclusive: Decodable {
        let a: String
        let b: String
        let values: [String]
    }

    struct Sized: Decodable {
        let n: Int
        let values: [Int]
    }

    struct Uniform: Decodable {
        let a: String
        let b: String
        let values: [String]
    }

    struct Gauss: Decodable {
        let mu: String
        let sigma: String
        let values: [String]
    }

    struct CPythonState: Decodable {
        let version: Int
        let key: [UInt32]
        let index: Int
        let gaussNext: String?

        var state: PythonRandom.State {
            PythonRandom.State(version: version, key: key, index: index, gaussNext: gaussNext.map(doubleBits))
        }
    }

    struct Case: Decodable {
        let label: String
        let seed: String?
        let seedString: String?
        let random: [String]
        let getrandbits: [Bits]
        let randrange: [Range]
        let randrangeStop: [Stop]
        let randint: [Inclusive]
        let choice: [Sized]
        let shuffle: [Sized]
        let uniform: [Uniform]
        let gauss: [Gauss]
        let finalState: CPythonState
        let afterFinalState: [String]

        func generator() throws -> PythonRandom {
            if let text = seedString { return PythonRandom(seed: text) }
            return try PythonRandom(decimalSeed: seed ?? "")
        }
    }

    struct ErrorCase: Decodable {
        let call: String
        let args: [String]
        let error: String
    }

    struct File: Decodable {
        let cases: [Case]
        let errors: [ErrorCase]
    }

    static func load() throws -> File { try Vectors.load("python_random", as: File.self) }

    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    /// Every call in the order the script made it, from one generator per seed.
    @Test func streamsMatchCPython() throws {
        for c in try Self.load().cases {
            var r = try c.generator()
            #expect(Self.bits(c.random.map { _ in r.random() }) == c.random.map(hex64), "\(c.label) random")
            for g in c.getrandbits {
                let values = try g.values.map { _ in
                    g.k <= 64 ? "0x" + String(try r.getrandbits(g.k), radix: 16) : pythonHex(words: try r.getrandbitsWords(g.k))
                }
                #expect(values == g.values, "\(c.label) getrandbits(\(g.k))")
            }
            for g in c.randrange {
                let (start, stop, step) = (Int(int64(g.start)), Int(int64(g.stop)), Int(int64(g.step)))
                let values = try g.values.map { _ in
                    step == 1 ? try r.randrange(start, stop) : try r.randrange(start, stop, step: step)
                }
                #expect(values.map(Int64.init) == g.values.map(int64), "\(c.label) randrange(\(start), \(stop), \(step))")
            }
            for g in c.randrangeStop {
                let values = try g.values.map { _ in try r.randrange(Int(int64(g.stop))) }
                #expect(values.map(Int64.init) == g.values.map(int64), "\(c.label) randrange(\(g.stop))")
            }
            for g in c.randint {
                let values = try g.values.map { _ in try r.randint(Int(int64(g.a)), Int(int64(g.b))) }
                #expect(values.map(Int64.init) == g.values.map(int64), "\(c.label) randint(\(g.a), \(g.b))")
            }
            for g in c.choice {
                let values = try g.values.map { _ in try r.choice(Array(0..<g.n)) }
                #expect(values == g.values, "\(c.label) choice(range(\(g.n)))")
            }
            for g in c.shuffle {
                var items = Array(0..<g.n)
                r.shuffle(&items)
                #expect(items == g.values, "\(c.label) shuffle(\(g.n))")
            }
            for g in c.uniform {
                let values = g.values.map { _ in r.uniform(doubleBits(g.a), doubleBits(g.b)) }
                #expect(Self.bits(values) == g.values.map(hex64), "\(c.label) uniform(\(doubleBits(g.a)), \(doubleBits(g.b)))")
            }
            for g in c.gauss {
                let values = g.values.map { _ in r.gauss(mu: doubleBits(g.mu), sigma: doubleBits(g.sigma)) }
                #expect(Self.bits(values) == g.values.map(hex64), "\(c.label) gauss(\(doubleBits(g.mu)), \(doubleBits(g.sigma)))")
            }
            #expect(r.getState() == c.finalState.state, "\(c.label) getstate()")
        }
    }

    /// `setstate` with CPython's `getstate()` continues CPython's stream, `gauss_next` first; so
    /// does a JSON round trip.
    @Test func restoredStateContinuesTheStream() throws {
        for c in try Self.load().cases {
            for var r in [try PythonRandom(state: c.finalState.state),
                          try JSONDecoder().decode(PythonRandom.self,
                                                   from: JSONEncoder().encode(PythonRandom(state: c.finalState.state)))] {
                #expect(r.getState() == c.finalState.state)
                #expect(Self.bits([r.gauss(), r.random(), r.gauss()]) == c.afterFinalState.map(hex64), "\(c.label)")
            }
            var reset = PythonRandom(seed: 7)
            try reset.setState(c.finalState.state)
            #expect(reset == (try PythonRandom(state: c.finalState.state)))
        }
    }

    /// Integer seeds of every type, and in decimal, seed alike; a negative seed is its absolute value.
    @Test func integerSeedsAgree() throws {
        #expect(PythonRandom(seed: 42) == (try PythonRandom(decimalSeed: "42")))
        #expect(PythonRandom(seed: -42) == PythonRandom(seed: 42))
        #expect(PythonRandom(seed: Int8(-42)) == PythonRandom(seed: UInt64(42)))
        #expect(PythonRandom(seed: Int.min) == (try PythonRandom(decimalSeed: "9223372036854775808")))
        #expect(PythonRandom(seed: UInt64.max) == (try PythonRandom(decimalSeed: "18446744073709551615")))
        #expect(PythonRandom(seed: UInt64(1) << 32) == (try PythonRandom(decimalSeed: "+4294967296")))
        let wide = UInt128(1) << 127 + UInt128(1) << 64 + 12345
        #expect(PythonRandom(seed: wide) == (try PythonRandom(decimalSeed: String(wide))))
        #expect(PythonRandom(seed: -Int128(wide >> 1)) == PythonRandom(seed: wide >> 1))
        #expect(PythonRandom(seed: 0) == (try PythonRandom(decimalSeed: "-0000")))
        #expect(PythonRandom(seed: "abc") == PythonRandom(seed: Array("abc".utf8)))
    }

    /// The first draws CPython documents for `random.seed(42)`.
    @Test func knownAnswers() throws {
        var r = PythonRandom(seed: 42)
        #expect(try (0..<5).map { _ in try r.randrange(100) } == [81, 14, 3, 94, 35])
        var s = PythonRandom(seed: 42)
        var items = Array(0..<10)
        s.shuffle(&items)
        #expect(items == [7, 3, 2, 8, 5, 6, 9, 4, 0, 1])
    }

    /// For k up to 64, both getrandbits forms draw the same words.
    @Test func getrandbitsFormsAgree() throws {
        for k in [0, 1, 17, 31, 32, 33, 63, 64] {
            var a = PythonRandom(seed: k)
            var b = a
            let words = try b.getrandbitsWords(k)
            #expect(words.count == (k + 31) / 32)
            #expect(try a.getrandbits(k) == words.reversed().reduce(UInt64(0)) { $0 << 32 | UInt64($1) }, "k=\(k)")
            #expect(a == b, "k=\(k)")
        }
    }

    @Test func rejectsWhatCPythonRejects() throws {
        var r = PythonRandom(seed: 0)
        let untouched = r
        for e in try Self.load().errors {
            let args = e.args.map { Int(int64($0)) }
            switch e.call {
            case "randrange":
                expectRejected(e.error, "randrange\(args)") { try r.randrange(args[0], args[1], step: args[2]) }
            case "randrangeStop":
                expectRejected(e.error, "randrange\(args)") { try r.randrange(args[0]) }
            case "randint":
                expectRejected(e.error, "randint\(args)") { try r.randint(args[0], args[1]) }
            case "choice":
                expectRejected(e.error) { try r.choice([Int]()) }
            case "getrandbits":
                expectRejected(e.error) { try r.getrandbits(args[0]) }
                expectRejected(e.error) { try r.getrandbitsWords(args[0]) }
            case "setstateVersion":
                var state = r.getState()
                state.version = args[0]
                expectRejected(e.error) { try r.setState(state) }
            case "setstateSize":
                var state = r.getState()
                state.key = Array(state.key.prefix(args[0]))
                expectRejected(e.error) { try r.setState(state) }
            case "setstateIndex":
                var state = r.getState()
                state.index = args[0]
                expectRejected(e.error) { try r.setState(state) }
            default:
                Issue.record("unknown call \(e.call) in python_random.json")
            }
        }
        #expect(r == untouched, "a rejected call draws nothing and changes no state")
    }

    @Test func rejectsBadArguments() throws {
        var r = PythonRandom(seed: 0)
        expectRejected("k must be in 0...64") { try r.getrandbits(65) }
        expectRejected("k must be at most 2147483647") { try r.getrandbitsWords(Int(Int32.max) + 1) }
        expectRejected("k must be at most 2147483647") { try r.getrandbitsWords(.max) }
        for text in ["", "-", "--1", "12a", " 1", "1_000", "0x10", "١٢", String(repeating: "1", count: 4301)] {
            expectRejected("a seed must be a decimal integer", "'\(text.prefix(10))'") { try PythonRandom(decimalSeed: text) }
        }
        #expect(try PythonRandom(decimalSeed: String(repeating: "1", count: 4300)) != PythonRandom(seed: 0))
        let corrupt = try JSONEncoder().encode(PythonRandom.State(key: [1, 2, 3], index: 0, gaussNext: nil))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PythonRandom.self, from: corrupt) }
        #expect(r == PythonRandom(seed: 0), "a rejected call draws nothing")
    }
}
