import Foundation

/// Runs this executable again as a child process (each training of a sweep or the exercise in its
/// own process, so nothing is shared between them but the files).
struct ChildProcess {
    let arguments: [String]
    let process = Process()
    private let errorPipe = Pipe()
    private let outputPipe = Pipe()

    /// Starts `repro ARGUMENTS`, with standard output and error captured.
    init(_ arguments: [String]) throws {
        self.arguments = arguments
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
    }

    /// Waits for the child; returns its exit status and its output and error text.
    func wait() -> (status: Int32, output: String, error: String) {
        let output = outputPipe.fileHandleForReading.readDataToEndOfFile()
        let error = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// This executable: `/proc/self/exe` where it exists, else the path it was started with.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The last non-empty line of `text` (a child's error message).
    static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }
}
