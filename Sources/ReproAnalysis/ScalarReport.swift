import ReproRuns

/// The page of `repro report` for runs of other frameworks (``ScalarRun``): one self-contained
/// HTML file (the style of ``RunReport``) with each run compared with the first
/// (``ScalarRunComparison``), the figure (``ScalarFigure``) and, for two or more runs that log the
/// same steps, the statistics (``ScalarRunStatistics``). What such runs lack (digest, weights,
/// manifest) is said once.
///
/// - Determinism: the same runs and options give the same bytes; every text from a run is escaped.
public struct ScalarReport: Sendable {
    /// The runs, in the order given.
    public let runs: [ScalarRun]
    /// The figure embedded in the page.
    public let figure: ScalarFigure
    /// Each run after the first compared with the first.
    let comparisons: [ScalarRunComparison]

    /// A report on `runs`; `options` shape the figure.
    ///
    /// - Throws: ``RunFileError`` when there are no runs, or two runs cannot be compared (other
    ///   series, step grids without a common step).
    public init(runs: [ScalarRun], options: LossCurveFigure.Options = .init()) throws {
        var options = options
        options.idPrefix = "report-plot"
        figure = try ScalarFigure(runs: runs, options: options)
        self.runs = runs
        comparisons = try runs.dropFirst().map { try ScalarRunComparison(runs[0], $0) }
    }

    /// The page.
    public func html() -> String {
        var page = HTMLText()
        let names = PlotInput.displayNames(paths: runs.map(\.path))
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.raw("<title>"); page.text("Repro report: " + names.joined(separator: ", ")); page.raw("</title>\n")
        page.raw("<style>\n" + RunReport.css + "</style>\n</head>\n<body>\n")
        page.raw("<h1>Repro report</h1>\n<p class=\"lead\">")
        page.text("\(ReportFormat.plural(runs.count, "run")): "
                  + zip(names, runs).map { "\($0) (\($1.kindDescription))" }.joined(separator: ", ")
                  + ". Made by Repro \(ReproLibrary.version). \(ScalarRun.unavailable.prefix(1).uppercased())\(ScalarRun.unavailable.dropFirst()).")
        page.raw("</p>\n<section id=\"verdict\">\n<h2>Comparison with \(PlotText.escapeXML(names[0]))</h2>\n")
        if comparisons.isEmpty { page.raw("<p>One run: nothing to compare.</p>\n") }
        for (name, comparison) in zip(names.dropFirst(), comparisons) {
            let same = comparison.verdict != .different
            page.raw("<h3>"); page.text(name); page.raw(": <span class=\"\(same ? "identical" : "differ")\">")
            page.text(comparison.verdictLine); page.raw("</span></h3>\n<pre>"); page.text(comparison.report); page.raw("</pre>\n")
        }
        page.raw("</section>\n<section id=\"curves\">\n<h2>Curves</h2>\n<div class=\"figure\">\n")
        page.raw(figure.inlineSVG())
        page.raw("</div>\n</section>\n<section id=\"statistics\">\n<h2>Statistics</h2>\n")
        if runs.count < 2 {
            page.raw("<p>One run: no spread to summarise.</p>\n")
        } else {
            do {
                let text = try ScalarRunStatistics(runs).report(title: "runs")
                page.raw("<pre>"); page.text(text); page.raw("</pre>\n")
            } catch {
                page.raw("<p class=\"notes\">"); page.text("No statistics: \(error)"); page.raw("</p>\n")
            }
        }
        page.raw("</section>\n</body>\n</html>\n")
        return page.content
    }
}
