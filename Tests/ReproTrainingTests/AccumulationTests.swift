import Foundation
import ReproAnalysis
import ReproNN
import ReproRandom
import ReproRuns
import ReproTestSupport
import Testing
@testable import ReproTraining

/// Gradient accumulation over micro-batches and gradient clipping in the trainer
/// (docs/ARCHITECTURE.md §6): the guarantees hold with them (G3 threads, G4 workers, G5 stop and
/// resume mid-epoch), one micro-batch is no accumulation, a clip norm above every gradient norm
/// changes no bit, and K micro-batches are close to but not bitwise one batch K times the size.
@Suite struct AccumulationTests {
    static let seed = SeedRecord(seed: 11, drawn: false, deterministicHashing: false)

    /// The wave task, 3 epochs of 200 samples in steps of 32: with K = 2, micro-batches of 16, 13
    /// per epoch (the last of 8), so 7 steps an epoch (the last with one micro-batch), 21 in all;
    /// checkpoints every 4 steps.
    static func configuration(accumulation: Int? = 2, clip: Double? = 0.05) throws -> TrainingConfiguration {
        var configuration = try TrainingConfiguration(seed: 11, task: WaveTask())
        configuration.epochs = 3
        configuration.batchSize = 32
        configuration.validationBatchSize = 25
        configuration.checkpointEvery = 4
        configuration.accumulationSteps = accumulation
        configuration.gradientClipNorm = clip
        return configuration
    }

    /// Trains the wave task into `path` and returns the manifest.
    static func train(_ path: String, _ configuration: TrainingConfiguration,
                      runtime: RuntimeOptions = RuntimeOptions()) throws -> RunManifest {
        guard case .finished(let manifest) = try Trainer.train(WaveTask(), configuration, seed: seed, into: path,
                                                               runtime: runtime, progress: SilentProgress())
        else { throw TrainingError(message: "\(path) did not finish") }
        return manifest
    }

    /// The digest of the run with K = 2 and clipping, trained once with the default runtime.
    static let reference = Result { try withTemporaryDirectory { try train($0.file("reference"), try configuration()).digest } }

