import Foundation
import Testing
@testable import ReproRandom

/// Philox4x32-10 and Threefry2x32-20 against Random123's known answers and JAX's hashes, and
/// ``ThreefryKey`` against JAX 0.10.2 (vectors from `scripts/reference_keys.py`).
@Suite struct CounterKeyTests {
    // MARK: Block functions

    /// Random123 `tests/kat_vectors`: zero, all-ones and pi-digit inputs.
    @Test func philox4x32KnownAnswers() {
        #expect(Philox4x32.block(counter: .zero, key: .zero)
            == SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        #expect(Philox4x32.block(counter: SIMD4(repeating: .max), key: SIMD2(repeating: .max))
            == SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        #expect(Philox4x32.block(counter: SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
                                 key: SIMD2(0xa409_3822, 0x299f_31d0))
            == SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    /// Random123 `tests/kat_vectors`, for the reference and for the SIMD form.
    @Test func threefry2x32KnownAnswers() {
        let cases: [(counter: SIMD2<UInt32>, key: SIMD2<UInt32>, output: SIMD2<UInt32>)] = [
            (.zero, .zero, SIMD2(0x6b20_0159, 0x99ba_4efe)),
            (SIMD2(repeating: .max), SIMD2(repeating: .max), SIMD2(0x1cb9_96fc, 0xbb00_2be7)),
            (SIMD2(0x243f_6a88, 0x85a3_08d3), SIMD2(0x1319_8a2e, 0x0370_7344), SIMD2(0xc492_3a9c, 0x483d_f7a0)),
        ]
        for c in cases {
            #expect(Threefry2x32.block(counter: c.counter, key: c.key) == c.output)
            let (y0, y1) = Threefry2x32.blocks(SIMD16(repeating: c.counter[0]), SIMD16(repeating: c.counter[1]),
                                               key: c.key)
            #expect(y0 == SIMD16(repeating: c.output[0]) && y1 == SIMD16(repeating: c.output[1]))
        }
    }

    @Test func blocksMatchJAX() throws {
        let file = try Vectors.load("keys_blocks", as: BlockFile.self)
        #expect(file.threefry2x32.count == 100 && file.philox4x32.count == 100)
        for v in file.threefry2x32 {
            let (counter, key, output) = (words2(v.counter), words2(v.key), words2(v.output))
            #expect(Threefry2x32.block(counter: counter, key: key) == output, "\(v)")
            let (y0, y1) = Threefry2x32.blocks(SIMD16(repeating: counter[0]), SIMD16(repeating: counter[1]), key: key)
            #expect(y0 == SIMD16(repeating: output[0]) && y1 == SIMD16(repeating: output[1]), "\(v)")
        }
        for v in file.philox4x32 {
            let counter = SIMD4(v.counter.map(hex32))
            #expect(Philox4x32.block(counter: counter, key: words2(v.key)) == SIMD4(v.output.map(hex32)), "\(v)")
        }
    }

    /// The SIMD form against the reference, on replayable pseudo-random counters and keys.
    @Test func threefryBlocksMatchReference() {
        var source = SplitMix64(seed: 2024)
        for round in 0..<200 {
            let key = SIMD2(source.nextUInt32(), source.nextUInt32())
            var x0 = SIMD16<UInt32>(), x1 = SIMD16<UInt32>()
            for lane in 0..<16 { (x0[lane], x1[lane]) = (source.nextUInt32(), source.nextUInt32()) }
            let (y0, y1) = Threefry2x32.blocks(x0, x1, key: key)
            for lane in 0..<16 {
                let expected = Threefry2x32.block(counter: SIMD2(x0[lane], x1[lane]), key: key)
                #expect(SIMD2(y0[lane], y1[lane]) == expected, "round \(round) lane \(lane)")
            }
        }
    }

    // MARK: Keys against JAX

    @Test func seedsMatchJAX() throws {
        let file = try Vectors.load("keys_jax", as: KeyFile.self)
        #expect(file.seeds.count == 16)
        for v in file.seeds {
            let key = ThreefryKey(seed: hex64(v.seed), enableX64: v.x64)
            #expect(key.data == words2(v.key), "seed \(v.seed) x64 \(v.x64)")
            #expect(key.keyData == v.key.map(hex32))
        }
        #expect(ThreefryKey(seed: 1 << 32) == ThreefryKey(seed: 0))
        #expect(ThreefryKey(seed: UInt64(bitPattern: -1), enableX64: true).data == SIMD2(repeating: .max))
    }

    @Test func splitsMatchJAX() throws {
        let file = try Vectors.load("keys_jax", as: KeyFile.self)
        #expect(file.splits.count == 21)
        for v in file.splits {
            let key = ThreefryKey(data: words2(v.key))
            let expected = v.keys.map { ThreefryKey(data: words2($0)) }
            if let n = v.n {
                #expect(key.split(n) == expected, "key \(v.key) n \(n)")
            } else {
                let (a, b) = key.split()
                #expect([a, b] == expected, "key \(v.key)")
            }
        }
    }

    @Test func chainsMatchJAX() throws {
        let file = try Vectors.load("keys_jax", as: KeyFile.self)
        #expect(file.chains.count == 15)
        for v in file.chains {
            var key = ThreefryKey(data: words2(v.key))
            for step in v.steps {
                switch (step.op, step.n, step.index, step.data) {
                case ("fold_in", nil, nil, let data?): key = key.foldIn(hex32(data))
                case ("split", let n?, let index?, nil): key = key.split(n)[index]
                case ("split", nil, let index?, nil): key = index == 0 ? key.split().0 : key.split().1
                default: Issue.record("unknown step \(step)")
                }
            }
            #expect(key.data == words2(v.result), "\(v)")
        }
    }

