import Foundation
import ReproData
import ReproFiles
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

/// How a training process ended.
public enum TrainingOutcome {
    /// The run finished; its manifest.
    case finished(RunManifest)
    /// `stopAfterStep` or a ``StopRequest`` ended it after this step, as if interrupted. After a
    /// stop request the step has a checkpoint, so a resume continues from it.
    case stopped(step: Int)
}

/// A training run that went wrong in a way no retry fixes (a diverged loss, a checkpoint from
/// another run, a task that does not keep its contract).
public struct TrainingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}

/// The training loop of a run directory (docs/ARCHITECTURE.md §6): trains a ``TrainingTask``, logs
/// every step to `metrics.csv` and every evaluation (each epoch's end, and the last step) to
/// `eval.csv`, checkpoints every `checkpointEvery` steps and at each epoch's end, and writes
/// `model.safetensors` and `manifest.json` at the end.
///
/// What it supplies to every task, the built-in recipe's included:
/// - the `init` stream for ``TrainingTask/makeModel(using:)``, the `loader` stream's seed for the
///   shuffled order and per-sample augmentation, and the `dropout` key in each step's
///   ``ForwardContext`` (``SeedStreams``);
/// - a ``DataLoader`` with `runtime.workers` workers whose batches do not depend on that count;
/// - checkpoints holding the model, the optimizer, the loader's position, the task's own state
///   and the logs' line hashes; started again on an unfinished run, it resumes from the newest
///   complete checkpoint (or from step 0) with the logs cut back to that step, and reaches the
///   same bits as an uninterrupted run, for any thread and worker counts.
///
/// Each optimizer step (docs/ARCHITECTURE.md §6): the learning rate from the schedule, zeroed
/// gradients, then for each of the step's micro-batches, in loader order, the forward pass, the
/// loss, a check that it is finite, and `backward()`; then, when `gradientClipNorm` is set,
/// ``ReproNN/clipGradNorm(_:maxNorm:)`` over the model's parameters; then `optimizer.step()`.
///
/// Gradient accumulation (`accumulationSteps` K): `batchSize` stays the samples per optimizer
/// step; the loader reads micro-batches of `batchSize / K`; a step takes K of them, or at an
/// epoch's end the k < K that remain, so an epoch has ⌈loader batches / K⌉ steps. Each
/// micro-batch's loss is divided by k before its `backward()` (nanoGPT's
/// `loss / gradient_accumulation_steps`), so the gradients accumulate in micro-batch order into
/// those of the mean of the k micro-batch losses (at an epoch's end, where the last micro-batch
/// can be smaller, that is not the mean over samples); the logged loss is the micro-batch losses summed in order and divided
/// by k, in Float32. With K > 1, micro-batch m's forward pass gets the key
/// `dropoutKey.foldIn(m)` (so each micro-batch draws its own dropout masks); with K = 1 (nil) it
/// is the run's key and a step is exactly the step without accumulation.
///
/// - Determinism: with or without accumulation and clipping, identical bits for any thread and
///   worker count and across interruption and resume. Accumulating K micro-batches is *not*
///   bitwise equal to one batch of K times the size: the big batch sums its per-sample
///   gradients (and the loss) in one reduction over all samples, the accumulation sums each
///   micro-batch's, divides by k and adds the K results in order. The two are equal in exact
///   arithmetic, but Float32 rounds the two summation orders differently.
public final class Trainer<Task: TrainingTask> {
    /// The task, with the state its ``TrainingTask/stepEnded(_:loss:model:)`` keeps.
    public private(set) var task: Task
    public let directory: RunDirectory
    public let start: RunDirectory.Start
    public let runtime: RuntimeOptions
    /// Where progress goes; nil: nowhere (the trainer prints nothing).
    public let progress: (any TrainingProgress)?
    /// Whether this process continues a run an earlier process started.
    public let resuming: Bool

