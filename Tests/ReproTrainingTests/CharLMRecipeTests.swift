import Foundation
import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTestSupport
import Testing
@testable import ReproTraining

/// The charlm recipe in this process: a short run's loss starts at ln(vocabulary) and falls, the
/// run is the same for any thread count, sampling is a pure function of its arguments (alone or
/// batched, any thread count), and a run whose files changed is refused. Processes, workers and
/// `kill -9` are in ReproCLITests' `CharLMProcessTests`.
@Suite struct CharLMRecipeTests {
    static let text = (0..<40).map { "row \($0): pack my box with five dozen liquor jugs\n" }.joined()

    static func recipe(in directory: TemporaryDirectory) throws -> CharLMRecipe {
        let path = directory.file("corpus.txt")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var settings = CharLMConfiguration()
        settings.corpus = .file(path: path)
        (settings.context, settings.layers, settings.heads, settings.width, settings.warmupSteps) = (8, 1, 2, 16, 2)
        settings.learningRate = 3e-3
        return try CharLMRecipe(settings)
    }

    static func train(threads: Int, in directory: TemporaryDirectory, name: String = "run") throws -> (String, RunManifest) {
        let recipe = try recipe(in: directory)
        var configuration = try TrainingConfiguration(seed: 11, task: recipe)
        (configuration.epochs, configuration.batchSize, configuration.maxSteps) = (1, 8, 20)
        let path = directory.file(name)
        let outcome = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(11), into: path,
                                        runtime: RuntimeOptions(threads: threads), progress: SilentProgress())
        guard case .finished(let manifest) = outcome else { throw TrainingError(message: "the run did not finish") }
        return (path, manifest)
    }

    @Test func lossStartsNearTheUniformGuessAndFallsAndThreadsDoNotMatter() throws {
        try withTemporaryDirectory { directory in
            let (path, manifest) = try Self.train(threads: 1, in: directory)
            let vocabulary = try Self.recipe(in: directory).corpus.vocabularySize
            let losses = try MetricsLog.read(at: path + "/metrics.csv").rows.map { Double($0[2])! }
            #expect(abs(losses[0] - log(Double(vocabulary))) < 0.2, "first loss \(losses[0]), ln(\(vocabulary))")
            #expect(losses.suffix(5).reduce(0, +) / 5 < losses[0] - 0.2, "losses \(losses)")
            #expect(manifest.finalMetrics.validationMetrics.isEmpty)
            let (_, again) = try Self.train(threads: 3, in: directory, name: "run-3-threads")
            #expect(again.digest == manifest.digest)
        }
    }

    @Test func samplingIsAPureFunctionAloneOrBatchedForAnyThreadCount() throws {
        try withTemporaryDirectory { directory in
            let (path, _) = try Self.train(threads: 2, in: directory)
            let (recipe, model) = try CharLMRecipe.trainedModel(inRun: path)
            let prompts = ["row 3", "pack my box with five dozen", "q"]
            let alone = try prompts.map { try recipe.sample(model, prompts: [$0], tokens: 30, seed: 5)[0] }
            for threads in [1, 3] {
                let batched = try Parallel.withThreadCount(threads) {
                    try recipe.sample(model, prompts: prompts, tokens: 30, seed: 5)
                }
                #expect(batched == alone, "\(threads) threads")
            }
            #expect(zip(alone, prompts).allSatisfy { $0.hasPrefix($1) && $0.count == $1.count + 30 })
            // Another seed draws other characters (fixed seeds: this outcome is fixed too).
            #expect(try recipe.sample(model, prompts: [prompts[0]], tokens: 30, seed: 6) != [alone[0]])
            #expect(throws: TrainingError.self) { try recipe.sample(model, prompts: [], tokens: 3, seed: 0) }
            #expect(throws: TrainingError.self) { try recipe.sample(model, prompts: [""], tokens: 3, seed: 0) }
            #expect(throws: TrainingError.self) { try recipe.sample(model, prompts: ["ROW"], tokens: 3, seed: 0) }
            #expect(throws: TrainingError.self) { try recipe.sample(model, prompts: ["row"], tokens: 0, seed: 0) }
            #expect(throws: TrainingError.self) { try recipe.sample(model, prompts: ["row"], tokens: 3, seed: 0, temperature: -1) }
        }
    }

    @Test func aRunWhoseWeightsChangedIsRefused() throws {
        try withTemporaryDirectory { directory in
            let (path, _) = try Self.train(threads: 2, in: directory)
            var bytes = try AtomicFile.read(path + "/model.safetensors")
            bytes[bytes.count - 1] ^= 0x01
            try AtomicFile.write(bytes, to: path + "/model.safetensors")
            do {
                _ = try CharLMRecipe.trainedModel(inRun: path)
                Issue.record("a changed model was accepted")
            } catch let error as TrainingError {
                #expect(error.message.contains("changed since the run finished"))
            }
        }
    }
}
