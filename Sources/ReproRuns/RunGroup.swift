import Foundation

/// The finished runs that `repro stats` summarises: every run of one or more seed sweeps, or runs
/// named one by one.
///
/// A path given to ``load(_:)`` is a run when it holds `manifest.json` or `run.json` (an
/// unfinished run, which is an error); otherwise it is a sweep directory and each of its immediate
/// subdirectories, in name order, must be a finished run (hidden ones, and plain files such as a
/// plot, are skipped). Loading checks what statistics need: every logged value finite, and every
/// run logging the same steps as the first, with final metrics that agree with its manifest.
public struct RunGroup: Sendable {
    /// The paths the group was loaded from, as given.
    public let paths: [String]
    /// The runs, in the order of `paths`, a sweep's runs by name.
    public let runs: [RunRecord]

    /// The runs at `paths`, each a run or a sweep directory.
    ///
    /// - Throws: ``RunFileError`` naming the run or directory: a path that does not exist, a sweep
    ///   with no runs, a subdirectory that is not a finished run (unfinished, failed, damaged,
    ///   another schema version), a run given twice, a NaN or infinite logged value (with its step
    ///   and column), logs whose steps differ from the first run's, or final metrics that disagree
    ///   with the run's manifest.
    public static func load(_ paths: [String]) throws -> RunGroup {
        precondition(!paths.isEmpty, "RunGroup.load: no paths")
        var runs: [RunRecord] = []
        for path in paths {
            for runPath in try runPaths(path) {
                let run = try RunRecord.load(runPath)
                try check(run)
                runs.append(run)
            }
        }
        var seen: [String: String] = [:]
        for run in runs {
            let key = URL(fileURLWithPath: run.directory.path).standardizedFileURL.resolvingSymlinksInPath().path
            if let earlier = seen[key] {
                throw RunFileError(source: run.directory.path, "is given twice (also as \(earlier))",
                                   hint: "each run may be counted once")
            }
            seen[key] = run.directory.path
        }
        let first = runs[0]
        for run in runs.dropFirst() {
            for (file, mine, theirs) in [("metrics.csv", run.metrics.steps, first.metrics.steps),
                                         ("eval.csv", run.evaluations.steps, first.evaluations.steps)] where mine != theirs {
                throw RunFileError(source: run.directory.path + "/" + file,
                                   "logs \(ReportFormat.plural(mine.count, "row")) (\(ReportFormat.stepRange(mine))), but "
                                   + "\(first.directory.path) logs \(theirs.count) (\(ReportFormat.stepRange(theirs))): "
                                   + "per-step statistics need runs that log the same steps",
                                   hint: "summarise runs of one configuration (only the seed may differ)")
            }
        }
        return RunGroup(paths: paths, runs: runs)
    }

    /// The run directories at `path`: itself when it is a run, else its subdirectories.
    static func runPaths(_ path: String) throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunFileError(source: path, "no such run or sweep directory")
        }
        let directory = RunDirectory(path: path)
        if manager.fileExists(atPath: directory.manifestFile) || manager.fileExists(atPath: directory.startFile) {
            return [path]
        }
        let names = try manager.contentsOfDirectory(atPath: path).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && manager.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        guard !names.isEmpty else {
            throw RunFileError(source: path, "is neither a run (no manifest.json) nor a sweep directory (no run directories in it)")
        }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { base + "/" + $0 }
    }

    /// Checks that every logged value is finite and the final metrics agree with the manifest.
    static func check(_ run: RunRecord) throws {
        for (table, file) in [(run.metrics, run.directory.metricsFile), (run.evaluations, run.directory.evalFile)] {
            guard !table.rows.isEmpty else { throw RunFileError(source: file, "has no rows") }
            for row in table.rows {
                for (column, text) in zip(table.columns, row).dropFirst() where text == "nan" || text.hasSuffix("inf") {
                    throw RunFileError(source: file, location: "step \(row[0])",
                                       "\(column) is \(text): the run diverged or the log is damaged, and statistics over it would be \(text)",
                                       hint: "leave this run out, or rerun it")
                }
            }
        }
        let final = run.manifest.finalMetrics
        let (lastStep, lastEval) = (run.metrics.rows.last!, run.evaluations.rows.last!)
        let logged = (Float(lastStep[2])!, Int(lastEval[0])!, Float(lastEval[2])!, Double(lastEval[3])!)
        guard logged == (final.trainLoss, final.steps, final.validationLoss, final.validationAccuracy) else {
            throw RunFileError(source: run.directory.path,
                               "the logs' last rows (step \(logged.1): training loss \(logged.0), validation loss \(logged.2), "
                               + "accuracy \(logged.3)) disagree with manifest.json's final metrics (step \(final.steps): "
                               + "\(final.trainLoss), \(final.validationLoss), \(final.validationAccuracy))",
                               hint: "the run was changed after it finished")
        }
    }

    /// The root seeds of the runs, in order.
    public var seeds: [UInt64] { runs.map(\.manifest.seed.seed) }

    /// The configuration fields other than the seed whose values differ between the runs, each
    /// with its values and how many runs have each (in order of first appearance).
    public var varyingSettings: [(field: String, values: [(text: String, count: Int)])] {
        var result: [(String, [(String, Int)])] = []
        let texts = runs.map { SettingDifference.fieldTexts($0.manifest.configuration) }
        for (index, (field, _)) in texts[0].enumerated() where field != "seed" {
            var values: [(String, Int)] = []
            for run in texts {
                let text = run[index].1
                if let position = values.firstIndex(where: { $0.0 == text }) { values[position].1 += 1 } else { values.append((text, 1)) }
            }
            if values.count > 1 { result.append((field, values)) }
        }
        return result
    }
}
