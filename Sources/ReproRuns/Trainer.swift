import Foundation
import ReproData
import ReproNN
import ReproRandom
import ReproTensor

/// How a training process ended.
public enum TrainingOutcome {
    /// The run finished; its manifest.
    case finished(RunManifest)
    /// `stopAfterStep` ended it after this step, as if interrupted.
    case stopped(step: Int)
}

/// A training run that went wrong in a way no retry fixes (a diverged loss, a checkpoint from
/// another run).
public struct TrainingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The training loop of a run directory (DESIGN.md §6): trains the ``Recipe`` of the run's
/// configuration, logs every step to `metrics.csv` and every evaluation (each epoch's end, and the
/// last step) to `eval.csv`, checkpoints every `checkpointEvery` steps and at each epoch's end,
/// and writes `model.safetensors` and `manifest.json` at the end.
///
/// Started again on an unfinished run, it resumes from the newest complete checkpoint (or from
/// step 0 when there is none), with the logs cut back to that step, and reaches the same bits as
/// an uninterrupted run: every random draw is keyed by the seed and the step or epoch, and every
/// kernel gives the same bits for any thread count, so threads and workers may differ too.
public final class Trainer {
    public let recipe: Recipe
    public let directory: RunDirectory
    public let start: RunDirectory.Start
    public let runtime: RuntimeOptions
    public let progress: any TrainingProgress
    /// Whether this process continues a run an earlier process started.
    public let resuming: Bool

    /// - Parameter resuming: true when the directory was opened with
    ///   ``RunDirectory/openForResume(_:)`` (the resumption is recorded in `resumes.log`).
    /// - Throws: as ``Recipe/init(_:)``, and ``TrainingError`` when the dataset's content differs
    ///   from the one the run started on (`run.json`'s `datasetSHA256`).
    public convenience init(directory: RunDirectory, start: RunDirectory.Start, runtime: RuntimeOptions,
                            progress: any TrainingProgress, resuming: Bool) throws {
        try self.init(recipe: try Recipe(start.configuration), directory: directory, start: start, runtime: runtime,
                      progress: progress, resuming: resuming)
    }

    init(recipe: Recipe, directory: RunDirectory, start: RunDirectory.Start, runtime: RuntimeOptions,
         progress: any TrainingProgress, resuming: Bool) throws {
        if let recorded = start.datasetSHA256, recorded != recipe.datasetDigest {
            throw TrainingError(message: "\(start.configuration.dataset): the dataset's content changed since the run started "
                                + "(sha256 \(recorded.prefix(16))… in \(directory.startFile), \(recipe.datasetDigest.prefix(16))… now): "
                                + "resuming would train on other data; restore the original data or start a new run")
        }
        self.recipe = recipe
        self.directory = directory
        self.start = start
        self.runtime = runtime
        self.progress = progress
        self.resuming = resuming
    }

    /// The determinism settings the configuration asks for.
    public var settings: DeterminismSettings {
        let configuration = start.configuration
        return DeterminismSettings(deterministicAlgorithms: !configuration.allowNondeterministic,
                                   benchmark: configuration.benchmark)
    }

    /// Trains until the run is finished or `runtime.stopAfterStep` is reached.
    ///
    /// Asks glibc to keep freed memory for the next step first (``AllocatorTuning/keepFreedMemory()``:
    /// speed only, never a result).
    ///
    /// - Throws: ``TrainingError`` for a non-finite loss (naming the step) or a checkpoint that does
    ///   not belong to this run; ``RunFileError`` when a run file cannot be written.
    public func run() throws -> TrainingOutcome {
        AllocatorTuning.keepFreedMemory()
        let body = { try Determinism.withSettings(self.settings) { try self.train() } }
        if let threads = runtime.threads { return try Parallel.withThreadCount(threads, body) }
        return try body()
    }

