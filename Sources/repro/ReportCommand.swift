import ArgumentParser
import Foundation
import Repro

/// `repro report RUN… [--out FILE.html]`: one self-contained HTML page about runs (docs/ARCHITECTURE.md §8).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report on runs: verdict, loss curves, statistics, manifests.",
        usage: "repro report <run> ... [<options>]",
        discussion: """
            Each RUN is a run directory or a directory of runs (a sweep, drawn as its mean with a \
            band and listed run by run). The page has the comparison verdict (digests, first \
            diverging step, largest curve differences, configuration and environment differences \
            against the first run), the loss-curve figure with the validation metrics, statistics of \
            the final metrics, and every manifest. It is one HTML file with inline SVG and CSS, no \
            scripts and no external resources, and the same runs give the same bytes. Without \
            --out it is written to standard output. --log, --smooth and --band shape the figure as \
            in `repro plot`.

            A RUN may also be a run of another framework: a directory of TensorBoard event files, a directory of such directories, or a CSV log (--step-column, --series as in `repro compare`). Then the page compares each run with the first series by series, draws each series in its own panel and, when the runs log the same steps, gives per-step statistics.
            """
    )

    @Argument(help: ArgumentHelp("Run directories, or directories of runs (sweeps).", valueName: "run"))
    var runs: [String] = []
    @Option(help: ArgumentHelp("The HTML file to write (default: standard output).", valueName: "file"))
    var out: String?
    @OptionGroup var figure: FigureOptions
    @OptionGroup var scalars: ScalarRunOptions

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run directory (or directory of runs) to report on") }
    }

    func run() throws {
        let html: String
        var stderr = StandardError()
        if scalars.readsScalarRuns(runs) {
            let report = try ScalarReport(runs: try runs.flatMap { try ScalarRun.loadAll($0, selection: scalars.selection) },
                                          options: figure.options)
            html = report.html()
            for note in report.runs.flatMap(\.notes) { print("note: \(note)", to: &stderr) }
        } else {
            let report = try RunReport(inputs: try runs.map(PlotInput.load), options: figure.options)
            html = report.html()
            for note in report.figure.notes { print("note: \(note)", to: &stderr) }
        }
        if let out {
            try ToolOutput.write(html, to: out)
            print("wrote \(out)")
        } else {
            print(html, terminator: "")
        }
    }
}
