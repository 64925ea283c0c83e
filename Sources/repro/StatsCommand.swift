import ArgumentParser
import Repro

/// `repro stats DIR… [--baseline DIR]… [--per-step CSV] [--tolerance X]`: statistics over a seed
/// sweep, an ablation against a baseline sweep, and the statistical reproducibility check
/// (docs/ARCHITECTURE.md §7, §8).
///
/// Exit codes: 0 (and with `--tolerance`, the check passed); 1 the check failed; 2 invalid input
/// (a missing, unfinished, failed or damaged run, a NaN in a log, runs logging different steps).
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Statistics over a seed sweep: final metrics, per-step curves, an ablation against a baseline.",
        usage: "repro stats <directories> ... [<options>]",
        discussion: """
            Each DIR is a run or a sweep directory (its subdirectories are runs); all of them form one group. Prints the final value of each validation metric (accuracy for the built-in recipe, in percent), the validation loss and the final training loss (mean, sample standard deviation, min, max, 95% confidence interval of the mean from Student's t), and the per-step mean, sd, min and max of the training loss (at 10 evenly spaced steps) and of the validation loss and metrics (at every evaluation, at most 20). --per-step writes every step, as logged (an accuracy as a fraction, as in eval.csv).

            It also prints what the seeds predict for one more seed: the 95 % prediction interval of its final headline metric (the first validation metric, or the validation loss when the runs have none), mean ± t·SD·√(1 + 1/n) over the n seeds (a run whose seed an earlier run has counts once); one validation sample in percentage points (the accuracy's resolution, inferred from the logged values); and how many seeds per configuration a difference of --tolerance (or of one validation sample) needs to be detectable by a two-sided two-sample test at α = 0.05 with power 0.8.

            --baseline DIR compares with a second sweep (an ablation: same seeds, one setting changed): difference of means, Welch's t-test, Cohen's d and Hedges' g, and a paired t-test over the seeds both sweeps ran.

            --tolerance X checks statistical reproducibility, X in the headline metric's unit (percentage points for an accuracy: 0.1 is ±0.1 %): every run's final headline metric within X of its sweep's mean; with --baseline also the two means within X of each other and the per-step mean loss curves correlating with r >= 0.99. A tolerance finer than one validation sample is reported with a warning.

            DIR may also be a run of another framework: a directory of TensorBoard event files, a directory of such directories (as PyTorch's runs/), or a CSV log (--step-column, --series as in `repro compare`). Then each series' final value and per-step mean, sd, min and max over the runs are printed; the runs must log the same series at the same steps. --baseline and --tolerance need Repro runs.

            Exit status: 0, or 1 when the check fails; 2 on invalid input.
            """
    )

    @Argument(help: "Runs or sweep directories (a sweep's subdirectories are runs).")
    var directories: [String]
    @Option(help: ArgumentHelp("A baseline run or sweep directory to compare with (repeatable).", valueName: "dir"))
    var baseline: [String] = []
    @Option(name: .customLong("per-step"), help: ArgumentHelp("Write the full per-step table to this CSV file.", valueName: "file"))
    var perStep: String?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Check that the final headline metric agrees within X, in its unit (percentage points for an accuracy, e.g. 0.5).",
                               valueName: "X"))
    var tolerance: Double?
    @OptionGroup var scalars: ScalarRunOptions

    func validate() throws {
        if directories.isEmpty { throw ValidationError("give at least one run or sweep directory") }
        if let tolerance, !(tolerance >= 0 && tolerance.isFinite) {
            throw ValidationError("--tolerance must be a non-negative number, got \(tolerance)")
        }
    }

    func run() throws {
        if scalars.readsScalarRuns(directories + baseline) {
            guard baseline.isEmpty, tolerance == nil else {
                throw ValidationError("--baseline and --tolerance need Repro runs (they compare seeds and final metrics "
                                      + "that runs from other frameworks do not record)")
            }
            let statistics = try ScalarRunStatistics(try directories.flatMap { try ScalarRun.loadAll($0, selection: scalars.selection) })
            var text = statistics.report(title: "runs")
            if let perStep {
                try ToolOutput.write(statistics.perStepCSV, to: perStep)
                text += "\nper-step table: \(perStep)\n"
            }
            print(text, terminator: "")
            return
        }
        let sweep = try RunStatistics(try RunGroup.load(directories))
        let base = try baseline.isEmpty ? nil : RunStatistics(try RunGroup.load(baseline))
        var text = sweep.report(title: "sweep", tolerance: tolerance)
        var comparison: SweepComparison?
        if let base {
            text += "\n" + base.report(title: "baseline", tolerance: tolerance)
            comparison = try SweepComparison(sweep, baseline: base)
            text += "\n" + comparison!.report
        }
        var check: StatisticalReproducibility?
        if let tolerance {
            check = StatisticalReproducibility(tolerance: tolerance, sweep: sweep, comparison: comparison)
            text += "\n" + check!.report
        }
        if let perStep {
            try ToolOutput.write(RunStatistics.perStepCSV([sweep] + (base.map { [$0] } ?? [])), to: perStep)
            text += "\nper-step table: \(perStep)\n"
        }
        print(text, terminator: "")
        if check?.passed == false { throw ExitCode(1) }
    }
}
