import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock a writer holds on a run directory (docs/ARCHITECTURE.md §7) from before it reads or
/// writes anything there until it ends: `repro train`, `--resume` and the runs of `sweep` and
/// `exercise` each take it, so two processes never write one run.
///
/// It is `flock(LOCK_EX | LOCK_NB)` on the directory itself: no lock file is created (a refused
/// writer leaves the directory exactly as it was), and the operating system releases the lock
/// when the process ends in any way, `kill -9` included, so a lock is never stale. The lock is
/// held as long as this object lives (closing the descriptor releases it).
///
/// Readers (`compare`, `stats`, `plot`, `report`) take no lock: they read finished runs only, and
/// a run is finished once `manifest.json` exists, after which no writer touches it (a writer
/// refuses a directory with a manifest, under the lock).
public final class RunLock: Sendable {
    /// The locked directory, as given.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock on the existing directory `path`, waiting at most half a second.
    ///
    /// - Throws: ``RunFileError`` naming `path` when it cannot be opened as a directory, or when
    ///   another process holds the lock (naming that process where the system says which).
    public init(directory path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw RunFileError.system(path, "cannot open the run directory", errorNumber: errno) }
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw RunFileError.system(path, "cannot lock the run directory", errorNumber: code)
            }
            // A child this process forks holds a copy of every descriptor (and so of a lock this
            // process just released) until it executes its program: retry briefly before refusing.
            attempts += 1
            if attempts < Self.attempts {
                usleep(10_000)
                continue
            }
            // A holder that no longer shows in /proc/locks has just ended: try once more.
            guard let holder = Self.holder(of: fd) ?? (attempts > Self.attempts ? "" : nil) else { continue }
            close(fd)
            throw RunFileError(source: path, "is being written by another process"
                               + (holder.isEmpty ? "" : " (\(holder))") + "; a run has one writer at a time",
                               hint: "wait for it to end, or stop it; its lock ends with it")
        }
        self.path = path
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Tries, 10 ms apart, before a held lock is reported (half a second in all).
    static let attempts = 50

    /// `pid N: COMMAND LINE` of the process holding a `flock` on the file behind `fd`, read from
    /// `/proc/locks` (Linux); nil where the system does not say.
    static func holder(of fd: Int32) -> String? {
        var status = stat()
        guard fstat(fd, &status) == 0, let locks = try? AtomicFile.read("/proc/locks", limit: 1 << 24) else { return nil }
        // Lines such as `3: FLOCK  ADVISORY  WRITE 4242 00:2f:1234 0 EOF`: the device's major and
        // minor numbers in hex, then the inode.
        let device = UInt64(status.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        let file = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(status.st_ino))
        for line in String(decoding: locks, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", let pid = Int32(fields[4]),
                  fields[5] == file else { continue }
            let command = (try? AtomicFile.read("/proc/\(pid)/cmdline", limit: 1 << 16))
                .map { String(decoding: $0.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            return "pid \(pid)" + (command.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
        }
        return nil
    }
}
