import Foundation

/// Whether Swift's `Hasher` is seeded deterministically in this process, and a way to make it so.
///
/// Swift seeds `Hasher` randomly per process, so `Set` and `Dictionary` iteration order changes
/// from run to run unless the process *starts* with `SWIFT_DETERMINISTIC_HASHING` set. The runtime
/// reads the variable once, at launch: setting it inside a running process (`setenv`) does
/// nothing. Repro itself never depends on hash order (docs/ARCHITECTURE.md G2), but user code that iterates
/// a `Set` or `Dictionary` does; ``reexecuteWithDeterministicHashing()`` restarts the process
/// with the variable set.
public enum HashSeeding {
    /// The environment variable the Swift runtime reads at launch.
    public static let variable = "SWIFT_DETERMINISTIC_HASHING"

    /// True when this process started with `SWIFT_DETERMINISTIC_HASHING` set to a value the Swift
    /// runtime reads as true (`1`, `true` or `yes`, any case; it warns about and ignores others).
    public static var isDeterministic: Bool { isTrue(ProcessInfo.processInfo.environment[variable]) }

    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "true", "yes"].contains(value.lowercased())
    }

    /// Replaces this process with a fresh run of the same executable and arguments with
    /// `SWIFT_DETERMINISTIC_HASHING=1` added to the environment; returns at once when hashing is
    /// already deterministic. Call it first thing in `main`, before any work that must not run twice.
    ///
    /// - Throws: ``ReexecutionError`` when the executable cannot be executed again.
    public static func reexecuteWithDeterministicHashing() throws {
        guard !isDeterministic else { return }
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = "1"
        let executable = FileManager.default.fileExists(atPath: "/proc/self/exe")
            ? "/proc/self/exe" : CommandLine.arguments[0]
        let arguments = CommandLine.arguments
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(executable, argv, envp)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        envp.forEach { free($0) }
        throw ReexecutionError(executable: executable, reason: reason)
    }
}

/// The process could not be executed again with deterministic hashing.
public struct ReexecutionError: Error, CustomStringConvertible {
    public let executable: String
    public let reason: String
    public var description: String {
        "cannot re-execute \(executable) with \(HashSeeding.variable)=1: \(reason); "
            + "start the process with \(HashSeeding.variable)=1 in its environment instead"
    }
}
