import Foundation
import ReproAnalysis
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTestSupport
import ReproTraining
import Testing

/// A task of the user's own (`WaveTask`: its own dataset, sample, batch, transform, layer with
/// dropout, loss, metrics and checkpointed state), through the public API only: the guarantees
/// the built-in recipe has (G3 threads, G4 workers, G5 stop and resume at any step), readable run
/// records, and clear refusals of broken tasks and of resumes with another task.
@Suite struct UserTaskTests {
    static let seed = SeedRecord(seed: 11, drawn: false, deterministicHashing: false)

    /// 4 epochs of 200 samples in batches of 32 (7 steps an epoch, 28 in all), checkpoints every 5.
    static func configuration(_ task: WaveTask = WaveTask()) throws -> TrainingConfiguration {
        var configuration = try TrainingConfiguration(seed: 11, task: task)
        configuration.epochs = 4
        configuration.batchSize = 32
        configuration.validationBatchSize = 25
        configuration.checkpointEvery = 5
        return configuration
    }

    /// Trains the wave task into `path` and returns the digest.
    static func train(_ path: String, _ task: WaveTask = WaveTask(), runtime: RuntimeOptions = RuntimeOptions()) throws -> String {
        guard case .finished(let manifest) = try Trainer.train(task, try configuration(task), seed: seed, into: path,
                                                               runtime: runtime, progress: ConsoleProgress(quiet: true))
        else { throw TrainingError(message: "\(path) did not finish") }
        return manifest.digest
    }

    static let reference = Result { try withTemporaryDirectory { try train($0.file("reference")) } }

