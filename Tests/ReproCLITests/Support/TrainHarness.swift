import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Support for the `repro train` tests: child processes with a chosen environment and working
// directory (output to files, so no pipe can fill up), a bounded wait on every one of them, fresh
// temporary directories, snapshots of run directories, and the uninterrupted reference run the
// guarantee tests compare against.

/// A fresh directory under the system's temporary directory for one test; `remove()` deletes it.
struct Scratch: Sendable {
    let path: String

    /// - Parameter label: part of the directory's name, to tell tests apart when one leaves files.
    init(_ label: String) throws {
        let safe = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }.prefix(40))
        let template = FileManager.default.temporaryDirectory
            .appendingPathComponent("repro-cli-tests-\(safe)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw HarnessError("cannot create a temporary directory from \(template): \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a fresh ``Scratch`` directory and removes it afterwards.
func withScratch<R>(_ label: String, _ body: (Scratch) async throws -> R) async throws -> R {
    let scratch = try Scratch(label)
    defer { scratch.remove() }
    return try await body(scratch)
}

/// A failure of the test harness itself (not of `repro`).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// How a child process ended, and what it printed.
struct ChildResult: Sendable {
    /// The exit status, or the signal number when `signaled`.
    let status: Int32
    /// True when a signal ended the process.
    let signaled: Bool
    let stdout: String
    let stderr: String

    /// The run's digest: the last stdout line of a finished `repro train` is `digest HEX`.
    var digest: String? {
        stdout.split(separator: "\n").last.flatMap { $0.hasPrefix("digest ") ? String($0.dropFirst(7)) : nil }
    }

    /// For failure messages.
    var summary: String { "exit \(signaled ? "signal " : "")\(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// A `repro` process running in the background; its standard output and error go to files.
final class Child: @unchecked Sendable {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    /// Starts `repro arguments…` (or another executable of the package: `program`).
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment (nil: this process's).
    ///   - directory: the child's working directory (nil: this process's).
    ///   - logs: a directory for the output files (not inside a run directory under test).
    init(_ arguments: [String], program: URL = Repro.executable, environment: [String: String]? = nil,
         directory: String? = nil, logs: String) throws {
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let name = UUID().uuidString
        stdoutPath = logs + "/\(name).stdout"
        stderrPath = logs + "/\(name).stderr"
        for path in [stdoutPath, stderrPath] {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw HarnessError("cannot create \(path)")
            }
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer {
            try? out.close()
            try? err.close()
        }
        process.executableURL = program
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// What the child has written to standard error so far.
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends SIGKILL.
    func kill() { sendSIGKILL(process.processIdentifier) }

    /// Waits for the child to end; after `timeout` it is killed and the wait throws (no test hangs).
    func wait(timeout: Duration = .seconds(300)) async throws -> ChildResult {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill()
                let grace = ContinuousClock.now + .seconds(30)
                while process.isRunning && ContinuousClock.now < grace { try await Task.sleep(for: .milliseconds(50)) }
                throw HarnessError("repro \(process.arguments?.joined(separator: " ") ?? "") ran longer than \(timeout); "
                                   + "killed it. stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let result = ChildResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                                 stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
                                 stderr: stderr)
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
        return result
    }

    /// Polls `condition` every 20 ms until it holds; throws when the child ends first or `timeout` passes
    /// (the child is then killed).
    func wait(until what: String, timeout: Duration = .seconds(180), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if !process.isRunning {
                // One last look: the condition may have come true just before the end.
                if condition() { return }
                let result = try await wait()
                throw HarnessError("repro ended before \(what): \(result.summary)")
            }
            if ContinuousClock.now >= deadline {
                kill()
                _ = try? await wait(timeout: .seconds(30))
                throw HarnessError("\(what) did not happen within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// At most a few `repro` processes at once: the tests run in parallel, and a 2-core machine gains
/// nothing from more, while the crash tests' timing gets worse.
actor ProcessSlots {
    static let shared = ProcessSlots(max(2, ProcessInfo.processInfo.activeProcessorCount))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

extension Repro {
    /// This process's environment with `changes` applied (a nil value removes the variable).
    static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        return environment
    }

    /// Runs `repro arguments…` to its end (killed after `timeout`), output logged under `logs`.
    static func run(_ arguments: [String], program: URL = Repro.executable, environment: [String: String]? = nil,
                    directory: String? = nil, logs: String, timeout: Duration = .seconds(300)) async throws -> ChildResult {
        await ProcessSlots.shared.acquire()
        do {
            let child = try Child(arguments, program: program, environment: environment, directory: directory, logs: logs)
            let result = try await child.wait(timeout: timeout)
            await ProcessSlots.shared.release()
            return result
        } catch {
            await ProcessSlots.shared.release()
            throw error
        }
    }
}

/// Every file under a directory (hidden ones and subdirectories included), by relative path.
struct Snapshot: Equatable, Sendable {
    var files: [String: Data]

    init(files: [String: Data]) { self.files = files }

    init(of directory: String) throws {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw HarnessError("cannot list \(directory)")
        }
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        self.files = files
    }

    /// Writes the files under `directory` (created when missing).
    func write(to directory: String) throws {
        for (relative, data) in files {
            let url = URL(fileURLWithPath: directory + "/" + relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }

    /// The paths that differ from `other` (added, removed or changed), for failure messages.
    func differences(from other: Snapshot) -> [String] {
        Set(files.keys).union(other.files.keys).filter { files[$0] != other.files[$0] }.sorted()
    }
}

/// The short training run that the guarantee tests repeat in other ways: seed 42, 30 steps (one
/// epoch of 23 batches and 7 steps of the next), a 32-wide hidden layer.
enum ShortRun {
    static let flags = ["--seed", "42", "--max-steps", "30", "--hidden", "32"]
    /// `flags` with a checkpoint every 10 steps besides the one at the epoch's end (step 23).
    static let checkpointed = flags + ["--checkpoint-every", "10"]
    static let total = 30

    /// The files the digest covers.
    static let digestFiles = ["model.safetensors", "metrics.csv", "eval.csv"]

    /// The uninterrupted run (`checkpointed --quiet`) in its own process, run once and shared.
    /// How often a run checkpoints does not change its numbers, so every variant of the short run
    /// must reach this digest and these files.
    static let reference = Task<FinishedRun, any Error> {
        try await withScratch("reference") { scratch in
            let result = try await Repro.run(["train"] + checkpointed + ["--out", scratch.file("run"), "--quiet"],
                                             logs: scratch.file("logs"))
            guard result.status == 0, !result.signaled, let digest = result.digest else {
                throw HarnessError("the reference run failed: \(result.summary)")
            }
            return FinishedRun(digest: digest, files: try Snapshot(of: scratch.file("run")))
        }
    }

    /// A run stopped after step 25 (`checkpointed --stop-after-step 25`): checkpoints 10, 20 and
    /// 23 (the epoch's end); shared by the bad-input tests, which each change a copy.
    static let stopped = Task<Snapshot, any Error> {
        try await withScratch("stopped") { scratch in
            let result = try await Repro.run(["train"] + checkpointed + ["--out", scratch.file("run"), "--quiet",
                                                                          "--stop-after-step", "25"],
                                             logs: scratch.file("logs"))
            guard result.status == 0, result.stdout.contains("stopped after step 25") else {
                throw HarnessError("the stopped run failed: \(result.summary)")
            }
            return try Snapshot(of: scratch.file("run"))
        }
    }
}

extension ShortRun {
    /// The stopped run's twin with seed 43: the same checkpoint steps, another configuration.
    static let otherSeedStopped = Task<Snapshot, any Error> {
        try await withScratch("other-seed") { scratch in
            var flags = checkpointed
            flags[flags.firstIndex(of: "--seed")! + 1] = "43"
            let result = try await Repro.run(["train"] + flags + ["--out", scratch.file("run"), "--quiet",
                                                                   "--stop-after-step", "25"],
                                             logs: scratch.file("logs"))
            guard result.status == 0, result.stdout.contains("stopped after step 25") else {
                throw HarnessError("the seed-43 stopped run failed: \(result.summary)")
            }
            return try Snapshot(of: scratch.file("run"))
        }
    }
}

/// A finished run: its printed digest and its files.
struct FinishedRun: Sendable {
    let digest: String
    let files: Snapshot

    /// The parsed `manifest.json`.
    var manifest: [String: Any] { get throws { try parseManifest(files.files["manifest.json"]) } }
}

/// Parses manifest bytes as a JSON object.
func parseManifest(_ data: Data?) throws -> [String: Any] {
    guard let data, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw HarnessError("manifest.json is missing or not a JSON object")
    }
    return object
}

/// The manifest of the run in `directory`.
func manifest(in directory: String) throws -> [String: Any] {
    try parseManifest(FileManager.default.contents(atPath: directory + "/manifest.json"))
}

/// Checks that the finished run in `directory` (whose `repro train` printed `result`) is bitwise the
/// reference run: the same digest, and the same bytes in every file the digest covers.
func expectIdentical(_ result: ChildResult, directory: String, to reference: FinishedRun,
                     _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(result.status == 0 && !result.signaled, "\(what): \(result.summary)", sourceLocation: sourceLocation)
    #expect(result.digest == reference.digest, "\(what): digest differs; \(result.summary)", sourceLocation: sourceLocation)
    for name in ShortRun.digestFiles {
        let data = FileManager.default.contents(atPath: directory + "/" + name)
        #expect(data != nil && data == reference.files.files[name], "\(what): \(name) differs from the reference run's",
                sourceLocation: sourceLocation)
    }
    let recorded = try manifest(in: directory)["digest"] as? String
    #expect(recorded == reference.digest, "\(what): manifest.json records digest \(recorded ?? "nil")",
            sourceLocation: sourceLocation)
}

/// The names of the complete checkpoints in a run directory, sorted.
func checkpointNames(_ run: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints")) ?? [])
        .filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted()
}

/// The names of the temporary files (`.NAME.tmp-PID-N`) in a directory.
func temporaryNames(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
}

/// The checkpoint file name of a step: `step-00000023.safetensors`.
func checkpointName(_ step: Int) -> String {
    "step-" + String(repeating: "0", count: max(0, 8 - String(step).count)) + String(step) + ".safetensors"
}

/// The text of a file, or "" when it cannot be read.
func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

/// `kill(pid, SIGKILL)`, under a name that `Child.kill()` does not shadow.
private func sendSIGKILL(_ pid: Int32) { _ = kill(pid, SIGKILL) }
