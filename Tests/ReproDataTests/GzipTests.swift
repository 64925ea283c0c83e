import Foundation
import Testing
@testable import ReproData
import ReproFiles

/// `Vectors/gzip.json` and `Vectors/gzip/*.gz`, written by `scripts/reference_gzip.py`.
struct GzipVectorFile: Decodable {
    struct Case: Decodable {
        let name: String
        let file: String
        let length: Int
        let sha256: String
    }
    let cases: [Case]
}

enum GzipVectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

    static let manifest: GzipVectorFile = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("gzip.json"))
        return try! JSONDecoder().decode(GzipVectorFile.self, from: data)
    }()

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent("gzip").appendingPathComponent(file)))
    }
}

/// Writes a DEFLATE stream bit by bit, to make streams zlib never writes.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    /// `count` bits of `value`, least significant first (header fields, extra bits).
    mutating func write(_ value: Int, _ count: Int) {
        for bit in 0..<count { append(value >> bit & 1) }
    }

    /// A Huffman code of `count` bits, most significant first.
    mutating func code(_ value: Int, _ count: Int) {
        for bit in (0..<count).reversed() { append(value >> bit & 1) }
    }

    private mutating func append(_ bit: Int) {
        if bitCount % 8 == 0 { bytes.append(0) }
        bytes[bytes.count - 1] |= UInt8(bit << (bitCount % 8))
        bitCount += 1
    }
}

/// A gzip member around `deflate` (10-byte header, no flags), with the trailer of `payload`.
func gzipMember(deflate: [UInt8], payload: [UInt8] = []) -> [UInt8] {
    let crc = payload.withUnsafeBufferPointer { CRC32.checksum($0[...]) }
    let trailer = [crc, UInt32(payload.count)].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    return [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff] + deflate + trailer
}

/// The error `data` is rejected with, or nil (recorded as a failure) when it decompresses.
func gzipError(_ data: [UInt8], source: String = "test.gz", sourceLocation: SourceLocation = #_sourceLocation) -> GzipFormatError? {
    #expect(throws: GzipFormatError.self, sourceLocation: sourceLocation) { try Gzip.decompress(data, source: source) }
}

@Suite struct GzipTests {
    @Test(arguments: GzipVectors.manifest.cases.map(\.name))
    func vectorDecompressesToItsPayload(name: String) throws {
        let entry = try #require(GzipVectors.manifest.cases.first { $0.name == name })
        let output = try Gzip.decompress(try GzipVectors.bytes(entry.file), source: entry.file)
        #expect(output.count == entry.length)
        #expect(SHA256.hexDigest(of: output) == entry.sha256)
    }

