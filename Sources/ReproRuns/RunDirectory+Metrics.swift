/// The columns of `eval.csv` and the names of a task's validation metrics: the one place that
/// knows how the two map onto each other.
///
/// `eval.csv` holds `step, epoch, validation_loss`, then one column `validation_<name>` per metric
/// of the task, in the task's order (zero or more). A metric name is non-empty, holds only ASCII
/// letters, digits and underscores, is not `loss` (the validation loss is always logged) and is
/// not named twice. `run.json` records the names (``Start/metrics``), the manifest each one's
/// final value (``RunManifest/FinalMetrics/validationMetrics``).
extension RunDirectory {
    /// The columns every `eval.csv` starts with, before the metrics' columns.
    package static let evalBaseColumns = ["step", "epoch", "validation_loss"]
    /// The prefix of a metric's column in `eval.csv`.
    package static let evalMetricPrefix = "validation_"
    /// The columns the trainer logs from `Float`s (`metrics.csv`'s `loss`, `eval.csv`'s
    /// `validation_loss`); every other value column holds `Double`s.
    package static let singlePrecisionColumns: Set<String> = ["loss", "validation_loss"]

    /// The columns of `eval.csv` for a task with the validation metrics `metrics`, in order:
    /// `step, epoch, validation_loss, validation_<metric>…`.
    package static func evalColumns(metrics: [String]) -> [String] {
        evalBaseColumns + metrics.map { evalMetricPrefix + $0 }
    }

    /// The metric names that the `eval.csv` header `evalColumns` holds, in column order: the
    /// inverse of ``evalColumns(metrics:)``.
    ///
    /// - Throws: ``RunFileError`` naming `source` (line 1) when the header does not start with
    ///   `step,epoch,validation_loss`, a later column lacks the `validation_` prefix, or a metric
    ///   name is empty, invalid or repeated (``validateMetricNames(_:source:)``).
    package static func metricNames(evalColumns columns: [String], source: String) throws -> [String] {
        let expected = "the columns \(evalBaseColumns.joined(separator: ",")), then validation_<metric> for each metric"
        guard columns.count >= evalBaseColumns.count, Array(columns.prefix(evalBaseColumns.count)) == evalBaseColumns else {
            throw RunFileError(source: source, location: "line 1", "expected \(expected), found \(columns.joined(separator: ","))")
        }
        var names: [String] = []
        for column in columns.dropFirst(evalBaseColumns.count) {
            guard column.hasPrefix(evalMetricPrefix) else {
                throw RunFileError(source: source, location: "line 1",
                                   "the column '\(column)' is not validation_<metric>: expected \(expected)")
            }
            guard column != evalMetricPrefix else {
                throw RunFileError(source: source, location: "line 1", "the column 'validation_' names no metric: expected \(expected)")
            }
            names.append(String(column.dropFirst(evalMetricPrefix.count)))
        }
        do {
            try validateMetricNames(names, source: source)
        } catch let error as RunFileError {
            throw RunFileError(source: source, location: "line 1", "in the header, " + error.message)
        }
        return names
    }

    /// Checks a task's metric names: each non-empty, of ASCII letters, digits and underscores
    /// only, not `loss`, and named once.
    ///
    /// - Parameter source: what holds the names, for the error (`run.json`, a file, or the task).
    /// - Throws: ``RunFileError`` naming `source` and the first offending metric, e.g.
    ///   `the metric 'accuracy' is named twice`.
    package static func validateMetricNames(_ names: [String], source: String = "the task's metrics") throws {
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else {
                throw RunFileError(source: source, "metric \(index + 1) of \(names.count) has an empty name")
            }
            guard name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0)
                                         || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw RunFileError(source: source, "the metric name '\(name)' may hold only ASCII letters, digits and underscores")
            }
            guard name != "loss" else {
                throw RunFileError(source: source, "the metric name 'loss' is taken: the validation loss is always logged")
            }
            guard !names[..<index].contains(name) else {
                throw RunFileError(source: source, "the metric '\(name)' is named twice")
            }
        }
    }
}
