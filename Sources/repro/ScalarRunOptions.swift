import ArgumentParser
import Repro

/// The flags of `compare`, `stats`, `plot` and `report` that choose how runs of other frameworks
/// (TensorBoard event directories, CSV logs) are read (``ScalarRun/Selection``).
struct ScalarRunOptions: ParsableArguments {
    @Option(name: .customLong("step-column"),
            help: ArgumentHelp("For a CSV log: the column that holds the step (default: step).", valueName: "name"))
    var stepColumn: String?
    @Option(name: .customLong("series"),
            help: ArgumentHelp("Only these series (TensorBoard tags or CSV columns), comma-separated, in this order.", valueName: "names"))
    var series: String?

    func validate() throws {
        if let series, series.split(separator: ",", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw ValidationError("--series must be names separated by commas, got '\(series)'")
        }
        if let stepColumn, stepColumn.isEmpty { throw ValidationError("--step-column must not be empty") }
    }

    /// The selection these flags make.
    var selection: ScalarRun.Selection {
        ScalarRun.Selection(stepColumn: stepColumn, series: series.map { $0.split(separator: ",").map(String.init) })
    }

    /// Whether `paths` are read as runs of other frameworks: when any of them is one, or a flag of
    /// these was given.
    func readsScalarRuns(_ paths: [String]) -> Bool {
        stepColumn != nil || series != nil || paths.contains(where: ScalarRun.isForeign)
    }
}
