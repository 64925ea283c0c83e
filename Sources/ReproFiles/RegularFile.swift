#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole file that must be a regular file of bounded size: the one way data files and
/// run files are read, so that a hostile path never hangs or exhausts memory.
///
/// - The file is opened with `O_NONBLOCK`, so a FIFO in its place does not wait for a writer, and
///   refused unless `fstat` says it is a regular file (a FIFO, a socket, a directory, `/dev/zero` —
///   through a symbolic link or not — are refused by kind).
/// - At most `limit` bytes are read: a file whose size exceeds it is refused before reading, and
///   one that grows past it while being read (or reports size 0, as `/proc` files do) is refused
///   at the limit.
package enum RegularFile {
    /// Why a read failed: the failed operation (`cannot open`, `is a FIFO, not a regular file`, …)
    /// and the `errno` of a failed system call, or nil when the file's kind or size was at fault.
    package struct Failure: Error, Sendable {
        package let message: String
        package let errorNumber: Int32?
    }

    /// The whole content of the regular file at `path`, at most `limit` bytes.
    package static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw system("cannot open", errno) }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) != 0 { throw system("cannot stat", errno) }
        if let kind = kindName(status.st_mode) {
            throw Failure(message: "is \(kind), not a regular file",
                          errorNumber: status.st_mode & S_IFMT == S_IFDIR ? EISDIR : nil)
        }
        if Int64(status.st_size) > Int64(limit) {
            throw Failure(message: "is \(status.st_size) bytes, more than the \(limit) bytes such a file can hold",
                          errorNumber: nil)
        }
        // Regular files never block; clear the flag so reads behave as usual everywhere.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var result: [UInt8] = []
        if status.st_size > 0 { result.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw system("cannot read", errno)
            }
            if count == 0 { return result }
            if result.count + count > limit {
                throw Failure(message: "holds more than the \(limit) bytes such a file can hold", errorNumber: nil)
            }
            result += chunk[..<count]
        }
    }

    /// "a FIFO", "a directory", … for a file mode that is not a regular file; nil for a regular one.
    package static func kindName(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a plain file"
        }
    }

    private static func system(_ operation: String, _ code: Int32) -> Failure {
        Failure(message: "\(operation): \(String(cString: strerror(code))) (errno \(code))", errorNumber: code)
    }
}

// The C function, reachable by a name that no `read` method shadows.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
