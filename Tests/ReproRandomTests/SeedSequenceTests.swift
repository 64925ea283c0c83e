import Foundation
import Testing
@testable import ReproRandom

/// `SeedSequence` against numpy's pool, `generate_state` and `spawn` (vectors from
/// `scripts/reference_bitgen.py`).
@Suite struct SeedSequenceTests {
    struct Case: Decodable {
        let label: String
        let words: [UInt32]
        let spawnKey: [UInt64]
        let pool: [UInt32]
        let state32: [UInt32]
        let state64: [String]
        let spawnedChild1: [UInt32]
    }

    struct File: Decodable { let cases: [Case] }

    static let cases: [Case] = try! Vectors.load("seedsequence", as: File.self).cases

    @Test(arguments: cases.indices)
    func matchesNumpy(_ index: Int) {
        let c = Self.cases[index]
        var seq = SeedSequence(words: c.words, spawnKey: c.spawnKey)
        #expect(seq.pool == c.pool, "\(c.label)")
        #expect(seq.generateState(count: 8) == c.state32, "\(c.label)")
        #expect(seq.generateState64(count: 4) == c.state64.map(hex64), "\(c.label)")
        #expect(seq.spawn(2)[1].generateState(count: 4) == c.spawnedChild1, "\(c.label)")
        #expect(seq.childrenSpawned == 2)
        #expect(seq.spawn(1)[0].spawnKey == c.spawnKey + [2], "spawn continues after earlier children")
    }

    @Test func decimalSeedsSpellTheSameWords() throws {
        #expect(try SeedSequence(decimal: "0").entropy == [0])
        #expect(try SeedSequence(decimal: "4294967296").entropy == [0, 1])
        #expect(try SeedSequence(decimal: "18446744073709551615") == SeedSequence(UInt64.max))
        // 2^127 + 2^64 + 12345
        #expect(try SeedSequence(decimal: "170141183460469231750134047789593669689").entropy
            == [12345, 0, 1, 0x8000_0000])
    }

    @Test(arguments: ["-1", "-12345678901234567890123", "", "12a", "1.5", "0x10", " 7"])
    func rejectsWhatNumpyRejects(_ text: String) {
        #expect {
            try SeedSequence(decimal: text)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("SeedSequence:") && (message.contains("non-negative") || message.contains("digits 0-9"))
        }
    }
}
