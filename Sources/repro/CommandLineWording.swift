import Foundation
import Repro

/// Library errors in the command line's words: the library's hints say what to do in its own
/// terms ("choose another directory for the new run"); here they name the flags and commands that
/// do it (`--out`, `repro train --resume RUN`).
enum CommandLineWording {
    /// The message `repro` prints for `error` (after `Error: `).
    static func message(for error: any Error) -> String {
        guard let error = error as? RunFileError, !error.hint.isEmpty else { return "\(error)" }
        let path = error.source
        let hint: String
        switch error.hint {
        case RunDirectory.Hint.otherDirectory:
            hint = "choose another --out directory"
        case RunDirectory.Hint.resumeOrOtherDirectory:
            if let diverged = divergence(in: path) {
                return "\(path): holds a run whose loss diverged (\(diverged)); it is kept as evidence and cannot be "
                    + "resumed (hint: choose another --out directory for the new run, or remove \(path))"
            }
            hint = "continue it with `repro train --resume \(path)`, or choose another --out directory"
        case RunDirectory.Hint.newOrEmptyDirectory:
            hint = "choose a new or empty --out directory"
        case RunDirectory.Hint.notARun:
            hint = "--resume takes the --out directory of an earlier `repro train`"
        case RunDirectory.Hint.startAgain:
            hint = "start it again with `repro train --out \(path)` and the same flags"
        case RunRecord.resumeHint:
            hint = "finish it with `repro train --resume \(path)`"
        case PlotInput.runsHint:
            hint = "pass the --out directory of `repro train`, or a directory holding several of them"
        default:
            return "\(error)"
        }
        return "\(RunFileError(source: error.source, location: error.location, error.message, hint: hint))"
    }

    /// What `diverged.txt` of the run at `path` says, when the run diverged.
    private static func divergence(in path: String) -> String? {
        guard let bytes = try? AtomicFile.read(RunDirectory(path: path).divergenceFile, limit: 4096) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
