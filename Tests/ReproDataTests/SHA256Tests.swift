import Testing
import ReproData

/// Digests from Python's `hashlib.sha256`, at the padding boundaries (55, 56, 63, 64, 119 bytes).
@Suite struct SHA256Tests {
    static let cases: [(Int, String)] = [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ]

    @Test func matchesHashlib() {
        #expect(SHA256.hexDigest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        for (count, digest) in Self.cases {
            #expect(SHA256.hexDigest(of: [UInt8](repeating: 0x61, count: count)) == digest, "\(count) bytes of 'a'")
        }
    }

    /// 1 MiB of the bytes (31·i + 7) mod 256: `hashlib.sha256(bytes((i*31+7) % 256 for i in
    /// range(1 << 20))).hexdigest()`, in one update and in uneven pieces.
    @Test func aMebibyteMatchesHashlib() {
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = "06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286"
        #expect(SHA256.hexDigest(of: bytes) == expected)
        var hash = SHA256()
        var start = 0
        for size in [1, 100, 4095, 65_537, 1 << 19] {
            hash.update(bytes[start..<start + size])
            start += size
        }
        hash.update(bytes[start...])
        #expect(hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == expected)
    }

    @Test func incrementalUpdatesGiveTheOneShotDigest() {
        let bytes = [UInt8](repeating: 0x61, count: 1000)
        for split in [0, 1, 63, 64, 65, 500, 1000] {
            var hash = SHA256()
            hash.update(bytes[..<split])
            hash.update(bytes[split...])
            let hex = hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            #expect(hex == Self.cases.last!.1, "split at \(split)")
        }
    }
}