    init(task: Task, directory: RunDirectory, start: RunDirectory.Start, runtime: RuntimeOptions,
         progress: (any TrainingProgress)?, resuming: Bool) {
        self.task = task
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

    /// Trains until the run is finished, `runtime.stopAfterStep` is reached or `runtime.stopRequest`
    /// is made.
    ///
    /// Asks glibc to keep freed memory for the next step first (``AllocatorTuning/keepFreedMemory()``:
    /// speed only, never a result).
    ///
    /// - Throws: ``ReproRuns/ConfigurationError`` (field `stopAfterStep`) for a stop at or before
    ///   the step the run resumes from; ``TrainingError`` for a non-finite loss (naming the step;
    ///   the run keeps its logs up to the step before and records the loss in `diverged.txt`, so
    ///   that a resume refuses it instead of diverging again), a loss that is not one
    ///   number, a metric the task does not report, or a checkpoint that does not belong to this
    ///   run or task; ``RunFileError`` when a run file cannot be written; what the task throws.
    public func run() throws -> TrainingOutcome {
        AllocatorTuning.keepFreedMemory()
        let body = { try Determinism.withSettings(self.settings) { try self.train() } }
        if let threads = runtime.threads { return try Parallel.withThreadCount(threads, body) }
        return try body()
    }

    private func train() throws -> TrainingOutcome {
        let configuration = start.configuration
        let streams = SeedStreams(seed: configuration.seed)
        var generator = streams.generator("init")
        let model = try task.makeModel(using: &generator)
        let optimizer = try task.makeOptimizer(for: model)
        let loader = try Self.trainingLoader(task, start.configuration, seed: streams.seed(for: "loader"), workers: runtime.workers,
                                             prefetch: runtime.prefetch)
        let dropoutKey = streams.key("dropout")
        let microBatches = configuration.microBatchesPerStep
        let batchesPerEpoch = loader.batchesPerEpoch
        // An epoch's last step takes the micro-batches that remain.
        let stepsPerEpoch = (batchesPerEpoch + microBatches - 1) / microBatches
        let total = min(configuration.epochs * stepsPerEpoch, configuration.maxSteps ?? .max)
        let schedule = try task.learningRateSchedule(totalSteps: total, optimizer: optimizer)

        var step = 0
        var completedEpochs = 0
        var restored: (path: String, checkpoint: Checkpoint)?
        if let (path, checkpoint) = Checkpoint.latest(in: directory, warn: { self.progress?.warn($0) }) {
            try restore(checkpoint, from: path, model: model, optimizer: optimizer, loader: loader)
            step = checkpoint.header.step
            completedEpochs = checkpoint.header.loader.epoch
            restored = (path, checkpoint)
        }
        if let stop = runtime.stopAfterStep, stop <= step {
            throw ConfigurationError(field: "stopAfterStep", "\(stop) is not after step \(step), where this run resumes")
        }
        // The logs as they must be at the checkpoint's step: one metrics row per step, one
        // evaluation per completed epoch, each line as the checkpoint recorded it. Checked in
        // memory; only a resume known to proceed cuts the files back (so that a resumed run's logs
        // are byte-identical to an uninterrupted run's).
        let metricsCut = try MetricsLog.cut(at: directory.metricsFile, keepingStepsThrough: step)
        let evaluationsCut = try MetricsLog.cut(at: directory.evalFile, keepingStepsThrough: step)
        for (cut, columns, expected, what) in [(metricsCut, RunDirectory.metricsColumns, step, "step"),
                                               (evaluationsCut, RunDirectory.evalColumns(metrics: start.metrics),
                                                completedEpochs, "completed epoch")] {
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
        let traceResumption = try StepTrace.resumption(directory, start, step: step, restored: restored)
        directory.removeTemporaryFiles()
        var metrics = try metricsCut.commit()
        var evaluations = try evaluationsCut.commit()
        var trace = try traceResumption?.commit()
        var tensorBoard = try RunTensorBoard.open(directory, enabled: runtime.tensorBoard)
        // `resumes.log` exists once a process has started training the run: a run opened for
        // resuming without it was created for a later process to train (`createRun`), and starts.
        let resumed = resuming && FileManager.default.fileExists(atPath: directory.resumesFile)
        if resumed {
            try AtomicFile.appendLine(String(step), to: directory.resumesFile)
        } else {
            try AtomicFile.write([], to: directory.resumesFile)
        }

        progress?.started(totalSteps: total, epochs: configuration.epochs, resumedFromStep: resumed ? step : nil)
        defer { progress?.ended() }

        var lastLoss = Float.nan
        var lastEvaluation: (step: Int, loss: Float, metrics: [Double])?
        func checkpoint() throws {
            try metrics.flush()
            try evaluations.flush()
            try trace?.flush()
            var logLines = ["metrics.csv": metrics.lineHashes, "eval.csv": evaluations.lineHashes]
            if let trace { logLines[TraceFile.fileName] = trace.lineHashes }
            try tensorBoard?.update()
            let state = try task.state()
            let header = Checkpoint.Header(step: step, loader: loader.state, optimizer: optimizer.state(),
                                           configuration: configuration, seed: start.seed, taskValues: state.values)
            try Checkpoint(header: header, model: model.parameterTensors(), optimizer: optimizer.stateTensors(),
                           task: state.tensors.map { ($0.name, $0.tensor.detached()) },
                           logLines: logLines)
                .write(to: directory.checkpointsDirectory + "/" + Checkpoint.fileName(step: step))
        }
        func evaluate(epoch: Int) throws {
            let (loss, values) = try validate(model)
            try evaluations.stage(step: step, [.int(epoch), .float(loss)] + values.map { .double($0) })
            lastEvaluation = (step, loss, values)
            progress?.evaluated(step: step, epoch: epoch, loss: loss,
                               metrics: Array(zip(start.metrics, values)).map { (name: $0.0, value: $0.1) })
        }

        // A stop request ends the loop after a step that has a checkpoint: the epoch's end (after
        // its evaluation), a periodic checkpoint, or one written for the stop.
        func stopRequested() -> Bool { step < total && runtime.stopRequest?.isRequested == true }
        while step < total {
            guard var batch = try loader.next() else {
                // The epoch just completed is loader.epoch - 1.
                try evaluate(epoch: loader.epoch - 1)
                try checkpoint()
                if stopRequested() { return .stopped(step: step) }
                continue
            }
            let epoch = loader.epoch
            let learningRate = schedule.learningRate(atStep: step)
            try optimizer.setLearningRate(learningRate)
            model.zeroGrad()
            // This step's micro-batches: K, or the ones left in the epoch (the one just read included).
            let count = min(microBatches, batchesPerEpoch - loader.position + 1)
            var lossSum: Float = 0
            for micro in 0..<count {
                if micro > 0 {
                    guard let next = try loader.next() else {
                        throw TrainingError(message: "the training loader ended its epoch after \(loader.position) of its "
                                            + "\(batchesPerEpoch) batches")
                    }
                    batch = next
                }
                let key = microBatches > 1 ? dropoutKey.foldIn(UInt32(micro)) : dropoutKey
                trace?.batchRead(from: loader, dropoutKey: key, step: step)
                let loss = try task.loss(of: batch, model: model,
                                         context: ForwardContext(training: true, step: step, dropoutKey: key,
                                                                 recorder: trace?.recorder))
                trace?.recorder.record(.loss, "loss", loss)
                let value = try Self.scalar(loss, "loss(of:model:context:)")
                guard value.isFinite else {
                    try metrics.flush()
                    try trace?.flush()
                    try tensorBoard?.update()
                    let part = microBatches > 1 ? ", micro-batch \(micro + 1) of \(count)" : ""
                    let loss = value.isNaN ? "nan" : value > 0 ? "inf" : "-inf"
                    let what = "the loss is \(loss) at step \(step + 1) (epoch \(epoch + 1)\(part)): training diverged"
                    try AtomicFile.write(Array((what + "\n").utf8), to: directory.divergenceFile)
                    throw TrainingError(message: "\(what); lower the learning rate (now \(learningRate)) and start a new run "
                                        + "(\(directory.path) keeps the logs up to step \(step) and cannot be resumed)")
                }
                // nanoGPT's `loss / gradient_accumulation_steps`: the gradients add up to those of the mean.
                let scaled = count == 1 ? loss : try loss / Float(count)
                try scaled.backward()
                lossSum = micro == 0 ? value : lossSum + value
            }
            lastLoss = lossSum / Float(count)
            if let maxNorm = configuration.gradientClipNorm {
                try clipGradNorm(model.parameters, maxNorm: maxNorm)
            }
            trace?.gradients(of: model)
            try optimizer.step()
            step += 1
            try trace?.stepEnded(step, model: model)
            try task.stepEnded(step, loss: lastLoss, model: model)
            try metrics.stage(step: step, [.int(epoch), .float(lastLoss), .double(learningRate)])
            progress?.stepped(step, totalSteps: total, epoch: epoch, loss: lastLoss)
            // An epoch's last step is checkpointed once, after its evaluation (above): writing it
            // twice would leave a kill window between the evaluation row and the second write.
            if configuration.checkpointEvery > 0, step % configuration.checkpointEvery == 0, step < total,
               step % stepsPerEpoch != 0 {
                try checkpoint()
            }
            if step == runtime.stopAfterStep, step < total {
                try metrics.flush()
                try evaluations.flush()
                try trace?.flush()
                try tensorBoard?.update()
                return .stopped(step: step)
            }
            // An epoch's last step is left to its evaluation and checkpoint (at the loop's top).
            if stopRequested(), step % stepsPerEpoch != 0 {
                if configuration.checkpointEvery == 0 || step % configuration.checkpointEvery != 0 { try checkpoint() }
                return .stopped(step: step)
            }
        }
        // The last step may end mid-epoch (maxSteps) or right at an epoch's end.
        if lastEvaluation?.step != step { try evaluate(epoch: loader.epoch) }
        try metrics.flush()
        try evaluations.flush()
        try trace?.flush()
        try tensorBoard?.update()
        let epochs = (step + stepsPerEpoch - 1) / stepsPerEpoch
        return .finished(try finish(model: model, lastLoss: lastLoss, evaluation: lastEvaluation!, epochs: epochs))
    }

    /// The training loader: the task's training set, shuffled by `seed` (``ShuffledSampler``),
    /// with the task's training transforms, in micro-batches (`batchSize / accumulationSteps`).
    private static func trainingLoader(_ task: Task, _ configuration: TrainingConfiguration, seed: UInt64,
                                       workers: Int, prefetch: Int = 2) throws -> DataLoader<Task.Data, Task.Batch> {
        let data = try task.trainingSet
        return try DataLoader(data, sampler: try ShuffledSampler(count: data.count, seed: seed),
                              batchSize: configuration.batchSize / configuration.microBatchesPerStep, seed: seed,
                              workers: workers, prefetch: prefetch,
                              transforms: try task.trainingTransforms,
                              collate: { samples, info in try task.collate(samples, info: info) })
    }

    /// Loads a checkpoint into the model, optimizer, loader and task, after checking that it
    /// belongs to this run; names the difference when it does not.
    private func restore(_ checkpoint: Checkpoint, from path: String, model: Task.Model, optimizer: any Optimizer,
                         loader: DataLoader<Task.Data, Task.Batch>) throws {
        let (recorded, configuration) = (checkpoint.header.configuration, start.configuration)
        guard recorded == configuration else {
            let fields = (try? JSONValue(encoding: recorded).differences(from: JSONValue(encoding: configuration))) ?? []
            throw TrainingError(message: "\(path): the checkpoint (step \(checkpoint.header.step)) was written with another "
                                + "configuration than \(directory.startFile) (differing: \(fields.joined(separator: ", ")))")
        }
        func fit(_ what: String, _ body: () throws -> Void) throws {
            do { try body() } catch {
                throw TrainingError(message: "\(path): the checkpoint's \(what) does not fit the task '\(task.name)': \(error)")
            }
        }
        try fit("model") { try model.load(Dictionary(uniqueKeysWithValues: checkpoint.model.map { ($0.name, $0.tensor) })) }
        try fit("optimizer state") {
            try optimizer.restore(checkpoint.header.optimizer,
                                  tensors: Dictionary(uniqueKeysWithValues: checkpoint.optimizer.map { ($0.name, $0.tensor) }))
        }
        try fit("loader state") { try loader.restore(checkpoint.header.loader) }
        try fit("task state") { try task.restore(TaskState(values: checkpoint.header.taskValues, tensors: checkpoint.task)) }
    }

    /// The mean validation loss and the mean of each metric over the validation samples, without
    /// dropout, in validation-set order. With per-sample losses (and metric sums that are exact,
    /// such as counts), the results do not depend on the validation batch size (G9).
    private func validate(_ model: Task.Model) throws -> (loss: Float, metrics: [Double]) {
        let (task, data) = (self.task, try self.task.validationSet)
        let loader = try DataLoader(data, sampler: try SequentialSampler(count: data.count),
                                    batchSize: start.configuration.validationBatchSize, seed: 0,
                                    transforms: try task.validationTransforms,
                                    collate: { samples, info in try task.collate(samples, info: info) })
        let names = start.metrics
        var lossSum = 0.0
        var sums = [Double](repeating: 0, count: names.count)
        var count = 0
        try Tensor.withNoGrad {
            while let batch = try loader.next() {
                let evaluation = try task.evaluate(batch, model: model)
                if let unknown = evaluation.sums.keys.filter({ !names.contains($0) }).sorted().first {
                    throw TrainingError(message: "evaluate(_:model:) of the task '\(task.name)' reports the metric '\(unknown)', "
                                        + "which is not one of its metricNames (\(names.joined(separator: ", ")))")
                }
                for (index, name) in names.enumerated() {
                    guard let sum = evaluation.sums[name] else {
                        throw TrainingError(message: "evaluate(_:model:) of the task '\(task.name)' reports no sum for the metric '\(name)'")
                    }
                    sums[index] += sum
                }
                if evaluation.loss.count == evaluation.count {
                    for loss in evaluation.loss.scalars { lossSum += Double(loss) }  // sample order: G9
                } else {
                    lossSum += Double(try Self.scalar(evaluation.loss, "evaluate(_:model:)")) * Double(evaluation.count)
                }
                count += evaluation.count
            }
        }
        guard count > 0 else {
            throw TrainingError(message: "evaluate(_:model:) of the task '\(task.name)' counted no samples in the validation set")
        }
        return (Float(lossSum / Double(count)), sums.map { $0 / Double(count) })
    }

    /// The one element of a loss, or an error naming where a loss of another shape came from.
    static func scalar(_ loss: Tensor, _ source: String) throws -> Float {
        guard loss.count == 1 else {
            throw TrainingError(message: "\(source) must return a loss of one element (a mean over the batch), "
                                + "got a tensor of shape \(loss.shape)")
        }
        return loss.scalars[0]
    }

    private func finish(model: Task.Model, lastLoss: Float, evaluation: (step: Int, loss: Float, metrics: [Double]),
                        epochs: Int) throws -> RunManifest {
        var tensors: [String: SafeTensor] = [:]
        for (name, tensor) in model.parameterTensors() { tensors[name] = try SafeTensor(tensor.scalars, shape: tensor.shape) }
        try SafeTensorsFile(tensors: tensors).write(to: directory.modelFile)
        let (digest, files) = try RunDigest.compute(directory: directory.path)
        let resumes = ((try? String(decoding: AtomicFile.read(directory.resumesFile), as: UTF8.self)) ?? "")
            .split(separator: "\n").compactMap { Int($0) }
        let manifest = RunManifest(
            seed: start.seed, configuration: start.configuration, determinism: settings,
            environment: .current(codeDirectory: runtime.codeDirectory,
                                  threadCount: Parallel.threadCount, workerCount: runtime.workers),
            startedAt: start.startedAt, finishedAt: RunDirectory.now(), resumedFromSteps: resumes,
            finalMetrics: .init(steps: evaluation.step, epochs: epochs, trainLoss: lastLoss,
                                validationLoss: evaluation.loss,
                                validationMetrics: Dictionary(uniqueKeysWithValues: zip(start.metrics, evaluation.metrics))),
            digest: digest, files: files)
        try AtomicFile.write(try manifest.encoded(), to: directory.manifestFile)
        return manifest
    }
}

extension Trainer {
    /// Starts a new run of `task` in `path` (new or empty) and trains it.
    ///
    /// A training that fails before its first checkpoint, other than by a diverged loss, removes
    /// what it created (the run's files, and `path` and its parents where it created them), so the
    /// same call can be made again; a run with a checkpoint stays for ``resume(_:_:runtime:progress:)``.
    ///
    /// - Parameters:
    ///   - configuration: the seed and loop settings; its `task` must be `task`'s record (make it
    ///     with ``ReproRuns/TrainingConfiguration/init(seed:task:)`` from the task).
    ///   - seed: what was seeded (from `seedEverything` in Repro, or
    ///     `SeedRecord(seed:drawn:deterministicHashing:)`); its seed must be the configuration's.
    ///   - progress: where to report steps, evaluations and warnings (``ConsoleProgress`` for the
    ///     command line's display); nil, the default, reports nothing.
    /// - Throws: as ``createRun(_:_:seed:at:)`` and ``run()``.
    public static func train(_ task: Task, _ configuration: TrainingConfiguration, seed: SeedRecord, into path: String,
                             runtime: RuntimeOptions = RuntimeOptions(),
                             progress: (any TrainingProgress)? = nil) throws -> TrainingOutcome {
        let missing = RunDirectory.missingDirectories(path)
        let (directory, start) = try create(task, configuration, seed: seed, at: path, trace: runtime.trace)
        do {
            return try Trainer(task: task, directory: directory, start: start, runtime: runtime, progress: progress,
                               resuming: false).run()
        } catch {
            directory.discardIfNeverCheckpointed(createdDirectories: missing)
            throw error
        }
    }

    /// Creates the run of `task` in `path` (new or empty) without training it: `run.json` and the
    /// empty logs, for ``resume(_:_:runtime:progress:)`` to train (in another process, say), as
    /// `repro sweep` and `repro exercise` do; with `trace`, a run that records a trace
    /// (``RuntimeOptions/trace``).
    ///
    /// - Throws: ``ReproRuns/ConfigurationError`` for invalid settings or metric names,
    ///   ``TrainingError`` when the configuration's task or seed is not `task`'s, what building
    ///   the task's data and model throws (before anything is written), and as
    ///   ``RunDirectory/create(at:start:)``.
    public static func createRun(_ task: Task, _ configuration: TrainingConfiguration, seed: SeedRecord,
                                 at path: String, trace: Bool = false) throws {
        _ = try create(task, configuration, seed: seed, at: path, trace: trace)
    }

    private static func create(_ task: Task, _ configuration: TrainingConfiguration, seed: SeedRecord,
                               at path: String, trace: Bool) throws -> (RunDirectory, RunDirectory.Start) {
        guard seed.seed == configuration.seed else {
            throw TrainingError(message: "the seed record's seed \(seed.seed) is not the configuration's seed \(configuration.seed)")
        }
        try configuration.validate()
        let record = try TaskRecord(task)
        guard configuration.task == record else {
            let fields = (try? JSONValue(encoding: configuration.task).differences(from: JSONValue(encoding: record))) ?? []
            throw TrainingError(message: "the configuration's task record is not the task's (differing: "
                                + "\(fields.joined(separator: ", "))): make it with TrainingConfiguration(seed:task:)")
        }
        try RunDirectory.validateMetricNames(task.metricNames, source: "the metricNames of the task '\(task.name)'")
        // The data, the model and the first batch's loss first: a dataset that cannot be read, or
        // a task whose loss is not one number, leaves no directory behind.
        let dataDigest = try task.dataDigest
        let streams = SeedStreams(seed: configuration.seed)
        var generator = streams.generator("init")
        let model = try task.makeModel(using: &generator)
        let loader = try trainingLoader(task, configuration, seed: streams.seed(for: "loader"), workers: 0)
        if let batch = try loader.next() {
            try Tensor.withNoGrad {
                let context = ForwardContext(training: true, step: 0, dropoutKey: streams.key("dropout"))
                _ = try scalar(try task.loss(of: batch, model: model, context: context), "loss(of:model:context:)")
            }
        }
        let start = RunDirectory.Start(configuration: configuration, seed: seed, startedAt: RunDirectory.now(),
                                       datasetSHA256: dataDigest, metrics: task.metricNames, trace: trace)
        return (try RunDirectory.create(at: path, start: start), start)
    }

    /// Continues the unfinished run of `task` in `path` from its newest complete checkpoint.
    ///
    /// - Parameter progress: as for ``train(_:_:seed:into:runtime:progress:)``: nil reports nothing.
    /// - Throws: as ``RunDirectory/openForResume(_:)`` and ``run()``; ``TrainingError`` when the run
    ///   diverged (`diverged.txt`), trains another task, with other settings or metrics, or on data
    ///   whose content changed since it started.
    public static func resume(_ task: Task, _ path: String, runtime: RuntimeOptions = RuntimeOptions(),
                              progress: (any TrainingProgress)? = nil) throws -> TrainingOutcome {
        let (directory, start) = try RunDirectory.openForResume(path)
        if runtime.trace, start.trace != true {
            throw TrainingError(message: "\(path): the run was started without a trace, and a trace covers a run from its "
                                + "first step: start a new run with the trace on to record one")
        }
        if let diverged = try? AtomicFile.read(directory.divergenceFile, limit: 4096) {
            let what = String(decoding: diverged, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw TrainingError(message: "\(path): the run ended when its loss diverged (\(directory.divergenceFile): \(what)); "
                                + "resuming would repeat the same steps and diverge again: start a new run, with a lower "
                                + "learning rate, in another directory")
        }
        let record = try TaskRecord(task)
        guard start.configuration.task.name == record.name else {
            throw TrainingError(message: "\(directory.startFile): the run trains the task '\(start.configuration.task.name)', "
                                + "not '\(record.name)': resume it with the program that started it")
        }
        let differences = start.configuration.task.settings.differences(from: record.settings)
        guard differences.isEmpty else {
            throw TrainingError(message: "\(directory.startFile): the task '\(record.name)' has other settings than the run "
                                + "started with (differing: \(differences.joined(separator: ", "))): resuming would train another run")
        }
        guard start.metrics == task.metricNames else {
            throw TrainingError(message: "\(directory.startFile): the run records the metrics [\(start.metrics.joined(separator: ", "))], "
                                + "the task '\(record.name)' has [\(task.metricNames.joined(separator: ", "))]")
        }
        if let recorded = start.datasetSHA256 {
            let current = try task.dataDigest
            guard current == recorded else {
                throw TrainingError(message: "\(try task.dataSource): the data's content changed since the run started "
                                    + "(sha256 \(recorded.prefix(16))… in \(directory.startFile), "
                                    + "\(current.map { $0.prefix(16) + "…" } ?? "none") now): "
                                    + "resuming would train on other data; restore the original data or start a new run")
            }
        }
        return try Trainer(task: task, directory: directory, start: start, runtime: runtime, progress: progress,
                           resuming: true).run()
    }
}

extension TaskRecord {
    /// The record of `task`: its name and settings.
    ///
    /// - Throws: what the task's ``TrainingTask/settings`` throws.
    public init(_ task: some TrainingTask) throws {
        self.init(name: task.name, settings: try task.settings)
    }
}

extension TrainingConfiguration {
    /// The default loop settings for `task` trained from `seed`.
    ///
    /// - Throws: what the task's ``TrainingTask/settings`` throws.
    public init(seed: UInt64, task: some TrainingTask) throws {
        self.init(seed: seed, task: try TaskRecord(task))
    }
}
