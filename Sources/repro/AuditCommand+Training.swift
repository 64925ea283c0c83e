import ArgumentParser
import Foundation
import Repro

extension AuditCommand {
    /// One run of the recipe audit: its directory name under the audit's directory, the factor it
    /// varies (nil for the reference), and whether it is the resumption of the interrupted run.
    private struct AuditRun {
        let name: String
        let factor: AuditFactor?
        var resumes = false
    }

    /// The default number of steps of an audited run, when `--max-steps` is not given.
    static let defaultSteps = 50

    /// The audit of a built-in recipe: every run is created here (its `run.json`) and trained by a
    /// child `repro train --resume`, one at a time; each factor's run is compared with the
    /// reference (``AuditFactor/row(change:reference:variant:)``).
    func trainingAudit() throws {
        var configuration = try recipe.configuration(seed: seed)
        if configuration.maxSteps == nil { configuration.maxSteps = Self.defaultSteps }
        let task = try recipe.task()
        guard configuration.maxSteps! >= 2 else {
            throw ValidationError("--max-steps must be at least 2 for an audit: the interruption factor stops a run after a step and resumes it")
        }
        if let interruptAt, interruptAt >= configuration.maxSteps! {
            throw ValidationError("--interrupt-at \(interruptAt) must be below the last step, \(configuration.maxSteps!)")
        }
        let other = try Self.otherBuild()
        let broken = try inDirectory { directory in
            func path(_ name: String) -> String { directory + "/" + name }
            let hashing = ProcessInfo.processInfo.environment["SWIFT_DETERMINISTIC_HASHING"] != nil

            var runs = [AuditRun(name: "reference", factor: nil), AuditRun(name: "second-process", factor: .secondProcess),
                        AuditRun(name: "hash-seed", factor: .hashSeed), AuditRun(name: "threads", factor: .threadCount),
                        AuditRun(name: "workers", factor: .workersAndPrefetch), AuditRun(name: "interrupted", factor: .interruption)]
            if other.executable != nil { runs.append(AuditRun(name: "other-build", factor: .debugBuild)) }
            runs += [AuditRun(name: "allow-nondeterministic", factor: .allowNondeterministic),
                     AuditRun(name: "benchmark", factor: .benchmark)]
            for run in runs {
                var varied = configuration
                varied.allowNondeterministic = run.factor == .allowNondeterministic || run.factor == .benchmark
                varied.benchmark = run.factor == .benchmark
                // Traced, so that a factor that changes the bits is localised to its first tensor.
                try task.createRun(varied, seed: SeedRecord(seed: seed, drawn: false, deterministicHashing: HashSeeding.isDeterministic),
                                   at: path(run.name), trace: true)
            }
            print("audit: \(try recipe.isCharLM() ? "charlm" : "classifier") recipe, seed \(seed), up to \(configuration.maxSteps!) steps; "
                  + "\(runs.count + 1) trainings, each in its own process, in \(directory)")

            // What the reference ran with, read from its manifest once it has finished.
            var referenceThreads = 0
            var stop = 0
            var changes: [String: String] = [:]
            Interruption.install()
            let progress = RunsProgress(total: runs.count + 1, parallel: 1)
            let resumption = AuditRun(name: "interrupted", factor: .interruption, resumes: true)
            try Self.runChildren(runs + [resumption], progress: progress, directory: directory,
                                 name: { $0.resumes ? "the resumption of the interrupted run" : "the run \($0.name)" },
                                 launch: { run in
                var arguments = ["train", "--resume", path(run.name), "--quiet"]
                var launch = ChildProcess.Launch(arguments: [])
                switch run.factor {
                case nil, .secondProcess?, .allowNondeterministic?, .benchmark?:
                    break
                case .hashSeed?:
                    var environment = ProcessInfo.processInfo.environment
                    environment["SWIFT_DETERMINISTIC_HASHING"] = hashing ? nil : "1"
                    launch.environment = environment
                    changes[run.name] = hashing ? "SWIFT_DETERMINISTIC_HASHING unset (reference: set)"
                                                : "SWIFT_DETERMINISTIC_HASHING=1 (reference: unset)"
                case .threadCount?:
                    let threads = AuditFactor.variedThreads(reference: referenceThreads)
                    arguments += ["--threads", String(threads)]
                    changes[run.name] = AuditFactor.threadsChange(threads, reference: referenceThreads)
                case .workersAndPrefetch?:
                    let (workers, prefetch) = AuditFactor.variedWorkers
                    arguments += ["--workers", String(workers), "--prefetch", String(prefetch)]
                    changes[run.name] = AuditFactor.workersChange
                case .interruption?:
                    if !run.resumes {
                        arguments += ["--stop-after-step", String(stop)]
                        changes[run.name] = AuditFactor.interruptionChange(stop)
                    }
                case .debugBuild?:
                    launch.executable = other.executable!
                    changes[run.name] = "the \(other.kind) build at \(other.executable!)"
                }
                launch.arguments = arguments
                return launch
            }, finished: { run in
                guard run.factor == nil else { return }
                let manifest = try RunManifest.read(path("reference") + "/manifest.json")
                referenceThreads = manifest.environment.threadCount ?? 1
                let steps = manifest.finalMetrics.steps
                guard steps >= 2 else {
                    throw ValidationError("the reference run has \(steps) step: the interruption factor needs 2 or more")
                }
                stop = interruptAt ?? Int.random(in: 1..<steps)
                if stop >= steps {
                    throw ValidationError("--interrupt-at \(stop) must be below the reference's last step, \(steps)")
                }
            })

            var rows: [AuditReport.Row] = []
            for run in runs {
                guard let factor = run.factor else { continue }
                let change = changes[run.name] ?? factor.fixedChange ?? ""
                rows.append(try factor.row(change: change, reference: path("reference"), variant: path(run.name), evidence: keepsRuns))
                if factor == .interruption, other.executable == nil { rows.append(AuditFactor.debugBuild.unavailable(other.why)) }
            }
            let manifest = try RunManifest.read(path("reference") + "/manifest.json")
            let report = AuditReport(reference: AuditFactor.reference(manifest, threads: referenceThreads), rows: rows)
            print(report.text, terminator: "")
            return !report.broken.isEmpty
        }
        if broken { throw ExitCode(1) }
    }

