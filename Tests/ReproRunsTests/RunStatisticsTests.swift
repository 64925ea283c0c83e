import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// `repro stats`'s library: loading sweeps, final-metric and per-step statistics, the ablation
/// against a baseline, the statistical reproducibility check, bad input, and the report text.
@Suite struct RunStatisticsTests {
    /// Writes the runs of `seeds` into `directory/name`, one `seed-N` directory each.
    static func sweep(_ name: String, seeds: ClosedRange<UInt64>, in directory: TemporaryDirectory,
                      _ change: (inout SyntheticRun) -> Void = { _ in }) throws -> String {
        for seed in seeds {
            var run = SyntheticRun(seed: seed)
            change(&run)
            try run.write(to: directory.file("\(name)/seed-\(seed)"))
        }
        return directory.file(name)
    }

    static func ablation(_ run: inout SyntheticRun) {
        run.variant = 1
        run.lossShift = 0.05
        run.accuracyShift = -0.01
        run.configure = { $0.task.settings = .object(["optimizer": .string("adam"), "learningRate": .number(0.001)]) }
    }

    @Test func sweepStatisticsMatchTheRuns() throws {
        try withTemporaryDirectory { directory in
            let path = try Self.sweep("sweep", seeds: 1...5, in: directory)
            let statistics = try RunStatistics(try RunGroup.load([path]))
            #expect(statistics.group.seeds == [1, 2, 3, 4, 5])
            let accuracies = (1...5).map { SyntheticRun(seed: $0).evaluations.last!.accuracy }
            #expect(statistics.finalValidationMetrics == ["accuracy": SampleSummary(accuracies)])
            #expect(statistics.headline == ValidationMetric("accuracy"))
            let losses = (1...5).map { Double(SyntheticRun(seed: $0).loss(24)) }
            #expect(statistics.finalTrainingLoss == SampleSummary(losses))
            #expect(statistics.loss.map(\.step) == Array(1...24))
            #expect(statistics.loss[4].summary == SampleSummary((1...5).map { Double(SyntheticRun(seed: $0).loss(5)) }))
            #expect(statistics.validationMetrics["accuracy"]?.map(\.step) == [8, 16, 24])
            try assertSnapshot(statistics.report(title: "sweep").replacingOccurrences(of: directory.path, with: "RUNS"),
                               named: "stats-sweep.txt")
        }
    }

    @Test func runsGivenOneByOneFormOneGroup() throws {
        try withTemporaryDirectory { directory in
            _ = try Self.sweep("sweep", seeds: 1...3, in: directory)
            let group = try RunGroup.load([directory.file("sweep/seed-3"), directory.file("sweep/seed-1")])
            #expect(group.seeds == [3, 1])
            let single = try RunStatistics(try RunGroup.load([directory.file("sweep/seed-2")]))
            #expect(single.finalValidationMetrics["accuracy"]?.standardDeviation == nil)
            #expect(single.report(title: "sweep").contains("— (needs 2 runs)"))
        }
    }

    @Test func ablationAgainstABaseline() throws {
        try withTemporaryDirectory { directory in
            let sweep = try RunStatistics(try RunGroup.load([try Self.sweep("adam", seeds: 1...6, in: directory, Self.ablation)]))
            let baseline = try RunStatistics(try RunGroup.load([try Self.sweep("sgd", seeds: 2...8, in: directory)]))
            let comparison = try SweepComparison(sweep, baseline: baseline)
            #expect(comparison.pairedSeeds == [2, 3, 4, 5, 6])
            #expect(comparison.unpairedSweepSeeds == [1])
            #expect(comparison.unpairedBaselineSeeds == [7, 8])
            #expect(comparison.settingDifferences.map(\.field) == ["configuration.task.settings.learningRate", "configuration.task.settings.optimizer"])
            let accuracy = comparison.metrics[0]
            #expect(accuracy.name == "validation accuracy")
            let (a, b) = (sweep.finalSummary(ValidationMetric("accuracy")), baseline.finalSummary(ValidationMetric("accuracy")))
            #expect(abs(accuracy.meanDifference - (a.mean - b.mean)) == 0)
            #expect(accuracy.pairedDifferences.count == 5)
            #expect(accuracy.paired?.count == 5)
            #expect(accuracy.welch != nil && accuracy.effectSize != nil)
            #expect(try #require(comparison.lossCurveCorrelation) > 0.99)
            let check = StatisticalReproducibility(tolerance: 2, sweep: sweep, comparison: comparison)
            #expect(check.criteria.count == 4)
            let report = [sweep.report(title: "sweep"), baseline.report(title: "baseline"), comparison.report, check.report]
                .joined(separator: "\n").replacingOccurrences(of: directory.path, with: "RUNS")
            try assertSnapshot(report, named: "stats-ablation.txt")
        }
    }

