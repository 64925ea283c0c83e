import Foundation
import ReproRuns

/// The finished runs that `repro stats` summarises: every run of one or more seed sweeps, or runs
/// named one by one.
///
/// A path given to ``load(_:)`` is a run when it holds `manifest.json` or `run.json` (an
/// unfinished run, which is an error); otherwise it is a sweep directory and each of its immediate
/// subdirectories, in natural name order (`seed-9` before `seed-10`), must be a finished run (hidden ones, and plain files such as a
/// plot, are skipped). Loading checks what statistics need: every logged value finite, and every
/// run logging the same validation metrics and the same steps as the first, with final metrics
/// that agree with its manifest.
public struct RunGroup: Sendable {
    /// The paths the group was loaded from, as given.
    public let paths: [String]
    /// The runs, in the order of `paths`, a sweep's runs in natural name order.
    public let runs: [RunRecord]

    /// The runs at `paths`, each a run or a sweep directory.
    ///
    /// - Throws: ``RunFileError`` naming the run or directory: a path that does not exist, a sweep
    ///   with no runs, a subdirectory that is not a finished run (unfinished, failed, damaged,
    ///   another schema version), a run given twice, a NaN or infinite logged value (with its step
    ///   and column), validation metrics that differ from the first run's (naming both runs), logs
    ///   whose steps differ from the first run's, or final metrics that disagree with the run's
    ///   manifest.
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
        try RunRecord.requireSameMetricNames(runs)
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
        return names.sorted(by: naturalOrder).map { base + "/" + $0 }
    }

    /// Names in natural order: runs of digits compare as numbers (`seed-9` before `seed-10`), the
    /// rest by UTF-8 bytes; names equal that way (`seed-01`, `seed-1`) fall back to their bytes.
    /// The same names always sort the same on every platform.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func chunks(_ text: String) -> [(digits: Bool, bytes: ArraySlice<UInt8>)] {
            let bytes = Array(text.utf8)
            var result: [(Bool, ArraySlice<UInt8>)] = []
            var start = 0
            while start < bytes.count {
                let digit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[start])
                var end = start + 1
                while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) == digit { end += 1 }
                result.append((digit, bytes[start..<end]))
                start = end
            }
            return result
        }
        for (x, y) in zip(chunks(a), chunks(b)) {
            if x.digits && y.digits {
                let (u, v) = (x.bytes.drop { $0 == UInt8(ascii: "0") }, y.bytes.drop { $0 == UInt8(ascii: "0") })
                if u.count != v.count { return u.count < v.count }
                if u != v { return u.lexicographicallyPrecedes(v) }
            } else if x.bytes != y.bytes {
                return x.bytes.lexicographicallyPrecedes(y.bytes)
            }
        }
        let (x, y) = (chunks(a).count, chunks(b).count)
        return x != y ? x < y : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Checks that every logged value is finite and the final metrics (the training loss, the
    /// validation loss and every validation metric) agree with the manifest.
    static func check(_ run: RunRecord) throws {
        for (table, file) in [(run.metrics, run.directory.metricsFile), (run.evaluations, run.directory.evalFile)] {
            guard !table.rows.isEmpty else { throw RunFileError(source: file, "has no rows") }
            for row in table.rows {
                // Finite as the Float it was logged from and as the Double statistics use (`1e999`
                // parses, as infinity).
                for (column, text) in zip(table.columns, row).dropFirst()
                    where !(Float(text)?.isFinite ?? false) || !(Double(text)?.isFinite ?? false) {
                    throw RunFileError(source: file, location: "step \(row[0])",
                                       "\(column) is \(text), not a finite number: the run diverged or the log is damaged, "
                                       + "and statistics over it would not be finite",
                                       hint: "leave this run out, or rerun it")
                }
            }
        }
        let final = run.manifest.finalMetrics
        let (lastStep, lastEval) = (run.metrics.rows.last!, run.evaluations.rows.last!)
        let metrics = run.metricNames.enumerated().map { (name: $1, value: Double(lastEval[RunDirectory.evalBaseColumns.count + $0])!) }
        let logged = (trainLoss: Float(lastStep[2])!, step: Int(lastEval[0])!, validationLoss: Float(lastEval[2])!)
        guard logged == (final.trainLoss, final.steps, final.validationLoss),
              Set(final.validationMetrics.keys) == Set(run.metricNames),
              metrics.allSatisfy({ final.validationMetrics[$0.name] == $0.value }) else {
            let loggedMetrics = metrics.map { ", \($0.name) \($0.value)" }.joined()
            let finalMetrics = final.validationMetrics.keys.sorted().map { ", \($0) \(final.validationMetrics[$0]!)" }.joined()
            throw RunFileError(source: run.directory.path,
                               "the logs' last rows (step \(logged.step): training loss \(logged.trainLoss), validation loss "
                               + "\(logged.validationLoss)\(loggedMetrics)) disagree with manifest.json's final metrics (step "
                               + "\(final.steps): \(final.trainLoss), \(final.validationLoss)\(finalMetrics))",
                               hint: "the run was changed after it finished")
        }
    }

    /// The names of the runs' validation metrics (the same for every run), in `eval.csv` order.
    public var metricNames: [String] { runs[0].metricNames }

    /// The root seeds of the runs, in order.
    public var seeds: [UInt64] { runs.map(\.manifest.seed.seed) }

    /// The configuration fields other than the seed whose values differ between the runs, each
    /// with its values and how many runs have each (in order of first appearance).
    var varyingSettings: [(field: String, values: [(text: String, count: Int)])] {
        var result: [(String, [(String, Int)])] = []
        let texts = runs.map { SettingDifference.configurationTexts($0.manifest.configuration) }
        for field in Set(texts.flatMap(\.keys)).sorted() where field != "seed" {
            var values: [(String, Int)] = []
            for run in texts {
                let text = run[field] ?? "(none)"
                if let position = values.firstIndex(where: { $0.0 == text }) { values[position].1 += 1 } else { values.append((text, 1)) }
            }
            if values.count > 1 { result.append((field, values)) }
        }
        return result
    }
}
