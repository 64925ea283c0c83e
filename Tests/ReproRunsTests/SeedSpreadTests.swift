import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// Statistical reproducibility as a test with a criterion (``SeedSpread``, ``NewSeedCheck``):
/// quantiles against published tables, prediction intervals and sample sizes against SciPy 1.17.1
/// (`scipy.stats.t.interval(0.95, n − 1, loc=mean, scale=sd·√(1 + 1/n))`, `scipy.stats.norm.ppf`;
/// the values below were computed with it and are written out), and the resolution of an
/// accuracy inferred from logged fractions k/359.
@Suite struct SeedSpreadTests {
    /// `got` within `relative` of `expected`.
    static func close(_ got: Double, _ expected: Double, _ relative: Double = 1e-9) -> Bool {
        abs(got - expected) <= relative * abs(expected)
    }

    /// Two-sided 95 % critical values t₀.₉₇₅(ν) as printed (three decimals) in the t table of any
    /// statistics textbook (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2).
    @Test func tQuantilesMatchThePublishedTable() {
        let table: [(Double, Double)] = [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (7, 2.365),
                                         (10, 2.228), (30, 2.042)]
        for (df, t) in table {
            let got = StudentT(degreesOfFreedom: df).quantile(0.975)
            #expect(abs(got - t) <= 0.0005, "t.975(\(df)) = \(got), table \(t)")
        }
        #expect(Self.close(SampleSummary([1, 2, 3, 4]).studentQuantile()!, 3.1824463052837078))  // scipy t.ppf(0.975, 3)
    }

    /// z₀.₉₇₅ = 1.960 and z₀.₈ = 0.842 in the normal table; to full precision as SciPy's `norm.ppf`.
    @Test func normalQuantilesMatchTheTableAndSciPy() {
        #expect(abs(StandardNormal.quantile(0.975) - 1.960) < 0.0005 && abs(StandardNormal.quantile(0.8) - 0.842) < 0.0005)
        #expect(Self.close(StandardNormal.quantile(0.975), 1.959963984540054, 1e-12))
        #expect(Self.close(StandardNormal.quantile(0.8), 0.8416212335729143, 1e-12))
        #expect(Self.close(StandardNormal.quantile(0.025), -1.959963984540054, 1e-12))
    }

    /// 1, 2, 3, 4, 5: mean 3, SD √2.5; by hand 3 ± 2.776445 · 1.581139 · √1.2 = 3 ± 4.808944.
    @Test func predictionIntervalMatchesSciPy() throws {
        let interval = try #require(SampleSummary([1, 2, 3, 4, 5]).predictionInterval())
        #expect(Self.close(interval.lowerBound, -1.8089439866284946) && Self.close(interval.upperBound, 7.808943986628495))
        #expect(SampleSummary([0.97]).predictionInterval() == nil)
        // Wider than the confidence interval of the mean by √(1 + n) = √6.
        let ci = try #require(SampleSummary([1, 2, 3, 4, 5]).confidenceInterval())
        #expect(Self.close((interval.upperBound - 3) / (ci.upperBound - 3), 6.0.squareRoot()))
    }

    @Test func sampleCountIsTheDenominatorOfTheLoggedFractions() {
        #expect(SeedSpread.sampleCount([351, 353, 350, 0, 359].map { Double($0) / 359 }) == 359)
        #expect(SeedSpread.sampleCount([1797, 1790, 1500].map { Double($0) / 1797 }) == 1797)
        #expect(SeedSpread.sampleCount([0.5, 0.25, 0.75]) == 4)
        // Every numerator even: only half the count can be told from the values.
        #expect(SeedSpread.sampleCount([350, 352].map { Double($0) / 360 }) == 180)
        #expect(SeedSpread.sampleCount([0, 1, 1]) == nil)
        #expect(SeedSpread.sampleCount([0.123456789], limit: 1000) == nil)
    }

    /// Writes seed `seed`'s run with accuracies k/359 at three evaluations (steps 5, 10, 15).
    static func run(_ path: String, seed: UInt64, correct: [Int]) throws -> RunRecord {
        try PlotFixtureRun.write(at: path, seed: seed, losses: PlotFixtureRun.losses(15), accuracies: correct.map { Double($0) / 359 })
        return try RunRecord.load(path)
    }

