import Foundation
import ReproAnalysis
import ReproData
import ReproRandom
import ReproRuns
import ReproTestSupport
import Testing
@testable import ReproTraining

/// Issue 11's guarantees for run directories, in process: one writer at a time, a resume that
/// checks everything before it writes anything (and refuses changed logs and data), no output
/// inside a run, and bounded configurations and datasets.
@Suite struct RunSafetyTests {
    static var quiet: SilentProgress { SilentProgress() }

    /// A short run of the recipe on `data`, stopped after `stop` steps (checkpoints every 2
    /// steps); the recipe, for resuming it.
    @discardableResult
    static func stoppedRun(at path: String, stop: Int, data: ClassifierConfiguration.DataSource = .digits) throws -> ClassifierRecipe {
        let recipe = try Recipes.classifier(data: data)
        let configuration = try Recipes.configuration(recipe, seed: 3, maxSteps: 8, checkpointEvery: 2)
        guard case .stopped = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(3), into: path,
                                                runtime: RuntimeOptions(stopAfterStep: stop), progress: quiet)
        else { throw RunFileError(source: path, "the run did not stop") }
        return recipe
    }

    static func snapshot(_ path: String) throws -> [String: [UInt8]] { try Recipes.snapshot(path) }

    @Test func aSecondWriterIsRefusedNamingTheHolderUntilTheFirstEnds() throws {
        try withTemporaryDirectory { directory in
            let run = directory.file("run")
            let start = RunDirectory.Start(configuration: TrainingConfiguration(seed: 1, task: TaskRecord(name: "test")),
                                           seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t")
            var writer: RunDirectory? = try RunDirectory.create(at: run, start: start)
            let before = try Self.snapshot(run)
            for attempt in [{ _ = try RunDirectory.openForResume(run) }, { _ = try RunDirectory.create(at: run, start: start) }] {
                let error = try #require(throws: RunFileError.self, performing: attempt)
                #expect(error.message.contains("is being written by another process (pid \(getpid())"), "\(error)")
            }
            #expect(try Self.snapshot(run) == before, "a refused writer changes nothing")
            #expect(writer?.lock != nil)
            writer = nil  // the lock ends with the writer
            _ = try RunDirectory.openForResume(run)
        }
    }

    @Test func aChangedLogLineIsRefusedByNameAndNothingIsWritten() throws {
        try withTemporaryDirectory { directory in
            let run = directory.file("run")
            let recipe = try Self.stoppedRun(at: run, stop: 5)
            // Line 3 is step 2's row, before the checkpoint at step 4: change one digit of its loss.
            var lines = String(decoding: try AtomicFile.read(run + "/metrics.csv"), as: UTF8.self)
                .split(separator: "\n").map(String.init)
            var fields = lines[2].split(separator: ",").map(String.init)
            fields[2] = String(fields[2].dropLast()) + (fields[2].hasSuffix("1") ? "2" : "1")
            lines[2] = fields.joined(separator: ",")
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: run + "/metrics.csv")
            let before = try Self.snapshot(run)
            let error = try #require(throws: RunFileError.self) { try Trainer.resume(recipe, run, progress: Self.quiet) }
            #expect(error.source == run + "/metrics.csv" && error.location == "line 3", "\(error)")
            #expect(error.message.contains("step-00000004.safetensors recorded"), "\(error)")
            #expect(try Self.snapshot(run) == before, "a refused resume writes nothing")

            // A NaN written over a loss is refused the same way.
            fields[2] = "nan"
            lines[2] = fields.joined(separator: ",")
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: run + "/metrics.csv")
            #expect { try Trainer.resume(recipe, run, progress: Self.quiet) } throws: { "\($0)".contains("metrics.csv: line 3: differs") }
        }
    }

    @Test func aResumeRefusedForAnyReasonLeavesEveryFileAsItWas() throws {
        try withTemporaryDirectory { directory in
            let run = directory.file("run")
            let recipe = try Self.stoppedRun(at: run, stop: 7)
            let before = try Self.snapshot(run)
            #expect { try Trainer.resume(recipe, run, runtime: RuntimeOptions(stopAfterStep: 3), progress: Self.quiet) } throws: {
                "\($0)".contains("stopAfterStep 3 is not after step 6")
            }
            #expect(try Self.snapshot(run) == before, "--stop-after-step before the checkpoint cuts no log")
            try FileManager.default.removeItem(atPath: run + "/checkpoints")
            let withoutCheckpoints = try Self.snapshot(run)
            #expect { try Trainer.resume(recipe, run, progress: Self.quiet) } throws: { "\($0)".contains("checkpoints: is missing") }
            #expect(try Self.snapshot(run) == withoutCheckpoints)
        }
    }

    @Test func aDatasetChangedSinceTheStartIsRefused() throws {
        try withTemporaryDirectory { directory in
            // 60 rows of 3 features, labels 0/1/2 in turn.
            func rows(_ label: (Int) -> Int) -> String {
                (0..<60).map { "\(Double($0) / 60),\(Double($0 % 7) / 7),\(Double($0 % 5) / 5),\(label($0))\n" }.joined()
            }
            let data = directory.file("data.csv")
            try AtomicFile.write(rows { $0 % 3 }, to: data)
            let run = directory.file("run")
            try Self.stoppedRun(at: run, stop: 3, data: .csv(path: data))
            try AtomicFile.write(rows { ($0 + 1) % 3 }, to: data)  // same rows and classes, other labels
            let changed = try Recipes.classifier(data: .csv(path: data))
            #expect { try Trainer.resume(changed, run, progress: Self.quiet) } throws: {
                "\($0)".contains("\(data): the data's content changed since the run started")
            }
            try AtomicFile.write(rows { $0 % 3 }, to: data)
            let restored = try Recipes.classifier(data: .csv(path: data))
            guard case .finished = try Trainer.resume(restored, run, progress: Self.quiet) else { Issue.record("not finished"); return }
        }
    }

    @Test func outputsInsideARunAreRefused() throws {
        try withTemporaryDirectory { directory in
            let run = directory.file("run")
            try Self.stoppedRun(at: run, stop: 1)
            for path in [run, run + "/metrics.csv", run + "/sub/plot.svg", run + "/./checkpoints/../x.csv"] {
                #expect(throws: RunFileError.self, "\(path)") { try RunDirectory.refuseInsideRun(path, what: "the output") }
            }
            try RunDirectory.refuseInsideRun(directory.file("beside.svg"), what: "the output")
            #expect { try ToolOutput.write("x", to: run + "/metrics.csv") } throws: { "\($0)".contains("lies inside the run") }
            #expect { try RunDirectory.create(at: run + "/nested", start: .init(configuration: .init(seed: 1, task: TaskRecord(name: "test")),
                seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t")) } throws: {
                "\($0)".contains("lies inside the run")
            }
            #expect { try RunDirectory.create(at: "", start: .init(configuration: .init(seed: 1, task: TaskRecord(name: "test")),
                seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t")) } throws: {
                "\($0)".contains("must not be empty")
            }
        }
    }

    @Test(arguments: [
        ("epochs", "epochs must be 1 to 1000000"),
        ("maxSteps", "maxSteps must be 1 to"),
        ("batchSize", "batchSize must be 1 to"),
        ("checkpointEvery", "checkpointEvery must be 0 to"),
        ("validationBatchSize", "validationBatchSize must be 1 to"),
        ("benchmark", "benchmark picks kernels by timing"),
        ("task", "task.name must be a non-empty ASCII word"),
        ("gradientClipNorm", "gradientClipNorm must be positive and finite, got 0.0"),
        ("gradientClipNormNaN", "gradientClipNorm must be positive and finite, got nan"),
        ("accumulationSteps", "accumulationSteps must be a divisor of batchSize (64), from 1 to 64, got 3"),
        ("accumulationStepsZero", "accumulationSteps must be a divisor of batchSize (64), from 1 to 64, got 0"),
        ("accumulationStepsAboveBatch", "accumulationSteps must be a divisor of batchSize (64), from 1 to 64, got 128"),
    ])
    func outOfRangeLoopSettingsAreRefusedNamingTheField(_ field: String, _ message: String) {
        var configuration = TrainingConfiguration(seed: 1, task: TaskRecord(name: "test"))
        switch field {
        case "epochs": configuration.epochs = Int.max
        case "maxSteps": configuration.maxSteps = Int.max
        case "batchSize": configuration.batchSize = 1 << 40
        case "checkpointEvery": configuration.checkpointEvery = -1
        case "validationBatchSize": configuration.validationBatchSize = 0
        case "benchmark": configuration.benchmark = true
        case "gradientClipNorm": configuration.gradientClipNorm = 0
        case "gradientClipNormNaN": configuration.gradientClipNorm = .nan
        case "accumulationSteps": configuration.accumulationSteps = 3
        case "accumulationStepsZero": configuration.accumulationSteps = 0
        case "accumulationStepsAboveBatch": configuration.accumulationSteps = 128
        default: configuration.task.name = "two words"
        }
        #expect { try configuration.validate() } throws: { ($0 as? ConfigurationError)?.description.hasPrefix(message) == true }
    }

    @Test(arguments: [
        ("augmentShift", "augmentShift must be 0 to 4096"),
        ("hiddenSizes", "model.mlp.hidden widths must be 1 to 65536"),
        ("hundredMillion", "model.mlp.hidden widths must be 1 to 65536"),
        ("noLayers", "model.mlp.hidden takes 1 to 64 widths"),
        ("dropout", "model.mlp.dropout must be in [0, 1)"),
        ("augmentNoise", "augmentNoise must be non-negative and finite"),
        ("learningRate", "optimizer.learningRate must be positive and finite"),
        ("momentum", "optimizer.momentum must be in [0, 1)"),
        ("weightDecay", "optimizer.weightDecay must be non-negative and finite"),
        ("validationFraction", "validationFraction must be in (0, 1)"),
    ])
    func outOfRangeRecipeSettingsAreRefusedNamingTheField(_ field: String, _ message: String) {
        var settings = ClassifierConfiguration()
        switch field {
        case "augmentShift": settings.augmentShift = Int.max - 1
        case "hiddenSizes": settings.model = .mlp(hidden: [Int.max])
        case "hundredMillion": settings.model = .mlp(hidden: [100_000_000])
        case "noLayers": settings.model = .mlp(hidden: [])
        case "dropout": settings.model = .mlp(dropout: 1)
        case "learningRate": settings.optimizer = .adam(learningRate: -.infinity)
        case "momentum": settings.optimizer = .sgd(momentum: 1)
        case "weightDecay": settings.optimizer = .adamw(weightDecay: .nan)
        case "validationFraction": settings.validationFraction = 1
        default: settings.augmentNoise = .infinity
        }
        #expect { try settings.validate() } throws: { ($0 as? ConfigurationError)?.description.hasPrefix(message) == true }
        #expect(throws: ConfigurationError.self) { try ClassifierRecipe(settings) }
    }

    @Test(arguments: [
        ("1,0\n2,0\n", "has 2 samples: too few"),
        ((0..<20).map { "\($0),0\n" }.joined(), "every sample has the label 0"),
        ((0..<20).map { "\($0),\($0 % 2 == 0 ? 0 : 1_000_000)\n" }.joined(), "only 20 samples: labels must be 0..<K"),
        ((0..<20).map { "\($0),\($0 % 2 == 0 ? 0 : 5)\n" }.joined(), "label 1 never occurs"),
    ])
    func untrainableDatasetsAreRefusedNamingTheFile(_ rows: String, _ message: String) throws {
        try withTemporaryDirectory { directory in
            let data = directory.file("data.csv")
            try AtomicFile.write(rows, to: data)
            #expect { try Recipes.classifier(data: .csv(path: data)) } throws: {
                "\($0)".hasPrefix("\(data): ") && "\($0)".contains(message)
            }
        }
    }
}