    @Test func toleranceCriterion() throws {
        try withTemporaryDirectory { directory in
            let sweep = try RunStatistics(try RunGroup.load([try Self.sweep("sweep", seeds: 1...5, in: directory)]))
            let spread = sweep.largestDeviation.deviation * 100  // the tolerance is in percentage points
            #expect(spread > 0)
            #expect(StatisticalReproducibility(tolerance: spread, sweep: sweep).passed)
            #expect(!StatisticalReproducibility(tolerance: spread.nextDown, sweep: sweep).passed)

            let shifted = try RunStatistics(try RunGroup.load([try Self.sweep("shifted", seeds: 1...5, in: directory) {
                $0.accuracyShift = 0.004
            }]))
            let comparison = try SweepComparison(shifted, baseline: sweep)
            let loose = StatisticalReproducibility(tolerance: 5, sweep: shifted, comparison: comparison)
            #expect(loose.passed)
            let tight = StatisticalReproducibility(tolerance: 0.3, sweep: shifted, comparison: comparison)
            // The means differ by 0.4 pp > 0.3 pp; the curves (the same losses) correlate perfectly.
            #expect(tight.criteria.map(\.passed) == [spread <= 0.3, spread <= 0.3, false, true])
            #expect(!tight.passed)
            #expect(tight.report.hasPrefix("statistical reproducibility (±0.3 pp): fail\n"))
        }
    }

    @Test func perStepTableHoldsEveryStep() throws {
        try withTemporaryDirectory { directory in
            let sweep = try RunStatistics(try RunGroup.load([try Self.sweep("sweep", seeds: 1...3, in: directory)]))
            let baseline = try RunStatistics(try RunGroup.load([try Self.sweep("base", seeds: 1...3, in: directory) {
                $0.steps = 20
            }]))
            let csv = RunStatistics.perStepCSV([sweep, baseline])
            let lines = csv.split(separator: "\n")
            #expect(lines.count == 25)
            #expect(lines[0].split(separator: ",").count == 25)
            #expect(lines[0].hasPrefix("step,loss_mean,loss_sd,loss_min,loss_max,validation_loss_mean"))
            try assertSnapshot(csv, named: "stats-per-step.csv")
        }
    }

    @Test func evenlySpacedStepsIncludeTheEnds() {
        #expect(RunStatistics.evenlySpaced(230, count: 10) == [0, 25, 51, 76, 102, 127, 153, 178, 204, 229])
        #expect(RunStatistics.evenlySpaced(5, count: 10) == [0, 1, 2, 3, 4])
        #expect(RunStatistics.evenlySpaced(11, count: 10).count == 10)
        #expect(RunStatistics.seedList([5, 1, 2, 3, 9, 7, 8]) == "1–3, 5, 7–9")
        #expect(RunStatistics.seedList([1, 2, 4]) == "1, 2, 4")
    }

