import ReproRuns

/// The loss-curve figure of `repro plot` and `repro report` (docs/ARCHITECTURE.md §7, the lesson's exercise):
/// training loss per step of each run overlaid in one panel, below it with the same x axis one
/// panel per validation metric of the runs (the validation loss when they have none) per
/// evaluation, and a legend with each run's short digest and final headline metric
/// (``ValidationMetric/headline(metrics:)``; an accuracy in percent). Every run on a figure must
/// log the same validation metrics.
///
/// - A run drawn after another with the same digest is dashed and its legend says
///   "identical to …", so two bitwise-identical curves stay visible on top of each other.
/// - A sweep (a directory of runs) is drawn as its mean curve with a band: ±1 sample standard
///   deviation or min–max (``PlotBand``), over the steps all its runs share.
/// - `smoothing` N > 1 replaces each loss by the trailing moving average over the last N logged
///   steps (``PlotCurve/movingAverage(window:)``); a single run's raw curve stays behind in pale.
/// - Non-finite values (and, on a log scale, values ≤ 0) are not drawn: the line breaks there and
///   a note under the legend says how many and where.
/// - A curve with more than four points per pixel column is decimated to the first, lowest,
///   highest and last point of each column, which draws the same envelope.
///
/// - Determinism: the same runs and options give the same bytes (fixed-precision numbers, inputs
///   in the order given, no time stamps).
public struct LossCurveFigure: Sendable {
    /// How to draw.
    public struct Options: Sendable {
        /// Log-scale y axis for the loss.
        public var logScale = false
        /// The moving-average window in steps; 1 draws the raw losses.
        public var smoothing = 1
        /// The band drawn around a sweep's mean.
        public var band = PlotBand.std
        /// The figure's title; nil for one naming what is drawn (`Training loss and validation
        /// accuracy`).
        public var title: String?
        /// A prefix for the SVG's element ids, unique per figure on an HTML page.
        public var idPrefix = "repro-plot"

        /// The defaults: linear scale, no smoothing, ±1 SD bands.
        public init() {}
    }

    /// The series in legend order.
    private(set) var series: [PlotSeries]
    /// The options it was made with.
    public let options: Options

    /// The Okabe–Ito colour-blind-safe palette without its yellow (too pale on white), in the
    /// order series take them; after seven series the colours repeat with a dash pattern.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// A figure of `inputs`, in the order given.
    ///
    /// - Throws: ``RunFileError`` when there are no inputs, a log lacks a column, or two runs log
    ///   different validation metrics (naming both).
    public init(inputs: [PlotInput], options: Options = Options()) throws {
        guard !inputs.isEmpty else { throw RunFileError(source: "(arguments)", "no runs to plot") }
        try RunRecord.requireSameMetricNames(inputs.flatMap(\.runs))
        self.options = options
        let names = PlotInput.displayNames(inputs)
        var series: [PlotSeries] = []
        var byDigest: [String: String] = [:]
        for (input, name) in zip(inputs, names) {
            var one = try PlotSeries(input, name: name, smoothing: max(1, options.smoothing), band: options.band)
            if let digest = one.digest {
                if let first = byDigest[digest] { one.identicalTo = first } else { byDigest[digest] = name }
            }
            if options.logScale {
                let notPositive = one.loss.y.filter { $0.isFinite && $0 <= 0 }.count
                if notPositive > 0 {
                    one.notes.append("\(name): \(notPositive) loss value\(notPositive == 1 ? "" : "s") ≤ 0 cannot be drawn on the log scale")
                }
            }
            series.append(one)
        }
        self.series = series
    }

    /// Every note of every series, in legend order.
    public var notes: [String] { series.flatMap(\.notes) }

    /// The validation metrics drawn below the loss, one panel each (``PlotSeries/panelMetrics(_:)``).
    var panelMetrics: [ValidationMetric] { series[0].evaluations.map(\.metric) }

    /// The title: the one asked for, or `Training loss and validation accuracy` (`… validation
    /// loss` without metrics, `Training loss, validation accuracy and top3` with two).
    public var title: String {
        if let title = options.title { return title }
        let names = panelMetrics.map(\.shortLabel)
        if names.count == 1 { return "Training loss and validation \(panelMetrics[0].name)" }
        return "Training loss, validation \(names.dropLast().joined(separator: ", ")) and \(names.last!)"
    }

    /// The SVG file (with its XML declaration).
    public func svg() -> String {
        draw().rendered(title: title)
    }

