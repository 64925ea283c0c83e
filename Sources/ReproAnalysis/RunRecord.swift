import Foundation
import ReproRuns

/// A finished run as the run tools read it: its manifest and metric logs, validated, and its
/// digest recomputed from the files. The tools only read; they never modify a run, and they never
/// take a verdict from what a file claims: identity is ``digest``, not the manifest's.
public struct RunRecord: Sendable {
    public let directory: RunDirectory
    public let manifest: RunManifest
    /// The run's digest recomputed from its files (``RunDigest``).
    public let digest: String
    /// The digest's files whose sha256 differs from what `manifest.json` records (changed after
    /// the run finished); empty for an intact run.
    public let changedFiles: [String]
    /// `metrics.csv`: step, epoch, loss, learning_rate.
    public let metrics: MetricsTable
    /// `eval.csv`: step, epoch, validation_loss, then validation_<metric> for each of
    /// ``metricNames`` (``RunDirectory/evalColumns(metrics:)``).
    public let evaluations: MetricsTable
    /// The names of the run's validation metrics, in `eval.csv`'s column order (empty for a task
    /// that logs only the loss).
    public let metricNames: [String]

    /// A short name for messages and legends: the directory's last component.
    public var name: String { URL(fileURLWithPath: directory.path).lastPathComponent }

    /// The hint for an unfinished run, in the library's words (a command line names its own command).
    package static let resumeHint = "resume it to finish it"

    /// Loads the run at `path` and recomputes its digest.
    ///
    /// - Parameter allowingChangedFiles: load a run whose files no longer match its manifest
    ///   (``changedFiles`` names them), for `repro compare`, which compares files as they are;
    ///   every other tool refuses such a run.
    /// - Throws: ``RunFileError`` naming the run and the problem: not a run directory, an
    ///   unfinished run (no manifest), a damaged or other-version manifest, a missing or malformed
    ///   log, logs without the expected columns (``RunDirectory/metricNames(evalColumns:source:)``),
    ///   final metrics in the manifest that name other metrics than `eval.csv` logs, or (unless
    ///   allowed) a file whose sha256 is not the one `manifest.json` records.
    public static func load(_ path: String, allowingChangedFiles: Bool = false) throws -> RunRecord {
        let directory = RunDirectory(path: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunFileError(source: path, "no such run directory")
        }
        guard manager.fileExists(atPath: directory.manifestFile) else {
            if manager.fileExists(atPath: directory.startFile) {
                throw RunFileError(source: path, "is an unfinished run (no manifest.json)", hint: Self.resumeHint)
            }
            throw RunFileError(source: path, "is not a Repro run directory (no manifest.json)")
        }
        try directory.refuseIrregularFiles()
        let manifest = try RunManifest.read(directory.manifestFile)
        var contents: [String: [UInt8]] = [:]
        for name in RunDigest.files { contents[name] = try AtomicFile.read(path + "/" + name) }
        let metrics = try MetricsLog.decode(contents["metrics.csv"]!, source: directory.metricsFile)
        let evaluations = try MetricsLog.decode(contents["eval.csv"]!, source: directory.evalFile)
        guard metrics.columns == RunDirectory.metricsColumns else {
            throw RunFileError(source: directory.metricsFile, "expected the columns \(RunDirectory.metricsColumns.joined(separator: ",")), "
                               + "found " + metrics.columns.joined(separator: ","))
        }
        let metricNames = try RunDirectory.metricNames(evalColumns: evaluations.columns, source: directory.evalFile)
        guard Set(manifest.finalMetrics.validationMetrics.keys) == Set(metricNames) else {
            throw RunFileError(source: directory.manifestFile,
                               "the final metrics name \(metricList(manifest.finalMetrics.validationMetrics.keys.sorted())), "
                               + "but eval.csv logs \(metricList(metricNames))",
                               hint: "the manifest is damaged, or belongs to another run")
        }
        let (digest, files) = RunDigest.compute(contents)
        let changed = RunDigest.files.filter { files[$0] != manifest.files[$0] }
        if !allowingChangedFiles, digest != manifest.digest {
            let file = changed.first.map { path + "/" + $0 } ?? directory.manifestFile
            throw RunFileError(source: file, changed.isEmpty
                               ? "records the digest \(manifest.digest), but the run's files give \(digest): the manifest is damaged"
                               : "does not match the sha256 that manifest.json records (\(manifest.files[changed[0]] ?? "none")): "
                                 + "it was changed after the run finished, so the run is damaged",
                               hint: "`repro compare` compares damaged runs as their files are now")
        }
        return RunRecord(directory: directory, manifest: manifest, digest: digest, changedFiles: changed,
                         metrics: metrics, evaluations: evaluations, metricNames: metricNames)
    }

    /// Refuses runs whose validation metrics differ: a tool that sets runs side by side (a group
    /// of seeds, one figure, one comparison) needs them to log the same metrics, in one order.
    ///
    /// - Throws: ``RunFileError`` naming the first run that differs from the first run, and both
    ///   runs' metrics.
    static func requireSameMetricNames(_ runs: [RunRecord]) throws {
        guard let first = runs.first else { return }
        for run in runs.dropFirst() where run.metricNames != first.metricNames {
            throw RunFileError(source: run.directory.path,
                               "logs \(metricList(run.metricNames)), but \(first.directory.path) logs \(metricList(first.metricNames))",
                               hint: "only runs of tasks with the same metrics can be set side by side")
        }
    }

    /// `the metrics accuracy, top3`, `the metric accuracy`, or `no validation metric (only the loss)`.
    static func metricList(_ names: [String]) -> String {
        switch names.count {
        case 0: "no validation metric (only the loss)"
        case 1: "the metric \(names[0])"
        default: "the metrics \(names.joined(separator: ", "))"
        }
    }
}