    private func train() throws -> TrainingOutcome {
        let configuration = start.configuration
        let model = recipe.model
        let optimizer = recipe.optimizer
        let loader = try recipe.trainLoader(workers: runtime.workers)
        var step = 0
        var completedEpochs = 0
        var restored: (path: String, checkpoint: Checkpoint)?
        if let (path, checkpoint) = directory.latestCheckpoint(warn: progress.warn) {
            guard checkpoint.header.configuration == configuration else {
                throw TrainingError(message: "\(path): the checkpoint (step \(checkpoint.header.step)) was written "
                                    + "with another configuration than \(directory.startFile)")
            }
            try model.load(Dictionary(uniqueKeysWithValues: checkpoint.model.map { ($0.name, $0.tensor) }))
            try optimizer.restore(checkpoint.header.optimizer,
                                  tensors: Dictionary(uniqueKeysWithValues: checkpoint.optimizer.map { ($0.name, $0.tensor) }))
            try loader.restore(checkpoint.header.loader)
            step = checkpoint.header.step
            completedEpochs = checkpoint.header.loader.epoch
            restored = (path, checkpoint)
        }
        if let stop = runtime.stopAfterStep, stop <= step {
            throw TrainingError(message: "--stop-after-step \(stop) is not after step \(step), where this run resumes")
        }
        // The logs as they must be at the checkpoint's step: one metrics row per step, one
        // evaluation per completed epoch, each line as the checkpoint recorded it. Checked in
        // memory; only a resume known to proceed cuts the files back (so that a resumed run's logs
        // are byte-identical to an uninterrupted run's).
        let metricsCut = try MetricsLog.cut(at: directory.metricsFile, keepingStepsThrough: step)
        let evaluationsCut = try MetricsLog.cut(at: directory.evalFile, keepingStepsThrough: step)
        for (cut, columns, expected, what) in [(metricsCut, RunDirectory.metricsColumns, step, "step"),
                                               (evaluationsCut, RunDirectory.evalColumns(metrics: start.metrics), completedEpochs, "completed epoch")] {
            guard cut.columns == columns else {
                throw TrainingError(message: "\(cut.path): line 1: expected the columns \(columns.joined(separator: ",")), "
                                    + "found \(cut.columns.joined(separator: ",")); the run cannot be resumed exactly")
            }
            let name = URL(fileURLWithPath: cut.path).lastPathComponent
            if let (path, checkpoint) = restored, let recorded = checkpoint.logLines[name] {
                try cut.verify(against: recorded, checkpoint: path)
            } else if cut.rowCount != expected {
                let (have, need) = (cut.rowCount, expected)
                throw TrainingError(message: "\(cut.path): has \(have) rows through step \(step), but the run needs one per "
                                    + "\(what) there (\(need)): " + (have < need ? "\(need - have) rows are missing" : "\(have - need) rows too many")
                                    + ", so the run cannot be resumed exactly; start a new run")
            }
        }
        directory.removeTemporaryFiles()
        var metrics = try metricsCut.commit()
        var evaluations = try evaluationsCut.commit()
        if resuming { try AtomicFile.appendLine(String(step), to: directory.resumesFile) }

        let total = recipe.totalSteps
        progress.started(totalSteps: total, epochs: configuration.epochs, resumedFromStep: resuming ? step : nil)
        defer { progress.ended() }

        var lastLoss = Float.nan
        var lastEvaluation: (step: Int, loss: Float, accuracy: Double)?
        func checkpoint() throws {
            try metrics.flush()
            try evaluations.flush()
            let header = Checkpoint.Header(step: step, loader: loader.state, optimizer: optimizer.state(),
                                           configuration: configuration, seed: start.seed)
            try Checkpoint(header: header, model: model.parameterTensors(), optimizer: optimizer.stateTensors(),
                           logLines: ["metrics.csv": metrics.lineHashes, "eval.csv": evaluations.lineHashes])
                .write(to: directory.checkpointsDirectory + "/" + Checkpoint.fileName(step: step))
        }
        func evaluate(epoch: Int) throws {
            let (loss, accuracy) = try validate()
            try evaluations.stage(step: step, [.int(epoch), .float(loss), .double(accuracy)])
            lastEvaluation = (step, loss, accuracy)
            progress.evaluated(step: step, epoch: epoch, loss: loss, accuracy: accuracy)
        }

        while step < total {
            guard let batch = try loader.next() else {
                // The epoch just completed is loader.epoch - 1.
                try evaluate(epoch: loader.epoch - 1)
                try checkpoint()
                continue
            }
            let epoch = loader.epoch
            let learningRate = recipe.schedule.learningRate(atStep: step)
            try optimizer.setLearningRate(learningRate)
            model.zeroGrad()
            let logits = try model.forward(batch.inputs, context: ForwardContext(training: true, step: step,
                                                                                 dropoutKey: recipe.dropoutKey))
            let loss = try logits.crossEntropy(labels: batch.labels)
            lastLoss = loss.scalars[0]
            guard lastLoss.isFinite else {
                try metrics.flush()
                throw TrainingError(message: "the loss is \(lastLoss) at step \(step + 1) (epoch \(epoch + 1)): training "
                                    + "diverged; lower --lr (now \(configuration.learningRate)) and start a new run")
            }
            try loss.backward()
            try optimizer.step()
            step += 1
            try metrics.stage(step: step, [.int(epoch), .float(lastLoss), .double(learningRate)])
            progress.stepped(step, totalSteps: total, epoch: epoch, loss: lastLoss)
            // An epoch's last step is checkpointed once, after its evaluation (above): writing it
            // twice would leave a kill window between the evaluation row and the second write.
            if configuration.checkpointEvery > 0, step % configuration.checkpointEvery == 0, step < total,
               step % recipe.batchesPerEpoch != 0 {
                try checkpoint()
            }
            if step == runtime.stopAfterStep, step < total {
                try metrics.flush()
                try evaluations.flush()
                return .stopped(step: step)
            }
        }
        // The last step may end mid-epoch (maxSteps) or right at an epoch's end.
        if lastEvaluation?.step != step { try evaluate(epoch: loader.epoch) }
        try metrics.flush()
        try evaluations.flush()
        let epochs = (step + recipe.batchesPerEpoch - 1) / recipe.batchesPerEpoch
        return .finished(try finish(model: model, lastLoss: lastLoss, evaluation: lastEvaluation!, epochs: epochs))
    }

