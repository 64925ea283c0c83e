import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// The report page of `repro report`: self-contained, escaped, deterministic, with the verdict,
/// statistics and manifests computed from the runs.
@Suite struct ReportTests {
    static func report(_ paths: [String], _ configure: (inout LossCurveFigure.Options) -> Void = { _ in }) throws -> RunReport {
        var options = LossCurveFigure.Options()
        configure(&options)
        return try RunReport(inputs: paths.map(PlotInput.load), options: options)
    }

    /// The inline `<svg>` element of a page.
    static func inlineSVG(_ html: String) throws -> String {
        let start = try #require(html.range(of: "<svg "))
        let end = try #require(html.range(of: "</svg>"))
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test func pageIsSelfContainedAndHoldsEveryDigest() throws {
        try withTemporaryDirectory { directory in
            let paths = try PlotTests.threeRuns(in: directory)
            let html = try Self.report(paths).html()
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">") && html.hasSuffix("</html>\n"))
            for path in paths {
                let digest = try RunManifest.read(path + "/manifest.json").digest
                #expect(html.contains(digest), "the page lacks the digest of \(path)")
            }
            for section in ["verdict", "curves", "statistics", "manifests"] {
                #expect(html.contains("<section id=\"\(section)\">"))
            }
            for forbidden in ["<script", "src=", "href=", "<link", "@import", "url(http"] {
                #expect(!html.contains(forbidden), "the page contains \(forbidden)")
            }
            let (elements, error) = XMLCollector.parse(try Self.inlineSVG(html))
            #expect(error == nil)
            #expect(elements.filter { $0.name == "path" && $0.classes == "curve" }.count == 6)
            #expect(elements.contains { $0.name == "clipPath" && $0.attributes["id"] == "report-plot-loss-clip" })
            #expect(html.contains("<h4>Configuration</h4>") && html.contains("<h4>Environment fingerprint</h4>")
                    && html.contains("<h4>Seed record</h4>") && html.contains("<h4>Determinism settings</h4>"))
            #expect(html.contains("<summary>manifest.json</summary>\n<pre>{\n  &quot;configuration&quot; : {"))
        }
    }

    @Test func verdictNamesIdenticalRunsAndTheFirstDivergence() throws {
        try withTemporaryDirectory { directory in
            let paths = try PlotTests.threeRuns(in: directory)
            let report = try Self.report(paths)
            #expect(report.digestGroups.map(\.names) == [["a", "b"], ["c"]])
            let b = localRunComparison(reference: report.runs[0], candidate: report.runs[1])
            #expect(b.identical && b.firstDivergingStep == nil && b.largestLossDifference?.value == 0)
            #expect(b.configurationDifferences.isEmpty)
            #expect(b.environmentDifferences.map(\.difference.field) == ["threadCount"])
            #expect(b.environmentDifferences[0].risk.contains("G3"))
            let c = localRunComparison(reference: report.runs[0], candidate: report.runs[2])
            #expect(!c.identical && c.configurationDifferences.map(\.field) == ["seed"])
            let lossesA = try report.runs[0].run.metrics.doubles("loss"), lossesC = try report.runs[2].run.metrics.doubles("loss")
            let firstDifferent = lossesA.indices.first { lossesA[$0] != lossesC[$0] }! + 1
            #expect(c.firstDivergingStep == firstDifferent)
            let largest = zip(lossesA, lossesC).map { abs($0 - $1) }.max()!
            #expect(c.largestLossDifference?.value == largest)
            #expect(c.headline == ValidationMetric("accuracy"))
            #expect(abs(c.largestHeadlineDifference!.value - 2) < 1e-9 && c.largestHeadlineDifference!.step == 5)

            let html = report.html()
            #expect(html.contains("3 runs, 2 different digests"))
            #expect(html.contains("<tr><td>b</td><td>bitwise identical (same digest)</td><td class=\"num\">none</td>"))
            #expect(html.contains("<tr><td>c</td><td>different digest</td><td class=\"num\">\(firstDifferent)</td>"))
            #expect(html.contains("<tr><td>seed</td><td>42</td><td>43</td></tr>"))
            #expect(html.contains("none — none in Repro: kernels are thread-count invariant (G3, tested)"))
        }
    }

    @Test func logsThatEndEarlyDivergeAtTheMissingStep() throws {
        try withTemporaryDirectory { directory in
            let long = directory.file("long"), short = directory.file("short")
            try PlotFixtureRun.write(at: long, losses: PlotFixtureRun.losses(12), accuracies: [0.5, 0.6])
            try PlotFixtureRun.write(at: short, losses: PlotFixtureRun.losses(9), accuracies: [0.5])
            let report = try Self.report([long, short])
            let comparison = localRunComparison(reference: report.runs[0], candidate: report.runs[1])
            #expect(comparison.firstDivergingStep == 10 && comparison.largestLossDifference?.value == 0)
        }
    }

    @Test func statisticsSummariseFinalAccuracy() throws {
        try withTemporaryDirectory { directory in
            let sweep = directory.file("sweep")
            for (seed, accuracy) in [(1, 0.90), (2, 0.92), (3, 0.94)] {
                try PlotFixtureRun.write(at: sweep + "/seed-\(seed)", seed: UInt64(seed), losses: PlotFixtureRun.losses(10),
                                       accuracies: [0.5, accuracy], model: [UInt8(seed)])
            }
            let html = try Self.report([sweep]).html()
            // 92 ± t.975(2) · 2 · √(1 + 1/3) = 92 ± 9.94, the upper end clamped to 100 %.
            #expect(html.contains("<tr><td>sweep</td><td>1–3</td><td class=\"num\">3</td><td class=\"num\">92.00 %</td>"
                                  + "<td class=\"num\">2 pp</td><td class=\"num\">90.00 %</td><td class=\"num\">94.00 %</td>"
                                  + "<td>82.06 % – 100.00 %</td></tr>"))
            #expect(!html.contains("all 3 runs"))  // one sweep: its row is the summary
            #expect(html.contains("3 runs, 3 different digests: no two of them are bitwise identical."))
            #expect(html.contains("<tr><td>sweep/seed-2</td><td class=\"num\">2</td>"))
            #expect(html.contains("Each run against sweep/seed-1"))

            let single = try Self.report([sweep + "/seed-1"]).html()
            #expect(single.contains("One run: nothing to compare.") && !single.contains("<th>mean</th>"))
        }
    }

    @Test func runNamesAndManifestTextAreEscaped() throws {
        try withTemporaryDirectory { directory in
            let odd = directory.file("run <&> \"quoted\"")
            try PlotFixtureRun.write(at: odd, losses: PlotFixtureRun.losses(10), accuracies: [0.5], cpuModel: "<b>CPU</b> & \"co\"")
            let plain = directory.file("plain")
            try PlotFixtureRun.write(at: plain, losses: PlotFixtureRun.losses(10), accuracies: [0.6], model: [7])
            let html = try Self.report([odd, plain]).html()
            #expect(!html.contains("run <&>") && !html.contains("<b>CPU"))
            #expect(html.contains("run &lt;&amp;&gt; &quot;quoted&quot;"))
            #expect(html.contains("<td class=\"mono\">&lt;b&gt;CPU&lt;/b&gt; &amp; &quot;co&quot;</td>"))
            #expect(html.contains("&quot;cpuModel&quot; : &quot;&lt;b&gt;CPU&lt;/b&gt; &amp; \\&quot;co\\&quot;&quot;"))
            #expect(html.contains("<title>Repro report: run &lt;&amp;&gt; &quot;quoted&quot;, plain</title>"))
            #expect(XMLCollector.parse(try Self.inlineSVG(html)).error == nil)
        }
    }

    @Test func sameRunsGiveTheSameBytes() throws {
        try withTemporaryDirectory { directory in
            let paths = try PlotTests.threeRuns(in: directory)
            let first = try Self.report(paths).html(), second = try Self.report(paths).html()
            #expect(first == second)
            let log = try Self.report(paths) { $0.logScale = true }.html(), logAgain = try Self.report(paths) { $0.logScale = true }.html()
            #expect(log == logAgain)
        }
    }

    @Test func commandExitsTwoOnBadInputAndWritesThePage() throws {
        try #require(ReproExecutable.exists, "build the repro executable first (swift build)")
        try withTemporaryDirectory { directory in
            let paths = try PlotTests.threeRuns(in: directory)
            try PlotFixtureRun.writeUnfinished(at: directory.file("unfinished"))
            for (arguments, mention) in [([directory.file("missing")], "no such run directory"),
                                         ([paths[0], directory.file("unfinished")], "unfinished run"),
                                         ([], "at least one run"),
                                         ([paths[0], "--out", paths[0] + "/report.html"], "lies inside the run")] {
                let result = try ReproExecutable.run(["report"] + arguments)
                #expect(result.status == 2, "repro report \(arguments): \(result.stderr)")
                #expect(result.stderr.contains(mention), "repro report \(arguments): \(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
            let out = directory.file("report.html")
            let written = try ReproExecutable.run(["report"] + paths + ["--out", out])
            #expect(written.status == 0, "\(written.stderr)")
            let expected = try Self.report(paths).html(), expectedSingle = try Self.report([paths[0]]).html()
            #expect(String(decoding: try AtomicFile.read(out), as: UTF8.self) == expected)
            let printed = try ReproExecutable.run(["report", paths[0]])
            #expect(printed.status == 0 && printed.stdout == expectedSingle)
        }
    }
}
