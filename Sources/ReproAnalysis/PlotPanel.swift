/// One rectangular plot area of a figure with its x and y axes: maps data to pixels and draws the
/// grid, the axes, curves and bands.
struct Panel: Sendable {
    /// The element id prefix of this panel (its clip path is `id-clip`).
    let id: String
    let left: Double
    let top: Double
    let width: Double
    let height: Double
    let x: PlotAxis
    let y: PlotAxis

    var right: Double { left + width }
    var bottom: Double { top + height }

    /// The pixel position of a data point, or nil when either coordinate cannot be placed.
    func point(_ xValue: Double, _ yValue: Double) -> (x: Double, y: Double)? {
        guard let fx = x.fraction(xValue), let fy = y.fraction(yValue) else { return nil }
        return (left + fx * width, bottom - fy * height)
    }

    /// SVG path data through the curve's points: one `M…L…` subpath per run of drawable points
    /// (a gap starts a new one). A run of more than four points per pixel column keeps, for each
    /// column, its first, lowest, highest and last point (in their order), which draws the same
    /// envelope with at most four points per column. Empty when nothing can be drawn.
    func pathData(_ curve: PlotCurve) -> String {
        var d = ""
        var segment: [(x: Double, y: Double)] = []
        func flush() {
            defer { segment.removeAll(keepingCapacity: true) }
            guard !segment.isEmpty else { return }
            let points = segment.count > Int(4 * width) ? Self.decimate(segment) : segment
            for (index, point) in points.enumerated() {
                d += (index == 0 ? "M" : "L") + PlotNumber.fixed(point.x, 1) + " " + PlotNumber.fixed(point.y, 1)
            }
            if points.count == 1 { d += "h0.1" }  // a lone point still shows with a round cap
        }
        for index in curve.x.indices {
            if let point = point(curve.x[index], curve.y[index]) { segment.append(point) } else { flush() }
        }
        flush()
        return d
    }

    /// The first, lowest, highest and last point of each pixel column, in index order.
    static func decimate(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var result: [(x: Double, y: Double)] = []
        var start = 0
        while start < points.count {
            let column = points[start].x.rounded(.down)
            var end = start
            var low = start, high = start
            while end < points.count && points[end].x.rounded(.down) == column {
                if points[end].y < points[low].y { low = end }
                if points[end].y > points[high].y { high = end }
                end += 1
            }
            for index in Set([start, low, high, end - 1]).sorted() { result.append(points[index]) }
            start = end
        }
        return result
    }

    /// A filled band between `lower` and `upper` at `xs`: one closed subpath per run of steps where
    /// both edges are finite. On a log axis an edge ≤ 0 is drawn at the bottom of the panel.
    func drawBand(_ xs: [Double], _ lower: [Double], _ upper: [Double], color: String, into svg: inout SVGDocument) {
        var d = ""
        var segment: [(x: Double, low: Double, high: Double)] = []
        func edge(_ value: Double) -> Double {
            let fraction = y.fraction(value) ?? -0.01
            return bottom - min(1.01, max(-0.01, fraction)) * height
        }
        func flush() {
            defer { segment.removeAll(keepingCapacity: true) }
            guard segment.count > 1 else { return }
            for (index, point) in segment.enumerated() {
                d += (index == 0 ? "M" : "L") + PlotNumber.fixed(point.x, 1) + " " + PlotNumber.fixed(point.high, 1)
            }
            for point in segment.reversed() { d += "L" + PlotNumber.fixed(point.x, 1) + " " + PlotNumber.fixed(point.low, 1) }
            d += "Z"
        }
        for index in xs.indices {
            guard lower[index].isFinite, upper[index].isFinite, let fx = x.fraction(xs[index]) else { flush(); continue }
            segment.append((left + fx * width, edge(lower[index]), edge(upper[index])))
        }
        flush()
        guard !d.isEmpty else { return }
        svg.element("path", ["class": "band", "d": d, "fill": color, "fill-opacity": "0.18", "stroke": "none"])
    }

    /// The panel's white area, its grid lines at the ticks (major darker), and the rotated y label.
    func drawFrame(into svg: inout SVGDocument, yLabel: String, name: String) {
        svg.element("rect", ["x": PlotNumber.fixed(left, 1), "y": PlotNumber.fixed(top, 1), "width": PlotNumber.fixed(width, 1),
                             "height": PlotNumber.fixed(height, 1), "fill": "#ffffff"])
        svg.open("g", ["class": "grid " + name])
        for tick in y.ticks {
            guard let p = point(x.lower, tick.value) else { continue }
            svg.line(x1: left, y1: p.y, x2: right, y2: p.y, stroke: tick.isMajor ? "#dddddd" : "#f0f0f0")
        }
        for tick in x.ticks where tick.isMajor {
            guard let p = point(tick.value, y.lower) else { continue }
            svg.line(x1: p.x, y1: top, x2: p.x, y2: bottom, stroke: "#eeeeee")
        }
        svg.close("g")
        svg.text(yLabel, x: 22, y: top + height / 2, size: 13, anchor: "middle", rotate: -90)
    }

    /// The panel's border, tick marks and tick labels (x below, y to the left).
    func drawAxes(into svg: inout SVGDocument, name: String) {
        svg.element("rect", ["x": PlotNumber.fixed(left, 1), "y": PlotNumber.fixed(top, 1), "width": PlotNumber.fixed(width, 1),
                             "height": PlotNumber.fixed(height, 1), "fill": "none", "stroke": "#666666", "stroke-width": "1.0"])
        svg.open("g", ["class": "axis " + name, "font-size": "11.0", "fill": "#333333"])
        for tick in y.ticks {
            guard let p = point(x.lower, tick.value) else { continue }
            svg.line(x1: left - (tick.isMajor ? 5 : 3), y1: p.y, x2: left, y2: p.y, stroke: "#666666")
            if tick.isMajor {
                svg.element("text", [("class", "tick-label y"), ("x", PlotNumber.fixed(left - 8, 1)),
                                     ("y", PlotNumber.fixed(p.y + 4, 1)), ("text-anchor", "end")], text: tick.label)
            }
        }
        for tick in x.ticks where tick.isMajor {
            guard let p = point(tick.value, y.lower) else { continue }
            svg.line(x1: p.x, y1: bottom, x2: p.x, y2: bottom + 5, stroke: "#666666")
            svg.element("text", [("class", "tick-label x"), ("x", PlotNumber.fixed(p.x, 1)),
                                 ("y", PlotNumber.fixed(bottom + 18, 1)), ("text-anchor", "middle")], text: tick.label)
        }
        svg.close("g")
    }
}
