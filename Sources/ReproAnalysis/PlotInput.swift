import Foundation
import ReproRuns

/// One argument of `repro plot` or `repro report`: a finished run, or a directory of runs (a seed
/// sweep) that is drawn as its mean curve with a spread band.
public enum PlotInput: Sendable {
    /// A single finished run.
    case run(RunRecord)
    /// A directory whose subdirectories are finished runs, sorted by name.
    case sweep(path: String, runs: [RunRecord])

    /// The hint for a path holding no runs, in the library's words (a command line names its own flags).
    package static let runsHint = "pass a run directory, or a directory holding several of them"

    /// Loads `path`: a run directory (it has `manifest.json` or `run.json`) is one run; any other
    /// directory is a sweep made of its subdirectories that are runs (hidden ones skipped).
    ///
    /// - Throws: ``RunFileError`` naming the path: missing, not a directory, an unfinished or
    ///   damaged run (a sweep member too), or a directory with no runs in it.
    public static func load(_ path: String) throws -> PlotInput {
        let manager = FileManager.default
        let directory = RunDirectory(path: path)
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .run(try RunRecord.load(path))  // names the missing path or the file
        }
        if manager.fileExists(atPath: directory.manifestFile) || manager.fileExists(atPath: directory.startFile) {
            return .run(try RunRecord.load(path))
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: path)
        } catch {
            throw RunFileError(source: path, "cannot list the directory: \(error.localizedDescription)")
        }
        var runs: [RunRecord] = []
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        where !name.hasPrefix(".") {
            let member = RunDirectory(path: path + "/" + name)
            if manager.fileExists(atPath: member.manifestFile) || manager.fileExists(atPath: member.startFile) {
                runs.append(try RunRecord.load(member.path))
            }
        }
        guard !runs.isEmpty else {
            throw RunFileError(source: path, "is neither a run (no manifest.json) nor a directory of runs (no subdirectory holds one)",
                               hint: Self.runsHint)
        }
        return .sweep(path: path, runs: runs)
    }

    /// The runs it holds: one, or the sweep's members.
    public var runs: [RunRecord] {
        switch self {
        case .run(let run): [run]
        case .sweep(_, let runs): runs
        }
    }

    /// The path it was loaded from.
    public var path: String {
        switch self {
        case .run(let run): run.directory.path
        case .sweep(let path, _): path
        }
    }

    /// Names for the legend: each input's last path component, or the path as given where two inputs
    /// share a short name (so `sweep/seed-42` and `sweep-adam/seed-42` stay apart).
    static func displayNames(_ inputs: [PlotInput]) -> [String] { displayNames(paths: inputs.map(\.path)) }

    /// The legend names of inputs at `paths` (``displayNames(_:)``).
    static func displayNames(paths: [String]) -> [String] {
        let short = paths.map(lastComponent)
        return zip(paths, short).map { path, name in
            short.filter { $0 == name }.count > 1 ? trimmed(path) : name
        }
    }

    static func trimmed(_ path: String) -> String {
        var text = path
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text
    }

    static func lastComponent(_ path: String) -> String {
        let text = trimmed(path)
        return text.split(separator: "/").last.map(String.init) ?? text
    }
}

/// The spread band drawn around a sweep's mean curve.
public enum PlotBand: String, Sendable, CaseIterable {
    /// Mean ± one sample standard deviation (n − 1 in the denominator).
    case std
    /// From the smallest to the largest run's value at each step.
    case minmax

    /// The legend's words for it, e.g. `mean ± 1 SD of 8 runs`.
    package func legend(runCount: Int) -> String {
        switch self {
        case .std: "mean ± 1 SD of \(runCount) runs"
        case .minmax: "mean, band min–max of \(runCount) runs"
        }
    }
}
