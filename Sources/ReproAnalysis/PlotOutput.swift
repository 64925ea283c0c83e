import Foundation
import ReproRuns

/// Writing what a run tool (`repro plot`, `repro report`, `repro stats --per-step`) makes:
/// atomically, and never into a run.
public enum ToolOutput {
    /// Writes `text` to `path` atomically (a failed write leaves no partial file and keeps an older
    /// one), after checking that `path` is not inside any run directory
    /// (``RunDirectory/refuseInsideRun(_:what:exceptItself:)``): the run tools only read runs, so
    /// their digests and listings stay as they were.
    ///
    /// - Throws: ``RunFileError`` naming `path` when it lies in a run directory or cannot be written.
    public static func write(_ text: String, to path: String) throws {
        try RunDirectory.refuseInsideRun(path, what: "the run tools' output")
        try AtomicFile.write(text, to: path)
    }
}