    /// Seeds 44–48 with final accuracies 351, 353, 350, 352, 354 of 359 samples.
    static func others(in directory: TemporaryDirectory) throws -> [RunRecord] {
        try zip(44...48, [351, 353, 350, 352, 354]).map { seed, final in
            try run(directory.file("spread/seed-\(seed)"), seed: UInt64(seed), correct: [final - 20, final - 5, final])
        }
    }

    @Test func spreadPredictsOneMoreSeed() throws {
        try withTemporaryDirectory { directory in
            let spread = try SeedSpread(try Self.others(in: directory))
            #expect(spread.metric == ValidationMetric("accuracy") && spread.seedText == "44–48")
            #expect(Self.close(spread.summary.mean, 98.05013927576601) && Self.close(spread.summary.standardDeviation!, 0.44042864347748917))
            let prediction = try #require(spread.prediction)
            #expect(Self.close(prediction.lowerBound, 96.71060056082771) && Self.close(prediction.upperBound, 99.38967799070431))
            #expect(spread.validationSamples == 359 && Self.close(spread.resolution!, 100.0 / 359))
            // 2·((z.975 + z.8)·SD/δ)² = 304.50 for δ = 0.1 pp, 39.24 for one sample (SciPy).
            #expect(spread.seedsNeeded(toDetect: 0.1) == 305 && spread.seedsNeeded(toDetect: 100.0 / 359) == 40)
            #expect(spread.seedsNeeded(toDetect: 0) == nil)
            #expect(spread.predictionText == "95 % prediction interval for one more seed's final validation accuracy: "
                    + "96.71 % – 99.39 % (seeds 44–48: mean 98.05 %, SD 0.44 pp; mean ± t·SD·√(1 + 1/5), t = 2.776 with 4 degrees of freedom)")
            #expect(spread.resolutionText == "one validation sample is 0.279 pp of accuracy (359 samples, inferred from the logged validation accuracies)")
            #expect(spread.toleranceWarning(0.1)?.hasPrefix("warning: the tolerance ±0.1 pp is finer than the metric resolves") == true)
            #expect(spread.toleranceWarning(0.5) == nil)
        }
    }

    @Test func newSeedIsJudgedAgainstTheOtherSeeds() throws {
        try withTemporaryDirectory { directory in
            let spread = try SeedSpread(try Self.others(in: directory))
            let near = try NewSeedCheck(try Self.run(directory.file("seed-43"), seed: 43, correct: [332, 347, 352]), against: spread)
            #expect(near.inside == true && Self.close(near.value, 98.05013927576601))
            // The others log 331…334, 346…349 and 350…354 correct: 332, 347 and 352 lie inside each step's interval.
            #expect(near.stepsInside?.inside == 3 && near.stepsInside?.steps == 3)
            #expect(near.text.hasPrefix("final accuracy 98.05 % is inside the 95 % prediction interval for one more seed, 96.71 % – 99.39 %"))
            let far = try NewSeedCheck(try Self.run(directory.file("seed-42"), seed: 42, correct: [331, 300, 340]), against: spread)
            #expect(far.inside == false && far.stepsInside?.inside == 1)  // 331 inside; 300 and 340 far below
            #expect(far.text.contains("94.71 % is OUTSIDE the 95 % prediction interval"))
            #expect(far.text.hasSuffix("inside the per-step 95 % prediction interval at 1 of 3 evaluations"))
        }
    }

    @Test func tooFewOtherSeedsAreNotJudged() throws {
        try withTemporaryDirectory { directory in
            let spread = try SeedSpread([try Self.others(in: directory)[0]])
            #expect(spread.prediction == nil && spread.seedsNeeded(toDetect: 0.1) == nil)
            let check = try NewSeedCheck(try Self.run(directory.file("seed-43"), seed: 43, correct: [332, 347, 352]), against: spread)
            #expect(check.inside == nil && check.stepsInside == nil)
            #expect(check.text == "not judged: no prediction interval for one more seed: it needs the final validation accuracy "
                    + "of at least 2 seeds, there is 1 (seed 44)")
        }
    }

    /// The lines `repro exercise` prints on seed N+1: judged against seeds N+2 … only, with the
    /// tolerance check, the resolution, the seeds needed and the warning.
    @Test func exerciseVerdictsJudgeAgainstTheOtherSeeds() throws {
        try withTemporaryDirectory { directory in
            let others = try Self.others(in: directory)
            let a = try Self.run(directory.file("seed-42"), seed: 42, correct: [330, 345, 352])
            let b = try Self.run(directory.file("seed-43"), seed: 43, correct: [332, 347, 351])
            let lines = try SeedSpread.exerciseVerdicts(seed: 42, a, b, divergence: "diverge at step 1", others: others, tolerance: 0.1)
            #expect(lines.count == 5)
            #expect(lines[0] == "seed 42 vs seed 43: diverge at step 1; final accuracy 98.05 % vs 97.77 %, "
                    + "NOT within the tolerance ±0.1 pp (difference 0.279 pp)")
            #expect(lines[1] == "seed 43 vs seeds 44–48: " + (try NewSeedCheck(b, against: try SeedSpread(others))).text)
            #expect(lines[2].hasPrefix("resolution: one validation sample is 0.279 pp"))
            #expect(lines[3].hasPrefix("seeds needed: detecting a difference of 0.1 pp in mean final accuracy between two "
                                       + "configurations needs about 305 seeds per configuration"))
            #expect(lines[4].hasPrefix("warning: the tolerance ±0.1 pp is finer than the metric resolves"))
            let none = try SeedSpread.exerciseVerdicts(seed: 42, a, b, divergence: "diverge at step 1", others: [], tolerance: nil)
            #expect(none == ["seed 42 vs seed 43: diverge at step 1; final accuracy 98.05 % vs 97.77 %",
                             "seed 43 vs the other seeds: not judged: there are none; use --spread 4 or more for 2 seeds besides 42 and 43"])
        }
    }

    @Test func aRepeatedSeedCountsOnce() throws {
        try withTemporaryDirectory { directory in
            let others = try Self.others(in: directory)
            let again = try Self.run(directory.file("seed-44-again"), seed: 44, correct: [331, 348, 351])
            let spread = try SeedSpread(others + [again])
            #expect(spread.runs.count == 5 && spread.repeatedSeedRuns.map(\.name) == ["seed-44-again"])
        }
    }

    /// The statistics section shows the figures `repro exercise` prints: the spread's prediction
    /// interval and the check of each single run against it; a repeated seed counts once; the
    /// verdict is green when only different seeds differ.
    @Test func reportShowsTheSameFiguresAsTheExercise() throws {
        try withTemporaryDirectory { directory in
            let spread = try SeedSpread(try Self.others(in: directory))
            _ = try Self.run(directory.file("seed-42"), seed: 42, correct: [330, 345, 352])
            _ = try Self.run(directory.file("seed-42-again"), seed: 42, correct: [330, 345, 352])
            let next = try Self.run(directory.file("seed-43"), seed: 43, correct: [332, 347, 351])
            let inputs = try ["seed-42", "seed-42-again", "seed-43", "spread"].map { try PlotInput.load(directory.file($0)) }
            let html = try RunReport(inputs: inputs, tolerance: 0.1).html()
            let check = try NewSeedCheck(next, against: spread)
            #expect(html.contains(PlotText.escapeXML(check.text)))
            #expect(html.contains(PlotText.escapeXML(spread.predictionText)))
            #expect(html.contains(PlotText.escapeXML(spread.seedsNeededText(toDetect: 0.1)!)))
            #expect(html.contains("<td>all runs (1 left out)</td><td>42–48</td><td class=\"num\">7</td>"))
            #expect(!html.contains("all 8 runs"))
            #expect(html.contains("<p class=\"identical\">8 runs, 7 different digests.") && !html.contains("class=\"differ\""))
            #expect(html.contains("As expected: every two runs with the same configuration, seed and determinism settings"))
        }
    }
}
