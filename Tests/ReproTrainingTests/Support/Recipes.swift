import Foundation
import ReproRandom
import ReproRuns
import ReproTestSupport
@testable import ReproTraining

/// Progress that goes nowhere.
final class SilentProgress: TrainingProgress {
    func started(totalSteps: Int, epochs: Int, resumedFromStep: Int?) {}
    func stepped(_ step: Int, totalSteps: Int, epoch: Int, loss: Float) {}
    func evaluated(step: Int, epoch: Int, loss: Float, metrics: [(name: String, value: Double)]) {}
    func warn(_ message: String) {}
    func ended() {}
}

/// The built-in recipe with small models, for short runs.
enum Recipes {
    /// The classifier with one hidden layer of `hidden` on `data`.
    static func classifier(hidden: [Int] = [8], data: ClassifierConfiguration.DataSource = .digits) throws -> ClassifierRecipe {
        var settings = ClassifierConfiguration()
        settings.model = .mlp(hidden: hidden)
        settings.data = data
        return try ClassifierRecipe(settings)
    }

    /// `task`'s configuration for `seed`, `maxSteps` steps, checkpoints every `checkpointEvery`.
    static func configuration(_ task: some TrainingTask, seed: UInt64, maxSteps: Int? = nil,
                              checkpointEvery: Int = 100) throws -> TrainingConfiguration {
        var configuration = try TrainingConfiguration(seed: seed, task: task)
        configuration.maxSteps = maxSteps
        configuration.checkpointEvery = checkpointEvery
        return configuration
    }

    static func seedRecord(_ seed: UInt64) -> SeedRecord { SeedRecord(seed: seed, drawn: false, deterministicHashing: false) }

    /// Every file under `path` and its bytes.
    static func snapshot(_ path: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in FileManager.default.subpaths(atPath: path) ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try AtomicFile.read(path + "/" + name)
            }
        }
        return files
    }
}
