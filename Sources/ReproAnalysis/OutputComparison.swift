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
/// - `*.csv` and a directory of TensorBoard event files: read as a run of another framework
///   (``ScalarRun``: a CSV's `step` column and its other columns but `epoch`, every scalar tag of
///   the event files) and compared series by series (``ScalarRunComparison``): the first step at
///   which a value differs, with each series that differs there and its two values; series that
///   agree on their common steps but not in length say so. Event files' wall times are not compared.
/// - anything else: byte by byte (the first differing offset, or the lengths).
public enum OutputComparison {
    /// Where `b` (the second run's copy of `output`) first differs from `a`, or nil when the two
    /// hold the same bytes (a TensorBoard directory: the same series).
    ///
    /// - Throws: ``RunFileError`` naming the file when either cannot be read or is malformed (a
    ///   safetensors file that does not parse, a CSV without a `step` column, a damaged event file,
    ///   or two logs of other series).
    public static func firstDifference(of output: String, _ a: String, _ b: String) throws -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: a, isDirectory: &isDirectory), isDirectory.boolValue {
            return try seriesDifference(try ScalarRun.load(a), try ScalarRun.load(b))
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
            return try seriesDifference(try ScalarRun.load(a), try ScalarRun.load(b)) ?? "the same values, written differently"
        }
        if let offset = zip(bytesA, bytesB).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "bytes differ from offset \(offset)"
        }
        return "\(bytesA.count) bytes vs \(bytesB.count) (one is the start of the other)"
    }

    /// The first step at which a series of `b` differs from `a`'s, with each series that differs
    /// there (`step 13: loss 0.51 vs 0.52`), else a series of another length; nil when equal.
    static func seriesDifference(_ a: ScalarRun, _ b: ScalarRun) throws -> String? {
        let comparison = try ScalarRunComparison(a, b)
        if let first = comparison.firstDifference {
            let fields = comparison.series.compactMap { log in
                log.firstDifference.flatMap { $0.step == first.step ? $0 : nil }
            }.flatMap(\.fields)
            return "step \(first.step): " + fields.map { "\($0.column) \($0.a) vs \($0.b)" }.joined(separator: ", ")
        }
        if let log = comparison.series.first(where: { !$0.sameSteps }) {
            return "\(log.file): \(log.stepsA.count) steps vs \(log.stepsB.count) (equal over the common steps)"
        }
        return nil
    }
}
