import Foundation
import Testing
import Repro

/// The "Training from Swift" example in README.md, shortened to 10 steps (the debug build trains
/// slowly), with its claim checked: the same configuration trained again gives the same digest.
@Suite(.serialized) struct ReadmeTrainExampleTests {
    @Test func exampleTrainsAndTheDigestRepeats() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repro-readme-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var digests: [String] = []
        for name in ["a", "b"] {
            let record = seedEverything(42)
            var configuration = TrainingConfiguration(seed: record.seed)
            configuration.epochs = 5
            configuration.maxSteps = 10
            let outcome = try Trainer.train(configuration, seed: record, into: directory + "/" + name,
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
}
