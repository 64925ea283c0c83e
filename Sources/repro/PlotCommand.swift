import ArgumentParser
import Foundation
import Repro

extension PlotBand: ExpressibleByArgument {}

/// `repro plot RUN… --out FILE.svg`: overlaid loss curves and a panel per validation metric
/// (docs/ARCHITECTURE.md §8).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Overlay the training-loss curves of runs in an SVG figure.",
        usage: "repro plot <run> ... [<options>]",
        discussion: """
            Each RUN is a run directory (the --out of `repro train`) or a directory of runs, which is \
            drawn as its mean curve with a band (--band std: mean ± 1 sample standard deviation; \
            --band minmax: lowest to highest run). Below it, one panel per validation metric of the runs \
            (accuracy for the built-in recipe; the validation loss for a task without metrics) at each \
            evaluation. A run with the same digest as an earlier one is drawn thin and dashed inside \
            that run's wider line and marked identical in the legend. --smooth N draws the trailing \
            moving average over the last N logged steps (each point the mean of itself and the N-1 \
            before it; a sweep averages its runs' smoothed curves), a single run's raw loss in pale \
            behind. Non-finite losses are not drawn: the line breaks and a note says where. \
            The SVG is plain SVG 1.1 (no scripts, fonts or style sheets) and the same runs give the \
            same bytes. Without --out it is written to standard output.

            A RUN may also be a run of another framework: a directory of TensorBoard event files, a directory of such directories, or a CSV log (--step-column, --series as in `repro compare`). Then each series is drawn in its own panel, each run as a line.
            """
    )

    @Argument(help: ArgumentHelp("Run directories, or directories of runs (sweeps).", valueName: "run"))
    var runs: [String] = []
    @Option(help: ArgumentHelp("The SVG file to write (default: standard output).", valueName: "file"))
    var out: String?
    @OptionGroup var figure: FigureOptions
    @Option(help: "The figure's title.")
    var title: String?
    @OptionGroup var scalars: ScalarRunOptions

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run directory (or directory of runs) to plot") }
    }

    func run() throws {
        var options = figure.options
        if let title { options.title = title }
        let svg: String
        let notes: [String]
        if scalars.readsScalarRuns(runs) {
            let drawn = try ScalarFigure(runs: try runs.flatMap { try ScalarRun.loadAll($0, selection: scalars.selection) },
                                         options: options)
            (svg, notes) = (drawn.svg(), drawn.notes)
        } else {
            let drawn = try LossCurveFigure(inputs: try runs.map(PlotInput.load), options: options)
            (svg, notes) = (drawn.svg(), drawn.notes)
        }
        var stderr = StandardError()
        for note in notes { print("note: \(note)", to: &stderr) }
        if let out {
            try ToolOutput.write(svg, to: out)
            print("wrote \(out)")
        } else {
            print(svg, terminator: "")
        }
    }
}
