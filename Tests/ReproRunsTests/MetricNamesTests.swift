import ReproTestSupport
import Foundation
import ReproRandom
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// The record format of a task's validation metrics: `eval.csv`'s columns from the names and back,
/// the rules for a name, and bad headers refused naming the file.
@Suite struct MetricNamesTests {
    @Test(arguments: [[], ["accuracy"], ["accuracy", "top3"], ["perplexity", "f1_macro", "BLEU4"]])
    func evalColumnsAndMetricNamesAreInverses(_ names: [String]) throws {
        let columns = RunDirectory.evalColumns(metrics: names)
        #expect(columns == ["step", "epoch", "validation_loss"] + names.map { "validation_" + $0 })
        #expect(try RunDirectory.metricNames(evalColumns: columns, source: "eval.csv") == names)
        try RunDirectory.validateMetricNames(names)
    }

    @Test(arguments: [
        ([""], "metric 1 of 1 has an empty name"),
        (["accuracy", "accuracy"], "the metric 'accuracy' is named twice"),
        (["top-3"], "the metric name 'top-3' may hold only ASCII letters, digits and underscores"),
        (["précision"], "the metric name 'précision' may hold only ASCII letters"),
        (["loss"], "the metric name 'loss' is taken"),
        (["accuracy", "top 3"], "the metric name 'top 3' may hold only"),
    ])
    func invalidMetricNamesAreRefusedNamingTheMetric(_ names: [String], _ message: String) {
        let error = #expect(throws: RunFileError.self) { try RunDirectory.validateMetricNames(names) }
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
        let start = RunDirectory.Start(configuration: TrainingConfiguration(seed: 1, task: TaskRecord(name: "test")),
                                       seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t",
                                       metrics: names)
        #expect(throws: RunFileError.self) { try RunDirectory.Start.decode(try RunDirectory.encode(start), source: "run.json") }
    }

    @Test func aRunStartedWithInvalidNamesLeavesNoDirectory() throws {
        try withTemporaryDirectory { directory in
            let start = RunDirectory.Start(configuration: TrainingConfiguration(seed: 1, task: TaskRecord(name: "test")),
                                           seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t",
                                           metrics: ["accuracy", "accuracy"])
            let error = #expect(throws: RunFileError.self) { try RunDirectory.create(at: directory.file("run"), start: start) }
            #expect(error?.message == "the metric 'accuracy' is named twice")
            #expect(!FileManager.default.fileExists(atPath: directory.file("run")))
        }
    }

    @Test func startRecordsTheMetricsAndEvalCSVHasTheirColumns() throws {
        try withTemporaryDirectory { directory in
            let start = RunDirectory.Start(configuration: TrainingConfiguration(seed: 1, task: TaskRecord(name: "test")),
                                           seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t",
                                           metrics: ["accuracy", "top3"])
            let run = try RunDirectory.create(at: directory.file("run"), start: start)
            #expect(try run.readStart().metrics == ["accuracy", "top3"])
            #expect(try MetricsLog.read(at: run.evalFile).columns
                    == ["step", "epoch", "validation_loss", "validation_accuracy", "validation_top3"])
        }
    }

    /// Headers that are not `step,epoch,validation_loss,validation_<metric>…`: what the message says.
    static let badHeaders: [(header: [String], message: String)] = [
        (["step", "epoch", "validation_loss", "accuracy"], "the column 'accuracy' is not validation_<metric>"),
        (["step", "epoch", "validation_loss", "validation_"], "the column 'validation_' names no metric"),
        (["step", "epoch", "validation_loss", "validation_accuracy", "validation_accuracy"],
         "in the header, the metric 'accuracy' is named twice"),
        (["step", "epoch", "validation_loss", "validation_top-3"], "in the header, the metric name 'top-3' may hold only"),
        (["step", "epoch", "validation_loss", "validation_loss"], "in the header, the metric name 'loss' is taken"),
        (["step", "epoch", "validation_accuracy"], "expected the columns step,epoch,validation_loss, then validation_<metric>"),
        (["step", "validation_loss", "epoch"], "expected the columns step,epoch,validation_loss"),
        (["step", "epoch"], "expected the columns step,epoch,validation_loss"),
    ]

    @Test(arguments: badHeaders.indices)
    func badEvalHeadersAreRefusedNamingTheFile(_ index: Int) throws {
        let (header, message) = Self.badHeaders[index]
        let error = #expect(throws: RunFileError.self) {
            try RunDirectory.metricNames(evalColumns: header, source: "runs/a/eval.csv")
        }
        #expect(error?.source == "runs/a/eval.csv" && error?.location == "line 1", "\(String(describing: error))")
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
    }

    /// A finished run whose `eval.csv` header was replaced: loading it names the file (a header
    /// that repeats a column is refused by the log reader itself, also naming the file).
    @Test(arguments: badHeaders.indices)
    func aRunWithABadEvalHeaderIsRefusedNamingTheFile(_ index: Int) throws {
        try withTemporaryDirectory { directory in
            let path = try SyntheticRun().write(to: directory.file("run"))
            let file = path + "/eval.csv"
            let header = Self.badHeaders[index].header
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let rows = text.split(separator: "\n").dropFirst().map { row in
                row.split(separator: ",").prefix(header.count).joined(separator: ",")
                    + String(repeating: ",0.5", count: max(0, header.count - 4))
            }
            try AtomicFile.write(([header.joined(separator: ",")] + rows).joined(separator: "\n") + "\n", to: file)
            let error = #expect(throws: RunFileError.self) { try RunRecord.load(path, allowingChangedFiles: true) }
            #expect(error?.source == file, "\(String(describing: error))")
        }
    }

    @Test func aManifestNamingOtherMetricsThanTheLogIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = try SyntheticRun(metrics: ["accuracy", "top3"]).write(to: directory.file("run"))
            let file = path + "/manifest.json"
            var manifest = try RunManifest.read(file)
            manifest.finalMetrics.validationMetrics["top3"] = nil
            try AtomicFile.write(try manifest.encoded(), to: file)
            let error = #expect(throws: RunFileError.self) { try RunRecord.load(path) }
            #expect(error?.source == file)
            #expect(error?.message == "the final metrics name the metric accuracy, but eval.csv logs the metrics accuracy, top3")
        }
    }

    @Test func finalMetricsRoundTripByName() throws {
        let metrics = RunManifest.FinalMetrics(steps: 10, epochs: 1, trainLoss: 0.5, validationLoss: 0.25,
                                               validationMetrics: ["accuracy": 0.875, "top3": 0.96875])
        let data = try JSONEncoder().encode(metrics)
        #expect(try JSONDecoder().decode(RunManifest.FinalMetrics.self, from: data) == metrics)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((json?["validationMetrics"] as? [String: Double]) == ["accuracy": 0.875, "top3": 0.96875])
        #expect(json?["validationAccuracy"] == nil)
        #expect(RunManifest.currentSchemaVersion == 3)
    }
}
