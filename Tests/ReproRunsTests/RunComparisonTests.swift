import ReproTestSupport
import Foundation
import Testing
import ReproTensor
@testable import ReproAnalysis
@testable import ReproRuns

/// `repro compare`'s library: verdicts, first differences, largest differences, tolerances,
/// lengths, structure, settings with their risk, NaN, and the report text (snapshots).
@Suite struct RunComparisonTests {
    /// The report with the temporary directory replaced by `RUNS`, so snapshots do not depend on it.
    static func report(_ comparison: RunComparison, in directory: TemporaryDirectory) -> String {
        comparison.report.replacingOccurrences(of: directory.path, with: "RUNS")
    }

    @Test func sameSeedWithOtherThreadsAndWorkersIsBitwiseIdentical() throws {
        try withTemporaryDirectory { directory in
            var other = SyntheticRun()
            other.environment.threadCount = 1
            other.environment.workerCount = 3
            let comparison = try RunComparison(try SyntheticRun().write(to: directory.file("a")),
                                               try other.write(to: directory.file("b")))
            #expect(comparison.verdict == .identical)
            #expect(comparison.verdict.exitCode == 0)
            #expect(comparison.settings.map(\.field) == ["environment.threadCount", "environment.workerCount"])
            #expect(comparison.settings.allSatisfy { $0.risk == .none })
            try assertSnapshot(Self.report(comparison, in: directory), named: "compare-identical.txt")
        }
    }

    @Test func otherSeedDiffersFromTheFirstStep() throws {
        try withTemporaryDirectory { directory in
            let comparison = try RunComparison(try SyntheticRun(seed: 1).write(to: directory.file("seed-1")),
                                               try SyntheticRun(seed: 2).write(to: directory.file("seed-2")))
            #expect(comparison.verdict == .different)
            #expect(comparison.verdict.exitCode == 1)
            #expect(comparison.metrics.firstDifference?.step == 1)
            #expect(comparison.metrics.firstDifference?.fields.map(\.column) == ["loss"])
            #expect(comparison.evaluations.firstDifference?.step == 8)
            #expect(comparison.weights.total.differing == comparison.weights.total.compared)
            #expect(comparison.settings.map(\.field) == ["configuration.seed"])
            #expect(comparison.settings.first?.risk == .intended)
            try assertSnapshot(Self.report(comparison, in: directory), named: "compare-seeds.txt")
        }
    }

    @Test func toleranceDecidesSmallDifferences() throws {
        try withTemporaryDirectory { directory in
            let base = SyntheticRun()
            var nudged = base
            nudged.lossOverride[5] = base.loss(5) * (1 + 3e-7)
            nudged.weightOverride["0.weight"] = [7: 0.05]
            let a = try RunRecord.load(try nudged.write(to: directory.file("nudged")))
            let b = try RunRecord.load(try base.write(to: directory.file("base")))
            // The nudged weight is element 7 of 0.weight ([4, 3]): row 2, column 1.
            let bitwise = try RunComparison(a, b)
            #expect(bitwise.verdict == .different)
            #expect(bitwise.metrics.firstDifference?.step == 5)
            #expect(bitwise.weights.total.largestAbsolute?.location == "0.weight[2, 1]")

            let loose = try RunComparison(a, b, tolerance: Tolerance(relative: 1e-6, absolute: 1))
            #expect(loose.verdict == .withinTolerance)
            #expect(loose.verdict.exitCode == 0)

            let middle = try RunComparison(a, b, tolerance: Tolerance(relative: 1e-6, absolute: 0))
            #expect(middle.verdict == .different)
            #expect(middle.metrics.total.outsideTolerance == 0)
            #expect(middle.weights.total.outsideTolerance == 1)

            let tight = try RunComparison(a, b, tolerance: Tolerance(relative: 1e-7, absolute: 0))
            #expect(tight.metrics.total.outsideTolerance == 1)
            #expect(tight.metrics.columns[1].differences.firstOutsideTolerance?.location == "5")
            try assertSnapshot(Self.report(tight, in: directory), named: "compare-tolerance.txt")
        }
    }

    @Test func toleranceFollowsNumpyIsclose() {
        let tolerance = Tolerance(relative: 1e-5, absolute: 1e-8)
        #expect(tolerance.isClose(1.00001, 1))  // |a − b| = 1e-5 ≤ 1e-8 + 1e-5
        #expect(!tolerance.isClose(1.0001, 1))
        #expect(tolerance.isClose(1e-9, 0))
        #expect(!tolerance.isClose(1, 0))
        // B is the reference: rtol scales |b|, as in numpy.isclose(a, b).
        #expect(Tolerance(relative: 0.5).isClose(3, 2))
        #expect(!Tolerance(relative: 0.5).isClose(2, 1.2))
        #expect(!tolerance.isClose(.nan, .nan))
        #expect(tolerance.isClose(.infinity, .infinity))
        #expect(!tolerance.isClose(.infinity, -.infinity))
    }

