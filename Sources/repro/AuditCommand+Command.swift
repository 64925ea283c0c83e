import ArgumentParser
import Foundation
import Repro

extension AuditCommand {
    /// One run of a command's audit: its name (the folder its outputs are moved to), the factor,
    /// how it differs from the reference, its environment, and whether it runs at another path.
    private struct CommandRun {
        let name: String
        let factor: String
        let change: String
        let environment: [String: String]
        var elsewhere = false
    }

    /// The variables that set the thread count of OpenMP, MKL and OpenBLAS.
    static let threadVariables = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]

    /// The largest working directory the audit copies for every run.
    static let largestWorkingDirectory: Int64 = 1 << 30

    /// The audit of a command Repro did not write (`repro audit -- COMMAND ARGS…`): each run in a
    /// fresh copy of the working directory, always at the same path but for the working-directory
    /// factor; after each run the outputs are moved to `DIR/runs/NAME/` and compared with the
    /// reference's (``OutputComparison``).
    func commandAudit() throws {
        let source = URL(fileURLWithPath: workdir ?? FileManager.default.currentDirectoryPath).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--workdir \(source): no such directory")
        }
        let size = try Self.size(of: source)
        guard size <= Self.largestWorkingDirectory else {
            throw ValidationError("the working directory \(source) holds \(size >> 20) MiB, and the audit copies it for every run: "
                                  + "name a smaller one, holding what the command reads, with --workdir")
        }
        var base = ProcessInfo.processInfo.environment
        for name in Self.threadVariables + ["PYTHONHASHSEED"] { base[name] = nil }
        let program = try Self.resolve(command[0], path: base["PATH"] ?? "")
        let runsInside = { (directory: String) in
            if (URL(fileURLWithPath: directory).standardizedFileURL.path + "/").hasPrefix(source + "/") {
                throw ValidationError("the runs' directory \(directory) is inside the working directory \(source), which every run "
                                      + "copies: choose another with --out")
            }
        }
        if let out { try runsInside(out) }
        let changed = try inDirectory { directory in
            try runsInside(directory)
            let name = URL(fileURLWithPath: source).lastPathComponent
            let place = directory + "/work/" + name, otherPlace = directory + "/another-place/" + name

            func with(_ changes: [String: String?]) -> [String: String] {
                var environment = base
                for (name, value) in changes { environment[name] = value }
                return environment
            }
            func threads(_ count: Int) -> CommandRun {
                CommandRun(name: "threads-\(count)", factor: "thread count",
                           change: Self.threadVariables.joined(separator: ", ") + "=\(count) (reference: unset, the command's default)",
                           environment: with(Dictionary(uniqueKeysWithValues: Self.threadVariables.map { ($0, String(count)) })))
            }
            let cublas = base["CUBLAS_WORKSPACE_CONFIG"]
            let runs = [
                CommandRun(name: "reference", factor: "", change: "", environment: base),
                CommandRun(name: "second-run", factor: "second run", change: "the same command again", environment: base),
                threads(1), threads(2),
                CommandRun(name: "python-hash-seed", factor: "Python hash seed", change: "PYTHONHASHSEED=0 (reference: unset, random)",
                           environment: with(["PYTHONHASHSEED": "0"])),
                CommandRun(name: "cublas-workspace", factor: "CUBLAS_WORKSPACE_CONFIG",
                           change: cublas.map { "unset (reference: \($0))" } ?? ":4096:8 (reference: unset)",
                           environment: with(["CUBLAS_WORKSPACE_CONFIG": cublas == nil ? ":4096:8" : nil])),
                CommandRun(name: "working-directory", factor: "working directory", change: "a copy at \(otherPlace) (reference: \(place))",
                           environment: base, elsewhere: true),
            ]
            print("audit: \(ChildProcess.quoted(command)), \(runs.count) runs, each in a fresh copy of \(source); runs in \(directory)")

            Interruption.install()
            let progress = RunsProgress(total: runs.count, parallel: 1)
            try Self.runChildren(runs, progress: progress, directory: directory, name: { "the \($0.name) run of the command" },
                                 launch: { run in
                let work = run.elsewhere ? otherPlace : place
                try? FileManager.default.removeItem(atPath: work)
                try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: work).deletingLastPathComponent().path,
                                                        withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: source, toPath: work)
                for output in outputs { try? FileManager.default.removeItem(atPath: work + "/" + output) }
                return ChildProcess.Launch(executable: program.hasPrefix("/") ? program : work + "/" + program,
                                           arguments: Array(command.dropFirst()), environment: run.environment, directory: work)
            }, finished: { run in
                let work = run.elsewhere ? otherPlace : place
                for output in outputs {
                    let written = work + "/" + output
                    guard FileManager.default.fileExists(atPath: written) else {
                        throw ValidationError("--output \(output): the \(run.name) run of the command did not write it (no \(written) "
                                              + "after the command ended)")
                    }
                    let kept = "\(directory)/runs/\(run.name)/\(output)"
                    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: kept).deletingLastPathComponent().path,
                                                            withIntermediateDirectories: true)
                    try FileManager.default.moveItem(atPath: written, toPath: kept)
                }
                try FileManager.default.removeItem(atPath: work)
            })

            var rows: [AuditReport.Row] = []
            for run in runs.dropFirst() {
                let differences = try outputs.compactMap { output in
                    try OutputComparison.firstDifference(of: output, "\(directory)/runs/reference/\(output)",
                                                         "\(directory)/runs/\(run.name)/\(output)").map { "\(output): \($0)" }
                }
                let evidence = keepsRuns ? "outputs in \(directory)/runs/reference and runs/\(run.name)" : ""
                rows.append(AuditReport.Row(factor: run.factor, change: run.change, guarantee: nil,
                                            outcome: differences.isEmpty ? .identical
                                                : .differs(differences.joined(separator: "; "), evidence: evidence)))
            }
            let report = AuditReport(reference: "the command without \(Self.threadVariables.joined(separator: ", ")) and PYTHONHASHSEED, "
                                     + "in \(place)", rows: rows)
            print(report.text, terminator: "")
            return rows.contains(where: \.outcome.changedBits)
        }
        if changed { throw ExitCode(1) }
    }

    /// `program` as a path to start: unchanged when it names a path (it holds a `/`; relative ones
    /// are taken relative to the working copy), else the first executable of that name on `path`.
    static func resolve(_ program: String, path: String) throws -> String {
        if program.contains("/") { return program }
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate.hasPrefix("/") ? candidate : FileManager.default.currentDirectoryPath + "/" + candidate
            }
        }
        throw ValidationError("\(program): no such command on the PATH")
    }

    /// The bytes of the regular files under `folder`, symbolic links not followed.
    static func size(of folder: String) throws -> Int64 {
        guard let files = FileManager.default.enumerator(at: URL(fileURLWithPath: folder),
                                                         includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else {
            throw ValidationError("cannot read the directory \(folder)")
        }
        var total: Int64 = 0
        for case let file as URL in files {
            let values = try file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values.isRegularFile == true { total += Int64(values.fileSize ?? 0) }
            if total > largestWorkingDirectory { break }
        }
        return total
    }
}
