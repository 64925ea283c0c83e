import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

/// A run's trace while a ``Trainer`` trains it (docs/ARCHITECTURE.md §7, "Traces"; the format and
/// the order of the entries: ``ReproRuns/TraceFile``): the recorder that each training forward
/// pass gets in its ``ReproNN/ForwardContext``, and the writer of `trace.bin`.
struct StepTrace {
    /// Where this step's entries are recorded; it keeps the tensors while a ``TraceCapture`` is
    /// active (``Trainer/rerun(_:run:step:runtime:)``).
    let recorder = TraceRecorder(keepingTensors: TraceCapture.current != nil)
    private var log: TraceLog

    /// The check values of the records written or staged, for the checkpoint (`logLines`).
    var lineHashes: [UInt64] { log.lineHashes }

    /// A run's trace cut back to the step a resume continues from, checked, not yet written.
    struct Resumption {
        let cut: LogCut
        let names: [String]

        /// Writes the cut trace and opens it for the steps that follow.
        func commit() throws -> StepTrace { StepTrace(log: try TraceLog.commit(cut, names: names)) }
    }

    /// The trace of the run in `directory` cut back to `step`, checked against what `restored`
    /// recorded of it (or, from step 0, holding no step); nil when the run records no trace.
    ///
    /// - Throws: `RunFileError` when `trace.bin` is missing, damaged, or differs from the
    ///   checkpoint's record of it: the run cannot be resumed exactly.
    static func resumption(_ directory: RunDirectory, _ start: RunDirectory.Start, step: Int,
                           restored: (path: String, checkpoint: Checkpoint)?) throws -> Resumption? {
        guard start.trace == true else { return nil }
        let (cut, names) = try TraceLog.cut(at: directory.traceFile, keepingStepsThrough: step)
        if let (path, checkpoint) = restored, let recorded = checkpoint.logLines[TraceFile.fileName] {
            try cut.verify(against: recorded, checkpoint: path)
        } else if cut.rowCount != step {
            throw TrainingError(message: "\(directory.traceFile): has \(cut.rowCount) step records through step \(step), "
                                + "but the run needs one per step there (\(step)); the run cannot be resumed exactly")
        }
        return Resumption(cut: cut, names: names)
    }

    /// Records the positions of the random streams and the indices of the micro-batch just read.
    func batchRead<Data, Batch>(from loader: DataLoader<Data, Batch>, dropoutKey: ThreefryKey, step: Int) {
        recorder.record(.stream, "loader.epoch", UInt64(loader.epoch))
        recorder.record(.stream, "loader.position", UInt64(loader.position))
        recorder.record(.batch, "indices", TraceHash.hash(indices: loader.lastIndices))
        recorder.record(.stream, "dropout.key", UInt64(dropoutKey.data.x) << 32 | UInt64(dropoutKey.data.y))
        recorder.record(.stream, "dropout.step", UInt64(step))
    }

    /// Records each parameter's gradient, in reverse parameter order (parameters without one are
    /// left out).
    func gradients(of model: some Layer) {
        for (name, tensor) in model.namedParameters.reversed() {
            if let grad = tensor.grad { recorder.record(.gradient, name, grad) }
        }
    }

    /// Records each parameter after the update, in parameter order, and stages the step's record.
    ///
    /// - Parameter step: the step just completed (1 for the first).
    mutating func stepEnded(_ step: Int, model: some Layer) throws {
        for (name, tensor) in model.namedParameters { recorder.record(.parameter, name, tensor) }
        let traced = recorder.takeTensors()
        TraceCapture.current?.offer(step: step, traced)
        try log.stage(step: step, traced.map(\.entry))
    }

    /// Writes the staged records durably.
    mutating func flush() throws { try log.flush() }
}
