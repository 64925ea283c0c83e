import ArgumentParser
import Foundation
import Repro

/// `repro sweep`: the recipe for each seed of a range, each in its own `repro train` process, into
/// one directory (`DIR/seed-N`), ready for `repro stats` and `repro plot`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train the recipe for each seed of a range, one process per run, into one directory.",
        discussion: """
            Each run goes to DIR/seed-N. Running the same sweep again skips finished runs and resumes \
            unfinished ones, so an interrupted sweep is continued by repeating its command. A run found in DIR/seed-N with another configuration than the flags give is refused (the others still run): repeat the sweep with its original flags, or choose another --out.

            Exit status: 0, or 2 when a run fails (the others still run) or for invalid input.

            Results go to standard output, one line per run as it ends; progress (runs done, running, and the time left once a run has finished) to standard error. Ctrl-C (or SIGTERM) is passed on to the running trainings, which stop after their current step with a checkpoint; the sweep waits for them, says how to continue, and exits with status 130 (143 for SIGTERM).
            """)

    @Option(parsing: .unconditional, help: "Seeds: A..B (inclusive) or a list such as 1,5,9.")
    var seeds: String
    @Option(help: ArgumentHelp("The sweep directory.", valueName: "dir"))
    var out: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Runs in parallel.", valueName: "n"))
    var jobs: Int = 1
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Compute threads per run (default: the cores divided among the jobs).", valueName: "n"))
    var threads: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Data-loader workers per run.", valueName: "n"))
    var workers: Int = 0
    @OptionGroup var recipe: RecipeOptions
    @OptionGroup var codeDirectory: CodeDirectoryOption

    func validate() throws {
        _ = try Self.parseSeeds(seeds)
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if workers < 0 { throw ValidationError("--workers must be 0 or more, got \(workers)") }
    }

    /// Why the run already in `directory` is not the sweep's run `configuration`: its `run.json`
    /// cannot be read, or it records another configuration (naming the differing fields); nil
    /// when it is the same run.
    static func refusal(of directory: String, for configuration: TrainingConfiguration) -> String? {
        let recorded: TrainingConfiguration
        do {
            recorded = try RunDirectory(path: directory).readStart().configuration
        } catch {
            return CommandLineWording.message(for: error)
        }
        guard recorded != configuration else { return nil }
        let fields = (try? JSONValue(encoding: recorded).differences(from: JSONValue(encoding: configuration))) ?? []
        return "\(directory) holds a run started with another configuration than these flags give (differing: "
            + "\(fields.joined(separator: ", "))): repeat the sweep with its original flags, or choose another --out"
    }

    /// `A..B` (inclusive) or `a,b,c`.
    static func parseSeeds(_ text: String) throws -> [UInt64] {
        let bounds = text.components(separatedBy: "..")
        if bounds.count == 2 {
            guard let low = UInt64(bounds[0]), let high = UInt64(bounds[1]), low <= high, high - low < 10_000 else {
                throw ValidationError("--seeds A..B needs integers A <= B (at most 10000 seeds), got '\(text)'")
            }
            return Array(low...high)
        }
        let list = text.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--seeds takes A..B or a comma-separated list of non-negative integers, got '\(text)'")
        }
        let seeds = list.map { $0! }
        guard Set(seeds).count == seeds.count else { throw ValidationError("--seeds lists a seed twice: '\(text)'") }
        return seeds
    }

    func run() throws {
        let seeds = try Self.parseSeeds(seeds)
        // Invalid flags and unreadable data fail before any run starts.
        let configuration = try recipe.configuration(seed: seeds[0])
        let task = try recipe.task()
        try RunDirectory.refuseInsideRun(out, what: "a sweep")
        try RunDirectory.makeDirectory(out)
        Interruption.install()
        let perRun = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
        var failures: [String] = []
        var finishedRuns = 0
        // The runs this sweep created, with the directories it created for them: one whose
        // training fails before its first checkpoint is removed, so that the same sweep starts it
        // again (a diverged run stays, as evidence, and is refused when resumed).
        var created: [UInt64: [String]] = [:]
        let progress = RunsProgress(total: seeds.count, parallel: jobs)
        // Each child trains a run.json written here: the configuration is made once, from the flags,
        // and a child never parses the recipe's flags again.
        let interrupted = try ChildProcess.runAll(seeds, parallel: jobs, progress: progress, arguments: { seed in
            let directory = "\(out)/seed-\(seed)"
            var seeded = configuration
            seeded.seed = seed
            if FileManager.default.fileExists(atPath: directory + "/run.json") {
                if let refusal = Self.refusal(of: directory, for: seeded) {
                    print("seed \(seed): FAILED: \(refusal)")
                    failures.append("seed \(seed): \(refusal)")
                    return nil
                }
                if FileManager.default.fileExists(atPath: directory + "/manifest.json") {
                    print("seed \(seed): already finished in \(directory)")
                    finishedRuns += 1
                    return nil
                }
            } else {
                let missing = RunDirectory.missingDirectories(directory)
                do {
                    try task.createRun(seeded, seed: SeedRecord(seed: seed, drawn: false,
                                                                 deterministicHashing: HashSeeding.isDeterministic),
                                       at: directory)
                    created[seed] = missing
                } catch {
                    let message = CommandLineWording.message(for: error)
                    print("seed \(seed): FAILED: \(message)")
                    failures.append("seed \(seed): \(message)")
                    return nil
                }
            }
            return ["train", "--resume", directory, "--threads", String(perRun), "--workers", String(workers), "--quiet"]
                + (codeDirectory.code.map { ["--code", $0] } ?? [])
        }, finished: { seed, result in
            let directory = "\(out)/seed-\(seed)"
            if result.status == 0, let manifest = try? RunManifest.read(directory + "/manifest.json") {
                print("seed \(seed): \(BuiltInRecipe.summary(manifest.finalMetrics)), digest \(manifest.digest.prefix(16))…")
                finishedRuns += 1
            } else if Interruption.signalNumber != 0 {
                let said = ChildProcess.lastLine(result.output)
                print("seed \(seed): " + (said.hasPrefix("interrupted") ? said : "interrupted; continue with: repro train --resume \(directory)"))
            } else {
                let reason = ChildProcess.lastLine(result.error)
                print("seed \(seed): FAILED (exit \(result.status)): \(reason)")
                failures.append("seed \(seed): \(reason)")
                if let missing = created[seed] {
                    RunDirectory(path: directory).discardIfNeverCheckpointed(createdDirectories: missing)
                }
            }
        })
        if interrupted {
            var stderr = StandardError()
            print("interrupted: \(finishedRuns) of \(seeds.count) runs finished; the same command continues the sweep "
                  + "(finished runs are skipped, interrupted ones resume from their checkpoints): \(ChildProcess.commandLine)",
                  to: &stderr)
            throw Interruption.exitCode
        }
        guard failures.isEmpty else {
            var stderr = StandardError()
            print("Error: \(failures.count) of \(seeds.count) runs failed:\n  \(failures.joined(separator: "\n  "))", to: &stderr)
            throw ExitCode(2)
        }
        print("sweep finished: \(seeds.count) run\(seeds.count == 1 ? "" : "s") in \(out); summarise with: repro stats \(out)")
    }
}