    @Test func manifestCoversEveryCase() {
        let names = Set(GzipVectors.manifest.cases.map(\.name))
        #expect(names.isSuperset(of: ["empty", "one_byte", "text_level0", "text_level1", "text_level6", "text_level9",
                                      "text_fixed", "repetitive", "far_distance", "random", "named", "all_flags",
                                      "two_members"]))
    }

    @Test func digitsDecompressesToThePinnedText() throws {
        let output = try Gzip.decompress(try GzipVectors.bytes("digits.csv.gz"), source: "digits.csv.gz")
        #expect(output.count == 264_712)
        #expect(SHA256.hexDigest(of: output) == "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8")
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1798 && lines.last == "")
        #expect(lines.dropLast().allSatisfy { $0.split(separator: ",").count == 65 })
    }

    @Test func crc32MatchesTheCheckValue() {
        let bytes = Array("123456789".utf8)
        #expect(bytes.withUnsafeBufferPointer { CRC32.checksum($0[...]) } == 0xcbf4_3926)
    }

    @Test(arguments: ["named", "all_flags", "text_fixed", "two_members"])
    func truncationAnywhereIsReportedAtTheEnd(name: String) throws {
        let data = try GzipVectors.bytes("\(name).gz")
        // For two members, a cut at the end of the first member leaves a valid file.
        let firstMemberEnd = name == "two_members" ? try #require(secondMemberStart(data)) : -1
        for cut in 0..<data.count where cut != firstMemberEnd {
            let error = gzipError(Array(data[..<cut]), source: "\(name).gz")
            #expect(error?.offset == cut, "cut at \(cut): \(error?.description ?? "")")
            #expect(error?.message.hasSuffix("found end of data") == true, "cut at \(cut): \(error?.description ?? "")")
        }
    }

    /// The offset of the second gzip magic in a file of two small members written with mtime 0.
    private func secondMemberStart(_ data: [UInt8]) -> Int? {
        (1..<data.count - 3).first { data[$0] == 0x1f && data[$0 + 1] == 0x8b && data[$0 + 2] == 8 && data[$0 + 3] == 0 }
    }

    @Test func wrongMagicNamesTheSourceOffsetAndBytes() {
        let zip: [UInt8] = [0x50, 0x4b, 3, 4] + [UInt8](repeating: 0, count: 30)
        #expect(gzipError(zip, source: "digits.csv.gz")?.description
                == "digits.csv.gz: offset 0: expected gzip magic 1f 8b, found 50 4b")
        #expect(gzipError([], source: "empty.gz")?.description
                == "empty.gz: offset 0: expected gzip magic 1f 8b, found end of data")
    }

    @Test func trailingBytesMustBeAnotherMember() throws {
        let data = try GzipVectors.bytes("one_byte.gz")
        #expect(gzipError(data + [0, 0])?.description
                == "test.gz: offset \(data.count): expected gzip magic 1f 8b, found 00 00")
    }

    @Test func headerFieldsAreChecked() throws {
        var data = try GzipVectors.bytes("one_byte.gz")
        data[2] = 7
        #expect(gzipError(data)?.description == "test.gz: offset 2: expected compression method 8 (deflate), found 7")
        data[2] = 8
        data[3] = 0x20
        #expect(gzipError(data)?.description
                == "test.gz: offset 3: expected reserved header flag bits 5-7 clear, found flags 20")
    }

    @Test func headerCRCIsChecked() throws {
        var data = try GzipVectors.bytes("all_flags.gz")
        // The header: 10 bytes, extra field (2 + 8), "notes.txt\0", "a comment\0", then the CRC-16.
        let crcOffset = 10 + 2 + 8 + 10 + 10
        data[crcOffset] ^= 1
        let error = gzipError(data)
        #expect(error?.offset == crcOffset)
        #expect(error?.message.hasPrefix("expected header CRC-16 ") == true, "\(error?.description ?? "")")
    }

    @Test func trailerCRCAndLengthAreChecked() throws {
        let data = try GzipVectors.bytes("named.gz")
        var badCRC = data
        badCRC[data.count - 8] ^= 0x80
        let crcError = gzipError(badCRC)
        #expect(crcError?.offset == data.count - 8)
        #expect(crcError?.message.hasPrefix("expected CRC-32 ") == true && crcError?.message.hasSuffix(" in the trailer") == true,
                "\(crcError?.description ?? "")")
        var badLength = data
        badLength[data.count - 4] ^= 1
        #expect(gzipError(badLength)?.description
                == "test.gz: offset \(data.count - 4): expected length 2000 (mod 2^32) of the decompressed data, found 2001 in the trailer")
    }

    @Test func craftedFixedBlockWithOverlappingCopy() throws {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(1, 2)  // final, fixed
        bits.code(0x30 + 0x61, 8)  // 'a'
        bits.code(264 - 256, 7)  // length 10
        bits.code(0, 5)  // distance 1
        bits.code(0, 7)  // end of block
        let payload = [UInt8](repeating: 0x61, count: 11)
        #expect(try Gzip.decompress(gzipMember(deflate: bits.bytes, payload: payload), source: "test.gz") == payload)
    }

    @Test func invalidBlockType() {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(3, 2)
        #expect(gzipError(gzipMember(deflate: bits.bytes))?.description
                == "test.gz: offset 10: expected block type 0, 1 or 2, found 3")
    }

    @Test func storedLengthComplementIsChecked() {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(0, 2)
        let deflate = bits.bytes + [5, 0, 0, 0, 1, 2, 3, 4, 5]
        #expect(gzipError(gzipMember(deflate: deflate, payload: [1, 2, 3, 4, 5]))?.description
                == "test.gz: offset 13: expected stored block length complement fffa, found 0000")
    }

    @Test func distanceBeforeTheStartIsRejected() {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(1, 2)
        bits.code(0x30 + 0x61, 8)  // 'a'
        bits.code(257 - 256, 7)  // length 3
        bits.code(1, 5)  // distance 2
        bits.code(0, 7)
        #expect(gzipError(gzipMember(deflate: bits.bytes))?.description
                == "test.gz: offset 12: distance 2 reaches before the start of the data (1 bytes written)")
    }

    @Test func distancesDoNotReachIntoThePreviousMember() throws {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(1, 2)
        bits.code(257 - 256, 7)  // length 3
        bits.code(0, 5)  // distance 1, with nothing written by this member
        bits.code(0, 7)
        let first = try GzipVectors.bytes("one_byte.gz")
        let error = gzipError(first + gzipMember(deflate: bits.bytes))
        #expect(error?.offset == first.count + 11)  // the distance code starts in the second byte
        #expect(error?.message == "distance 1 reaches before the start of the data (0 bytes written)")
    }

    @Test func reservedFixedSymbolsAreRejected() {
        var length = BitWriter()
        length.write(1, 1); length.write(1, 2)
        length.code(0xc0 + 286 - 280, 8)
        #expect(gzipError(gzipMember(deflate: length.bytes))?.description
                == "test.gz: offset 10: invalid Huffman code: length symbol 286 is reserved")
        var distance = BitWriter()
        distance.write(1, 1); distance.write(1, 2)
        distance.code(257 - 256, 7)
        distance.code(30, 5)
        #expect(gzipError(gzipMember(deflate: distance.bytes))?.description
                == "test.gz: offset 11: invalid Huffman code: distance symbol 30 is reserved")
    }

    @Test func overSubscribedCodeLengthCodeIsRejected() {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(2, 2)  // final, dynamic
        bits.write(0, 5); bits.write(0, 5); bits.write(15, 4)  // 257 + 1 codes, 19 code length code lengths
        for _ in 0..<19 { bits.write(1, 3) }
        #expect(gzipError(gzipMember(deflate: bits.bytes))?.description
                == "test.gz: offset 10: invalid Huffman code: code length code is over-subscribed")
    }

    @Test func missingEndOfBlockCodeIsRejected() {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(2, 2)
        bits.write(0, 5); bits.write(0, 5); bits.write(14, 4)  // 18 code length code lengths: up to symbol 1
        // Code length symbols 18 and 1 get 1-bit codes: 1 → 0, 18 → 1.
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]
        for symbol in order { bits.write(symbol == 18 || symbol == 1 ? 1 : 0, 3) }
        bits.code(1, 1); bits.write(138 - 11, 7)  // 138 zeros
        bits.code(1, 1); bits.write(119 - 11, 7)  // 119 zeros: literal/length 0...256 all absent
        bits.code(0, 1)  // the one distance code has length 1
        #expect(gzipError(gzipMember(deflate: bits.bytes))?.description
                == "test.gz: offset 10: invalid Huffman code: no code for end of block")
    }

    /// A final dynamic block header whose code length code gives code length symbols 18 → `0`,
    /// 1 → `10`, 2 → `11`, and whose literal/length code has 97 ('a') → `0`, 256 → `10` and, when
    /// `literalCount` is 258, 257 → `11`; the distance code has one symbol, 0 → `0`.
    private func dynamicHeader(literalCount: Int) -> BitWriter {
        var bits = BitWriter()
        bits.write(1, 1); bits.write(2, 2)
        bits.write(literalCount - 257, 5); bits.write(0, 5); bits.write(14, 4)
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]
        for symbol in order { bits.write(symbol == 18 ? 1 : symbol == 1 || symbol == 2 ? 2 : 0, 3) }
        bits.code(0, 1); bits.write(97 - 11, 7)  // literal/length 0..<97: absent
        bits.code(2, 2)  // 97: length 1
        bits.code(0, 1); bits.write(138 - 11, 7)  // 98..<236
        bits.code(0, 1); bits.write(20 - 11, 7)  // 236..<256
        bits.code(3, 2)  // 256: length 2
        if literalCount == 258 { bits.code(3, 2) }  // 257: length 2
        bits.code(2, 2)  // distance 0: length 1
        return bits
    }

    @Test func singleDistanceCodeDecodesAndItsUnusedCodeIsRejected() throws {
        var valid = dynamicHeader(literalCount: 258)
        valid.code(0, 1)  // 'a'
        valid.code(3, 2)  // length 3
        valid.code(0, 1)  // distance 1
        valid.code(2, 2)  // end of block
        let payload = Array("aaaa".utf8)
        #expect(try Gzip.decompress(gzipMember(deflate: valid.bytes, payload: payload), source: "test.gz") == payload)

        var invalid = dynamicHeader(literalCount: 258)
        invalid.code(0, 1)
        invalid.code(3, 2)
        let distanceOffset = 10 + invalid.bitCount / 8
        invalid.code(1, 1)  // no distance code is 1
        #expect(gzipError(gzipMember(deflate: invalid.bytes))?.description
                == "test.gz: offset \(distanceOffset): invalid Huffman code: expected a distance code, found bits that match no code")
    }

    @Test func incompleteLiteralLengthCodeIsRejected() {
        #expect(gzipError(gzipMember(deflate: dynamicHeader(literalCount: 257).bytes))?.description
                == "test.gz: offset 10: invalid Huffman code: literal/length code is incomplete")
    }

    /// Every single-bit corruption after the header is rejected with a ``GzipFormatError`` (never a
    /// trap), except in the unused bits after the last block, which decode to the same payload.
    @Test func bitFlipsAreRejectedWithoutTrapping() throws {
        let data = try GzipVectors.bytes("named.gz")
        let payload = try Gzip.decompress(data, source: "named.gz")
        let headerLength = 10 + "notes.txt".utf8.count + 1
        var accepted = 0
        for bit in headerLength * 8..<data.count * 8 {
            var corrupted = data
            corrupted[bit / 8] ^= 1 << UInt8(bit % 8)
            do {
                #expect(try Gzip.decompress(corrupted, source: "named.gz") == payload, "bit \(bit)")
                accepted += 1
            } catch {}
        }
        #expect(accepted < 8)
    }
}
