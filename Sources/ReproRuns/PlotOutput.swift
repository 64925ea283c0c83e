import Foundation

/// Writing what a run tool (`repro plot`, `repro report`) makes: atomically, and never into a run.
public enum ToolOutput {
    /// Writes `text` to `path` atomically (a failed write leaves no partial file and keeps an older
    /// one), after checking that `path` is not inside any of `runs`' directories: the run tools only
    /// read runs, so their digests and listings stay as they were.
    ///
    /// - Throws: ``RunFileError`` naming `path` when it lies in a run directory or cannot be written.
    public static func write(_ text: String, to path: String, outside runs: [RunRecord]) throws {
        let target = resolved(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        for run in runs {
            let directory = resolved(run.directory.path)
            if target == directory || target.hasPrefix(directory + "/") {
                throw RunFileError(source: path, "is inside the run directory \(run.directory.path); the run tools never write into a run",
                                   hint: "choose an --out path outside the runs")
            }
        }
        try AtomicFile.write(text, to: path)
    }

    /// The absolute path with `.`, `..` and symbolic links resolved where they exist.
    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
