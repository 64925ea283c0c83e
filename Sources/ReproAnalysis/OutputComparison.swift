import Foundation
import ReproRuns

/// One output file of a training command, as two runs of it wrote it, compared (`repro audit --
/// COMMAND`): where the second first differs from the first.
///
/// The kind of output is told by its name:
/// - `*.safetensors`: tensor by tensor, by name; a tensor in one file only, or of another type or
///   shape, is named first; then the first tensor (by name) whose values differ, with how many of
///   its values differ and the largest absolute difference (F32 and F64; other types by bytes);
///   files whose tensors are equal but whose bytes are not differ in their metadata.
/// - `*.csv`: a log with a `step` column first and one column per metric (`metrics.csv`'s format,
///   ``MetricsLog``), compared step by step: the first step at which a value's text differs, with
///   the columns that differ there; logs that agree on their common steps but not in length say so.
/// - anything else: byte by byte (the first differing offset, or the lengths).
///
/// A directory is refused: TensorBoard event directories are not yet supported.
public enum OutputComparison {
    /// Where `b` (the second run's copy of `output`) first differs from `a`, or nil when the two
    /// files hold the same bytes.
    ///
    /// - Throws: ``RunFileError`` naming the file when either cannot be read or is malformed (a
    ///   safetensors file that does not parse, a CSV without a `step` column first, or two CSVs with
    ///   other columns), or when `output` is a directory.
    public static func firstDifference(of output: String, _ a: String, _ b: String) throws -> String? {
        for path in [a, b] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            throw RunFileError(source: path, "is a directory; not yet supported: TensorBoard output",
                               hint: "name the files the command writes (safetensors, CSV or any other file)")
        }
        let (bytesA, bytesB) = (try AtomicFile.read(a), try AtomicFile.read(b))
        if bytesA == bytesB { return nil }
        if output.hasSuffix(".safetensors") {
            let weights = WeightComparison(try SafeTensorsFile(bytes: bytesA, source: a),
                                           try SafeTensorsFile(bytes: bytesB, source: b), tolerance: nil)
            if let structural = weights.structuralDifferences.first { return structural }
            if let tensor = weights.tensors.first(where: { $0.differences.differing > 0 }) {
                return "tensor " + RunComparison.tensorDifference(tensor.name, tensor.differences)
            }
            return "the same tensors, other metadata or layout"
        }
        if output.hasSuffix(".csv") {
            let log = try LogComparison(file: output, try MetricsLog.decode(bytesA, source: a),
                                        try MetricsLog.decode(bytesB, source: b), tolerance: nil)
            if let first = log.firstDifference {
                return "step \(first.step): " + first.fields.map { "\($0.column) \($0.a) vs \($0.b)" }.joined(separator: ", ")
            }
            if !log.sameSteps { return "\(log.stepsA.count) rows vs \(log.stepsB.count) (equal over the common steps)" }
            return "the same values, written differently"
        }
        if let offset = zip(bytesA, bytesB).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "bytes differ from offset \(offset)"
        }
        return "\(bytesA.count) bytes vs \(bytesB.count) (one is the start of the other)"
    }
}
