/// A step log of a run (`metrics.csv`, `eval.csv`, `trace.bin`) cut back to a step in memory, as a
/// resume needs it (docs/ARCHITECTURE.md §6): the bytes to keep, a hash of each kept line or
/// record, and the file's length before the cut. The file is unchanged until ``write()``, so a
/// resume checks everything before it writes anything; the kept bytes are the file's own, so the
/// cut log is byte-identical to a log that stopped at that step.
package struct LogCut: Sendable {
    package let path: String
    /// The kept bytes: the header and the kept rows or records.
    let kept: ArraySlice<UInt8>
    let originalLength: Int
    /// A hash of each kept line or record, the header first: what a checkpoint records of the log
    /// (``Checkpoint/logLines``) to name the first one changed after it was written.
    package let lineHashes: [UInt64]
    /// The step of the last kept row or record, 0 when none is kept.
    let lastStep: Int
    /// What the file calls a line and its rows, for messages: `line`/`rows` for a CSV log.
    let units: (line: String, rows: String)

    /// The number of kept rows or records (the header not counted).
    package var rowCount: Int { lineHashes.count - 1 }

    /// Checks the kept lines against the hashes a checkpoint recorded.
    ///
    /// - Parameter checkpoint: the checkpoint's file, for the message.
    /// - Throws: `RunFileError` naming the log and the first line that differs, or saying how many
    ///   rows are missing or too many.
    package func verify(against recorded: [UInt64], checkpoint: String) throws {
        if let line = zip(lineHashes, recorded).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            throw RunFileError(source: path, location: "\(units.line) \(line + 1)",
                               "differs from the \(units.line) that \(checkpoint) recorded: the log was changed after it was written",
                               hint: "the run cannot be resumed exactly; restore the log or start a new run")
        }
        guard lineHashes.count == recorded.count else {
            let (have, need) = (rowCount, recorded.count - 1)
            throw RunFileError(source: path, "has \(have) \(units.rows) through step \(lastStep), but \(checkpoint) recorded \(need): "
                               + (have < need ? "\(need - have) \(units.rows) are missing" : "\(have - need) \(units.rows) too many"),
                               hint: "the run cannot be resumed exactly; restore the log or start a new run")
        }
    }

    /// Writes the kept bytes, atomically, when anything was cut.
    ///
    /// - Throws: `RunFileError` when the file cannot be written.
    func write() throws {
        if kept.count < originalLength { try AtomicFile.write(Array(kept), to: path) }
    }
}
