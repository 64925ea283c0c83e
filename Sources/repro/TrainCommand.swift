import ArgumentParser
import Foundation
import Repro

/// `repro train`: trains a built-in recipe (``ClassifierRecipe`` on the digits or a dataset file,
/// or ``CharLMRecipe``) into a run directory, or resumes an unfinished one (docs/ARCHITECTURE.md §8).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a built-in recipe into a run directory, or resume one.",
        discussion: """
            Writes RUN/run.json, metrics.csv (one row per step), eval.csv (one row per evaluation), \
            checkpoints/, and at the end model.safetensors and manifest.json with the run's digest. Runs with \
            the same configuration give the same digest whatever --threads and --workers.

            --resume DIR continues an unfinished run from its newest complete checkpoint; only --threads, \
            --workers, --prefetch, --stop-after-step, --quiet, --code and --tensorboard may be given with it.

            --tensorboard also writes RUN/tensorboard/events.out.tfevents.*: the training loss and learning rate at every step and the validation loss and metrics at every evaluation, for `tensorboard --logdir`. The file is derived from metrics.csv and eval.csv (rewritten from them on a resume, so each step appears once) and is not part of the digest; a run that has one keeps it up to date when resumed.

            --recipe charlm trains a character-level GPT (nanoGPT's design) on --text; eval.csv holds the \
            validation loss per character, and `repro sample RUN` continues a prompt with the trained model.

            Ctrl-C (or SIGTERM) ends the training after its current step, with a checkpoint of that step, and prints the command that resumes it (exit status 130, or 143 for SIGTERM); a second Ctrl-C ends it at once (a resume then continues from the newest checkpoint). A run whose loss diverges keeps its logs up to that step as evidence and cannot be resumed; a training that fails before its first checkpoint for any other reason leaves nothing behind.
            """
    )

    @Option(parsing: .unconditional, help: "The root seed (default: drawn from the system, printed and recorded).",
            transform: SeedArgument.parse)
    var seed: UInt64?
    @OptionGroup var recipe: RecipeOptions

    @Option(help: ArgumentHelp("The run directory (default runs/seed-SEED).", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Continue the unfinished run in this directory.", valueName: "dir"))
    var resume: String?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Compute threads (default REPRO_NUM_THREADS or the core count); results do not depend on it.",
                               valueName: "n"))
    var threads: Int?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Data-loader worker threads; results do not depend on them.", valueName: "n"))
    var workers: Int = 0
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Batches each data-loader worker may load ahead; results do not depend on it.", valueName: "n"))
    var prefetch: Int = 2
    @Option(name: .customLong("stop-after-step"), parsing: .unconditional,
            help: ArgumentHelp("End the process after this step, as if interrupted.", valueName: "step"))
    var stopAfterStep: Int?
    @Flag(help: "No progress output.")
    var quiet = false
    @OptionGroup var codeDirectory: CodeDirectoryOption
    var code: String? { codeDirectory.code }
    @Flag(name: .customLong("tensorboard"), help: "Also write TensorBoard event files to RUN/tensorboard/.")
    var tensorBoard = false
    @Flag(help: "Record a trace in RUN/trace.bin: per step, a 64-bit hash of every layer's output, the loss, every gradient and every updated parameter, so that repro compare can name the first tensor in which two runs differ. Recorded in run.json: a resume continues it.")
    var trace = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if workers < 0 { throw ValidationError("--workers must be 0 or more, got \(workers)") }
        if prefetch < 1 { throw ValidationError("--prefetch must be at least 1, got \(prefetch)") }
        if let stopAfterStep, stopAfterStep < 1 { throw ValidationError("--stop-after-step must be at least 1, got \(stopAfterStep)") }
        if let out, out.isEmpty { throw ValidationError("--out must not be empty") }
        if let resume, resume.isEmpty { throw ValidationError("--resume must not be empty") }
        if resume != nil {
            let given = (seed != nil ? ["--seed"] : []) + recipe.given + (out != nil ? ["--out"] : []) + (trace ? ["--trace"] : [])
            guard given.isEmpty else {
                throw ValidationError("\(given.joined(separator: ", ")) cannot be given with --resume: the run's "
                                      + "configuration is fixed in its run.json (only --threads, --workers, --prefetch, "
                                      + "--stop-after-step, --quiet, --code and --tensorboard may change)")
            }
        }
    }

    func run() throws {
        Interruption.install()
        let runtime = RuntimeOptions(threads: threads, workers: workers, prefetch: prefetch, stopAfterStep: stopAfterStep,
                                     stopRequest: Interruption.stop, codeDirectory: code, tensorBoard: tensorBoard, trace: trace)
        let progress = ConsoleProgress(quiet: quiet)
        let outcome: TrainingOutcome
        let path: String
        if let resume {
            path = resume
            // The checks and messages of a resume (the lock is taken again by Trainer.resume).
            let start = try RunDirectory.openForResume(resume).1
            let task = try BuiltInRecipe(record: start.configuration.task, runFile: resume + "/run.json")
            outcome = try RecipeOptions.mappingFields { try task.resume(resume, runtime: runtime, progress: progress) }
        } else {
            // Flags and data are checked before a seed is drawn (and announced).
            let configuration = try recipe.configuration(seed: seed ?? 0)
            let task = try recipe.task()
            let record = seedEverything(seed)
            var seeded = configuration
            seeded.seed = record.seed
            path = out ?? "runs/seed-\(record.seed)"
            outcome = try RecipeOptions.mappingFields {
                try task.train(seeded, seed: record, into: path, runtime: runtime, progress: progress)
            }
        }
        switch outcome {
        case .finished(let manifest):
            print("""
                finished \(path): \(BuiltInRecipe.summary(manifest.finalMetrics)) after \(manifest.finalMetrics.steps) steps
                digest \(manifest.digest)
                """)
            if let code, manifest.environment.gitCommit == nil {
                var stderr = StandardError()
                print("note: --code \(code): git cannot tell its commit (not in a git repository, or git is missing), "
                      + "so the manifest records none", to: &stderr)
            }
        case .stopped(let step) where Interruption.signalNumber != 0 && step != stopAfterStep:
            print("interrupted after step \(step), which has a checkpoint; continue with: repro train --resume \(path)")
            throw Interruption.exitCode
        case .stopped(let step):
            print("stopped after step \(step) (--stop-after-step); continue with: repro train --resume \(path)")
        }
    }
}
