#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A run file (checkpoint, safetensors file, metrics log, manifest) that cannot be read or written:
/// which file, where in it, what is wrong, and — where one helps — what to do about it.
///
/// ReproRuns uses its own error rather than ReproData's `DataError` because run files fail in ways
/// data files do not: a write can fail in the operating system (`errorNumber` then holds `errno` and
/// `message` its `strerror` text), and a damaged checkpoint or log usually has a remedy (`hint`).
/// Readers never guess past bad bytes: every malformed input is reported, nothing is skipped.
public struct RunFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was read or written: a file path, or `(in memory)` for bytes that never were a file.
    public let source: String
    /// Where in it, e.g. `offset 57`, `tensor 'w'`, `line 3`; empty when it is the whole source.
    public let location: String
    /// What was expected and what was found, or which operating-system call failed and why.
    public let message: String
    /// What to do about it; empty when there is nothing useful to say.
    public let hint: String
    /// The `errno` of the failed operating-system call, or nil when the content was at fault.
    public let errorNumber: Int32?

    /// An error about `source` (at `location`, when not empty) saying `message`, with an optional
    /// `hint` and the `errno` of a failed system call.
    package init(source: String, location: String = "", _ message: String, hint: String = "",
                errorNumber: Int32? = nil) {
        self.source = source
        self.location = location
        self.message = message
        self.hint = hint
        self.errorNumber = errorNumber
    }

    /// An operating-system failure: `operation` (e.g. `cannot rename … to …`) followed by
    /// `strerror(errorNumber)` and the number itself.
    static func system(_ path: String, _ operation: String, errorNumber: Int32) -> RunFileError {
        RunFileError(source: path, "\(operation): \(String(cString: strerror(errorNumber))) (errno \(errorNumber))",
                     errorNumber: errorNumber)
    }

    /// `source: location: message (hint: …)`, the location and hint only when present.
    public var description: String {
        var text = location.isEmpty ? "\(source): \(message)" : "\(source): \(location): \(message)"
        if !hint.isEmpty { text += " (hint: \(hint))" }
        return text
    }
}
