import Foundation
import Testing
@testable import ReproRandom

/// Raw streams of every bit generator against numpy's own `next_uint64`, `next_uint32` and
/// `next_double` (vectors from `scripts/reference_bitgen.py`).
@Suite struct BitGeneratorTests {
    struct Stream: Decodable {
        let algorithm: String
        let label: String
        let words: [UInt32]
        let spawnKey: [UInt64]
        let next64: [String]
        let next32: [String]
        let double: [String]
        let pattern: [String]
        let mixed: [String]
    }

    struct Jump: Decodable {
        let algorithm: String
        let op: String
        let delta: String
        let state: String?
        let increment: String?
        let startCounter: [String]?
        let counter: [String]?
        let next64: [String]
        let next32: [String]
        let double: [String]
    }

    struct File: Decodable {
        let streams: [Stream]
        let jumps: [Jump]
    }

    static let file: File = try! Vectors.load("bitgen", as: File.self)

    static func generator(for stream: Stream) -> any BitGenerator {
        let seq = SeedSequence(words: stream.words, spawnKey: stream.spawnKey)
        switch stream.algorithm {
        case "pcg64": return PCG64(seq)
        case "pcg64dxsm": return PCG64DXSM(seq)
        case "philox": return Philox(seq)
        case "sfc64": return SFC64(seq)
        case "mt19937": return MT19937(seq)
        case "mt19937-init-genrand": return MT19937(legacySeed: stream.words[0])
        case "mt19937-init-by-array": return MT19937(initByArray: stream.words)
        default: fatalError("unknown algorithm \(stream.algorithm) in vectors")
        }
    }

    /// Draws the three blocks and the mixed pattern in the order the script did.
    static func draw<G: BitGenerator>(_ generator: inout G, like stream: Stream) -> Stream {
        Stream(
            algorithm: stream.algorithm, label: stream.label, words: stream.words, spawnKey: stream.spawnKey,
            next64: stream.next64.map { _ in hexString(generator.next()) },
            next32: stream.next32.map { _ in hexString(UInt64(generator.nextUInt32())) },
            double: stream.double.map { _ in hexString(generator.nextDouble().bitPattern) },
            pattern: stream.pattern,
            mixed: stream.pattern.map { step in
                switch step {
                case "4": return hexString(UInt64(generator.nextUInt32()))
                case "6": return hexString(generator.next())
                default: return hexString(generator.nextDouble().bitPattern)
                }
            })
    }

    static func hexString(_ word: UInt64) -> String {
        let digits = String(word, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    @Test(arguments: file.streams.indices)
    func matchesNumpy(_ index: Int) {
        let stream = Self.file.streams[index]
        var generator = Self.generator(for: stream)
        let ours = Self.draw(&generator, like: stream)
        #expect(ours.next64 == stream.next64, "\(stream.algorithm) \(stream.label): next_uint64")
        #expect(ours.next32 == stream.next32, "\(stream.algorithm) \(stream.label): next_uint32")
        #expect(ours.double == stream.double, "\(stream.algorithm) \(stream.label): next_double")
        #expect(ours.mixed == stream.mixed, "\(stream.algorithm) \(stream.label): interleaved draws")
    }

    /// Saving mid-stream (with a half word buffered) and restoring continues the same stream.
    @Test(arguments: file.streams.indices.filter { file.streams[$0].label == "int 42" })
    func codableRestoresExactly(_ index: Int) throws {
        let stream = Self.file.streams[index]
        var generator = Self.generator(for: stream)
        try roundTrip(&generator)
    }

    func roundTrip<G: BitGenerator>(_ generator: inout G) throws {
        _ = generator.next()
        _ = generator.nextUInt32()
        let data = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(G.self, from: data)
        #expect(restored == generator)
        for _ in 0..<50 {
            #expect(restored.nextUInt32() == generator.nextUInt32())
            #expect(restored.next() == generator.next())
        }
    }

    @Test(arguments: file.jumps.indices)
    func advanceAndJumpMatchNumpy(_ index: Int) throws {
        let jump = Self.file.jumps[index]
        let delta = try #require(UInt256Words(decimal: jump.delta))
        switch jump.algorithm {
        case "pcg64", "pcg64dxsm":
            var pcg = PCG64(seed: 42)
            var dxsm = PCG64DXSM(seed: 42)
            _ = pcg.nextUInt32()
            _ = dxsm.nextUInt32()
            let low = delta.low128
            if jump.algorithm == "pcg64" {
                if jump.op == "jumped" { pcg = pcg.jumped(low) } else { pcg.advance(low) }
                #expect(String(pcg.lcg.state) == jump.state)
                #expect(String(pcg.lcg.increment) == jump.increment)
                check(&pcg, jump)
            } else {
                if jump.op == "jumped" { dxsm = dxsm.jumped(low) } else { dxsm.advance(low) }
                #expect(String(dxsm.lcg.state) == jump.state)
                check(&dxsm, jump)
            }
        default:
            let start = try #require(jump.startCounter).map(hex64)
            var philox = Philox(key: SIMD2(42, 43), counter: SIMD4(start[0], start[1], start[2], start[3]))
            _ = philox.next()
            _ = philox.nextUInt32()
            if jump.op == "jumped" { philox = philox.jumped(delta.low128) } else { philox.advance(delta.words) }
            #expect((0..<4).map { philox.counter[$0] } == (try #require(jump.counter)).map(hex64))
            check(&philox, jump)
        }
    }

    func check<G: BitGenerator>(_ generator: inout G, _ jump: Jump) {
        #expect(jump.next64.map { _ in Self.hexString(generator.next()) } == jump.next64)
        #expect(jump.next32.map { _ in Self.hexString(UInt64(generator.nextUInt32())) } == jump.next32)
        #expect(jump.double.map { _ in Self.hexString(generator.nextDouble().bitPattern) } == jump.double)
    }
}

/// A 256-bit unsigned integer parsed from decimal, as four words (least significant first).
struct UInt256Words {
    var words: SIMD4<UInt64> = .zero

    init?(decimal: String) {
        for digit in decimal.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            var carry = UInt64(digit - UInt8(ascii: "0"))
            for i in 0..<4 {
                let product = words[i].multipliedFullWidth(by: 10)
                let (sum, overflow) = product.low.addingReportingOverflow(carry)
                words[i] = sum
                carry = product.high &+ (overflow ? 1 : 0)
            }
        }
    }

    var low128: UInt128 { UInt128(words[1]) << 64 | UInt128(words[0]) }
}

@Suite struct BitGeneratorDecodingTests {
    @Test(arguments: [
        (#"{"key": [1, 2, 3], "position": 0}"#, "624 words"),
        (#"{"key": \#(Array(repeating: 0, count: 624)), "position": 625}"#, "position"),
    ])
    func corruptMT19937StateIsRejected(_ json: String, _ mention: String) {
        #expect {
            try JSONDecoder().decode(MT19937.self, from: Data(json.utf8))
        } throws: { error in
            "\(error)".contains(mention)
        }
    }

    @Test func corruptPCG64StateIsRejected() {
        let json = #"{"lcg": {"state": "12x", "increment": "1"}, "buffer": {"hasValue": false, "value": 0}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PCG64.self, from: Data(json.utf8)) }
    }
}
