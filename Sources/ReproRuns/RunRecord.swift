import Foundation

/// A finished run as the run tools read it: its manifest and metric logs, validated. The tools
/// only read; they never modify a run.
public struct RunRecord: Sendable {
    public let directory: RunDirectory
    public let manifest: RunManifest
    /// `metrics.csv`: step, epoch, loss, learning_rate.
    public let metrics: MetricsTable
    /// `eval.csv`: step, epoch, validation_loss, validation_accuracy.
    public let evaluations: MetricsTable

    /// A short name for messages and legends: the directory's last component.
    public var name: String { URL(fileURLWithPath: directory.path).lastPathComponent }

    /// Loads the run at `path`.
    ///
    /// - Throws: ``RunFileError`` naming the run and the problem: not a run directory, an
    ///   unfinished run (no manifest), a damaged or other-version manifest, a missing or malformed
    ///   log, or logs without the expected columns.
    public static func load(_ path: String) throws -> RunRecord {
        let directory = RunDirectory(path: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunFileError(source: path, "no such run directory")
        }
        guard manager.fileExists(atPath: directory.manifestFile) else {
            if manager.fileExists(atPath: directory.startFile) {
                throw RunFileError(source: path, "is an unfinished run (no manifest.json)",
                                   hint: "finish it with `repro train --resume \(path)`")
            }
            throw RunFileError(source: path, "is not a Repro run directory (no manifest.json)")
        }
        let manifest = try RunManifest.read(directory.manifestFile)
        let metrics = try MetricsLog.read(at: directory.metricsFile)
        let evaluations = try MetricsLog.read(at: directory.evalFile)
        for (table, columns, file) in [(metrics, RunDirectory.metricsColumns, directory.metricsFile),
                                       (evaluations, RunDirectory.evalColumns, directory.evalFile)] {
            guard table.columns == columns else {
                throw RunFileError(source: file, "expected the columns \(columns.joined(separator: ",")), found "
                                   + table.columns.joined(separator: ","))
            }
        }
        return RunRecord(directory: directory, manifest: manifest, metrics: metrics, evaluations: evaluations)
    }
}