    /// Mean cross-entropy and accuracy over the validation set, without dropout.
    private func validate() throws -> (loss: Float, accuracy: Double) {
        let loader = try recipe.validationLoader()
        var lossSum = 0.0
        var correct = 0
        var count = 0
        try Tensor.withNoGrad {
            while let batch = try loader.next() {
                let logits = try recipe.model.forward(batch.inputs, context: .inference)
                lossSum += Double(try logits.crossEntropy(labels: batch.labels).scalars[0]) * Double(batch.labels.count)
                correct += zip(try logits.argmax(), batch.labels).filter { $0 == $1 }.count
                count += batch.labels.count
            }
        }
        return (Float(lossSum / Double(count)), Double(correct) / Double(count))
    }

    private func finish(model: Sequential, lastLoss: Float, evaluation: (step: Int, loss: Float, accuracy: Double),
                        epochs: Int) throws -> RunManifest {
        var tensors: [String: SafeTensor] = [:]
        for (name, tensor) in model.parameterTensors() { tensors[name] = try SafeTensor(tensor.scalars, shape: tensor.shape) }
        try SafeTensorsFile(tensors: tensors).write(to: directory.modelFile)
        let (digest, files) = try RunDigest.compute(directory: directory.path)
        let resumes = ((try? String(decoding: AtomicFile.read(directory.resumesFile), as: UTF8.self)) ?? "")
            .split(separator: "\n").compactMap { Int($0) }
        let manifest = RunManifest(
            seed: start.seed, configuration: start.configuration, determinism: settings,
            environment: .current(gitDirectory: FileManager.default.currentDirectoryPath,
                                  threadCount: Parallel.threadCount, workerCount: runtime.workers),
            startedAt: start.startedAt, finishedAt: RunDirectory.now(), resumedFromSteps: resumes,
            finalMetrics: .init(steps: evaluation.step, epochs: epochs, trainLoss: lastLoss,
                                validationLoss: evaluation.loss, validationMetrics: ["accuracy": evaluation.accuracy]),
            digest: digest, files: files)
        try AtomicFile.write(try manifest.encoded(), to: directory.manifestFile)
        return manifest
    }
}

extension Trainer {
    /// Starts a new run of `configuration` in `path` (new or empty) and trains it.
    ///
    /// - Parameter seed: what was seeded (from `seedEverything` in Repro, or
    ///   `SeedRecord(seed:drawn:deterministicHashing:)`); its seed must be the configuration's.
    /// - Throws: as ``RunDirectory/create(at:start:)`` and ``run()``.
    public static func train(_ configuration: TrainingConfiguration, seed: SeedRecord, into path: String,
                             runtime: RuntimeOptions = RuntimeOptions(),
                             progress: any TrainingProgress = ConsoleProgress()) throws -> TrainingOutcome {
        guard seed.seed == configuration.seed else {
            throw TrainingError(message: "the seed record's seed \(seed.seed) is not the configuration's seed \(configuration.seed)")
        }
        try configuration.validate()
        // The data and model first: a dataset that cannot be read leaves no directory behind.
        let recipe = try Recipe(configuration)
        let start = RunDirectory.Start(configuration: configuration, seed: seed, startedAt: RunDirectory.now(),
                                       datasetSHA256: recipe.datasetDigest, metrics: ["accuracy"])
        let directory = try RunDirectory.create(at: path, start: start)
        return try Trainer(recipe: recipe, directory: directory, start: start, runtime: runtime, progress: progress,
                           resuming: false).run()
    }

    /// Continues the unfinished run in `path` from its newest complete checkpoint.
    ///
    /// - Throws: as ``RunDirectory/openForResume(_:)`` and ``run()``; ``TrainingError`` when the
    ///   dataset's content changed since the run started.
    public static func resume(_ path: String, runtime: RuntimeOptions = RuntimeOptions(),
                              progress: any TrainingProgress = ConsoleProgress()) throws -> TrainingOutcome {
        let (directory, start) = try RunDirectory.openForResume(path)
        return try Trainer(directory: directory, start: start, runtime: runtime, progress: progress, resuming: true).run()
    }
}
