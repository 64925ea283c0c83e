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

            When both runs were trained with --trace, the report names the first step and the first tensor in execution order that differs (a layer's output, the loss, a gradient, a parameter after the update), and what was equal before it. --rerun then re-executes that step of both runs from the newest checkpoint before it, with full tensors, and prints how many elements of that tensor differ and the largest absolute and relative differences (built-in recipes; for your own task, Trainer.rerun(task, run:step:) returns the tensors).

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
    @Flag(help: "Re-execute the first step whose traces differ, in both runs, and compare its first differing tensor element by element.")
    var rerun = false

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
            guard !rerun else {
                throw ValidationError("--rerun re-executes a step of two Repro runs trained with --trace; \(runA) or \(runB) is a run of another framework")
            }
            let comparison = try ScalarRunComparison(try ScalarRun.load(runA, selection: scalars.selection),
                                                     try ScalarRun.load(runB, selection: scalars.selection), tolerance: tolerance)
            print(comparison.report, terminator: "")
            code = comparison.verdict.exitCode
        } else {
            let comparison = try RunComparison(runA, runB, tolerance: tolerance)
            print(comparison.report, terminator: "")
            if rerun { try printRerun(comparison) }
            code = comparison.verdict.exitCode
        }
        if code != 0 { throw ExitCode(code) }
    }
}

extension CompareCommand {
    /// `--rerun`: the first step whose traces differ, re-executed in both runs with full tensors.
    func printRerun(_ comparison: RunComparison) throws {
        guard case .compared(let traces) = comparison.traces else {
            print("\n--rerun: nothing to rerun: the runs have no traces to compare")
            return
        }
        guard let step = traces.firstDifference?.step else {
            print("\n--rerun: nothing to rerun: the traces do not differ")
            return
        }
        let tensors = try [comparison.a, comparison.b].map { run in
            let task = try BuiltInRecipe(record: run.manifest.configuration.task, runFile: run.directory.startFile)
            return try task.rerun(run.directory.path, step: step)
        }
        print("\n" + StepRerunComparison(step: step, tensors[0], tensors[1]).report, terminator: "")
    }
}
