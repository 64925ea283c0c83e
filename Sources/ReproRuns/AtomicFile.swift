import Foundation
import ReproFiles
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file operations for run files (docs/ARCHITECTURE.md §6, §9): a reader sees either the old
/// content or the new one, never a mixture, and a failed write leaves nothing behind.
///
/// Every failure throws a `RunFileError` naming the path, the operation, and the operating system's
/// reason (`strerror`), with `errorNumber` set to `errno`.
public enum AtomicFile {
    /// Where `write` may be made to fail, for tests of the cleanup path.
    enum Stage { case afterWrite, afterSync, beforeRename }

    private static let counter = Atomic<Int>(0)

    /// Replaces the file at `path` with `bytes`, atomically and durably.
    ///
    /// The bytes go to a new temporary file in the same directory (`.NAME.tmp-PID-N`, created with
    /// `O_EXCL`, so concurrent writers never share one), which is `fsync`ed, `rename`d over `path`,
    /// after which the directory is `fsync`ed so the rename itself survives a power cut. On any
    /// failure before the rename the temporary file is removed and `path` is untouched. A new file
    /// gets mode 0666 less the process umask (the mode of a replaced file is not kept).
    ///
    /// - Throws: `RunFileError` naming `path` and the failed system call.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(bytes, to: path, failingAt: nil)
    }

    /// Replaces the file at `path` with the UTF-8 bytes of `text`; see `write(_:to:)` for the contract.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path, failingAt: nil)
    }

    static func write(_ bytes: [UInt8], to path: String, failingAt stage: Stage?) throws {
        let (directory, name) = try split(path)
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<100 {
            let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
            temporary = "\(directory)/.\(name).tmp-\(getpid())-\(n)"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        if fd < 0 { throw RunFileError.system(path, "cannot create temporary file \(temporary)", errorNumber: errno) }

        func fail(_ operation: String, _ code: Int32) -> RunFileError {
            close(fd)
            unlink(temporary)
            return RunFileError.system(path, operation, errorNumber: code)
        }
        if let code = writeAll(fd, bytes) { throw fail("cannot write temporary file \(temporary)", code) }
        if stage == .afterWrite { throw fail("injected failure after writing \(temporary)", EIO) }
        if fsync(fd) != 0 { throw fail("cannot fsync temporary file \(temporary)", errno) }
        if stage == .afterSync { throw fail("injected failure after syncing \(temporary)", EIO) }
        if close(fd) != 0 {
            let code = errno
            unlink(temporary)
            throw RunFileError.system(path, "cannot close temporary file \(temporary)", errorNumber: code)
        }
        faultInjectionPause()
        if stage == .beforeRename {
            unlink(temporary)
            throw RunFileError.system(path, "injected failure before renaming \(temporary)", errorNumber: EIO)
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw RunFileError.system(path, "cannot rename \(temporary) to \(path)", errorNumber: code)
        }
        try syncDirectory(directory, for: path)
    }

    /// Crash tests (`REPRO_FAULT_PAUSE_BEFORE_RENAME_MS=N` in the environment): every atomic write
    /// sleeps N milliseconds after its temporary file is complete and before the rename, so a test
    /// can kill the process in the middle of a write. Without the variable it does nothing.
    static let faultPauseMicroseconds: UInt32? = ProcessInfo.processInfo
        .environment["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS"].flatMap { UInt32($0) }.map { $0 * 1000 }

    private static func faultInjectionPause() {
        if let pause = faultPauseMicroseconds { usleep(pause) }
    }

    /// The largest run file read by default: 64 GiB (model and checkpoint files of large models).
    public static let defaultReadLimit = 1 << 36

    /// The whole content of the regular file at `path`, at most `limit` bytes, read until end of
    /// file (so `/proc` files work too). A FIFO, device or directory in its place is refused
    /// without blocking (``RegularFile``).
    ///
    /// - Throws: `RunFileError` naming `path` and the failed system call (`ENOENT`, …), or saying
    ///   that it is not a regular file or is larger than `limit`.
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws -> [UInt8] {
        do {
            return try RegularFile.read(path, limit: limit)
        } catch {
            throw RunFileError(source: path, error.message, errorNumber: error.errorNumber)
        }
    }

    /// Appends `bytes` to the file at `path` (created when missing) and `fsync`s it before returning.
    ///
    /// Durable but not atomic: once it returns the bytes are on disk, but a crash during the call can
    /// leave a prefix of them (`MetricsLog` detects such a torn last line). When the write itself
    /// fails, the file is cut back to its previous length before the error is thrown.
    ///
    /// - Throws: `RunFileError` naming `path` and the failed system call.
    public static func append(_ bytes: [UInt8], to path: String) throws {
        var created = false
        // Non-blocking, so that a FIFO in its place is refused below instead of waiting for a reader.
        var fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 && errno == ENOENT {
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0o666)
            created = fd >= 0
            if fd < 0 && errno == EEXIST { fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC) }
        }
        if fd < 0 { throw RunFileError.system(path, "cannot open for appending", errorNumber: errno) }
        var status = stat()
        if fstat(fd, &status) != 0 {
            let code = errno
            close(fd)
            throw RunFileError.system(path, "cannot stat", errorNumber: code)
        }
        if let kind = RegularFile.kindName(status.st_mode) {
            close(fd)
            throw RunFileError(source: path, "is \(kind), not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let previousLength = status.st_size
        if let code = writeAll(fd, bytes) {
            _ = ftruncate(fd, previousLength)
            close(fd)
            throw RunFileError.system(path, "cannot append", errorNumber: code)
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw RunFileError.system(path, "cannot fsync", errorNumber: code)
        }
        if close(fd) != 0 { throw RunFileError.system(path, "cannot close", errorNumber: errno) }
        if created { try syncDirectory(try split(path).directory, for: path) }
    }

    /// Appends `line` and a newline to the file at `path`, durably; see `append(_:to:)`.
    ///
    /// - Throws: `RunFileError` when `line` contains a newline (it would become two lines) or the
    ///   append fails.
    public static func appendLine(_ line: String, to path: String) throws {
        if line.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            throw RunFileError(source: path, "cannot append a line that contains a line break: \(line.debugDescription)")
        }
        try append(Array(line.utf8) + [0x0A], to: path)
    }

    /// The directory (`.` for a bare name) and file name of `path`.
    static func split(_ path: String) throws -> (directory: String, name: String) {
        let bytes = Array(path.utf8)
        guard let last = bytes.last, last != UInt8(ascii: "/") else {
            throw RunFileError(source: path, "not a file path (empty, or ends with '/')")
        }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let directory = slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        return (directory, String(decoding: bytes[(slash + 1)...], as: UTF8.self))
    }

    /// `fsync` on a directory, so a rename or creation in it is durable. File systems that cannot
    /// sync a directory (`EINVAL`, `ENOTSUP`) are taken as having nothing to do.
    private static func syncDirectory(_ directory: String, for path: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw RunFileError.system(path, "cannot open directory \(directory) to fsync it", errorNumber: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP {
            throw RunFileError.system(path, "written, but cannot fsync directory \(directory)", errorNumber: errno)
        }
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`; the `errno` of a failure.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
    }
}

// The C function, reachable by a name that `AtomicFile`'s own `write` does not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
