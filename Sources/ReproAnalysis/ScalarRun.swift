import Foundation
import ReproRuns

/// A run as per-step scalar series: how `repro compare`, `stats`, `plot` and `report` read runs
/// that Repro did not train (docs/ARCHITECTURE.md §7).
///
/// ``load(_:selection:)`` reads
/// - a directory of TensorBoard event files (`events.out.tfevents.*`, as PyTorch's `SummaryWriter`,
///   Lightning's `TensorBoardLogger` and TensorFlow write them): every scalar tag a series
///   (``TensorBoardEvents``), the files read in name order (their writers name them by start time);
/// - a CSV log (Lightning's `CSVLogger` `metrics.csv`, or any CSV with a step column): every
///   column but the step column (and `epoch`) a series of the rows where its cell is not empty, so
///   Lightning's interleaved training and validation rows become one series per column;
/// - a Repro run directory: the columns of `metrics.csv` and `eval.csv` but `step` and `epoch`, so
///   that a Repro run can be set beside a run of another framework.
///
/// Such a run has no digest, weights, environment or configuration: the tools say so once
/// (``unavailable``) and never guess them.
public struct ScalarRun: Sendable {
    /// Which series to read and where the steps are, for inputs whose choice is ambiguous.
    public struct Selection: Sendable, Hashable {
        /// The CSV column that holds the step; nil: `step`.
        public var stepColumn: String?
        /// The series (CSV columns, TensorBoard tags) to read, in this order; nil: all of them.
        public var series: [String]?

        public init(stepColumn: String? = nil, series: [String]? = nil) {
            self.stepColumn = stepColumn
            self.series = series
        }
    }

    /// One named series: a value per step, steps strictly increasing.
    public struct Series: Sendable, Hashable {
        /// The tag or column.
        public let name: String
        /// The steps.
        public let steps: [Int]
        /// The value at each step as the shortest text that reads back as the same `Double`
        /// (``MetricValue/double(_:)``: `0.25`, `nan`, …), whatever the source's spelling: a
        /// single-precision value widened exactly (`0.1` as a `Float` is `0.10000000149011612`),
        /// so that the same number from an event file, a CSV log or a Repro log has the same text.
        public let texts: [String]

        /// The values.
        public var values: [Double] { texts.map { Double($0)! } }

        /// The series as a two-column log (`step`, the name), for ``LogComparison``.
        func table(source: String) -> MetricsTable {
            MetricsTable(columns: ["step", name], rows: zip(steps, texts).map { [String($0), $1] }, source: source)
        }
    }

    /// Where a run's series come from.
    public enum Kind: Sendable, Hashable {
        /// A Repro run directory's `metrics.csv` and `eval.csv`.
        case repro
        /// A directory of TensorBoard event files; their names.
        case tensorBoard(files: [String])
        /// A CSV log and the column that held the steps.
        case csv(stepColumn: String)
    }

    /// The path it was loaded from, as given.
    public let path: String
    /// What it was read from.
    public let kind: Kind
    /// The series, in the order first logged (or as ``Selection/series`` names them).
    public let series: [Series]
    /// What the reader should know about how it was read (steps logged again and replaced, empty
    /// columns skipped).
    public let notes: [String]

    /// What a run of another framework does not have, said once by each tool.
    public static let unavailable = "runs from other frameworks have no digest, weights, environment or configuration "
        + "for Repro to check: only their logged scalars are used"

    /// A short name: the path's last component.
    public var name: String { PlotInput.lastComponent(path) }

    /// What it was read from, in words: `3 TensorBoard event files`, `CSV log (step column 'step')`.
    public var kindDescription: String {
        switch kind {
        case .repro: "Repro run (metrics.csv, eval.csv)"
        case .tensorBoard(let files): ReportFormat.plural(files.count, "TensorBoard event file")
        case .csv(let column): "CSV log, steps in '\(column)'"
        }
    }

    /// The series named `name`, or nil.
    public func series(named name: String) -> Series? { series.first { $0.name == name } }

