import Foundation
import Testing
import Repro

/// The README's two training examples, with their claims checked.
@Suite(.serialized) struct ReadmeTrainExampleTests {
    /// "Training from Swift", shortened to 10 steps (the debug build trains slowly): the same
    /// configuration trained again gives the same digest.
    @Test func recipeExampleTrainsAndTheDigestRepeats() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repro-readme-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var digests: [String] = []
        for name in ["a", "b"] {
            let record = seedEverything(42)
            var settings = ClassifierConfiguration()
            settings.optimizer = .adam()
            let recipe = try ClassifierRecipe(settings)
            var configuration = try TrainingConfiguration(seed: record.seed, task: recipe)
            configuration.epochs = 5
            configuration.maxSteps = 10
            let outcome = try Trainer.train(recipe, configuration, seed: record, into: directory + "/" + name,
                                            runtime: RuntimeOptions(threads: 2, workers: 1),
                                            progress: ConsoleProgress(quiet: true))
            guard case .finished(let manifest) = outcome else {
                Issue.record("the run did not finish")
                return
            }
            #expect(manifest.finalMetrics.validationMetrics["accuracy"]! > 0.2, "better than chance (0.1) after 10 steps")
            digests.append(manifest.digest)
        }
        #expect(digests[0] == digests[1])
    }

    /// The README's "Your own model" code is this target's `CheckerboardTask.swift` and the example
    /// package's source, character for character, so the code a reader copies is the code compiled
    /// and run here.
    @Test func ownModelSectionIsTheCompiledCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        func read(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
        let compiled = try read("Tests/ReproTests/CheckerboardTask.swift")
        #expect(try read("Examples/OwnModel/Sources/OwnModel/CheckerboardTask.swift") == compiled)
        let readme = try read("README.md")
        let section = try #require(readme.range(of: "## Your own model"))
        let block = try #require(readme[section.upperBound...].range(of: "```swift\n"))
        let end = try #require(readme[block.upperBound...].range(of: "```\n"))
        #expect(String(readme[block.upperBound..<end.lowerBound]) == compiled)
    }

    /// The checkerboard task trains to a good accuracy, twice to the same digest, and a run
    /// interrupted after step 50 and finished by the same function reaches that digest too.
    @Test func ownModelTrainsRepeatsAndResumes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repro-own-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try trainCheckerboard(into: directory + "/a")
        #expect(try trainCheckerboard(into: directory + "/b") == first)
        let manifest = try RunRecord.load(directory + "/a").manifest
        #expect(manifest.finalMetrics.validationMetrics["accuracy"]! > 0.9, "\(manifest.finalMetrics)")

        let task = CheckerboardTask()
        var configuration = try TrainingConfiguration(seed: 42, task: task)
        configuration.epochs = 5
        configuration.checkpointEvery = 20
        let stopped = try Trainer.train(task, configuration, seed: seedEverything(42), into: directory + "/c",
                                        runtime: RuntimeOptions(stopAfterStep: 50), progress: ConsoleProgress(quiet: true))
        guard case .stopped(50) = stopped else { Issue.record("not stopped at 50"); return }
        #expect(try trainCheckerboard(into: directory + "/c") == first)
    }
}