    @Test func theRunIsARunLikeAnyOther() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            let digest = try Self.train(path)
            #expect(digest == (try Self.reference.get()))
            let record = try RunRecord.load(path)
            #expect(record.evaluations.columns == ["step", "epoch", "validation_loss", "validation_mae",
                                                   "validation_loss_average", "validation_weight_average"])
            #expect(record.evaluations.steps == [7, 14, 21, 28] && record.metrics.steps == Array(1...28))
            let final = record.manifest.finalMetrics
            #expect(Set(final.validationMetrics.keys) == ["mae", "loss_average", "weight_average"])
            #expect(final.validationMetrics["mae"]! < 0.2, "\(final)")
            #expect(record.manifest.configuration.task == TaskRecord(name: "wave", settings: .object(["width": .integer(16)])))
        }
    }

    @Test(arguments: [(1, 0), (2, 1), (3, 3), (7, 0)])
    func threadsAndWorkersDoNotChangeTheBits(threads: Int, workers: Int) throws {
        try withTemporaryDirectory { directory in
            let digest = try Self.train(directory.file("run"), runtime: RuntimeOptions(threads: threads, workers: workers))
            #expect(digest == (try Self.reference.get()))
        }
    }

    /// Stopped after a step before the first checkpoint (resumes from 0), right after a periodic
    /// checkpoint, mid-epoch after an epoch-end checkpoint, and after an epoch's last step but
    /// before its evaluation and checkpoint (resumes from step 10); resumed with
    /// other threads and workers by a task value built afresh (its state comes from the checkpoint).
    @Test(arguments: [3, 5, 9, 14])
    func stoppedAndResumedRunsAreIdentical(stop: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            let stopped = try Trainer.train(WaveTask(), try Self.configuration(), seed: Self.seed, into: path,
                                            runtime: RuntimeOptions(stopAfterStep: stop), progress: ConsoleProgress(quiet: true))
            guard case .stopped(stop) = stopped else { Issue.record("not stopped at \(stop)"); return }
            let resumed = try Trainer.resume(WaveTask(), path, runtime: RuntimeOptions(threads: 3, workers: 2),
                                             progress: ConsoleProgress(quiet: true))
            guard case .finished(let manifest) = resumed else { Issue.record("not finished"); return }
            #expect(manifest.digest == (try Self.reference.get()))
            #expect(manifest.resumedFromSteps == [stop < 5 ? 0 : stop < 7 ? 5 : stop < 10 ? 7 : 10])
        }
    }

    /// The task's own state is in every checkpoint: losing it changes the run.
    @Test func theTaskStateIsCheckpointed() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            _ = try Trainer.train(WaveTask(), try Self.configuration(), seed: Self.seed, into: path,
                                  runtime: RuntimeOptions(stopAfterStep: 12), progress: ConsoleProgress(quiet: true))
            let checkpoint = try SafeTensorsFile(contentsOf: path + "/checkpoints/step-00000010.safetensors")
            #expect(checkpoint.tensors["task.weight_average"]?.shape == [1, 16])
            #expect(checkpoint.metadata["repro"]?.contains("\"taskValues\":{\"lossAverage\":") == true)
        }
    }

    @Test func aLossThatIsNotOneNumberIsRefusedBeforeAnythingIsWritten() throws {
        try withTemporaryDirectory { directory in
            var task = WaveTask()
            task.perSampleLoss = true
            #expect { try Self.train(directory.file("run"), task) } throws: {
                "\($0)".contains("loss(of:model:context:) must return a loss of one element (a mean over the batch), "
                                 + "got a tensor of shape [32, 1]")
            }
            let left = try directory.contents()
            #expect(left.isEmpty, "left: \(left)")
        }
    }

    @Test(arguments: [
        (["mae", "mae"], "the metric 'mae' is named twice"),
        (["loss"], "the metric name 'loss' is taken"),
        (["top 5"], "the metric name 'top 5' may hold only ASCII letters, digits and underscores"),
        ([""], "metric 1 of 1 has an empty name"),
    ])
    func badMetricNamesAreRefusedBeforeAnythingIsWritten(_ names: [String], _ message: String) throws {
        try withTemporaryDirectory { directory in
            var task = WaveTask()
            task.metrics = names
            #expect { try Self.train(directory.file("run"), task) } throws: {
                "\($0)".hasPrefix("the metricNames of the task 'wave': ") && "\($0)".contains(message)
            }
            let left = try directory.contents()
            #expect(left.isEmpty, "left: \(left)")
        }
    }

    @Test func aMetricTheTaskDoesNotReportIsAnError() throws {
        try withTemporaryDirectory { directory in
            var task = WaveTask()
            task.metrics = ["mae", "rmse"]
            #expect { try Self.train(directory.file("run"), task) } throws: {
                "\($0)".contains("evaluate(_:model:) of the task 'wave' reports no sum for the metric 'rmse'")
            }
        }
    }

    /// Resuming with another task, other settings, other metrics or a model of another shape is
    /// refused, naming the difference, and leaves every file as it was.
    @Test func aResumeWithAnotherTaskIsRefusedAndChangesNothing() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            _ = try Trainer.train(WaveTask(), try Self.configuration(), seed: Self.seed, into: path,
                                  runtime: RuntimeOptions(stopAfterStep: 12), progress: ConsoleProgress(quiet: true))
            let before = try Recipes.snapshot(path)
            var renamed = WaveTask()
            renamed.name = "ripple"
            var wider = WaveTask()
            wider.width = 32
            var fewerMetrics = WaveTask()
            fewerMetrics.metrics = ["mae"]
            var reshaped = WaveTask()
            reshaped.unrecordedWidth = 8
            for (task, message) in [
                (renamed, "the run trains the task 'wave', not 'ripple'"),
                (wider, "the task 'wave' has other settings than the run started with (differing: width)"),
                (fewerMetrics, "the run records the metrics [mae, loss_average, weight_average], the task 'wave' has [mae]"),
                (reshaped, "step-00000010.safetensors: the checkpoint's model does not fit the task 'wave'"),
            ] {
                #expect(throws: TrainingError.self, "\(message)") { try Trainer.resume(task, path, progress: ConsoleProgress(quiet: true)) }
                #expect { try Trainer.resume(task, path, progress: ConsoleProgress(quiet: true)) } throws: { "\($0)".contains(message) }
                #expect(try Recipes.snapshot(path) == before, "\(message): a refused resume changed a file")
            }
            #expect { try Trainer.resume(reshaped, path, progress: ConsoleProgress(quiet: true)) } throws: {
                "\($0)".contains("first.weight") && "\($0)".contains("[8, 1]")
            }
            // The recipe cannot take over the wave task's run either.
            let recipe = try Recipes.classifier()
            #expect { try Trainer.resume(recipe, path, progress: ConsoleProgress(quiet: true)) } throws: {
                "\($0)".contains("the run trains the task 'wave', not 'classifier'")
            }
            #expect(try Recipes.snapshot(path) == before)
        }
    }
}
