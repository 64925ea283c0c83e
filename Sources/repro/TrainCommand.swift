import ArgumentParser
import Foundation
import Repro

/// `repro train`: trains the built-in recipe (or a dataset file) into a run directory, or resumes
/// an unfinished one (DESIGN.md §8).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the built-in recipe into a run directory, or resume one.",
        discussion: """
            Writes RUN/run.json, metrics.csv (one row per step), eval.csv (one row per evaluation),
            checkpoints/, and at the end model.safetensors and manifest.json with the run's digest.
            Runs with the same configuration give the same digest whatever --threads and --workers.

            --resume DIR continues an unfinished run from its newest complete checkpoint; only
            --threads, --workers, --stop-after-step and --quiet may be given with it.
            --dataset takes digits, a CSV file (label in the last column, .csv or .csv.gz) or IDX
            files (IMAGES,LABELS, or an images file named like *images-idx3*).
            """
    )

    @Option(help: "The root seed (default: drawn from the system, printed and recorded).")
    var seed: UInt64?
    @Option(help: "Epochs to train (default 10).")
    var epochs: Int?
    @Option(name: .customLong("max-steps"), help: "Stop after this many optimizer steps.")
    var maxSteps: Int?
    @Option(name: .customLong("batch-size"), help: "Samples per step (default 64).")
    var batchSize: Int?
    @Option(help: "The learning rate (default 0.05 for sgd, 0.001 for adam/adamw).")
    var lr: Double?
    @Option(help: "mlp or cnn (default mlp).")
    var model: String?
    @Option(help: "sgd, adam or adamw (default sgd with momentum 0.9).")
    var optimizer: String?
    @Option(help: "digits (default), a CSV file, or IDX files.")
    var dataset: String?
    @Option(help: "The MLP's hidden widths, comma-separated (default 128,128).")
    var hidden: String?
    @Option(help: "Dropout probability after each hidden layer (default 0.1).")
    var dropout: Double?
    @Option(name: .customLong("augment-shift"), help: "Largest random image shift in pixels (default 0: off).")
    var augmentShift: Int?
    @Option(name: .customLong("augment-noise"), help: "Standard deviation of the pixel noise (default 0.5; 0: off).")
    var augmentNoise: Double?
    @Option(name: .customLong("weight-decay"), help: "L2 weight decay (default 0).")
    var weightDecay: Double?
    @Option(help: "cosine (default), constant or step.")
    var schedule: String?
    @Option(name: .customLong("data-seed"), help: "The seed of the train/validation split (default 0).")
    var dataSeed: UInt64?
    @Option(name: .customLong("checkpoint-every"), help: "Checkpoint every N steps besides each epoch's end (default 100; 0: epoch ends only).")
    var checkpointEvery: Int?
    @Flag(name: .customLong("allow-nondeterministic"), help: "Allow the nondeterministic fast paths.")
    var allowNondeterministic = false
    @Flag(help: "Pick kernels by timing (needs --allow-nondeterministic).")
    var benchmark = false

    @Option(help: "The run directory (default runs/seed-SEED).")
    var out: String?
    @Option(help: "Continue the unfinished run in this directory.")
    var resume: String?
    @Option(help: "Compute threads (default REPRO_NUM_THREADS or the core count); results do not depend on it.")
    var threads: Int?
    @Option(help: "Data-loader worker threads (default 0); results do not depend on it.")
    var workers: Int = 0
    @Option(name: .customLong("stop-after-step"), help: "End the process after this step, as if interrupted.")
    var stopAfterStep: Int?
    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if workers < 0 { throw ValidationError("--workers must be 0 or more, got \(workers)") }
        if let stopAfterStep, stopAfterStep < 1 { throw ValidationError("--stop-after-step must be at least 1, got \(stopAfterStep)") }
        if resume != nil {
            let fixed: [(String, Bool)] = [
                ("--seed", seed != nil), ("--epochs", epochs != nil), ("--max-steps", maxSteps != nil),
                ("--batch-size", batchSize != nil), ("--lr", lr != nil), ("--model", model != nil),
                ("--optimizer", optimizer != nil), ("--hidden", hidden != nil), ("--dropout", dropout != nil),
                ("--augment-shift", augmentShift != nil), ("--augment-noise", augmentNoise != nil),
                ("--weight-decay", weightDecay != nil), ("--schedule", schedule != nil), ("--dataset", dataset != nil), ("--data-seed", dataSeed != nil),
                ("--checkpoint-every", checkpointEvery != nil), ("--allow-nondeterministic", allowNondeterministic),
                ("--benchmark", benchmark), ("--out", out != nil),
            ]
            let given = fixed.filter(\.1).map(\.0)
            guard given.isEmpty else {
                throw ValidationError("\(given.joined(separator: ", ")) cannot be given with --resume: the run's "
                                      + "configuration is fixed in its run.json (only --threads, --workers, "
                                      + "--stop-after-step and --quiet may change)")
            }
        }
    }

    func run() throws {
        let runtime = RuntimeOptions(threads: threads, workers: workers, stopAfterStep: stopAfterStep)
        let progress = ConsoleProgress(quiet: quiet)
        let trainer: Trainer
        if let resume {
            let (directory, start) = try RunDirectory.openForResume(resume)
            trainer = try Trainer(directory: directory, start: start, runtime: runtime, progress: progress, resuming: true)
        } else {
            let record = seedEverything(seed)
            var configuration = TrainingConfiguration(seed: record.seed)
            if let epochs { configuration.epochs = epochs }
            configuration.maxSteps = maxSteps
            if let batchSize { configuration.batchSize = batchSize }
            if let model { configuration.model = model }
            if let optimizer {
                configuration.optimizer = optimizer
                if optimizer != "sgd" { configuration.learningRate = 1e-3 }
            }
            if let lr { configuration.learningRate = lr }
            if let hidden {
                let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else {
                    throw ValidationError("--hidden takes comma-separated widths such as 128,128, got '\(hidden)'")
                }
                configuration.hiddenSizes = sizes.map { $0! }
            }
            if let dropout { configuration.dropout = dropout }
            if let augmentShift { configuration.augmentShift = augmentShift }
            if let augmentNoise { configuration.augmentNoise = augmentNoise }
            if let weightDecay { configuration.weightDecay = weightDecay }
            if let schedule { configuration.schedule = schedule }
            if let dataset { configuration.dataset = dataset }
            if let dataSeed { configuration.dataSeed = dataSeed }
            if let checkpointEvery { configuration.checkpointEvery = checkpointEvery }
            configuration.allowNondeterministic = allowNondeterministic
            configuration.benchmark = benchmark
            try configuration.validate()
            let start = RunDirectory.Start(configuration: configuration, seed: record, startedAt: RunDirectory.now())
            let directory = try RunDirectory.create(at: out ?? "runs/seed-\(record.seed)", start: start)
            trainer = try Trainer(directory: directory, start: start, runtime: runtime, progress: progress, resuming: false)
        }
        switch try trainer.run() {
        case .finished(let manifest):
            let metrics = manifest.finalMetrics
            print("""
                finished \(trainer.directory.path): validation accuracy \(String(format: "%.2f", metrics.validationAccuracy * 100)) % \
                (loss \(metrics.validationLoss)) after \(metrics.steps) steps
                digest \(manifest.digest)
                """)
        case .stopped(let step):
            print("stopped after step \(step) (--stop-after-step); continue with: repro train --resume \(trainer.directory.path)")
        }
    }
}