    /// The other build of this executable: `.build/…/debug/repro` when this one is a release build,
    /// or the reverse, if it exists and was built from the same revision; otherwise why not.
    static func otherBuild() throws -> (executable: String?, kind: String, why: String) {
        let this = URL(fileURLWithPath: ChildProcess.executable)
        let folder = this.deletingLastPathComponent()
        let kind = folder.lastPathComponent == "release" ? "debug" : folder.lastPathComponent == "debug" ? "release" : nil
        guard let kind else {
            return (nil, "", "this repro is not in a SwiftPM build folder (.build/debug or .build/release), so no other build is known")
        }
        let candidate = folder.deletingLastPathComponent().appendingPathComponent(kind).appendingPathComponent(this.lastPathComponent).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            return (nil, kind, "no \(kind) build at \(candidate) (build one with swift build\(kind == "release" ? " -c release" : ""))")
        }
        let version = try ChildProcess(ChildProcess.Launch(executable: candidate, arguments: ["--version"])).wait()
        let ours = "repro \(ReproLibrary.version) (revision \(ReproLibrary.revision))"
        let theirs = version.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard version.status == 0, theirs == ours, !ReproLibrary.revision.hasPrefix("unknown") else {
            return (nil, kind, "the \(kind) build at \(candidate) is \(theirs.isEmpty ? "unreadable" : theirs), this one \(ours): "
                    + "rebuild it from this revision")
        }
        return (candidate, kind, "")
    }
}
