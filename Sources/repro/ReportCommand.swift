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
            """
    )

    @Argument(help: ArgumentHelp("Run directories, or directories of runs (sweeps).", valueName: "run"))
    var runs: [String] = []
    @Option(help: ArgumentHelp("The HTML file to write (default: standard output).", valueName: "file"))
    var out: String?
    @OptionGroup var figure: FigureOptions

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run directory (or directory of runs) to report on") }
    }

    func run() throws {
        let inputs = try runs.map(PlotInput.load)
        let options = figure.options
        let report = try RunReport(inputs: inputs, options: options)
        let html = report.html()
        var stderr = StandardError()
        for note in report.figure.notes { print("note: \(note)", to: &stderr) }
        if let out {
            try ToolOutput.write(html, to: out)
            print("wrote \(out)")
        } else {
            print(html, terminator: "")
        }
    }
}