    @Test func logsOfDifferentLengthsCompareTheCommonSteps() throws {
        try withTemporaryDirectory { directory in
            let a = try SyntheticRun().write(to: directory.file("long"))
            let b = try SyntheticRun(steps: 16).write(to: directory.file("short"))
            let comparison = try RunComparison(a, b, tolerance: Tolerance(relative: 1, absolute: 1))
            #expect(!comparison.metrics.sameSteps)
            #expect(comparison.metrics.commonStepCount == 16)
            #expect(comparison.metrics.columns.allSatisfy { $0.differences.compared == 16 })
            #expect(comparison.metrics.firstDifference == nil)
            #expect(comparison.verdict == .different)  // never within tolerance with steps missing
            #expect(comparison.report.contains("the lengths differ; compared the 16 common steps"))
            try assertSnapshot(Self.report(comparison, in: directory), named: "compare-lengths.txt")
        }
    }

    @Test func differentTensorsAreStructuralDifferences() throws {
        try withTemporaryDirectory { directory in
            var other = SyntheticRun()
            other.shapes = ["0.weight": [3, 4], "0.bias": [4], "3.weight": [2, 4]]
            let comparison = try RunComparison(try SyntheticRun().write(to: directory.file("a")),
                                               try other.write(to: directory.file("b")),
                                               tolerance: Tolerance(relative: 1, absolute: 1))
            #expect(comparison.weights.structuralDifferences == [
                "tensor '0.weight': shape [4, 3] in A, [3, 4] in B",
                "tensor '2.weight' only in A",
                "tensor '3.weight' only in B",
            ])
            #expect(comparison.weights.tensors.map(\.name) == ["0.bias"])
            #expect(comparison.verdict == .different)
            #expect(comparison.report.contains("structural difference: tensor '2.weight' only in A"))
        }
    }

    @Test func settingsThatDifferCarryTheirRisk() throws {
        try withTemporaryDirectory { directory in
            var other = SyntheticRun()
            other.environment.swiftCompiler = "6.2"
            other.environment.buildConfiguration = "debug"
            other.environment.libc = "glibc 2.39"
            other.environment.cpuFeatures = ["avx2", "avx512f", "fma"]
            other.environment.gitCommit = "fedcba9876543210fedcba9876543210fedcba98"
            other.environment.gitDirty = true
            other.environment.reproRevision = "fedcba9876543210fedcba9876543210fedcba98-dirty"
            other.environment.kernelRelease = "6.8.0"
            other.environment.environment = ["OMP_NUM_THREADS": "4", "SWIFT_DETERMINISTIC_HASHING": "1"]
            other.determinism = DeterminismSettings(deterministicAlgorithms: false, benchmark: true)
            other.configure = { $0.checkpointEvery = 50; $0.task.settings = .object(["optimizer": .string("sgd"), "learningRate": .number(0.1)]) }
            let comparison = try RunComparison(try SyntheticRun().write(to: directory.file("a")),
                                               try other.write(to: directory.file("b")))
            // The synthetic logs and weights depend on the seed only: the same bits despite it all.
            #expect(comparison.verdict == .identical)
            let risks = Dictionary(uniqueKeysWithValues: comparison.settings.map { ($0.field, $0.risk) })
            #expect(risks["environment.swiftCompiler"] == .high)
            #expect(risks["environment.buildConfiguration"] == ReproducibilityRisk.none)
            #expect(risks["environment.libc"] == .lowMedium)
            #expect(risks["environment.cpuFeatures"] == .medium)
            #expect(risks["environment.kernelRelease"] == .low)
            #expect(risks["environment.gitCommit"] == .high)
            #expect(risks["environment.reproRevision"] == .high)
            #expect(risks["environment variable OMP_NUM_THREADS"] == ReproducibilityRisk.none)
            #expect(risks["determinism.benchmark"] == .high)
            #expect(risks["configuration.task.settings.learningRate"] == .intended)
            #expect(risks["configuration.checkpointEvery"] == ReproducibilityRisk.none)
            #expect(comparison.settings.map(\.risk) == comparison.settings.map(\.risk).sorted(by: >))
            try assertSnapshot(Self.report(comparison, in: directory), named: "compare-settings.txt")
        }
    }

    /// A field added to the fingerprint must get an assessment here too.
    @Test func everyFingerprintFieldHasARisk() {
        for (field, _) in SyntheticRun.environment.fieldTexts {
            #expect(SettingDifference.environmentRisk(field, "a", "b").0 != .unknown, "\(field) has no risk assessment")
        }
        for name in EnvironmentFingerprint.relevantEnvironmentVariables {
            #expect(SettingDifference.variableRisk(name).0 != .unknown, "\(name) has no risk assessment")
        }
        #expect(SettingDifference.environmentRisk("somethingNew", "a", "b").0 == .unknown)
    }

    @Test func nanIsADifferenceNamedWithItsRunAndStep() throws {
        try withTemporaryDirectory { directory in
            var diverged = SyntheticRun()
            diverged.lossOverride[5] = .nan
            let comparison = try RunComparison(try SyntheticRun().write(to: directory.file("a")),
                                               try diverged.write(to: directory.file("b")),
                                               tolerance: Tolerance(relative: 1, absolute: 1))
            #expect(comparison.verdict == .different)
            #expect(comparison.metrics.nonFiniteValues == [.init(run: "B", step: 5, column: "loss", text: "nan")])
            #expect(comparison.metrics.total.outsideTolerance == 1)
            #expect(comparison.report.contains("B has nan at metrics.csv step 5 (loss)"))
        }
    }

    @Test func aFileChangedAfterTheRunFinishedIsNoted() throws {
        try withTemporaryDirectory { directory in
            let a = try SyntheticRun().write(to: directory.file("a"))
            let b = try SyntheticRun().write(to: directory.file("b"))
            var tensors = try SafeTensorsFile(contentsOf: b + "/model.safetensors")
            tensors.metadata = ["note": "edited"]
            try tensors.write(to: b + "/model.safetensors")
            let comparison = try RunComparison(a, b)
            #expect(comparison.verdict == .different)
            #expect(comparison.notes == ["B: model.safetensors changed after the run finished (they do not match "
                                         + "manifest.json's digest); compared as they are now"])
            #expect(comparison.verdictLine.contains("no logged value or weight does"))
        }
    }

    @Test func badRunsAreErrorsNamingTheRun() throws {
        try withTemporaryDirectory { directory in
            let good = try SyntheticRun().write(to: directory.file("good"))
            func message(_ path: String) -> String {
                do { _ = try RunComparison(good, path); return "no error" } catch { return "\(error)" }
            }
            #expect(message(directory.file("missing")).contains("missing: no such run directory"))
            try FileManager.default.createDirectory(atPath: directory.file("empty"), withIntermediateDirectories: false)
            #expect(message(directory.file("empty")).contains("empty: is not a Repro run directory"))
            let unfinished = try SyntheticRun().write(to: directory.file("unfinished"))
            try FileManager.default.removeItem(atPath: unfinished + "/manifest.json")
            #expect(message(unfinished).contains("unfinished: is an unfinished run"))
            let corrupt = try SyntheticRun().write(to: directory.file("corrupt"))
            try AtomicFile.write("{\"schema\": \"repro-run\", ", to: corrupt + "/manifest.json")
            #expect(message(corrupt).contains("corrupt/manifest.json: not valid JSON"))
            let future = try SyntheticRun().write(to: directory.file("future"))
            let text = try String(contentsOfFile: future + "/manifest.json", encoding: .utf8)
            try AtomicFile.write(text.replacingOccurrences(of: "\"schemaVersion\" : 3", with: "\"schemaVersion\" : 4"),
                                 to: future + "/manifest.json")
            #expect(message(future).contains("future/manifest.json: manifest schema version 4"))
            let noModel = try SyntheticRun().write(to: directory.file("no-model"))
            try FileManager.default.removeItem(atPath: noModel + "/model.safetensors")
            #expect(message(noModel).contains("no-model/model.safetensors"))
        }
    }

    @Test func comparingChangesNoFile() throws {
        try withTemporaryDirectory { directory in
            let a = try SyntheticRun(seed: 1).write(to: directory.file("a"))
            let b = try SyntheticRun(seed: 2).write(to: directory.file("b"))
            let before = try fileHashes(under: directory.path)
            _ = try RunComparison(a, b, tolerance: Tolerance(relative: 1e-3)).report
            #expect(try fileHashes(under: directory.path) == before)
            #expect(try directory.contents() == ["a", "b"])
        }
    }
}
