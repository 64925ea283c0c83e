import Foundation

/// Reading a data file's bytes and unpacking gzip, shared by ``CSVReader`` and ``IDXReader``.
enum DataFile {
    /// The bytes of the file at `path`.
    ///
    /// - Throws: ``DataError`` naming `path` and the operating system's reason (`No such file or
    ///   directory`, `Permission denied`, `Is a directory`).
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DataError(source: path, "cannot read the file: \(reason(error))")
        }
    }

    /// The POSIX reason under a Foundation file error (`strerror`), else the error's own description.
    private static func reason(_ error: any Error) -> String {
        // On Linux the underlying error is a Swift `POSIXError`, which `as? NSError` does not match.
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain, let text = strerror(Int32(posix.code)) { return String(cString: text) }
        }
        return error.localizedDescription
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
