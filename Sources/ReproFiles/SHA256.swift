import CSHA256

/// SHA-256 (FIPS 180-4), incremental: checksums of embedded data, files, checkpoints and runs.
/// Digests equal Python's `hashlib.sha256` and `sha256sum`.
///
/// The compression function is C (`Sources/CSHA256`): with the CPU's SHA instructions where it
/// has them (x86-64 SHA extensions, picked at run time) and portable code elsewhere. It replaced
/// swift-crypto, whose BoringSSL was two thirds of a first build, for one function.
///
/// ```swift
/// var hash = SHA256()
/// hash.update(bytes)
/// let digest = hash.finalize()          // 32 bytes
/// SHA256.hexDigest(of: bytes)           // "e3b0c442…" for no bytes
/// ```
public struct SHA256: Sendable {
    /// Which compression function hashes: `.fastest` (the SHA instructions where the CPU has
    /// them) or `.portable` (always the plain C code; tests compare the two).
    public enum Implementation: Sendable {
        case fastest, portable
    }

    private var context = repro_sha256_context()

    public init(_ implementation: Implementation = .fastest) {
        repro_sha256_init(&context, implementation == .portable ? 1 : 0)
    }

    /// Whether `.fastest` uses the CPU's SHA instructions on this machine.
    public static var usesHardware: Bool { repro_sha256_has_hardware() != 0 }

    /// Appends `bytes` to the message.
    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            repro_sha256_update(&context, buffer.baseAddress, buffer.count)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { repro_sha256_update(&context, $0.baseAddress, $0.count) }
        }
    }

    /// The 32-byte digest of everything appended.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { repro_sha256_final(&context, $0.baseAddress!) }
        return digest
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal digits (`sha256sum`'s output).
    public static func hexDigest<Bytes: Sequence<UInt8>>(of bytes: Bytes) -> String {
        var hash = SHA256()
        hash.update(bytes)
        return hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
