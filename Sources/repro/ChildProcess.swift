import Dispatch
import Foundation
import Synchronization

/// Runs this executable again as a child process (each training of a sweep or the exercise in its
/// own process, so nothing is shared between them but the files), or another program (`repro audit
/// -- COMMAND`), with its own environment and working directory where a ``Launch`` says so.
///
/// Standard output and error are read by two threads while the child runs, so a child that writes
/// more than a pipe holds to either never blocks.
final class ChildProcess {
    let arguments: [String]
    private let process = Process()
    private let state = State()
    private let readers = DispatchGroup()

    /// What the reading threads and the termination handler share: the output and error bytes
    /// read so far, and whether the child has ended.
    private final class State: Sendable {
        let captured = Mutex([Data(), Data()])
        let exited = Mutex(false)
    }

    /// What to start: a program (this executable unless said), its arguments, and where they
    /// differ from this process's, its whole environment and its working directory.
    struct Launch {
        var executable = ChildProcess.executable
        var arguments: [String]
        var environment: [String: String]? = nil
        var directory: String? = nil
    }

    /// Starts `repro ARGUMENTS` with standard output and error captured; `onExit` is called (on
    /// another thread) once the child has ended.
    convenience init(_ arguments: [String], onExit: @escaping @Sendable () -> Void = {}) throws {
        try self.init(Launch(arguments: arguments), onExit: onExit)
    }

    /// Starts `launch` with standard input empty and standard output and error captured; `onExit`
    /// is called (on another thread) once the child has ended.
    init(_ launch: Launch, onExit: @escaping @Sendable () -> Void = {}) throws {
        self.arguments = launch.arguments
        process.executableURL = URL(fileURLWithPath: launch.executable)
        process.arguments = launch.arguments
        if let environment = launch.environment { process.environment = environment }
        if let directory = launch.directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        let outputPipe = Pipe(), errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.terminationHandler = { [state] _ in
            state.exited.withLock { $0 = true }
            onExit()
        }
        try process.run()
        for (index, reading) in [outputPipe.fileHandleForReading, errorPipe.fileHandleForReading].enumerated() {
            readers.enter()
            DispatchQueue.global().async { [state, readers] in
                let data = reading.readDataToEndOfFile()
                state.captured.withLock { $0[index] = data }
                readers.leave()
            }
        }
    }

    /// Whether the child has ended.
    var hasExited: Bool { state.exited.withLock { $0 } }

    /// Sends `signal` to the child (unless it has ended).
    func send(_ signal: Int32) {
        if !hasExited { kill(process.processIdentifier, signal) }
    }

    /// Whether the child was ended by a signal it did not handle (its status is then the signal).
    var wasKilledBySignal: Bool { process.terminationReason == .uncaughtSignal }

    /// Waits for the child; returns its exit status and its output and error text.
    func wait() -> (status: Int32, output: String, error: String) {
        readers.wait()
        process.waitUntilExit()
        let (output, error) = state.captured.withLock { ($0[0], $0[1]) }
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// Runs `jobs` as child processes, at most `parallel` at a time, and hands each result to
    /// `finished` as soon as that child ends (not in start order, so a slow run never idles the
    /// other slots). `arguments` gives a job's arguments, or nil to skip it (a job already done,
    /// or one that failed before it could start). `progress` is told of every start, end and skip,
    /// and redrawn four times a second; it is cleared before `arguments` or `finished` runs, so
    /// that what they print starts on a line of its own.
    ///
    /// After a signal (``Interruption``) no child starts; the running ones get the same signal
    /// (a training then stops after its step, with a checkpoint) and are waited for.
    ///
    /// - Returns: whether a signal interrupted the jobs.
    static func runAll<Job>(_ jobs: [Job], parallel: Int, progress: RunsProgress, arguments: (Job) throws -> [String]?,
                            finished: (Job, (status: Int32, output: String, error: String)) throws -> Void) throws -> Bool {
        try runAll(jobs, parallel: parallel, progress: progress, launch: { try arguments($0).map { Launch(arguments: $0) } },
                   finished: finished)
    }

    /// ``runAll(_:parallel:progress:arguments:finished:)`` for jobs that each say what to start
    /// (another program, environment or working directory).
    static func runAll<Job>(_ jobs: [Job], parallel: Int, progress: RunsProgress, launch: (Job) throws -> Launch?,
                            finished: (Job, (status: Int32, output: String, error: String)) throws -> Void) throws -> Bool {
        let ended = DispatchSemaphore(value: 0)
        var pending = jobs[...]
        var running: [(job: Job, child: ChildProcess, started: ContinuousClock.Instant)] = []
        var forwarded = false
        defer { progress.clear() }
        while true {
            while Interruption.signalNumber == 0, running.count < parallel, let job = pending.popFirst() {
                progress.clear()
                guard let launch = try launch(job) else {
                    progress.skipped()
                    continue
                }
                running.append((job, try ChildProcess(launch, onExit: { ended.signal() }), .now))
                progress.started()
            }
            if Interruption.signalNumber != 0, !forwarded {
                forwarded = true
                for (_, child, _) in running { child.send(Interruption.signalNumber) }
            }
            guard !running.isEmpty else { return Interruption.signalNumber != 0 }
            guard ended.wait(timeout: .now() + .milliseconds(250)) == .success else {
                progress.redraw(running: running.map { $0.started })
                continue
            }
            let index = running.firstIndex { $0.child.hasExited }!
            let (job, child, started) = running.remove(at: index)
            let result = child.wait()
            progress.clear()
            try finished(job, result)
            progress.ended(startedAt: started, succeeded: result.status == 0 && !child.wasKilledBySignal,
                           running: running.map { $0.started })
        }
    }

    /// `repro` and the arguments of this process, quoted for a POSIX shell where needed: the
    /// command that runs this command again.
    static var commandLine: String { quoted(["repro"] + CommandLine.arguments.dropFirst()) }

    /// `arguments` as one line for a POSIX shell, each quoted where needed.
    static func quoted(_ arguments: [String]) -> String {
        arguments.map { argument in
            let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0) }
            return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
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
