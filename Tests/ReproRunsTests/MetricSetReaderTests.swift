import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// The run tools on runs of tasks with other validation metrics than the built-in accuracy: none
/// at all (only the validation loss), and two (`accuracy` and `top3`). compare, stats, plot and
/// report work on both, and runs whose metrics differ are refused naming both.
@Suite struct MetricSetReaderTests {
    /// The metric sets tried: none, and two.
    static let metricSets: [[String]] = [[], ["accuracy", "top3"]]

    /// Writes runs of `seeds` with `metrics` into `directory/name/seed-N`.
    static func sweep(_ name: String, metrics: [String], seeds: ClosedRange<UInt64>, in directory: TemporaryDirectory,
                      _ change: (inout SyntheticRun) -> Void = { _ in }) throws -> String {
        for seed in seeds {
            var run = SyntheticRun(seed: seed, metrics: metrics)
            change(&run)
            try run.write(to: directory.file("\(name)/seed-\(seed)"))
        }
        return directory.file(name)
    }

    @Test(arguments: metricSets)
    func compareWorks(_ metrics: [String]) throws {
        try withTemporaryDirectory { directory in
            let sweep = try Self.sweep("runs", metrics: metrics, seeds: 1...2, in: directory)
            let same = try SyntheticRun(seed: 1, metrics: metrics).write(to: directory.file("again"))
            let identical = try RunComparison(sweep + "/seed-1", same)
            #expect(identical.verdict == .identical)
            let different = try RunComparison(sweep + "/seed-1", sweep + "/seed-2")
            #expect(different.verdict == .different)
            #expect(different.evaluations.columns.map(\.name) == ["epoch", "validation_loss"] + metrics.map { "validation_" + $0 })
            let report = different.report
            let headline = metrics.isEmpty
                ? "final validation loss \(ReportFormat.number(Double(SyntheticRun(seed: 1).evaluations.last!.loss)))"
                : "final validation accuracy \(ReportFormat.number(SyntheticRun(seed: 1).evaluations.last!.accuracy * 100)) %"
            #expect(report.contains(headline), "\(report)")
            #expect(report.contains("validation_top3") == metrics.contains("top3"))
            #expect(!report.contains("validation_accuracy") || !metrics.isEmpty)
        }
    }

    @Test(arguments: metricSets)
    func statsWork(_ metrics: [String]) throws {
        try withTemporaryDirectory { directory in
            let path = try Self.sweep("sweep", metrics: metrics, seeds: 1...4, in: directory)
            let group = try RunGroup.load([path])
            #expect(group.metricNames == metrics)
            let statistics = try RunStatistics(group)
            let runs = (1...4).map { SyntheticRun(seed: UInt64($0), metrics: metrics) }
            #expect(Set(statistics.finalValidationMetrics.keys) == Set(metrics))
            for (index, name) in metrics.enumerated() {
                #expect(statistics.finalValidationMetrics[name] == SampleSummary(runs.map { $0.evaluations.last!.values[index] }))
                #expect(statistics.validationMetrics[name]?.map(\.step) == [8, 16, 24])
                #expect(statistics.curve(ValidationMetric(name))[0].summary
                        == SampleSummary(runs.map { $0.evaluations[0].values[index] }))
            }
            #expect(statistics.finalValidationLoss == SampleSummary(runs.map { Double($0.evaluations.last!.loss) }))
            #expect(statistics.finalMetrics.map(\.name)
                    == metrics.map { "validation " + $0 + ($0 == "accuracy" ? " (%)" : "") } + ["validation loss", "training loss"])
            #expect(statistics.headline == (metrics.isEmpty ? .loss : ValidationMetric("accuracy")))

