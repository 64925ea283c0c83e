import Foundation
import ReproNN
import ReproTensor
import ReproRuns
import Synchronization

/// The step whose tensors a ``Trainer/rerun(_:run:step:runtime:)`` keeps, for the training in
/// the current task (a task-local value, so the training loop needs no parameter for it).
final class TraceCapture: Sendable {
    @TaskLocal static var current: TraceCapture?

    /// The step to keep (1 for the first).
    let step: Int
    private let kept = Mutex<[TracedTensor]?>(nil)

    init(step: Int) { self.step = step }

    /// Keeps `traced` when it is the entries of ``step``.
    func offer(step: Int, _ traced: [TracedTensor]) {
        if step == self.step { kept.withLock { $0 = traced } }
    }

    /// The kept entries, or nil when the step was not reached.
    var tensors: [TracedTensor]? { kept.withLock { $0 } }
}

extension Trainer {
    /// Re-executes step `step` (1 for the first, as in `metrics.csv`) of the traced run of `task`
    /// in `path`, finished or not, from its newest checkpoint before that step, and returns the
    /// step's trace entries with their full tensors, in execution order: what
    /// `repro compare --rerun` compares between two runs. The run itself is not changed: the
    /// step runs in a scratch copy of `run.json`, the logs, the trace and that one checkpoint,
    /// removed afterwards.
    ///
    /// - Throws: ``TrainingError`` when the run has no trace or no such step; as
    ///   ``resume(_:_:runtime:progress:)`` for a task that is not the run's.
    public static func rerun(_ task: Task, run path: String, step: Int,
                             runtime: RuntimeOptions = RuntimeOptions()) throws -> [TracedTensor] {
        let source = RunDirectory(path: path)
        guard try source.readStart().trace == true else {
            throw TrainingError(message: "\(path): the run has no trace (train it with the trace on to rerun a step)")
        }
        guard step >= 1 else { throw TrainingError(message: "step \(step) must be at least 1") }
        let manager = FileManager.default
        let checkpoint = ((try? manager.contentsOfDirectory(atPath: source.checkpointsDirectory)) ?? [])
            .compactMap { Checkpoint.step(ofFileName: $0) }.filter { $0 < step }.max()
        let scratch = manager.temporaryDirectory.appendingPathComponent("repro-rerun-\(UUID().uuidString)").path
        defer { try? manager.removeItem(atPath: scratch) }
        let copy = RunDirectory(path: scratch)
        do {
            try manager.createDirectory(atPath: copy.checkpointsDirectory, withIntermediateDirectories: true)
            for (from, to) in [(source.startFile, copy.startFile), (source.metricsFile, copy.metricsFile),
                               (source.evalFile, copy.evalFile), (source.traceFile, copy.traceFile)] {
                try manager.copyItem(atPath: from, toPath: to)
            }
            if let checkpoint {
                let name = "/" + Checkpoint.fileName(step: checkpoint)
                try manager.copyItem(atPath: source.checkpointsDirectory + name, toPath: copy.checkpointsDirectory + name)
            }
        } catch {
            throw TrainingError(message: "\(path): cannot copy the run to \(scratch) to rerun step \(step): \(error.localizedDescription)")
        }
        var options = runtime
        (options.stopAfterStep, options.stopRequest, options.trace) = (step, nil, false)
        let capture = TraceCapture(step: step)
        _ = try TraceCapture.$current.withValue(capture) { try resume(task, scratch, runtime: options) }
        guard let tensors = capture.tensors else {
            throw TrainingError(message: "\(path): the run has no step \(step)")
        }
        return tensors
    }
}