    @Test func sweepRunsSortNaturally() {
        let names = ["seed-10", "seed-9", "seed-100", "b", "seed-1", "a-2", "seed-01", "a-10", "seed"]
        #expect(names.sorted(by: RunGroup.naturalOrder)
                == ["a-2", "a-10", "b", "seed", "seed-01", "seed-1", "seed-9", "seed-10", "seed-100"])
    }

    /// Each bad input is an error that names the run (and the step, for a NaN).
    @Test func badInputNamesTheRun() throws {
        try withTemporaryDirectory { directory in
            func message(_ paths: [String]) -> String {
                do { _ = try RunStatistics(try RunGroup.load(paths)); return "no error" } catch { return "\(error)" }
            }
            #expect(message([directory.file("missing")]).contains("missing: no such run or sweep directory"))
            try FileManager.default.createDirectory(atPath: directory.file("empty"), withIntermediateDirectories: false)
            #expect(message([directory.file("empty")]).contains("empty: is neither a run"))

            let nan = try Self.sweep("nan", seeds: 1...3, in: directory) { if $0.seed == 2 { $0.lossOverride[5] = .nan } }
            #expect(message([nan]).contains("nan/seed-2/metrics.csv: step 5: loss is nan"))

            let lengths = try Self.sweep("lengths", seeds: 1...3, in: directory) { if $0.seed == 3 { $0.steps = 16 } }
            #expect(message([lengths]).contains("lengths/seed-3/metrics.csv: logs 16 rows (steps 1…16), but"))

            let failed = try Self.sweep("failed", seeds: 1...3, in: directory)
            try FileManager.default.removeItem(atPath: failed + "/seed-2/manifest.json")
            #expect(message([failed]).contains("failed/seed-2: is an unfinished run"))

            let stray = try Self.sweep("stray", seeds: 1...2, in: directory)
            try FileManager.default.createDirectory(atPath: stray + "/notes", withIntermediateDirectories: false)
            #expect(message([stray]).contains("stray/notes: is not a Repro run directory"))

            let twice = try Self.sweep("twice", seeds: 1...2, in: directory)
            #expect(message([twice, twice + "/seed-1"]).contains("twice/seed-1: is given twice"))

            // A log changed after the run finished: the digest recomputed from the files says so.
            let edited = try Self.sweep("edited", seeds: 1...2, in: directory)
            let evalFile = edited + "/seed-1/eval.csv"
            let text = try String(contentsOfFile: evalFile, encoding: .utf8)
            let lines = text.split(separator: "\n")
            let lastFields = lines.last!.split(separator: ",")
            try AtomicFile.write((lines.dropLast() + [lastFields.dropLast().joined(separator: ",") + ",0.5"])
                .joined(separator: "\n") + "\n", to: evalFile)
            #expect(message([edited]).contains("edited/seed-1/eval.csv: does not match the sha256 that manifest.json records"))

            // A manifest whose final metrics disagree with intact logs.
            let claimed = try Self.sweep("claimed", seeds: 1...2, in: directory)
            let manifestFile = claimed + "/seed-1/manifest.json"
            var manifest = try JSONSerialization.jsonObject(with: Data(AtomicFile.read(manifestFile))) as! [String: Any]
            var final = manifest["finalMetrics"] as! [String: Any]
            final["validationMetrics"] = ["accuracy": 0.5]
            manifest["finalMetrics"] = final
            try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: manifest)), to: manifestFile)
            #expect(message([claimed]).contains("claimed/seed-1: the logs' last rows"))
        }
    }

    @Test func readingChangesNoFile() throws {
        try withTemporaryDirectory { directory in
            let sweep = try Self.sweep("a", seeds: 1...3, in: directory)
            let baseline = try Self.sweep("b", seeds: 1...3, in: directory, Self.ablation)
            let before = try fileHashes(under: directory.path)
            let statistics = try RunStatistics(try RunGroup.load([sweep]))
            let comparison = try SweepComparison(statistics, baseline: try RunStatistics(try RunGroup.load([baseline])))
            _ = statistics.report(title: "sweep") + comparison.report
            #expect(try fileHashes(under: directory.path) == before)
        }
    }
}
