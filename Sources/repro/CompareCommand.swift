import ArgumentParser
import Repro

/// `repro compare A B [--rtol X] [--atol Y]`: compares two finished runs (docs/ARCHITECTURE.md §7, §8) and
/// prints `RunComparison.report`.
///
/// Exit codes: 0 when the runs are bitwise identical or, with `--rtol`/`--atol`, within the
/// tolerance; 1 when they differ; 2 on invalid input (a missing, unfinished or damaged run).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs: bitwise verdict, first diverging step, largest differences, settings that differ.",
        usage: "repro compare <run-a> <run-b> [<options>]",
        discussion: """
            The runs are bitwise identical when their digests (of model.safetensors, metrics.csv and \
            eval.csv, recomputed from the files) are equal. Otherwise the report gives each log's first \
            differing step, the largest absolute and relative differences of every column and of the final \
            weights (tensor and index), and the settings that differ between the manifests with their risk to \
            bitwise identity.

            With --rtol or --atol (the other defaults to 0), the runs are "within tolerance" when both logs hold \
            the same steps, the weights the same tensors, and every value satisfies numpy's isclose(A, B): \
            |A - B| <= atol + rtol * |B| (NaN is never close).

            A and B may also be runs of other frameworks: a directory of TensorBoard event files (as PyTorch's SummaryWriter and Lightning write them) or a CSV log (Lightning's CSVLogger metrics.csv, or any CSV with a step column). Then every series (a TensorBoard tag, a CSV column) is compared step by step: its first differing step and largest differences. --step-column names a CSV's step column, --series chooses the series. Such runs have no digest, weights or manifest, which the report says once.

            Exit status: 0 identical or within tolerance, 1 different, 2 invalid input.
            """
    )

    @Argument(help: "The first run directory (or TensorBoard directory, or CSV log).")
    var runA: String
    @Argument(help: "The second run (the reference for relative differences).")
    var runB: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Relative tolerance (numpy's rtol).", valueName: "x"))
    var rtol: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Absolute tolerance (numpy's atol).", valueName: "x"))
    var atol: Double?
    @OptionGroup var scalars: ScalarRunOptions

    func validate() throws {
        for (flag, value) in [("--rtol", rtol), ("--atol", atol)] {
            if let value, !(value >= 0 && value.isFinite) {
                throw ValidationError("\(flag) must be a non-negative number, got \(value)")
            }
        }
    }

    func run() throws {
        let tolerance = rtol == nil && atol == nil ? nil : Tolerance(relative: rtol ?? 0, absolute: atol ?? 0)
        let code: Int32
        if scalars.readsScalarRuns([runA, runB]) {
            let comparison = try ScalarRunComparison(try ScalarRun.load(runA, selection: scalars.selection),
                                                     try ScalarRun.load(runB, selection: scalars.selection), tolerance: tolerance)
            print(comparison.report, terminator: "")
            code = comparison.verdict.exitCode
        } else {
            let comparison = try RunComparison(runA, runB, tolerance: tolerance)
            print(comparison.report, terminator: "")
            code = comparison.verdict.exitCode
        }
        if code != 0 { throw ExitCode(code) }
    }
}
