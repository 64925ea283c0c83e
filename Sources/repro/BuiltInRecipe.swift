import Repro

/// One of the built-in recipes, as the command line trains it: the classifier (`--recipe
/// classifier`, the default) or the character-level GPT (`--recipe charlm`).
enum BuiltInRecipe {
    case classifier(ClassifierRecipe)
    case charlm(CharLMRecipe)

    /// The recipe's names, as `--recipe` takes them.
    static let names = ["classifier", "charlm"]

    /// The recipe a run records (for `--resume`), rebuilt from its settings.
    ///
    /// - Throws: ``RunFileError`` naming `runFile` when the settings are invalid; ``TrainingError``
    ///   for a task no built-in recipe trains.
    init(record: TaskRecord, runFile: String) throws {
        do {
            switch record.name {
            case CharLMRecipe.taskName: self = .charlm(try CharLMRecipe(try CharLMConfiguration(record: record)))
            default: self = .classifier(try ClassifierRecipe(try ClassifierConfiguration(record: record)))
            }
        } catch let error as ConfigurationError {
            throw RunFileError(source: runFile, "holds invalid task settings: \(error)",
                               hint: "the file is damaged; the run cannot be resumed")
        }
    }

    /// Trains a new run (``Trainer/train(_:_:seed:into:runtime:progress:)``).
    func train(_ configuration: TrainingConfiguration, seed: SeedRecord, into path: String, runtime: RuntimeOptions,
               progress: any TrainingProgress) throws -> TrainingOutcome {
        switch self {
        case .classifier(let task): try Trainer.train(task, configuration, seed: seed, into: path, runtime: runtime, progress: progress)
        case .charlm(let task): try Trainer.train(task, configuration, seed: seed, into: path, runtime: runtime, progress: progress)
        }
    }

    /// Continues an unfinished run (``Trainer/resume(_:_:runtime:progress:)``).
    func resume(_ path: String, runtime: RuntimeOptions, progress: any TrainingProgress) throws -> TrainingOutcome {
        switch self {
        case .classifier(let task): try Trainer.resume(task, path, runtime: runtime, progress: progress)
        case .charlm(let task): try Trainer.resume(task, path, runtime: runtime, progress: progress)
        }
    }

    /// Re-executes one step of a traced run with full tensors (``Trainer/rerun(_:run:step:runtime:)``).
    func rerun(_ path: String, step: Int) throws -> [TracedTensor] {
        switch self {
        case .classifier(let task): try Trainer.rerun(task, run: path, step: step)
        case .charlm(let task): try Trainer.rerun(task, run: path, step: step)
        }
    }

    /// Creates a run for a child process to train (``Trainer/createRun(_:_:seed:at:)``).
    func createRun(_ configuration: TrainingConfiguration, seed: SeedRecord, at path: String, trace: Bool = false) throws {
        switch self {
        case .classifier(let task): try Trainer.createRun(task, configuration, seed: seed, at: path, trace: trace)
        case .charlm(let task): try Trainer.createRun(task, configuration, seed: seed, at: path, trace: trace)
        }
    }

    /// A run's result in one phrase: `validation accuracy 98.05 % (loss 0.0712)`, or for a model
    /// without metrics `validation loss 1.6215`.
    static func summary(_ metrics: RunManifest.FinalMetrics) -> String {
        if let accuracy = metrics.validationMetrics["accuracy"] {
            return "validation accuracy \(String(format: "%.2f", accuracy * 100)) % (loss \(metrics.validationLoss))"
        }
        return "validation loss \(metrics.validationLoss)"
    }
}
