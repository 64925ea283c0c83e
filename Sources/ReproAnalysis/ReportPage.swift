import ReproRuns

/// The report page of `repro report` (docs/ARCHITECTURE.md §7): one self-contained HTML file — inline SVG
/// and CSS, no scripts, no external resources — with a comparison verdict, the loss-curve figure
/// with its accuracy panel, statistics of the final metrics, and every run's manifest.
///
/// - Every text from a run (names, paths, manifest values, JSON) is HTML-escaped.
/// - Determinism: the page holds nothing but what the runs hold (no time stamp, no host name):
///   the same runs and options give the same bytes.
public struct RunReport: Sendable {
    /// The inputs, in the order given.
    public let inputs: [PlotInput]
    /// The loss-curve figure embedded in the page.
    public let figure: LossCurveFigure
    /// Every run with its name on the page: an input's legend name, or `sweep/member` for a sweep's runs.
    public let runs: [(name: String, run: RunRecord)]
    /// The difference of the headline metric (in the unit shown: percentage points for an
    /// accuracy) the statistics section sizes seeds for and warns about when finer than the
    /// metric resolves; nil for one validation sample.
    public let tolerance: Double?

    /// A report on `inputs`; `options` shape the figure (its id prefix is set to `report-plot`).
    ///
    /// - Throws: ``RunFileError`` when there are no inputs or a log lacks a column.
    public init(inputs: [PlotInput], options: LossCurveFigure.Options = .init(), tolerance: Double? = nil) throws {
        self.tolerance = tolerance
        var options = options
        options.idPrefix = "report-plot"
        self.inputs = inputs
        figure = try LossCurveFigure(inputs: inputs, options: options)
        var runs: [(name: String, run: RunRecord)] = []
        for (input, name) in zip(inputs, PlotInput.displayNames(inputs)) {
            switch input {
            case .run(let run): runs.append((name, run))
            case .sweep(_, let members): runs += members.map { (name + "/" + $0.name, $0) }
            }
        }
        self.runs = runs
    }

    /// The page.
    public func html() -> String {
        var page = HTMLText()
        let names = runs.map(\.name).joined(separator: ", ")
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.raw("<title>"); page.text("Repro report: " + names); page.raw("</title>\n")
        page.raw("<style>\n" + Self.css + "</style>\n</head>\n<body>\n")
        page.raw("<h1>Repro report</h1>\n<p class=\"lead\">")
        page.text("\(runs.count) run\(runs.count == 1 ? "" : "s"): \(names). Made by Repro \(ReproLibrary.version).")
        page.raw("</p>\n")
        verdictSection(into: &page)
        page.raw("<section id=\"curves\">\n<h2>Loss curves</h2>\n<div class=\"figure\">\n")
        page.raw(figure.inlineSVG())
        page.raw("</div>\n")
        if !figure.notes.isEmpty {
            page.raw("<ul class=\"notes\">\n")
            for note in figure.notes { page.raw("<li>"); page.text(note); page.raw("</li>\n") }
            page.raw("</ul>\n")
        }
        page.raw("</section>\n")
        statisticsSection(into: &page)
        manifestSection(into: &page)
        page.raw("</body>\n</html>\n")
        return page.content
    }

    static let css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
               color: #222; max-width: 1080px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
        h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.2rem; }
        .lead { color: #555; margin-top: 0; }
        table { border-collapse: collapse; margin: .4rem 0 1.2rem; }
        th, td { border: 1px solid #d8d8d8; padding: .22rem .55rem; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
        pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: .7rem; overflow-x: auto; }
        .identical { color: #006644; font-weight: 600; } .differ { color: #b03a00; font-weight: 600; }
        .figure svg { max-width: 100%; height: auto; }
        .notes { color: #8a3b00; }
        details { margin: .4rem 0; } summary { cursor: pointer; font-weight: 600; }
        .run-manifest { border-left: 3px solid #d8d8d8; padding-left: .9rem; margin-bottom: 1.5rem; }

        """
}

/// HTML text being built: raw markup, and run-provided text that is always escaped.
struct HTMLText {
    private(set) var content = ""

    /// Appends markup as is (only literals written in this module).
    mutating func raw(_ markup: String) { content += markup }

    /// Appends `value` escaped for HTML text and attributes.
    mutating func text(_ value: String) { content += PlotText.escapeXML(value) }

    /// A table with a header row; each cell escaped, cells whose column is in `numeric` right-aligned.
    mutating func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], monospace: Set<Int> = []) {
        raw("<table>\n<thead><tr>")
        for cell in header { raw("<th>"); text(cell); raw("</th>") }
        raw("</tr></thead>\n<tbody>\n")
        for row in rows {
            raw("<tr>")
            for (index, cell) in row.enumerated() {
                var classes: [String] = []
                if numeric.contains(index) { classes.append("num") }
                if monospace.contains(index) { classes.append("mono") }
                raw(classes.isEmpty ? "<td>" : "<td class=\"\(classes.joined(separator: " "))\">")
                text(cell)
                raw("</td>")
            }
            raw("</tr>\n")
        }
        raw("</tbody>\n</table>\n")
    }
}
