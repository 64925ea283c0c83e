import Foundation
import ReproFiles

/// Reading a data file's bytes and unpacking gzip, shared by ``CSVReader`` and ``IDXReader``.
enum DataFile {
    /// The largest data file read: 16 GiB, far beyond any dataset that fits a training process.
    static let sizeLimit = 1 << 34

    /// The bytes of the regular file at `path` (``RegularFile``: a FIFO or device is refused
    /// without blocking, and at most ``sizeLimit`` bytes are read).
    ///
    /// - Throws: ``DataError`` naming `path` and the reason (`No such file or directory`,
    ///   `Permission denied`, `it is a directory, not a regular file`, …).
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return try RegularFile.read(path, limit: sizeLimit)
        } catch {
            let reason = error.errorNumber.map { String(cString: strerror($0)) } ?? "it \(error.message)"
            throw DataError(source: path, "cannot read the file: \(reason)")
        }
    }

    /// Whether `bytes` start with the gzip magic `1f 8b` (RFC 1952), whatever the file is called.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// `bytes` decompressed with ``Gzip/decompress(_:source:)`` when they start with the gzip magic,
    /// else `bytes` unchanged.
    ///
    /// - Throws: ``DataError`` at `offset N` (in the compressed bytes) with the ``GzipFormatError``'s
    ///   message after `invalid gzip data: `, so that a reader's caller has one error type to catch.
    static func decompressedIfGzip(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        guard isGzip(bytes) else { return bytes }
        do {
            return try Gzip.decompress(bytes, source: source)
        } catch {
            throw DataError(source: source, location: "offset \(error.offset)", "invalid gzip data: \(error.message)")
        }
    }
}