            // The largest deviation and the tolerance check use the headline metric.
            let headlineFinals = runs.map { metrics.isEmpty ? Double($0.evaluations.last!.loss) : $0.evaluations.last!.values[0] }
            let mean = statistics.finalSummary(statistics.headline).mean
            let deviation = statistics.largestDeviation
            #expect(deviation.deviation == headlineFinals.map { abs($0 - mean) }.max()!)
            #expect(deviation.metric == statistics.headline)
            // The tolerance is in the unit shown: percentage points for an accuracy.
            let shown = metrics.isEmpty ? deviation.deviation : deviation.deviation * 100
            let check = StatisticalReproducibility(tolerance: shown, sweep: statistics)
            #expect(check.passed)
            #expect(!StatisticalReproducibility(tolerance: shown.nextDown, sweep: statistics).passed)
            #expect(check.criteria[0].requirement
                    == "every sweep run's final \(metrics.isEmpty ? "validation loss" : "validation accuracy") is within "
                       + "±\(ReportFormat.number(shown))\(metrics.isEmpty ? "" : " pp") of the sweep mean")

            // The text report: one column group per metric in the per-evaluation table.
            let text = statistics.report(title: "sweep")
            #expect(text.contains("validation top3") == metrics.contains("top3"))
            #expect(text.contains("top3 mean") == metrics.contains("top3"))
            #expect(text.contains("accuracy") == metrics.contains("accuracy"))
            let evaluationHeader = try #require(text.split(separator: "\n").first { $0.hasPrefix("  step") && $0.contains("loss mean") })
            #expect(evaluationHeader.split(separator: " ", omittingEmptySubsequences: true).filter { $0 == "mean" }.count
                    == 1 + metrics.count)

            // Against a baseline with the same metrics: every metric compared, then the loss.
            let baseline = try RunStatistics(try RunGroup.load([try Self.sweep("base", metrics: metrics, seeds: 1...4, in: directory) {
                $0.lossShift = 0.05
                $0.accuracyShift = -0.01
            }]))
            let comparison = try SweepComparison(statistics, baseline: baseline)
            #expect(comparison.metrics.map(\.name) == metrics.map { "validation " + $0 } + ["validation loss"])
            let ablation = StatisticalReproducibility(tolerance: 1, sweep: statistics, comparison: comparison)
            #expect(ablation.criteria.count == 4)
            #expect(ablation.criteria[2].requirement.hasPrefix(
                "the sweep and baseline mean final \(metrics.isEmpty ? "validation losses" : "validation accuracies") differ"))
            #expect(comparison.report.contains("final validation top3") == metrics.contains("top3"))

            let csv = RunStatistics.perStepCSV([statistics, baseline])
            let header = try #require(csv.split(separator: "\n").first).split(separator: ",")
            #expect(header.count == 1 + 2 * 4 * (2 + metrics.count))
            #expect(header.contains("validation_top3_mean") == metrics.contains("top3"))
            #expect(header.contains("baseline_validation_top3_max") == metrics.contains("top3"))
        }
    }

    @Test(arguments: metricSets)
    func plotWorks(_ metrics: [String]) throws {
        try withTemporaryDirectory { directory in
            let sweep = try Self.sweep("sweep", metrics: metrics, seeds: 1...3, in: directory)
            let single = try SyntheticRun(seed: 9, metrics: metrics).write(to: directory.file("single"))
            let figure = try LossCurveFigure(inputs: [single, sweep].map(PlotInput.load))
            let panels = metrics.isEmpty ? ["validation-loss"] : metrics
            #expect(figure.panelMetrics.map(\.name) == (metrics.isEmpty ? ["loss"] : metrics))
            #expect(figure.title == (metrics.isEmpty ? "Training loss and validation loss"
                                                     : "Training loss, validation accuracy and top3"))
            let svg = figure.svg()
            let elements = try PlotTests.parse(svg)
            #expect(PlotTests.curves(elements, panel: "loss").count == 2)
            for panel in panels {
                #expect(PlotTests.curves(elements, panel: panel).count == 2, "panel \(panel)")
                #expect(elements.contains { $0.name == "clipPath" && $0.attributes["id"] == "repro-plot-\(panel)-clip" })
                #expect(elements.contains { $0.name == "path" && $0.classes == "band" && $0.isInside(panel) }, "panel \(panel)")
            }
            #expect(PlotTests.curves(elements, panel: "accuracy").count == (metrics.isEmpty ? 0 : 2))
            let labels = elements.filter { $0.name == "text" }.map(\.text)
            for label in metrics.isEmpty ? ["validation loss"] : ["validation accuracy (%)", "validation top3"] {
                #expect(labels.contains(label), "no axis label \(label)")
            }
            let legend = elements.filter { $0.classes == "legend-label" }.map(\.text)
            #expect(legend.count == 2)
            if metrics.isEmpty {
                let loss = Double(SyntheticRun(seed: 9).evaluations.last!.loss)
                #expect(legend[0].hasSuffix("final validation loss \(PlotNumber.significant(loss))"), "\(legend[0])")
                #expect(legend[1].contains("final validation loss ") && !legend[1].contains("%"), "\(legend[1])")
            } else {
                let accuracy = SyntheticRun(seed: 9).evaluations.last!.accuracy
                #expect(legend[0].hasSuffix("final accuracy \(PlotNumber.fixed(accuracy * 100, 2)) %"), "\(legend[0])")
                #expect(legend[1].contains("final accuracy ") && legend[1].hasSuffix(" %"), "\(legend[1])")
                // The plain metric's curve is drawn as logged (a fraction), the accuracy in percent.
                let top3 = try #require(figure.series[0].evaluations.last)
                #expect(top3.metric == ValidationMetric("top3"))
                #expect(top3.curve.y == SyntheticRun(seed: 9, metrics: metrics).evaluations.map { $0.values[1] })
                #expect(figure.series[0].evaluations[0].curve.y == SyntheticRun(seed: 9).evaluations.map { $0.accuracy * 100 })
            }
            #expect(figure.svg() == svg, "deterministic")
        }
    }

    @Test(arguments: metricSets)
    func reportWorks(_ metrics: [String]) throws {
        try withTemporaryDirectory { directory in
            let sweep = try Self.sweep("sweep", metrics: metrics, seeds: 1...3, in: directory)
            let single = try SyntheticRun(seed: 1, metrics: metrics).write(to: directory.file("single"))
            let html = try RunReport(inputs: [single, sweep].map(PlotInput.load)).html()
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
            #expect(html.contains("4 runs, 3 different digests"), "single is sweep/seed-1 again")
            #expect(html.contains("<th>final validation loss</th>"))
            if metrics.isEmpty {
                #expect(!html.contains("accuracy"), "a run without metrics shows no accuracy")
                #expect(html.contains("<th>largest |Δ validation loss| (step)</th>"))
                #expect(html.contains("Final validation loss across seeds, one run per seed"))
                #expect(!html.contains("<th>mean final validation loss</th>"))
            } else {
                #expect(html.contains("<th>final validation accuracy</th><th>final validation top3</th><th>digest</th>"))
                #expect(html.contains("<th>largest |Δ accuracy| in points (step)</th>"))
                #expect(html.contains("Final validation accuracy in percent across seeds, one run per seed"))
                let run = SyntheticRun(seed: 1, metrics: metrics).evaluations.last!
                #expect(html.contains("<td class=\"num\">\(PlotNumber.fixed(run.values[0] * 100, 2)) %</td>"
                                      + "<td class=\"num\">\(PlotNumber.significant(run.values[1]))</td>"))
                #expect(html.contains("finalMetrics.validationMetrics.top3"))
            }
            let svg = try ReportTests.inlineSVG(html)
            let elements = try PlotTests.parse(svg)
            for panel in metrics.isEmpty ? ["validation-loss"] : metrics {
                #expect(PlotTests.curves(elements, panel: panel).count == 2, "panel \(panel)")
            }
        }
    }

    /// Runs of tasks with different metrics are never set side by side; the error names both.
    @Test func mixedMetricSetsAreRefusedNamingBothRuns() throws {
        try withTemporaryDirectory { directory in
            let one = try SyntheticRun(seed: 1).write(to: directory.file("mixed/seed-1"))
            let two = try SyntheticRun(seed: 2, metrics: ["accuracy", "top3"]).write(to: directory.file("mixed/seed-2"))
            let none = try SyntheticRun(seed: 3, metrics: []).write(to: directory.file("none"))
            let expected = "logs the metrics accuracy, top3, but \(one) logs the metric accuracy"
            let group = #expect(throws: RunFileError.self) { try RunGroup.load([directory.file("mixed")]) }
            #expect(group?.source == two && group?.message == expected, "\(String(describing: group))")
            let plot = #expect(throws: RunFileError.self) { try LossCurveFigure(inputs: [one, none].map(PlotInput.load)) }
            #expect(plot?.source == none && plot?.message == "logs no validation metric (only the loss), but \(one) logs the metric accuracy")
            let sweep = #expect(throws: RunFileError.self) { try LossCurveFigure(inputs: [PlotInput.load(directory.file("mixed"))]) }
            #expect(sweep?.message == expected)
            #expect(throws: RunFileError.self) { try RunReport(inputs: [two, one].map(PlotInput.load)) }
            let compare = #expect(throws: RunFileError.self) { try RunComparison(one, two) }
            #expect(compare?.source == two && compare?.message == expected)

            let a = try RunStatistics(try RunGroup.load([try Self.sweep("a", metrics: ["accuracy"], seeds: 1...2, in: directory)]))
            let b = try RunStatistics(try RunGroup.load([try Self.sweep("b", metrics: [], seeds: 1...2, in: directory)]))
            let ablation = #expect(throws: RunFileError.self) { try SweepComparison(a, baseline: b) }
            #expect(ablation?.source == directory.file("b/seed-1") && ablation?.message.contains(directory.file("a/seed-1")) == true)
        }
    }

    /// Every final metric, the second one too, is checked against the manifest.
    @Test func aSecondMetricThatDisagreesWithTheManifestIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = try Self.sweep("sweep", metrics: ["accuracy", "top3"], seeds: 1...2, in: directory)
            let file = path + "/seed-2/manifest.json"
            var manifest = try RunManifest.read(file)
            manifest.finalMetrics.validationMetrics["top3"]! -= 0.01
            try AtomicFile.write(try manifest.encoded(), to: file)
            let error = #expect(throws: RunFileError.self) { try RunGroup.load([path]) }
            #expect(error?.source == path + "/seed-2")
            #expect(error?.message.contains("the logs' last rows (step 24: training loss") == true)
            #expect(error?.message.contains(", top3 ") == true, "\(String(describing: error))")
        }
    }
}
