import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// The loss-curve figure of `repro plot`: SVG structure (parsed with `XMLParser`), axes, sweeps and
/// bands, smoothing, non-finite values, determinism, bad input, and that runs are only read.
@Suite struct PlotTests {
    /// Three runs in `directory`: `a` and `b` identical (seed 42), `c` another seed.
    static func threeRuns(in directory: TemporaryDirectory) throws -> [String] {
        let a = directory.file("a"), b = directory.file("b"), c = directory.file("c")
        try PlotFixtureRun.write(at: a, losses: PlotFixtureRun.losses(60), accuracies: [0.80, 0.90, 0.93])
        try PlotFixtureRun.write(at: b, losses: PlotFixtureRun.losses(60), accuracies: [0.80, 0.90, 0.93], threadCount: 1)
        try PlotFixtureRun.write(at: c, seed: 43, losses: PlotFixtureRun.losses(60, wiggle: 0.3), accuracies: [0.82, 0.89, 0.94],
                               model: [9, 9])
        return [a, b, c]
    }

    static func figure(_ paths: [String], _ configure: (inout LossCurveFigure.Options) -> Void = { _ in }) throws -> LossCurveFigure {
        var options = LossCurveFigure.Options()
        configure(&options)
        return try LossCurveFigure(inputs: paths.map(PlotInput.load), options: options)
    }

    static func parse(_ svg: String) throws -> [ParsedElement] {
        let (elements, error) = XMLCollector.parse(svg)
        #expect(error == nil, "the SVG is not well-formed XML: \(String(describing: error))")
        #expect(elements.first?.name == "svg" && elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        return elements
    }

    static func curves(_ elements: [ParsedElement], panel: String) -> [ParsedElement] {
        elements.filter { $0.name == "path" && $0.classes == "curve" && $0.isInside(panel) }
    }

    static func tickValues(_ elements: [ParsedElement], panel: String, axis: String) -> [(value: Double, position: Double)] {
        elements.filter { $0.classes == "tick-label \(axis)" && $0.isInside(panel) }
            .map { (Double($0.text)!, Double($0.attributes[axis == "x" ? "x" : "y"]!)!) }
    }

    @Test func drawsOneCurvePerRunAndALegendEntryEach() throws {
        try withTemporaryDirectory { directory in
            let svg = try Self.figure(try Self.threeRuns(in: directory)).svg()
            #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg "))
            let elements = try Self.parse(svg)
            let loss = Self.curves(elements, panel: "loss"), accuracy = Self.curves(elements, panel: "accuracy")
            #expect(loss.count == 3 && accuracy.count == 3)
            let legend = elements.filter { $0.classes == "legend-label" }.map(\.text)
            #expect(legend.count == 3)
            #expect(legend[0].hasPrefix("a · digest ") && legend[1].hasPrefix("b · digest ") && legend[2].hasPrefix("c · digest "))
            #expect(legend[1].contains("identical to a (same digest)") && !legend[2].contains("identical"))
            // The copy stays visible: dashed and thinner, inside the wider line of the run it repeats.
            #expect(loss[1].attributes["stroke-dasharray"] != nil && loss[0].attributes["stroke-dasharray"] == nil)
            #expect(Double(loss[0].attributes["stroke-width"]!)! > Double(loss[2].attributes["stroke-width"]!)!)
            #expect(Double(loss[1].attributes["stroke-width"]!)! < Double(loss[2].attributes["stroke-width"]!)!)
            #expect(Set(loss.map { $0.attributes["stroke"]! }).count == 3)
            // Plain SVG: nothing executable or external.
            for forbidden in ["<script", "href", "@import", "<style", "onload", "<foreignObject"] {
                #expect(!svg.contains(forbidden), "the SVG contains \(forbidden)")
            }
        }
    }

