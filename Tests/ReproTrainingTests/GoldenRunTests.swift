import Foundation
import ReproData
import ReproFiles
import ReproRandom
import ReproRuns
import ReproTestSupport
import Testing
@testable import ReproTraining

/// A short training run of the built-in recipe in this process (`Trainer.train`), pinned to
/// literals: the loss of its first five steps and its digest.
///
/// The literals are Repro's own output, recorded from this test's first run and frozen as a
/// regression guard — G1 across versions: a change of the library that changes any bit of a run
/// (an initialiser, a kernel's summation order, the loader's order, the log's number format) fails
/// here. They are not an external reference: no other implementation computed them. A deliberate
/// change of the numbers updates them, and says so in its commit. `repro train --seed 42
/// --max-steps 12 --hidden 32` prints the same digest (checked in ReproCLITests).
@Suite struct GoldenRunTests {
    /// Seed 42, 12 steps of batch 64, one hidden layer of 32; every other setting the default.
    static func recipe() throws -> (ClassifierRecipe, TrainingConfiguration) {
        let recipe = try Recipes.classifier(hidden: [32])
        return (recipe, try Recipes.configuration(recipe, seed: 42, maxSteps: 12))
    }

    /// The `loss` field of metrics.csv's first five rows, as written.
    static let firstLosses = ["2.2318583", "2.2601297", "2.2594304", "2.1936362", "2.2040734"]
    /// The run's digest.
    static let digest = "5dd4c9b0c35a0c2d7e99ee0db1fa06ed4522fe00d13f80d2bca11aac57247271"

    /// What the golden run left behind.
    struct Run: Sendable {
        let manifest: RunManifest
        let files: [String: [UInt8]]
        let metrics: MetricsTable
    }

    /// Why the golden run could not be trained.
    struct Failure: Error, Sendable, CustomStringConvertible { let description: String }

    /// The golden run, trained once per test process and shared.
    static let run: Result<Run, Failure> = {
        do { return .success(try train()) } catch { return .failure(Failure(description: "\(error)")) }
    }()

    static func train() throws -> Run {
        try withTemporaryDirectory { directory in
            let (recipe, configuration) = try recipe()
            let run = RunDirectory(path: directory.file("run"))
            guard case .finished(let manifest) = try Trainer.train(recipe, configuration, seed: Recipes.seedRecord(42),
                                                                   into: run.path, progress: SilentProgress()) else {
                throw RunFileError(source: run.path, "the golden run did not finish")
            }
            var files: [String: [UInt8]] = [:]
            for name in RunDigest.files + ["manifest.json"] { files[name] = try AtomicFile.read(run.path + "/" + name) }
            return Run(manifest: manifest, files: files, metrics: try MetricsLog.read(at: run.metricsFile))
        }
    }

    @Test func firstLossesAreThePinnedValues() throws {
        let run = try Self.run.get()
        #expect(run.metrics.columns == ["step", "epoch", "loss", "learning_rate"])
        #expect(run.metrics.steps == Array(1...12))
        #expect(run.metrics.rows.prefix(5).map { $0[2] } == Self.firstLosses)
    }

    @Test func digestIsThePinnedValue() throws {
        let run = try Self.run.get()
        #expect(run.manifest.digest == Self.digest)
        #expect(run.manifest.finalMetrics.steps == 12)
    }

    /// The digest is what RunDigest documents (the Python recipe in its comment), computed here
    /// independently from the files; the manifest on disk reads back with it.
    @Test func digestFollowsItsDocumentedRecipe() throws {
        let run = try Self.run.get()
        var hash = SHA256()
        for name in ["model.safetensors", "metrics.csv", "eval.csv"] {
            let data = try #require(run.files[name])
            hash.update(Array("\(name)\0\(data.count)\0".utf8))
            hash.update(data)
            #expect(run.manifest.files[name] == SHA256.hexDigest(of: data))
        }
        #expect(hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == run.manifest.digest)
        #expect(run.files["manifest.json"] == (try run.manifest.encoded()))
    }
}
