import Foundation
import ReproRuns
import ReproTestSupport
import Testing
@testable import ReproTraining

/// G9 in the trainer: with per-sample losses (the built-in recipe's evaluation), the validation
/// loss and metrics in `eval.csv` have the same bits for any validation batch size.
@Suite struct EvaluationBatchTests {
    static func evalFile(validationBatchSize: Int) throws -> [UInt8] {
        try withTemporaryDirectory { directory in
            let recipe = try Recipes.classifier(hidden: [16])
            var configuration = try Recipes.configuration(recipe, seed: 5, maxSteps: 9)
            configuration.validationBatchSize = validationBatchSize
            let run = RunDirectory(path: directory.file("run"))
            _ = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(5), into: run.path, progress: SilentProgress())
            return try AtomicFile.read(run.evalFile)
        }
    }

    @Test func evalCSVIsIdenticalForAnyValidationBatchSize() throws {
        let reference = try Self.evalFile(validationBatchSize: 512)
        #expect(String(decoding: reference, as: UTF8.self).split(separator: "\n").count == 2)
        for size in [1, 7, 100] {
            #expect(try Self.evalFile(validationBatchSize: size) == reference, "validation batch size \(size)")
        }
    }
}
