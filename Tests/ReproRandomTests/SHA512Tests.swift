import Testing
@testable import ReproRandom

/// The internal SHA-512 against `hashlib.sha512` (vectors from `scripts/reference_legacy.py`): the
/// FIPS 180-4 examples and messages on both sides of the one- and two-block padding boundaries.
@Suite struct SHA512Tests {
    struct Case: Decodable {
        let message: String
        let digest: String
    }

    struct File: Decodable {
        let cases: [Case]
        let millionA: String
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var rest = Substring(hex)
        while !rest.isEmpty {
            out.append(UInt8(rest.prefix(2), radix: 16)!)
            rest = rest.dropFirst(2)
        }
        return out
    }

    @Test func fipsExample() {
        #expect(Self.hex(SHA512.digest(Array("abc".utf8))) == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    @Test func matchesHashlib() throws {
        let file = try Vectors.load("python_sha512", as: File.self)
        #expect(file.cases.count > 10)
        for c in file.cases {
            #expect(Self.hex(SHA512.digest(Self.bytes(c.message))) == c.digest, "message of \(c.message.count / 2) bytes")
        }
        #expect(Self.hex(SHA512.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == file.millionA)
    }
}
