import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The measurements behind `EnvironmentFingerprint.current`: `uname`, `/proc/cpuinfo`,
/// `/etc/os-release`, the C library, and `git`.
enum SystemProbe {
    /// `uname(2)`'s system name, release and machine; `unknown` for any it cannot give.
    static func systemName() -> (sysname: String, release: String, machine: String) {
        var name = utsname()
        guard uname(&name) == 0 else { return ("unknown", "unknown", "unknown") }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (text(name.sysname), text(name.release), text(name.machine))
    }

    /// The CPU model and feature flags of the first processor in `/proc/cpuinfo`'s `text`: `model
    /// name` and `flags` on x86-64; `Features` and, lacking a model name, `CPU implementer`/`CPU part`
    /// on arm64. `unknown` and no features when absent.
    static func cpuInfo(from text: String) -> (model: String, features: [String]) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty && !fields.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        let features = (fields["flags"] ?? fields["Features"] ?? "").split(separator: " ").map(String.init)
        if let model = fields["model name"] ?? fields["Hardware"] { return (model, features) }
        if let implementer = fields["CPU implementer"], let part = fields["CPU part"] {
            return ("CPU implementer \(implementer), part \(part)", features)
        }
        return ("unknown", features)
    }

    /// `PRETTY_NAME` from `/etc/os-release`, unquoted, or nil.
    static func osDistribution() -> String? {
        guard let bytes = try? AtomicFile.read("/etc/os-release", limit: 1 << 24) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var value = line.dropFirst("PRETTY_NAME=".count)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            return String(value)
        }
        return nil
    }

    /// `glibc 2.36` (`confstr(_CS_GNU_LIBC_VERSION)`), or nil where the C library does not say.
    static func libcVersion() -> String? {
        #if canImport(Glibc)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count)
        guard length > 0, length <= buffer.count else { return nil }
        return String(decoding: buffer.prefix(length - 1).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return nil
        #endif
    }

    /// The standard output of `git -C directory ARGUMENTS…`, or nil when git is missing, fails, or
    /// runs longer than `timeout` seconds (it is then terminated). Git runs with
    /// `GIT_OPTIONAL_LOCKS=0` and `LC_ALL=C`, no standard input, and its standard error discarded.
    static func git(_ arguments: [String], in directory: String, timeout: Double) -> String? {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        environment["LC_ALL"] = "C"
        return output(of: ["git", "-C", directory] + arguments, environment: environment, timeout: timeout)
    }

    /// The standard output of `command` (run through `/usr/bin/env`), or nil when it cannot start,
    /// fails, or runs longer than `timeout` seconds (it is then terminated).
    static func output(of command: [String], environment: [String: String], timeout: Double) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }

        let output = OutputBox()
        let finished = DispatchSemaphore(value: 0)
        let reader = pipe.fileHandleForReading
        DispatchQueue.global().async {
            output.data.withLock { $0 = reader.readDataToEndOfFile() }
            finished.signal()
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return output.data.withLock { String(decoding: $0, as: UTF8.self) }
    }

    private final class OutputBox: Sendable {
        let data = Mutex(Data())
    }

    /// A decoding error as one line: what is wrong and at which key path.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context): return "null where \(type) is expected\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
