import Foundation
import Testing
import ReproFiles

/// Digests from Python's `hashlib.sha256`, at the padding boundaries (55, 56, 63, 64, 119 bytes),
/// for both compression functions (the SHA instructions, where this CPU has them, and the portable
/// code).
@Suite struct SHA256Tests {
    static let implementations: [SHA256.Implementation] = [.fastest, .portable]

    static func hex(_ digest: [UInt8]) -> String {
        digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func hexDigest(_ bytes: [UInt8], _ implementation: SHA256.Implementation) -> String {
        var hash = SHA256(implementation)
        hash.update(bytes)
        return hex(hash.finalize())
    }

    static let cases: [(Int, String)] = [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ]

    @Test(arguments: implementations) func matchesHashlib(_ implementation: SHA256.Implementation) {
        #expect(SHA256.hexDigest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.hexDigest(Array("abc".utf8), implementation)
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        for (count, digest) in Self.cases {
            #expect(Self.hexDigest([UInt8](repeating: 0x61, count: count), implementation) == digest,
                    "\(count) bytes of 'a'")
        }
    }

    /// 1 MiB of the bytes (31·i + 7) mod 256: `hashlib.sha256(bytes((i*31+7) % 256 for i in
    /// range(1 << 20))).hexdigest()`, in one update and in uneven pieces.
    @Test(arguments: implementations) func aMebibyteMatchesHashlib(_ implementation: SHA256.Implementation) {
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = "06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286"
        #expect(Self.hexDigest(bytes, implementation) == expected)
        var hash = SHA256(implementation)
        var start = 0
        for size in [1, 100, 4095, 65_537, 1 << 19] {
            hash.update(bytes[start..<start + size])
            start += size
        }
        hash.update(bytes[start...])
        #expect(Self.hex(hash.finalize()) == expected)
    }

    @Test(arguments: implementations)
    func incrementalUpdatesGiveTheOneShotDigest(_ implementation: SHA256.Implementation) {
        let bytes = [UInt8](repeating: 0x61, count: 1000)
        for split in [0, 1, 63, 64, 65, 500, 1000] {
            var hash = SHA256(implementation)
            hash.update(bytes[..<split])
            hash.update(bytes[split...])
            #expect(Self.hex(hash.finalize()) == Self.cases.last!.1, "split at \(split)")
        }
    }

    /// A copy of a hash in progress is independent of the original (the hash is a value).
    @Test func aCopyForksTheHash() {
        var hash = SHA256()
        hash.update(Array("ab".utf8))
        var copy = hash
        hash.update(Array("c".utf8))
        copy.update(Array("d".utf8))
        #expect(Self.hex(hash.finalize()) == SHA256.hexDigest(of: Array("abc".utf8)))
        #expect(Self.hex(copy.finalize()) == SHA256.hexDigest(of: Array("abd".utf8)))
    }

    /// The machines this project runs on have the SHA extensions; where one does not, `.fastest`
    /// is the portable code and the comparisons above test it twice.
    @Test func reportsWhetherItUsesTheSHAInstructions() {
        #if arch(x86_64)
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if cpuinfo.contains(" sha_ni") { #expect(SHA256.usesHardware) }
        #else
        #expect(!SHA256.usesHardware)
        #endif
    }
}
