import ReproRuns

/// The figure of `repro plot` for runs of other frameworks (``ScalarRun``): one panel per series,
/// each run a line in its colour (the palette, axes and SVG of ``LossCurveFigure``), the step on
/// the shared x axis. `smoothing` draws each curve's trailing moving average, `logScale` puts
/// every panel on a log scale; runs are drawn one by one (a directory of runs is not averaged).
///
/// - Determinism: the same runs and options give the same bytes.
public struct ScalarFigure: Sendable {
    /// The runs, in legend order.
    public let runs: [ScalarRun]
    /// The series drawn, one panel each, in the first run's order.
    public let seriesNames: [String]
    /// The options (`band` does not apply).
    public let options: LossCurveFigure.Options

    /// A figure of `runs`.
    ///
    /// - Throws: ``RunFileError`` when there are no runs, or a run does not log a series of the
    ///   first run (naming both).
    public init(runs: [ScalarRun], options: LossCurveFigure.Options = .init()) throws {
        guard let first = runs.first else { throw RunFileError(source: "(arguments)", "no runs to plot") }
        let names = first.series.map(\.name)
        for run in runs.dropFirst() where Set(run.series.map(\.name)) != Set(names) {
            throw RunFileError(source: run.path, "logs the series \(run.series.map(\.name).joined(separator: ", ")), but "
                               + "\(first.path) logs \(names.joined(separator: ", "))",
                               hint: "choose the series all runs log with --series")
        }
        self.runs = runs
        self.seriesNames = names
        self.options = options
    }

    /// What the reader should know: the runs' notes, and that they have no digest.
    public var notes: [String] { [ScalarRun.unavailable] + runs.flatMap(\.notes) }

    /// The title: the one asked for, or the series' names.
    public var title: String { options.title ?? seriesNames.joined(separator: ", ") }

    /// The SVG file (with its XML declaration).
    public func svg() -> String { draw().rendered(title: title) }

    /// The `<svg>` element alone, to embed in an HTML page.
    func inlineSVG() -> String { draw().inlineRendered(title: title) }

    static let panelHeight = 220.0
    static let panelGap = 58.0

    func draw() -> SVGDocument {
        let names = PlotInput.displayNames(paths: runs.map(\.path))
        let legend = zip(runs, names).map { "\($1) · \($0.kindDescription)" }
        let legendWidth = legend.map { LossCurveFigure.textWidth($0, size: 13) }.max() ?? 0
        let width = max(960, (LossCurveFigure.plotLeft + 44 + legendWidth + LossCurveFigure.rightMargin).rounded(.up))
        let plotWidth = width - LossCurveFigure.plotLeft - LossCurveFigure.rightMargin
        let noteLines = notes.flatMap { LossCurveFigure.wrap($0, width: plotWidth, size: 12) }
        let tops = seriesNames.indices.map { LossCurveFigure.lossTop + Double($0) * (Self.panelHeight + Self.panelGap) }
        let bottom = tops.last! + Self.panelHeight
        let legendTop = bottom + 62
        let height = legendTop + Double(legend.count) * LossCurveFigure.legendRow + 8
            + Double(noteLines.count) * LossCurveFigure.noteRow + 10

        let curves = seriesNames.map { name in
            runs.map { run in
                let series = run.series(named: name)!
                return PlotCurve(x: series.steps.map(Double.init), y: series.values).movingAverage(window: max(1, options.smoothing))
            }
        }
        let allSteps = curves.flatMap { $0.flatMap(\.x) }
        let x = PlotAxis.linear(minimum: allSteps.min() ?? 0, maximum: allSteps.max() ?? 1, includeZero: true, targetTicks: 9)
        var svg = SVGDocument(width: width, height: height)
        svg.element("rect", ["x": "0", "y": "0", "width": PlotNumber.fixed(width, 0), "height": PlotNumber.fixed(height, 0),
                             "fill": "#ffffff"])
        svg.text(title, x: LossCurveFigure.plotLeft, y: 30, size: 18, weight: "bold")
        let smoothing = options.smoothing > 1 ? "trailing moving average over \(options.smoothing) steps" : "every logged step"
        svg.text("\(smoothing)\(options.logScale ? " · log scale" : "") · runs of other frameworks, drawn one by one",
                 x: LossCurveFigure.plotLeft, y: 52, size: 12, fill: "#555555")
        for (index, name) in seriesNames.enumerated() {
            let values = curves[index].flatMap(\.y).filter(\.isFinite)
            let positive = values.filter { $0 > 0 }
            let y = options.logScale ? PlotAxis.logarithmic(minimum: positive.min() ?? 0.1, maximum: positive.max() ?? 1)
                : PlotAxis.linear(minimum: values.min() ?? 0, maximum: values.max() ?? 1, padding: 0.03, targetTicks: 5)
            let id = "\(options.idPrefix)-series\(index)"
            let panel = Panel(id: id, left: LossCurveFigure.plotLeft, top: tops[index], width: plotWidth, height: Self.panelHeight,
                              x: x, y: y)
            svg.open("defs")
            svg.open("clipPath", ["id": id + "-clip"])
            svg.element("rect", ["x": PlotNumber.fixed(panel.left, 1), "y": PlotNumber.fixed(panel.top, 1),
                                 "width": PlotNumber.fixed(panel.width, 1), "height": PlotNumber.fixed(panel.height, 1)])
            svg.close("clipPath")
            svg.close("defs")
            panel.drawFrame(into: &svg, yLabel: name, name: "series\(index)")
            svg.open("g", ["class": "curves", "clip-path": "url(#\(id)-clip)", "fill": "none",
                           "stroke-linejoin": "round", "stroke-linecap": "round"])
            for (run, curve) in curves[index].enumerated() {
                let d = panel.pathData(curve)
                guard !d.isEmpty else { continue }
                svg.element("path", [("class", "curve"), ("d", d), ("stroke", Self.color(run)), ("stroke-width", "1.8")])
            }
            svg.close("g")
            panel.drawAxes(into: &svg, name: "series\(index)")
        }
        svg.text("step", x: LossCurveFigure.plotLeft + plotWidth / 2, y: bottom + 42, size: 13, anchor: "middle")
        svg.open("g", ["class": "legend"])
        for (index, text) in legend.enumerated() {
            let y = legendTop + Double(index) * LossCurveFigure.legendRow
            svg.line(x1: LossCurveFigure.plotLeft, y1: y - 5, x2: LossCurveFigure.plotLeft + 32, y2: y - 5, stroke: Self.color(index), width: 2)
            svg.element("text", ["class": "legend-label", "x": PlotNumber.fixed(LossCurveFigure.plotLeft + 42, 1),
                                 "y": PlotNumber.fixed(y, 1), "font-size": "13.0", "fill": "#222222"], text: text)
        }
        svg.close("g")
        let top = legendTop + Double(legend.count) * LossCurveFigure.legendRow + 6
        for (index, line) in noteLines.enumerated() {
            svg.text(line, x: LossCurveFigure.plotLeft, y: top + Double(index) * LossCurveFigure.noteRow, size: 12, fill: "#8a3b00")
        }
        return svg
    }

    /// The colour of run `index` (the palette repeats after seven runs).
    static func color(_ index: Int) -> String { LossCurveFigure.palette[index % LossCurveFigure.palette.count] }
}