    /// Whether `path` is a run of another framework (a CSV file, or a directory holding event
    /// files) rather than a Repro run or a directory of Repro runs.
    public static func isForeign(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if !isDirectory.boolValue { return true }
        if !eventFiles(in: path).isEmpty { return true }
        let run = RunDirectory(path: path)
        if FileManager.default.fileExists(atPath: run.manifestFile) || FileManager.default.fileExists(atPath: run.startFile) {
            return false  // a Repro run, finished or not (its own tensorboard/ does not make it foreign)
        }
        // A directory of foreign runs (PyTorch's `runs/`, one subdirectory per run).
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return !names.contains { FileManager.default.fileExists(atPath: RunDirectory(path: path + "/" + $0).manifestFile) }
            && names.contains { !$0.hasPrefix(".") && !eventFiles(in: path + "/" + $0).isEmpty }
    }

    /// The runs at `path`: itself when it is a run (a CSV file, a directory holding event files, a
    /// Repro run), else each subdirectory that is one, in natural name order (a directory of
    /// runs, as PyTorch's `runs/`).
    ///
    /// - Throws: ``RunFileError`` naming the path when it holds no run, or as ``load(_:selection:)``.
    public static func loadAll(_ path: String, selection: Selection = Selection()) throws -> [ScalarRun] {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunFileError(source: path, "no such file or directory")
        }
        let run = RunDirectory(path: path)
        if !isDirectory.boolValue || !eventFiles(in: path).isEmpty || manager.fileExists(atPath: run.manifestFile)
            || manager.fileExists(atPath: run.startFile) {
            return [try load(path, selection: selection)]
        }
        let base = PlotInput.trimmed(path)
        let members = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { name in
            !name.hasPrefix(".") && (!eventFiles(in: base + "/" + name).isEmpty
                                     || manager.fileExists(atPath: RunDirectory(path: base + "/" + name).manifestFile))
        }
        guard !members.isEmpty else {
            throw RunFileError(source: path, "holds no TensorBoard event files (events.out.tfevents.*) and no directory of them",
                               hint: "pass the directory that holds the event files, or a CSV log")
        }
        return try members.sorted(by: RunGroup.naturalOrder).map { try load(base + "/" + $0, selection: selection) }
    }

    /// Loads the run at `path`: a CSV file, a directory of TensorBoard event files, or a Repro run
    /// directory (finished or not).
    ///
    /// - Throws: ``RunFileError`` naming the file: missing, a directory without event files, a
    ///   truncated or damaged event file, a CSV without the step column or with a malformed step or
    ///   value, a series named in `selection` that the run does not log, or no series at all.
    public static func load(_ path: String, selection: Selection = Selection()) throws -> ScalarRun {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunFileError(source: path, "no such file or directory")
        }
        let run: ScalarRun
        if !isDirectory.boolValue {
            run = try csv(path, selection: selection)
        } else if FileManager.default.fileExists(atPath: RunDirectory(path: path).metricsFile) {
            run = try repro(path, selection: selection)
        } else {
            run = try tensorBoard(path, selection: selection)
        }
        guard !run.series.isEmpty else {
            throw RunFileError(source: path, "logs no scalar series", hint: "a run needs at least one logged scalar to be compared")
        }
        return run
    }

    /// The `events.out.tfevents.*` files directly in `directory` (any name holding `tfevents`,
    /// as TensorBoard accepts), sorted by name.
    static func eventFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.contains("tfevents") && !$0.hasPrefix(".") }.sorted()
    }

    /// Keeps the series `selection` names, in its order.
    ///
    /// - Throws: ``RunFileError`` naming `source` and the series it does not log.
    static func selected(_ series: [Series], _ selection: Selection, source: String) throws -> [Series] {
        guard let names = selection.series else { return series }
        return try names.map { name in
            guard let found = series.first(where: { $0.name == name }) else {
                throw RunFileError(source: source, "logs no series '\(name)' (it logs: \(series.map(\.name).joined(separator: ", ")))")
            }
            return found
        }
    }

    /// A Repro run's `metrics.csv` and `eval.csv` columns but `step` and `epoch`.
    private static func repro(_ path: String, selection: Selection) throws -> ScalarRun {
        let directory = RunDirectory(path: path)
        var series: [Series] = []
        for table in [try MetricsLog.read(at: directory.metricsFile), try MetricsLog.read(at: directory.evalFile)] {
            for (index, column) in table.columns.enumerated() where column != "step" && column != "epoch" {
                series.append(Series(name: column, steps: table.steps,
                                     texts: table.rows.map { MetricValue.double(LogComparison.value($0[index], column)).text }))
            }
        }
        return ScalarRun(path: path, kind: .repro, series: try selected(series, selection, source: path), notes: [])
    }
}