    @Test func ticksAreLabelledAndOrdered() throws {
        try withTemporaryDirectory { directory in
            let elements = try Self.parse(try Self.figure(try Self.threeRuns(in: directory)).svg())
            for panel in ["loss", "accuracy"] {
                let x = Self.tickValues(elements, panel: panel, axis: "x")
                #expect(x.count >= 4 && x.first?.value == 0)
                #expect(zip(x, x.dropFirst()).allSatisfy { $0.value < $1.value && $0.position < $1.position })
                #expect(x.last!.value >= 60)
                let y = Self.tickValues(elements, panel: panel, axis: "y")
                #expect(y.count >= 3)
                #expect(zip(y, y.dropFirst()).allSatisfy { $0.value < $1.value && $0.position > $1.position })
            }
            let lossTicks = Self.tickValues(elements, panel: "loss", axis: "y").map(\.value)
            #expect(lossTicks.first == 0 && lossTicks.last! >= 2.35)
            let labels = elements.filter { $0.name == "text" }.map(\.text)
            #expect(labels.contains("training loss") && labels.contains("validation accuracy (%)") && labels.contains("step"))
        }
    }

    @Test func logScaleTicksArePowersOfTen() throws {
        try withTemporaryDirectory { directory in
            let svg = try Self.figure(try Self.threeRuns(in: directory)) { $0.logScale = true }.svg()
            let elements = try Self.parse(svg)
            let ticks = Self.tickValues(elements, panel: "loss", axis: "y")
            #expect(ticks.map { $0.value } == [0.1, 1])
            for tick in ticks { #expect(abs(log10(tick.value) - log10(tick.value).rounded()) < 1e-12) }
            #expect(elements.contains { $0.name == "text" && $0.text == "training loss (log scale)" })
        }
        let wide = PlotAxis.logarithmic(minimum: 0.012, maximum: 2.3)
        #expect(wide.ticks.filter(\.isMajor).map(\.label) == ["0.01", "0.1", "1"])
        #expect(wide.lower <= 0.012 && wide.upper >= 2.3)
        #expect(wide.ticks.allSatisfy { $0.value >= wide.lower && $0.value <= wide.upper })
        let narrow = PlotAxis.logarithmic(minimum: 0.3, maximum: 0.5)  // no power of ten inside: whole decade
        #expect(narrow.ticks.filter(\.isMajor).map(\.label) == ["0.1", "1"] && narrow.lower == 0.1 && narrow.upper == 1)
        let huge = PlotAxis.logarithmic(minimum: 1e-9, maximum: 1e7)
        #expect(huge.ticks.filter(\.isMajor).map(\.label).first == "1e-9" && huge.ticks.filter(\.isMajor).count <= 9)
    }

    @Test func linearAxesUseNiceSteps() {
        let loss = PlotAxis.linear(minimum: 0.02, maximum: 2.32, includeZero: true, targetTicks: 7)
        #expect(loss.ticks.map(\.label) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"])
        let flat = PlotAxis.linear(minimum: 5, maximum: 5)
        #expect(flat.lower < 5 && flat.upper > 5 && flat.ticks.count >= 2)
        let steps = PlotAxis.linear(minimum: 0, maximum: 230, includeZero: true, targetTicks: 9)
        #expect(steps.ticks.map(\.label) == ["0", "20", "40", "60", "80", "100", "120", "140", "160", "180", "200", "220", "240"])
        #expect(PlotNumber.fixed(2.345, 1) == "2.3" && PlotNumber.fixed(-0.04, 1) == "0.0" && PlotNumber.fixed(-1.25, 1) == "-1.3")
        #expect(PlotNumber.fixed(7, 0) == "7" && PlotNumber.fixed(0.05, 2) == "0.05" && PlotNumber.fixed(.nan, 1) == "nan")
    }

    @Test func sweepDrawsItsMeanWithABand() throws {
        try withTemporaryDirectory { directory in
            let sweep = directory.file("sweep")
            try FileManager.default.createDirectory(atPath: sweep, withIntermediateDirectories: true)
            for seed in 40..<43 {
                try PlotFixtureRun.write(at: sweep + "/seed-\(seed)", seed: UInt64(seed),
                                       losses: PlotFixtureRun.losses(40, wiggle: Float(seed - 40) / 10),
                                       accuracies: [0.8, 0.9 + Double(seed - 40) / 100], model: [UInt8(seed)])
            }
            try Data("not a run".utf8).write(to: URL(fileURLWithPath: sweep + "/notes.txt"))
            let input = try PlotInput.load(sweep)
            #expect(input.runs.map(\.name) == ["seed-40", "seed-41", "seed-42"])
            for band in PlotBand.allCases {
                let elements = try Self.parse(try Self.figure([sweep]) { $0.band = band }.svg())
                let bands = elements.filter { $0.name == "path" && $0.classes == "band" }
                #expect(bands.count == 2 && bands.allSatisfy { $0.attributes["d"]!.hasSuffix("Z") })
                #expect(bands[0].isInside("loss") && bands[1].isInside("accuracy"))
                #expect(Self.curves(elements, panel: "loss").count == 1)
                let legend = elements.filter { $0.classes == "legend-label" }.map(\.text)
                #expect(legend.count == 1 && legend[0].hasPrefix("sweep · "))
                #expect(legend[0].contains(band == .std ? "mean ± 1 SD of 3 runs" : "band min–max of 3 runs"))
            }
        }
    }

    @Test func aggregateComputesMeanSpreadAndSharedSteps() {
        let curves = [PlotCurve(x: [1, 2, 3], y: [1, 2, 3]), PlotCurve(x: [1, 2, 3], y: [3, 4, .nan]),
                      PlotCurve(x: [1, 2, 3, 4], y: [2, 6, 1, 1])]
        let std = PlotAggregate(curves, band: .std)
        #expect(std.mean.x == [1, 2, 3] && std.droppedSteps == 1 && std.nonFiniteSteps == 1)
        #expect(std.mean.y[0] == 2 && std.mean.y[1] == 4 && std.mean.y[2].isNaN)
        #expect(std.lower[0] == 1 && std.upper[0] == 3 && std.lower[1] == 2 && std.upper[1] == 6)
        let minmax = PlotAggregate(curves, band: .minmax)
        #expect(minmax.lower[1] == 2 && minmax.upper[1] == 6 && minmax.lower[2].isNaN)
        #expect(PlotAggregate.sampleStandardDeviation([5], mean: 5) == 0)
    }

    /// Mean − SD of losses 0.1, 0.1, 1.9 is 0.7 − 1.039 < 0: the band stops at 0, where the losses
    /// can be; an accuracy band stays inside 0…100 %.
    @Test func bandsStayWhereTheValuesCanBe() throws {
        let losses = [PlotCurve(x: [1], y: [0.1]), PlotCurve(x: [1], y: [0.1]), PlotCurve(x: [1], y: [1.9])]
        #expect(PlotAggregate(losses, band: .std).lower[0] < 0)
        let clipped = PlotAggregate(losses, band: .std, limits: 0...Double.infinity)
        #expect(clipped.lower[0] == 0 && clipped.upper[0] == PlotAggregate(losses, band: .std).upper[0])
        try withTemporaryDirectory { directory in
            let sweep = directory.file("sweep")
            for (seed, last) in [(1, Float(0.02)), (2, 0.02), (3, 1.5)] {
                try PlotFixtureRun.write(at: sweep + "/seed-\(seed)", seed: UInt64(seed), losses: PlotFixtureRun.losses(9) + [last],
                                       accuracies: seed == 3 ? [0.2, 0.999] : [0.99, 1.0])
            }
            let series = try PlotSeries(try PlotInput.load(sweep), name: "sweep", smoothing: 1, band: .std)
            #expect(series.lossBand!.lower.allSatisfy { $0 >= 0 } && series.lossBand!.lower.last == 0)
            #expect(series.evaluations[0].band!.upper.allSatisfy { $0 <= 100 } && series.evaluations[0].band!.upper[1] == 100)
            let axes = try Self.figure([sweep]).makeAxes()
            #expect(axes.loss.lower == 0)
        }
    }

    @Test func movingAverageIsTrailingAndSkipsGaps() {
        let curve = PlotCurve(x: [1, 2, 3, 4, 5, 6], y: [1, 3, 5, .nan, 7, 9])
        let smooth = curve.movingAverage(window: 3)
        #expect(smooth.y[0] == 1 && smooth.y[1] == 2 && smooth.y[2] == 3)
        #expect(smooth.y[3].isNaN)
        #expect(smooth.y[4] == 6 && smooth.y[5] == 8)  // (5 + 7) / 2 and (7 + 9) / 2: the gap is skipped
        #expect(curve.movingAverage(window: 1) == curve)
    }

    @Test func smoothingKeepsTheRawCurveFaintlyBehind() throws {
        try withTemporaryDirectory { directory in
            let paths = try Self.threeRuns(in: directory)
            let svg = try Self.figure(paths) { $0.smoothing = 10; $0.logScale = true }.svg()
            let elements = try Self.parse(svg)
            #expect(Self.curves(elements, panel: "loss").count == 3)
            #expect(elements.filter { $0.classes == "raw" }.count == 2)  // b's raw curve is a's
            #expect(svg.contains("trailing moving average over 10 steps"))
        }
    }

    @Test func nonFiniteLossesBreakTheLineAndAreNoted() throws {
        try withTemporaryDirectory { directory in
            var losses = PlotFixtureRun.losses(30)
            losses[9] = .nan
            losses[10] = .infinity
            try PlotFixtureRun.write(at: directory.file("diverged"), losses: losses, accuracies: [0.5, 0.6])
            let figure = try Self.figure([directory.file("diverged")])
            #expect(figure.notes == ["diverged: 2 non-finite loss values (nan/inf) not drawn, the line breaks there (steps 10, 11)"])
            let elements = try Self.parse(figure.svg())
            let d = Self.curves(elements, panel: "loss")[0].attributes["d"]!
            #expect(d.filter { $0 == "M" }.count == 2 && !d.contains("nan") && !d.contains("inf"))
            #expect(elements.contains { $0.isInside("notes") && $0.text.contains("2 non-finite loss values") })
        }
    }

    @Test func thousandsOfStepsAreDecimatedToTheSameEnvelope() throws {
        try withTemporaryDirectory { directory in
            let losses = (0..<20_000).map { Float(1 + ($0 % 7 == 0 ? 1 : 0)) * (1 - Float($0) / 40_000) }
            try PlotFixtureRun.write(at: directory.file("long"), losses: losses, accuracies: [0.9], evalEvery: 20_000)
            let elements = try Self.parse(try Self.figure([directory.file("long")]).svg())
            let d = Self.curves(elements, panel: "loss")[0].attributes["d"]!
            let points = d.split(whereSeparator: { $0 == "M" || $0 == "L" }).map { $0.split(separator: " ").map { Double($0)! } }
            #expect(points.count < 4 * 900 && points.count > 800)
            let ys = points.map { $0[1] }
            let axis = PlotAxis.linear(minimum: 0, maximum: 2, includeZero: true, targetTicks: 7)
            let top = 76 + 360 * (1 - axis.fraction(2)!)
            #expect(abs(ys.min()! - top) < 0.1)  // the highest spike survives decimation
        }
    }

    @Test func sameRunsGiveTheSameBytes() throws {
        try withTemporaryDirectory { directory in
            let paths = try Self.threeRuns(in: directory)
            for configure: (inout LossCurveFigure.Options) -> Void in [{ _ in }, { $0.logScale = true; $0.smoothing = 5 }] {
                let first = try Self.figure(paths, configure).svg()
                let second = try Self.figure(paths, configure).svg()
                #expect(first == second)
            }
        }
    }

    @Test func namesAreEscaped() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("x<&>\"'y\u{1}")
            try PlotFixtureRun.write(at: path, losses: PlotFixtureRun.losses(10), accuracies: [0.5])
            let svg = try Self.figure([path]).svg()
            #expect(svg.contains("x&lt;&amp;&gt;&quot;&#39;y\u{FFFD}") && !svg.contains("x<&>"))
            let elements = try Self.parse(svg)
            #expect(elements.first { $0.classes == "legend-label" }!.text.hasPrefix("x<&>\"'y\u{FFFD} · digest"))
        }
    }

    @Test func sharedShortNamesShowTheirPaths() throws {
        try withTemporaryDirectory { directory in
            for group in ["one", "two"] {
                try PlotFixtureRun.write(at: directory.file("\(group)/seed-1"), losses: PlotFixtureRun.losses(5), accuracies: [0.5],
                                       model: Array(group.utf8))
            }
            let inputs = try [directory.file("one/seed-1"), directory.file("two/seed-1/")].map(PlotInput.load)
            #expect(PlotInput.displayNames(inputs) == [directory.file("one/seed-1"), directory.file("two/seed-1")])
        }
    }

    @Test func badInputIsReportedByPath() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.file("missing")
            #expect(try #require(throws: RunFileError.self) { try PlotInput.load(missing) }.description
                    == "\(missing): no such run directory")
            let unfinished = directory.file("unfinished")
            try PlotFixtureRun.writeUnfinished(at: unfinished)
            #expect(try #require(throws: RunFileError.self) { try PlotInput.load(unfinished) }.description
                    .contains("is an unfinished run (no manifest.json)"))
            let empty = directory.file("empty")
            try FileManager.default.createDirectory(atPath: empty + "/not-a-run", withIntermediateDirectories: true)
            #expect(try #require(throws: RunFileError.self) { try PlotInput.load(empty) }.description
                    .contains("is neither a run (no manifest.json) nor a directory of runs"))
            let mixed = directory.file("mixed")
            try PlotFixtureRun.write(at: mixed + "/done", losses: PlotFixtureRun.losses(5), accuracies: [0.5])
            try PlotFixtureRun.writeUnfinished(at: mixed + "/running")
            let error = try #require(throws: RunFileError.self) { try PlotInput.load(mixed) }
            #expect(error.source == mixed + "/running")
            #expect(throws: RunFileError.self) { try LossCurveFigure(inputs: []) }
        }
    }

    @Test func commandExitsTwoOnBadInputAndWritesTheFile() throws {
        try #require(ReproExecutable.exists, "build the repro executable first (swift build)")
        try withTemporaryDirectory { directory in
            let paths = try Self.threeRuns(in: directory)
            try PlotFixtureRun.writeUnfinished(at: directory.file("unfinished"))
            try FileManager.default.createDirectory(atPath: directory.file("empty"), withIntermediateDirectories: true)
            for (arguments, mention) in [([directory.file("missing")], "no such run directory"),
                                         ([directory.file("unfinished")], "unfinished run"),
                                         ([directory.file("empty")], "nor a directory of runs"),
                                         ([paths[0], "--smooth", "0"], "--smooth"),
                                         ([paths[0], "--band", "iqr"], "band"),
                                         ([], "at least one run"),
                                         ([paths[0], "--out", paths[0] + "/plot.svg"], "lies inside the run")] {
                let result = try ReproExecutable.run(["plot"] + arguments + (arguments.contains("--out") ? [] : ["--out", directory.file("x.svg")]))
                #expect(result.status == 2, "repro plot \(arguments): \(result.stderr)")
                #expect(result.stderr.contains(mention), "repro plot \(arguments): \(result.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.file("x.svg")))
            let out = directory.file("plot.svg")
            let result = try ReproExecutable.run(["plot"] + paths + ["--log", "--smooth", "3", "--out", out])
            #expect(result.status == 0, "\(result.stderr)")
            let library = try Self.figure(paths) { $0.logScale = true; $0.smoothing = 3 }.svg()
            #expect(String(decoding: try AtomicFile.read(out), as: UTF8.self) == library)
        }
    }

    @Test func plottingNeverModifiesTheRuns() throws {
        try withTemporaryDirectory { directory in
            let paths = try Self.threeRuns(in: directory)
            let before = try paths.map { try fileHashes(under: $0) }
            _ = try Self.figure(paths) { $0.smoothing = 4 }.svg()
            _ = try RunReport(inputs: paths.map(PlotInput.load)).html()
            if ReproExecutable.exists {
                _ = try ReproExecutable.run(["plot"] + paths + ["--out", directory.file("p.svg")])
                _ = try ReproExecutable.run(["report"] + paths + ["--out", directory.file("r.html")])
                _ = try ReproExecutable.run(["plot", paths[0], "--out", paths[0] + "/p.svg"])  // refused
            }
            #expect(try paths.map { try fileHashes(under: $0) } == before)
        }
    }
}