    @Test func stepsEpochsAndCheckpointsCountOptimizerSteps() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            let manifest = try Self.train(path, try Self.configuration())
            #expect(manifest.digest == (try Self.reference.get()))
            let record = try RunRecord.load(path)
            #expect(record.metrics.steps == Array(1...21))
            #expect(record.evaluations.steps == [7, 14, 21])
            #expect(manifest.finalMetrics.epochs == 3 && manifest.finalMetrics.steps == 21)
            let checkpoints = try FileManager.default.contentsOfDirectory(atPath: path + "/checkpoints").sorted()
            #expect(checkpoints == [4, 7, 8, 12, 14, 16, 20].map { Checkpoint.fileName(step: $0) }, "\(checkpoints)")
        }
    }

    @Test(arguments: [(1, 0), (3, 2)])
    func threadsAndWorkersDoNotChangeTheBits(threads: Int, workers: Int) throws {
        try withTemporaryDirectory { directory in
            let manifest = try Self.train(directory.file("run"), try Self.configuration(),
                                          runtime: RuntimeOptions(threads: threads, workers: workers))
            #expect(manifest.digest == (try Self.reference.get()))
        }
    }

    /// Stopped mid-epoch after a periodic checkpoint (5: resumes from 4), after an epoch's last
    /// step but before its evaluation (7: from 4), and in the second epoch (9: from 8); resumed
    /// with other threads and workers.
    @Test(arguments: [(5, 4), (7, 4), (9, 8)])
    func stoppedAndResumedRunsAreIdentical(stop: Int, resumedFrom: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("run")
            let stopped = try Trainer.train(WaveTask(), try Self.configuration(), seed: Self.seed, into: path,
                                            runtime: RuntimeOptions(stopAfterStep: stop), progress: SilentProgress())
            guard case .stopped(stop) = stopped else { Issue.record("not stopped at \(stop)"); return }
            let resumed = try Trainer.resume(WaveTask(), path, runtime: RuntimeOptions(threads: 3, workers: 2),
                                             progress: SilentProgress())
            guard case .finished(let manifest) = resumed else { Issue.record("not finished"); return }
            #expect(manifest.digest == (try Self.reference.get()))
            #expect(manifest.resumedFromSteps == [resumedFrom])
        }
    }

    /// `accumulationSteps` 1 trains exactly as no accumulation (nil); a clip norm that no gradient
    /// norm reaches scales by exactly 1; a small one changes the run, and so does K = 2.
    @Test func oneMicroBatchAndAnUnreachedClipChangeNoBit() throws {
        try withTemporaryDirectory { directory in
            let plain = try Self.train(directory.file("plain"), try Self.configuration(accumulation: nil, clip: nil)).digest
            let one = try Self.train(directory.file("one"), try Self.configuration(accumulation: 1, clip: nil)).digest
            let unreached = try Self.train(directory.file("unreached"), try Self.configuration(accumulation: nil, clip: 1e30)).digest
            let clipped = try Self.train(directory.file("clipped"), try Self.configuration(accumulation: nil, clip: 0.05)).digest
            let accumulated = try Self.train(directory.file("accumulated"), try Self.configuration(accumulation: 2, clip: nil)).digest
            #expect(one == plain)
            #expect(unreached == plain)
            #expect(clipped != plain, "a clip norm of 0.05 should scale some step's gradients")
            let reference = try Self.reference.get()
            #expect(accumulated != plain && accumulated != reference, "K = 2 differs from K = 1, and clipping from none")
        }
    }

    /// With K > 1, micro-batch m of a step gets the key `dropoutKey.foldIn(m)`, so micro-batches
    /// draw their own dropout masks; with K = 1 every step gets the run's key.
    @Test(arguments: [nil, 2])
    func eachMicroBatchGetsItsOwnDropoutKey(accumulation: Int?) throws {
        let log = ContextLog()
        var task = WaveTask()
        task.contexts = log
        var configuration = try Self.configuration(accumulation: accumulation)
        configuration.maxSteps = 2
        try withTemporaryDirectory { directory in
            _ = try Trainer.train(task, configuration, seed: Self.seed, into: directory.file("run"), progress: SilentProgress())
        }
        let key = SeedStreams(seed: 11).key("dropout")
        let expected = accumulation == nil
            ? [(0, key), (1, key)]
            : [(0, key.foldIn(0)), (0, key.foldIn(1)), (1, key.foldIn(0)), (1, key.foldIn(1))]
        // The first context is the check of the first batch's loss before the run is created.
        let training = log.contexts.dropFirst()
        #expect(training.map(\.step) == expected.map(\.0))
        #expect(training.map(\.dropoutKey) == expected.map(\.1))
        #expect(training.allSatisfy { $0.training && $0.path.isEmpty })
    }

    /// The classifier without dropout, 4 steps of 64 samples, as one batch and as 4 micro-batches
    /// of 16: the same samples and, in exact arithmetic, the same gradients; in Float32 the
    /// summation orders differ (one reduction over 64 samples against four over 16, divided by 4
    /// and added in order), so the bits differ while the losses agree closely.
    @Test func accumulationIsCloseToButNotBitwiseOneBigBatch() throws {
        var settings = ClassifierConfiguration()
        settings.model = .mlp(hidden: [16], dropout: 0)
        let recipe = try ClassifierRecipe(settings)
        let big = try Recipes.configuration(recipe, seed: 5, maxSteps: 4)
        var accumulated = big
        accumulated.accumulationSteps = 4
        try withTemporaryDirectory { directory in
            var losses: [[Float]] = []
            var digests: [String] = []
            for (name, configuration) in [("big", big), ("accumulated", accumulated)] {
                let path = directory.file(name)
                guard case .finished(let manifest) = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(5),
                                                                       into: path, progress: SilentProgress())
                else { Issue.record("\(name) did not finish"); return }
                digests.append(manifest.digest)
                losses.append(try MetricsLog.read(at: RunDirectory(path: path).metricsFile).rows.map { Float($0[2])! })
            }
            #expect(digests[0] != digests[1], "accumulation gave the big batch's bits")
            #expect(losses[0].count == 4 && losses[1].count == 4)
            for (a, b) in zip(losses[0], losses[1]) { #expect(abs(a - b) <= 1e-4 * abs(a), "losses \(losses)") }
        }
    }

    /// The new fields are left out of the JSON when nil (records written before them read back,
    /// and runs without them keep their bytes), and round-trip when set.
    @Test func theNewFieldsAreAbsentFromTheJSONWhenNil() throws {
        let plain = try Self.configuration(accumulation: nil, clip: nil)
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("gradientClipNorm") && !json.contains("accumulationSteps"), "\(json)")
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8)) == plain)
        let set = try Self.configuration(accumulation: 4, clip: 0.5)
        let setJSON = try JSONEncoder().encode(set)
        #expect(String(decoding: setJSON, as: UTF8.self).contains("\"accumulationSteps\":4"))
        #expect(String(decoding: setJSON, as: UTF8.self).contains("\"gradientClipNorm\":0.5"))
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: setJSON) == set)
    }
}
