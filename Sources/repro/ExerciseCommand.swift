import ArgumentParser
import Foundation
import Repro

/// `repro exercise`: the lesson's exercise end to end. Train with one seed twice and with the seed
/// plus one, each in its own process; overlay the loss curves; compare; write a report; print the
/// verdicts. Extra seeds estimate the seed spread the seed+1 difference is judged against.
struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "The lesson's exercise: seed N twice and seed N+1, overlaid, compared and reported.",
        discussion: """
            Writes DIR/seed-N, DIR/seed-N-again, DIR/seed-N+1 and DIR/spread/seed-… (each a run directory trained by its own `repro train` process), DIR/loss-curves.svg and DIR/report.html, and prints the verdicts.

            Seed N+1 is judged against the other seeds, N+2 … N+SPREAD-1 (neither N nor N+1): its final validation accuracy must lie inside their 95 % prediction interval for one more seed, mean ± t·SD·√(1 + 1/k) over k seeds with Student's t at k − 1 degrees of freedom (k ≥ 2, so --spread 4 or more). The exercise also prints what one validation sample is worth in percentage points of accuracy (the resolution) and how many seeds a difference needs to be detectable. --tolerance X also checks the lesson's criterion, seed N+1's final accuracy within ±X percentage points of seed N's, and warns when X is finer than one validation sample.

            --allow-nondeterministic also trains seed N twice with the nondeterministic fast paths (kernels picked by timing) and says whether the bits changed.

            Exit status: 0 when seed N's two runs are bitwise identical, 1 when they are not, 2 for invalid input.

            Progress (runs done, running, and the time left once a run has finished) goes to standard error. Ctrl-C (or SIGTERM) is passed on to the running trainings, which stop after their current step with a checkpoint; the exercise then lists the commands that resume them and exits with status 130 (143 for SIGTERM).
            """)

    @Option(parsing: .unconditional, help: "The seed (default 42).", transform: SeedArgument.parse)
    var seed: UInt64 = 42
    @Option(help: ArgumentHelp("The exercise directory, new or empty (default exercise-seed-N, or exercise-seed-N-2, … when taken).", valueName: "dir"))
    var out: String?
    @Option(parsing: .unconditional, help: "Seeds trained in all, N … N+SPREAD-1; seed N+1 is judged against the SPREAD-2 seeds after it.")
    var spread: Int = 10
    @Option(parsing: .unconditional, help: ArgumentHelp("Check that seed N+1's final accuracy is within ±X percentage points of seed N's (the lesson's 0.1).", valueName: "X"))
    var tolerance: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Trainings run in parallel; each gets the cores divided among them.", valueName: "n"))
    var jobs: Int = 2
    @Flag(name: .customLong("allow-nondeterministic"), help: "Also show what the nondeterministic fast paths change.")
    var allowNondeterministic = false
    @OptionGroup var recipe: ClassifierRecipeOptions

    func validate() throws {
        guard spread >= 2 else { throw ValidationError("--spread must be at least 2, got \(spread)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let tolerance, !(tolerance >= 0 && tolerance.isFinite) {
            throw ValidationError("--tolerance must be a non-negative number of percentage points, got \(tolerance)")
        }
        guard seed <= UInt64.max - UInt64(spread) else { throw ValidationError("--seed is too large for --spread \(spread)") }
    }

    func run() throws {
        // Invalid flags and unreadable data fail before anything is written.
        let configuration = try recipe.configuration(seed: seed)
        let task = try RecipeOptions.mappingFields { try ClassifierRecipe(try recipe.classifier()) }
        func isEmpty(_ path: String) -> Bool {
            ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).isEmpty
                && (FileManager.default.fileExists(atPath: path) ? isDirectory(path) : true)
        }
        let directory: String
        if let out {
            guard isEmpty(out) else {
                throw ValidationError("\(out) is not empty: the exercise trains afresh; choose another --out")
            }
            try RunDirectory.refuseInsideRun(out, what: "the exercise")
            directory = out
        } else {
            // The default directory, or the next free one when an earlier exercise is there.
            let base = "exercise-seed-\(seed)"
            var candidate = base
            var number = 1
            while !isEmpty(candidate) {
                number += 1
                candidate = "\(base)-\(number)"
            }
            directory = candidate
        }
        try RunDirectory.makeDirectory(directory + "/spread")

        let first = "\(directory)/seed-\(seed)"
        let again = "\(directory)/seed-\(seed)-again"
        let next = "\(directory)/seed-\(seed + 1)"
        var trainings = [(seed, first, false), (seed, again, false), (seed + 1, next, false)]
        for extra in 2..<UInt64(spread) {
            trainings.append((seed + extra, "\(directory)/spread/seed-\(seed + extra)", false))
        }
        if allowNondeterministic {
            trainings += [(seed, "\(directory)/nondeterministic-a", true), (seed, "\(directory)/nondeterministic-b", true)]
        }
        // Each run.json is written here; each child trains one (no flag list is passed on).
        for (runSeed, path, fast) in trainings {
            var run = configuration
            run.seed = runSeed
            run.allowNondeterministic = fast
            run.benchmark = fast
            try Trainer.createRun(task, run, seed: SeedRecord(seed: runSeed, drawn: false,
                                                               deterministicHashing: HashSeeding.isDeterministic), at: path)
        }
        print("training \(trainings.count) runs, each in its own process …")
        try train(trainings.map(\.1))

        let runs = try [first, again, next].map { try RunRecord.load($0) }
        let others = try (2..<UInt64(spread)).map { try RunRecord.load("\(directory)/spread/seed-\(seed + $0)") }

        var options = LossCurveFigure.Options()
        options.title = "Seed \(seed) twice, and seed \(seed + 1)"
        let inputs = try [first, again, next].map(PlotInput.load)
        let figure = try LossCurveFigure(inputs: inputs, options: options)
        try ToolOutput.write(figure.svg(), to: directory + "/loss-curves.svg")
        let spreadInput = spread > 2 ? [try PlotInput.load(directory + "/spread")] : []  // seeds beyond N+1
        let report = try RunReport(inputs: inputs + spreadInput, options: options, tolerance: tolerance)
        try ToolOutput.write(report.html(), to: directory + "/report.html")

        let identical = runs[0].digest == runs[1].digest
        print(Self.sameSeedVerdict(seed: seed, runs[0], runs[1]))
        let divergence = Self.firstDivergence(runs[0], runs[2]).map { "diverge at step \($0)" } ?? "identical logs"
        print(try SeedSpread.exerciseVerdicts(seed: seed, runs[0], runs[2], divergence: divergence, others: others,
                                              tolerance: tolerance).joined(separator: "\n"))
        if allowNondeterministic {
            let pair = try ["a", "b"].map { try RunRecord.load("\(directory)/nondeterministic-\($0)") }
            print(Self.nondeterministicVerdict(seed: seed, pair[0], pair[1], strict: runs[0]))
        }
        print("plot: \(directory)/loss-curves.svg\nreport: \(directory)/report.html")
        if !identical { throw ExitCode(1) }
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// Runs `repro train --resume` for each run directory, `jobs` at a time. After Ctrl-C it
    /// names the runs left unfinished and the command that resumes each, and exits 130.
    private func train(_ trainings: [String]) throws {
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
        var failures: [String] = []
        var unfinished: [String] = []
        Interruption.install()
        let progress = RunsProgress(total: trainings.count, parallel: jobs)
        let interrupted = try ChildProcess.runAll(trainings, parallel: jobs, progress: progress, arguments: { path in
            ["train", "--resume", path, "--quiet", "--threads", String(threads)]
        }, finished: { path, result in
            if Interruption.signalNumber != 0, result.status != 0 {
                unfinished.append(path)
            } else if result.status != 0 {
                failures.append("\(path): \(ChildProcess.lastLine(result.error))")
            }
        })
        if interrupted {
            let started = Set(unfinished)
            unfinished += trainings.filter { !started.contains($0) && !FileManager.default.fileExists(atPath: $0 + "/manifest.json") }
            var stderr = StandardError()
            print("interrupted: \(trainings.count - unfinished.count) of \(trainings.count) runs finished; each of the "
                  + "others continues with repro train --resume RUN:\n  "
                  + unfinished.map { "repro train --resume \($0)" }.joined(separator: "\n  "), to: &stderr)
            throw Interruption.exitCode
        }
        guard failures.isEmpty else {
            throw ValidationError("training failed:\n  " + failures.joined(separator: "\n  "))
        }
    }

    /// The first step at which the metrics logs differ (as `repro compare` finds it), or nil when
    /// they are identical.
    static func firstDivergence(_ a: RunRecord, _ b: RunRecord) -> Int? {
        (try? LogComparison(file: "metrics.csv", a.metrics, b.metrics, tolerance: nil))?.firstDifference?.step
    }

    static func sameSeedVerdict(seed: UInt64, _ a: RunRecord, _ b: RunRecord) -> String {
        if a.digest == b.digest {
            return "seed \(seed) vs seed \(seed): bitwise identical (digest \(a.digest.prefix(16))…)"
        }
        let step = firstDivergence(a, b).map { "diverge at step \($0)" } ?? "same logs, different weights"
        return "seed \(seed) vs seed \(seed): NOT identical: \(step) (digests \(a.digest.prefix(12))… and "
            + "\(b.digest.prefix(12))…); run `repro compare \(a.directory.path) \(b.directory.path)`"
    }

    static func nondeterministicVerdict(seed: UInt64, _ a: RunRecord, _ b: RunRecord, strict: RunRecord) -> String {
        let pair = a.digest == b.digest
            ? "bitwise identical this time (the timed kernel choice happened to agree)"
            : "NOT identical: " + (firstDivergence(a, b).map { "diverge at step \($0)" } ?? "same logs, different weights")
        let versusStrict = a.digest == strict.digest ? "same bits as" : "different bits from"
        return "seed \(seed) vs seed \(seed) with --allow-nondeterministic --benchmark: \(pair); \(versusStrict) "
            + "the deterministic run"
    }
}