    @Test func bitsMatchJAX() throws {
        let file = try Vectors.load("keys_jax", as: KeyFile.self)
        #expect(file.bits.count == 33 && file.bits64.count == 38)
        for v in file.bits {
            let key = ThreefryKey(data: words2(v.key))
            #expect(key.bits(count: v.count) == v.values.map(hex32), "key \(v.key) count \(v.count)")
        }
        for v in file.bits64 {
            let key = ThreefryKey(data: words2(v.key))
            #expect(key.bits64(count: v.count) == v.values.map(hex64), "key \(v.key) count \(v.count)")
        }
    }

    @Test func uniformMatchesJAX() throws {
        let file = try Vectors.load("keys_jax", as: KeyFile.self)
        #expect(file.uniform.count == 165 && file.uniform64.count == 87)
        for v in file.uniform {
            let key = ThreefryKey(data: words2(v.key))
            let values = key.uniform(count: v.count, low: floatBits(v.low), high: floatBits(v.high))
            let expected = v.values.map(floatBits)
            #expect(values.count == expected.count && zip(values, expected).allSatisfy(sameBits),
                    "key \(v.key) count \(v.count) low \(v.low) high \(v.high)")
        }
        for v in file.uniform64 {
            let key = ThreefryKey(data: words2(v.key))
            let values = key.uniformDouble(count: v.count, low: doubleBits(v.low), high: doubleBits(v.high))
            let expected = v.values.map(doubleBits)
            #expect(values.count == expected.count && zip(values, expected).allSatisfy(sameBits),
                    "key \(v.key) count \(v.count) low \(v.low) high \(v.high)")
        }
    }

    // MARK: Properties

    /// Deriving keys is a pure function: the same inputs give the same key, and distinct data give
    /// distinct keys.
    @Test func derivationIsPure() {
        let root = ThreefryKey(seed: 42)
        #expect(root.foldIn(7).foldIn(3) == ThreefryKey(seed: 42).foldIn(7).foldIn(3))
        #expect(root.split(64) == root.split(64))
        let folded = (0..<1000).map { root.foldIn(UInt32($0)) }
        #expect(Set(folded).count == 1000)
        #expect(Set(folded + [root]).count == 1001)
        #expect(root.foldIn(1).foldIn(2) != root.foldIn(2).foldIn(1))
        // Partitionable keys: split(n)[i] is foldIn(i), whatever n.
        #expect(root.split(1000) == folded)
        #expect(Array(root.split(1000).prefix(3)) == root.split(3))
        #expect(root.split() == (folded[0], folded[1]))
    }

    /// Value `i` of a draw depends on `i` only, not on the count, including across the 2^32
    /// counter boundary where the high counter word starts to count.
    @Test func drawsArePrefixStable() {
        let key = ThreefryKey(seed: 7).foldIn(3)
        #expect(Array(key.bits(count: 1000).prefix(17)) == key.bits(count: 17))
        #expect(Array(key.uniform(count: 100, low: -2, high: 3).prefix(33)) == key.uniform(count: 33, low: -2, high: 3))
        let start: UInt64 = (1 << 32) - 21
        let words = key.outputs(from: start, count: 45) { SIMD2($0, $1) }
        for (offset, word) in words.enumerated() {
            let i = start + UInt64(offset)
            let counter = SIMD2(UInt32(i >> 32), UInt32(truncatingIfNeeded: i))
            #expect(word == Threefry2x32.block(counter: counter, key: key.data), "counter \(i)")
        }
    }

    @Test func codableRoundTripsAsKeyData() throws {
        let key = ThreefryKey(seed: 0x1234_5678_9abc_def0, enableX64: true)
        let json = try JSONEncoder().encode(key)
        #expect(String(decoding: json, as: UTF8.self) == "[305419896,2596069104]")
        #expect(try JSONDecoder().decode(ThreefryKey.self, from: json) == key)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ThreefryKey.self, from: Data("[1,2,3]".utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ThreefryKey.self, from: Data("[1,4294967296]".utf8))
        }
    }
}

// MARK: Vector files

private struct BlockVector: Decodable, CustomStringConvertible {
    let counter: [String]
    let key: [String]
    let output: [String]
    var description: String { "counter \(counter) key \(key) output \(output)" }
}

private struct BlockFile: Decodable {
    let threefry2x32: [BlockVector]
    let philox4x32: [BlockVector]
}

private struct KeyFile: Decodable {
    struct Seed: Decodable { let seed: String; let x64: Bool; let key: [String] }
    struct Split: Decodable { let key: [String]; let n: Int?; let keys: [[String]] }
    struct Step: Decodable { let op: String; let n: Int?; let index: Int?; let data: String? }
    struct Chain: Decodable { let key: [String]; let steps: [Step]; let result: [String] }
    struct Draw: Decodable { let key: [String]; let count: Int; let values: [String] }
    struct Uniform: Decodable {
        let key: [String]; let count: Int; let low: String; let high: String; let values: [String]
    }

    let seeds: [Seed]
    let splits: [Split]
    let chains: [Chain]
    let bits: [Draw]
    let uniform: [Uniform]
    let bits64: [Draw]
    let uniform64: [Uniform]
}

private func words2(_ texts: [String]) -> SIMD2<UInt32> {
    precondition(texts.count == 2, "expected two words, got \(texts)")
    return SIMD2(hex32(texts[0]), hex32(texts[1]))
}

/// Equal bit patterns, except that any NaN matches any NaN (their payloads differ between CPUs).
private func sameBits<F: BinaryFloatingPoint>(_ pair: (F, F)) -> Bool {
    pair.0.isNaN ? pair.1.isNaN : pair.0 == pair.1 && pair.0.sign == pair.1.sign
}
