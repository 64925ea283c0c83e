import Foundation
import ReproRuns
import ReproTestSupport
import ReproTraining
import Testing

/// What a caller of the library controls about a training's end: a ``StopRequest`` ends it at a
/// step boundary with a checkpoint, from which a resume reaches the uninterrupted run's digest;
/// a training that fails before its first checkpoint leaves nothing in the way of the same call;
/// a progress object shows only what it implements.
@Suite struct TrainerStopTests {
    /// Makes the stop request when step `step` ends, as a signal handler would during it.
    final class StopAtStep: TrainingProgress {
        let step: Int
        let request: StopRequest
        private(set) var steps: [Int] = []

        init(_ step: Int, _ request: StopRequest) {
            self.step = step
            self.request = request
        }

        func stepped(_ step: Int, totalSteps: Int, epoch: Int, loss: Float) {
            steps.append(step)
            if step == self.step { request.request() }
        }
    }

    /// Steps 3 (a checkpoint written for the stop), 5 (the periodic checkpoint), 7 (an epoch's
    /// end: its evaluation and checkpoint come first) and 27 (the last epoch).
    @Test(arguments: [3, 5, 7, 27])
    func aStopRequestEndsWithACheckpointAndTheResumeIsIdentical(_ step: Int) throws {
        let reference = try UserTaskTests.reference.get()
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            let request = StopRequest()
            let progress = StopAtStep(step, request)
            let outcome = try Trainer.train(WaveTask(), try UserTaskTests.configuration(), seed: UserTaskTests.seed,
                                            into: path, runtime: RuntimeOptions(stopRequest: request), progress: progress)
            guard case .stopped(let stopped) = outcome else {
                Issue.record("not stopped: \(outcome)")
                return
            }
            #expect(stopped == step)
            #expect(progress.steps == Array(1...step), "only stepped(_:) is implemented, and it saw every step")
            #expect(FileManager.default.fileExists(atPath: path + "/checkpoints/" + Checkpoint.fileName(step: step)))
            #expect(!FileManager.default.fileExists(atPath: path + "/manifest.json"))
            guard case .finished(let manifest) = try Trainer.resume(WaveTask(), path) else {
                Issue.record("the resume did not finish")
                return
            }
            #expect(manifest.digest == reference)
            #expect(try String(contentsOfFile: path + "/resumes.log", encoding: .utf8) == "\(step)\n")
        }
    }

    /// A task whose evaluation fails (a metric it does not report) fails at the first epoch's end,
    /// before its first checkpoint: the run's files and the directories the training created are
    /// removed, a directory that was there keeps its own files, and the same call then trains.
    @Test func aFailureBeforeTheFirstCheckpointLeavesNothingBehind() throws {
        try withTemporaryDirectory { directory in
            let kept = directory.file("kept")
            try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: false)
            try Data("mine\n".utf8).write(to: URL(fileURLWithPath: kept + "/notes.txt"))
            let empty = directory.file("empty")
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
            var broken = WaveTask()
            broken.metrics = ["mae", "rmse"]
            var configuration = try UserTaskTests.configuration(broken)
            configuration.checkpointEvery = 0
            for path in [kept + "/new/run", empty] {
                #expect { try Trainer.train(broken, configuration, seed: UserTaskTests.seed, into: path) } throws: {
                    "\($0)".contains("reports no sum for the metric 'rmse'")
                }
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: kept) == ["notes.txt"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty, "a directory that was there stays")
            let fixed = WaveTask()
            var fixedConfiguration = try UserTaskTests.configuration(fixed)
            fixedConfiguration.checkpointEvery = 0
            guard case .finished = try Trainer.train(fixed, fixedConfiguration, seed: UserTaskTests.seed, into: kept + "/new/run")
            else {
                Issue.record("the same call with the task fixed did not train")
                return
            }
        }
    }

    /// The same failure after a checkpoint (every 5 steps) keeps the run, to be resumed.
    @Test func aFailureAfterACheckpointKeepsTheRun() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            var broken = WaveTask()
            broken.metrics = ["mae", "rmse"]
            #expect(throws: TrainingError.self) {
                try Trainer.train(broken, try UserTaskTests.configuration(broken), seed: UserTaskTests.seed, into: path)
            }
            #expect(FileManager.default.fileExists(atPath: path + "/run.json"))
            #expect(FileManager.default.fileExists(atPath: path + "/checkpoints/" + Checkpoint.fileName(step: 5)))
        }
    }
}
