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
    public init(directory: RunDirectory, start: RunDirectory.Start, runtime: RuntimeOptions,
                progress: any TrainingProgress, resuming: Bool) throws {
        self.recipe = try Recipe(start.configuration)
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
        directory.removeTemporaryFiles()

        var step = 0
        var completedEpochs = 0
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
        }
        // Logs back to the checkpoint's step (or to the header only): a resumed run's logs are
        // byte-identical to an uninterrupted run's.
        try MetricsLog.truncate(at: directory.metricsFile, keepingStepsThrough: step)
        try MetricsLog.truncate(at: directory.evalFile, keepingStepsThrough: step)
        var metrics = try MetricsLog.open(at: directory.metricsFile)
        var evaluations = try MetricsLog.open(at: directory.evalFile)
        // One metrics row per step and one evaluation per completed epoch must reach the checkpoint.
        for (log, expected, what) in [(metrics, step, "step"), (evaluations, completedEpochs, "completed epoch")] {
            let rows = try MetricsLog.read(at: log.path).rows.count
            guard rows == expected else {
                throw TrainingError(message: "\(log.path): has \(rows) rows but the checkpoint at step \(step) needs one "
                                    + "per \(what) (\(expected)): rows are missing, so the run cannot be resumed exactly; "
                                    + "start a new run")
            }
        }
        if let stop = runtime.stopAfterStep, stop <= step {
            throw TrainingError(message: "--stop-after-step \(stop) is not after step \(step), where this run resumes")
        }
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
            try Checkpoint(header: header, model: model.parameterTensors(), optimizer: optimizer.stateTensors())
                .write(to: directory.checkpointsDirectory + "/" + Checkpoint.fileName(step: step))
        }
        func evaluate(epoch: Int) throws {
            let (loss, accuracy) = try validate()
            // A process killed while overwriting this step's checkpoint at an epoch's end resumes
            // from the step's earlier checkpoint with this row already logged (the same values).
            if (evaluations.lastStep ?? -1) < step {
                try evaluations.stage(step: step, [.int(epoch), .float(loss), .double(accuracy)])
            }
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
            if configuration.checkpointEvery > 0, step % configuration.checkpointEvery == 0, step < total {
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
                                validationLoss: evaluation.loss, validationAccuracy: evaluation.accuracy),
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
        let start = RunDirectory.Start(configuration: configuration, seed: seed, startedAt: RunDirectory.now())
        let directory = try RunDirectory.create(at: path, start: start)
        return try Trainer(directory: directory, start: start, runtime: runtime, progress: progress, resuming: false).run()
    }

    /// Continues the unfinished run in `path` from its newest complete checkpoint.
    ///
    /// - Throws: as ``RunDirectory/openForResume(_:)`` and ``run()``.
    public static func resume(_ path: String, runtime: RuntimeOptions = RuntimeOptions(),
                              progress: any TrainingProgress = ConsoleProgress()) throws -> TrainingOutcome {
        let (directory, start) = try RunDirectory.openForResume(path)
        return try Trainer(directory: directory, start: start, runtime: runtime, progress: progress, resuming: true).run()
    }
}