    /// The `<svg>` element alone, to embed in an HTML page.
    func inlineSVG() -> String {
        draw().inlineRendered(title: title)
    }

    // MARK: Layout

    static let plotLeft = 84.0
    static let rightMargin = 28.0
    static let lossTop = 76.0
    static let lossHeight = 360.0
    static let evaluationGap = 58.0
    static let evaluationHeight = 190.0
    static let legendRow = 22.0
    static let noteRow = 17.0

    /// Estimated width of `text` at `size` px in a sans-serif font (0.6 em per character).
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }

    /// The colour, dash pattern and line-width factor of the series at `index`. An identical copy
    /// is dashed and thin, drawn inside the wider line of the run it repeats (factor 1.8), so both
    /// colours show along the whole curve.
    func style(_ index: Int) -> (color: String, dash: String?, widthFactor: Double) {
        let color = Self.palette[index % Self.palette.count]
        if series[index].identicalTo != nil { return (color, "7 5", 0.75) }
        let repeated = series.contains { $0.identicalTo == series[index].name && series[index].digest != nil }
        let cycle = index / Self.palette.count
        return (color, cycle == 0 ? nil : ["5 3", "2 3", "9 3 2 3"][(cycle - 1) % 3], repeated ? 1.8 : 1)
    }

    /// The legend line of the series at `index`.
    func legendText(_ index: Int) -> String {
        let one = series[index]
        let finals = one.finalValues
        let metric = one.headline
        func number(_ value: Double) -> String { metric.isPercent ? PlotNumber.fixed(value, 2) : PlotNumber.significant(value) }
        let unit = metric.isPercent ? " %" : ""
        var text = one.name
        if one.digest == nil {
            text += " · " + options.band.legend(runCount: one.runCount)
            let mean = finals.reduce(0, +) / Double(finals.count)
            switch options.band {
            case .std:
                let sd = PlotAggregate.sampleStandardDeviation(finals, mean: mean)
                text += " · final \(metric.shortLabel) \(number(mean)) ± \(number(sd))\(unit)"
            case .minmax:
                text += " · final \(metric.shortLabel) \(number(mean))\(unit) (\(number(finals.min()!))–\(number(finals.max()!)))"
            }
        } else {
            text += " · digest " + String(one.digest!.prefix(8))
            text += " · final \(metric.shortLabel) \(number(finals[0]))\(unit)"
            if let first = one.identicalTo { text += " · identical to \(first) (same digest), dashed inside it" }
        }
        return text
    }

    /// The subtitle: what the axes show and how the curves were processed.
    var subtitle: String {
        var parts = [options.smoothing <= 1 ? "loss: every logged step"
                     : "loss: trailing moving average over \(options.smoothing) steps"
                       + (series.contains { $0.rawLoss != nil } ? " (raw in pale)" : "")]
        if options.logScale { parts.append("log scale") }
        if series.contains(where: { $0.digest == nil }) {
            parts.append(options.band == .std ? "bands: mean ± 1 SD" : "bands: min–max")
        }
        parts.append(panelMetrics.map(\.shortLabel).joined(separator: ", ") + ": each evaluation")
        return parts.joined(separator: " · ")
    }

    /// Splits `text` into lines of at most `width` estimated pixels at `size`, at spaces.
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && textWidth(candidate, size: size) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    // MARK: Drawing

    func draw() -> SVGDocument {
        let legend = series.indices.map(legendText)
        let legendWidth = legend.map { Self.textWidth($0, size: 13) }.max() ?? 0
        let width = max(960, (Self.plotLeft + 44 + legendWidth + Self.rightMargin).rounded(.up))
        let plotWidth = width - Self.plotLeft - Self.rightMargin
        let noteLines = notes.flatMap { Self.wrap($0, width: plotWidth, size: 12) }
        let metrics = panelMetrics
        let evaluationTops = metrics.indices.map {
            Self.lossTop + Self.lossHeight + Self.evaluationGap + Double($0) * (Self.evaluationHeight + Self.evaluationGap)
        }
        let evaluationBottom = evaluationTops.last! + Self.evaluationHeight
        let legendTop = evaluationBottom + 62
        let height = legendTop + Double(legend.count) * Self.legendRow
            + (noteLines.isEmpty ? 0 : 8 + Double(noteLines.count) * Self.noteRow) + 10

        let axes = makeAxes()
        var svg = SVGDocument(width: width, height: height)
        svg.element("rect", ["x": "0", "y": "0", "width": PlotNumber.fixed(width, 0), "height": PlotNumber.fixed(height, 0),
                             "fill": "#ffffff"])
        svg.text(title, x: Self.plotLeft, y: 30, size: 18, weight: "bold")
        svg.text(subtitle, x: Self.plotLeft, y: 52, size: 12, fill: "#555555")

        let lossPanel = Panel(id: options.idPrefix + "-loss", left: Self.plotLeft, top: Self.lossTop,
                              width: plotWidth, height: Self.lossHeight, x: axes.x, y: axes.loss)
        let evaluationPanels = metrics.indices.map { index in
            Panel(id: options.idPrefix + "-" + Self.panelName(metrics[index]), left: Self.plotLeft, top: evaluationTops[index],
                  width: plotWidth, height: Self.evaluationHeight, x: axes.x, y: axes.evaluations[index])
        }
        svg.open("defs")
        for panel in [lossPanel] + evaluationPanels {
            svg.open("clipPath", ["id": panel.id + "-clip"])
            svg.element("rect", ["x": PlotNumber.fixed(panel.left, 1), "y": PlotNumber.fixed(panel.top, 1),
                                 "width": PlotNumber.fixed(panel.width, 1), "height": PlotNumber.fixed(panel.height, 1)])
            svg.close("clipPath")
        }
        svg.close("defs")

        lossPanel.drawFrame(into: &svg, yLabel: options.logScale ? "training loss (log scale)" : "training loss", name: "loss")
        svg.open("g", ["class": "curves loss", "clip-path": "url(#\(lossPanel.id)-clip)", "fill": "none",
                       "stroke-linejoin": "round", "stroke-linecap": "round"])
        for index in series.indices {
            guard let band = series[index].lossBand else { continue }
            lossPanel.drawBand(series[index].loss.x, band.lower, band.upper, color: style(index).color, into: &svg)
        }
        for index in series.indices {
            guard let raw = series[index].rawLoss, series[index].identicalTo == nil else { continue }  // a copy's raw is the same
            let d = lossPanel.pathData(raw)
            if !d.isEmpty {
                svg.element("path", ["class": "raw", "d": d, "stroke": style(index).color, "stroke-width": "1.0",
                                     "stroke-opacity": "0.25"])
            }
        }
        for index in series.indices {
            drawCurve(series[index].loss, panel: lossPanel, index: index, width: 1.8, into: &svg)
        }
        svg.close("g")
        lossPanel.drawAxes(into: &svg, name: "loss")

        for (panelIndex, panel) in evaluationPanels.enumerated() {
            let metric = metrics[panelIndex], name = Self.panelName(metric)
            panel.drawFrame(into: &svg, yLabel: metric.label + (metric.isPercent ? " (%)" : ""), name: name)
            svg.open("g", ["class": "curves " + name, "clip-path": "url(#\(panel.id)-clip)", "fill": "none",
                           "stroke-linejoin": "round", "stroke-linecap": "round"])
            for index in series.indices {
                guard let band = series[index].evaluations[panelIndex].band else { continue }
                panel.drawBand(series[index].evaluations[panelIndex].curve.x, band.lower, band.upper, color: style(index).color,
                               into: &svg)
            }
            for index in series.indices {
                drawCurve(series[index].evaluations[panelIndex].curve, panel: panel, index: index, width: 1.5, into: &svg)
            }
            svg.close("g")
            panel.drawAxes(into: &svg, name: name)
            for index in series.indices {  // on top of the border, unclipped: every value is inside the domain
                drawMarkers(series[index].evaluations[panelIndex].curve, panel: panel, index: index, into: &svg)
            }
        }
        svg.text("step", x: Self.plotLeft + plotWidth / 2, y: evaluationBottom + 42, size: 13, anchor: "middle")
        svg.open("g", ["class": "legend"])
        for index in series.indices {
            let y = legendTop + Double(index) * Self.legendRow
            let (color, dash, factor) = style(index)
            if series[index].digest == nil {
                svg.element("rect", ["x": PlotNumber.fixed(Self.plotLeft, 1), "y": PlotNumber.fixed(y - 11, 1),
                                     "width": "32.0", "height": "12.0", "fill": color, "fill-opacity": "0.22"])
            }
            if let first = series[index].identicalTo, let original = series.firstIndex(where: { $0.name == first }) {
                let under = style(original)  // the copy's swatch drawn as on the curves: inside the original's
                svg.line(x1: Self.plotLeft, y1: y - 5, x2: Self.plotLeft + 32, y2: y - 5, stroke: under.color,
                         width: 2 * under.widthFactor)
            }
            svg.line(x1: Self.plotLeft, y1: y - 5, x2: Self.plotLeft + 32, y2: y - 5, stroke: color, width: 2 * factor, dash: dash)
            svg.element("text", ["class": "legend-label", "x": PlotNumber.fixed(Self.plotLeft + 42, 1),
                                 "y": PlotNumber.fixed(y, 1), "font-size": "13.0", "fill": "#222222"],
                        text: legend[index])
        }
        svg.close("g")
        if !noteLines.isEmpty {
            svg.open("g", ["class": "notes"])
            let top = legendTop + Double(legend.count) * Self.legendRow + 6
            for (index, line) in noteLines.enumerated() {
                svg.text(line, x: Self.plotLeft, y: top + Double(index) * Self.noteRow, size: 12, fill: "#8a3b00")
            }
            svg.close("g")
        }
        return svg
    }

    func drawCurve(_ curve: PlotCurve, panel: Panel, index: Int, width: Double, into svg: inout SVGDocument) {
        let d = panel.pathData(curve)
        guard !d.isEmpty else { return }
        let (color, dash, factor) = style(index)
        var attributes = [("class", "curve"), ("d", d), ("stroke", color), ("stroke-width", PlotNumber.fixed(width * factor, 1))]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        svg.element("path", attributes)
    }

    /// Circles at each evaluation (up to 80 of them): filled, or open and larger for an identical
    /// copy so the dot of the run it repeats shows inside.
    func drawMarkers(_ curve: PlotCurve, panel: Panel, index: Int, into svg: inout SVGDocument) {
        let points = curve.x.indices.compactMap { panel.point(curve.x[$0], curve.y[$0]) }
        guard points.count <= 80 else { return }
        let color = style(index).color
        let open = series[index].identicalTo != nil
        svg.open("g", open ? ["class": "markers", "fill": "none", "stroke": color, "stroke-width": "1.5"]
                           : ["class": "markers", "fill": color, "stroke": "none"])
        for point in points {
            svg.element("circle", ["cx": PlotNumber.fixed(point.x, 1), "cy": PlotNumber.fixed(point.y, 1),
                                   "r": open ? "4.5" : "2.8"])
        }
        svg.close("g")
    }

    /// The name of the panel of `metric` in element ids and classes: the metric's name
    /// (`accuracy`), or `validation-loss`.
    static func panelName(_ metric: ValidationMetric) -> String { metric.isLoss ? "validation-loss" : metric.name }

    /// The shared x axis, the loss's y axis and each validation panel's, covering every drawn value.
    func makeAxes() -> (x: PlotAxis, loss: PlotAxis, evaluations: [PlotAxis]) {
        var steps: [Double] = []
        var losses: [Double] = []
        var evaluations = [[Double]](repeating: [], count: panelMetrics.count)
        for one in series {
            steps += one.loss.x + one.evaluations.flatMap(\.curve.x)
            losses += one.loss.y + (one.rawLoss?.y ?? []) + (one.lossBand.map { $0.lower + $0.upper } ?? [])
            for (index, evaluation) in one.evaluations.enumerated() {
                evaluations[index] += evaluation.curve.y + (evaluation.band.map { $0.lower + $0.upper } ?? [])
            }
        }
        let x = PlotAxis.linear(minimum: steps.min() ?? 0, maximum: steps.max() ?? 1, includeZero: true, targetTicks: 9)
        let finiteLosses = losses.filter(\.isFinite)
        let loss: PlotAxis
        if options.logScale {
            let positive = finiteLosses.filter { $0 > 0 }
            loss = .logarithmic(minimum: positive.min() ?? 0.1, maximum: positive.max() ?? 1)
        } else {
            loss = .linear(minimum: finiteLosses.min() ?? 0, maximum: finiteLosses.max() ?? 1, includeZero: true, targetTicks: 7)
        }
        let axes = zip(panelMetrics, evaluations).map { metric, values in
            let finite = values.filter(\.isFinite)
            return PlotAxis.linear(minimum: finite.min() ?? 0, maximum: finite.max() ?? (metric.isPercent ? 100 : 1),
                                   padding: 0.03, targetTicks: 5)
        }
        return (x, loss, axes)
    }
}
