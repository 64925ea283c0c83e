import ReproRuns
import Foundation

extension RunComparison {
    /// The runs' training traces compared (``TraceComparison``), or which run has none.
    public enum Traces: Sendable, Hashable {
        /// Both runs have a trace.
        case compared(TraceComparison)
        /// At least one run has no `trace.bin`; whether A and B have one.
        case missing(a: Bool, b: Bool)

        /// Reads and compares the traces of `a` and `b`, where both have one.
        ///
        /// - Throws: ``RunFileError`` naming the file for a trace that cannot be read or is
        ///   damaged or truncated (``TraceFile/read(at:)``).
        static func load(_ a: RunRecord, _ b: RunRecord) throws -> Traces {
            let (pathA, pathB) = (a.directory.traceFile, b.directory.traceFile)
            let (hasA, hasB) = (FileManager.default.fileExists(atPath: pathA), FileManager.default.fileExists(atPath: pathB))
            guard hasA, hasB else { return .missing(a: hasA, b: hasB) }
            return .compared(TraceComparison(try TraceFile.read(at: pathA), try TraceFile.read(at: pathB)))
        }

        /// The `traces` section of ``RunComparison/report``.
        var report: String {
            let line: String
            switch self {
            case .compared(let comparison):
                line = comparison.summary
            case .missing(let a, let b):
                let which = a ? "B has no trace" : b ? "A has no trace" : "neither run has a trace"
                line = "\(which): `repro train --trace` (RuntimeOptions(trace: true) from Swift) records one, and with "
                    + "both runs traced, compare names the first step and tensor that differ"
            }
            return "traces\n" + ReportFormat.wrapped("  " + line, width: RunComparison.width, continuation: "    ")
        }
    }
}
