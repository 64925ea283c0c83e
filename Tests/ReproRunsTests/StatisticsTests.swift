import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// StudentT, SampleSummary, WelchTest, PairedTTest, EffectSize and Correlation against SciPy
/// (`scripts/reference_stats.py` → `Vectors/stats.json`), to 1e-9 relative.
@Suite struct StatisticsTests {
    struct Quantile: Decodable { let df: Double; let p: Double; let t: Double }
    struct Distribution: Decodable { let df: Double; let t: Double; let cdf: Double; let sf: Double }
    struct Sample: Decodable {
        let values: [Double]; let mean: Double; let sd: Double; let min: Double; let max: Double
        let ci95: [Double]; let ci99: [Double]
    }
    struct TwoSample: Decodable {
        let a: String; let b: String
        let welch_t: Double; let welch_df: Double; let welch_p: Double
        let pooled_sd: Double; let cohens_d: Double; let hedges_g: Double
    }
    struct Paired: Decodable { let a: String; let b: String; let count: Int; let t: Double; let df: Double; let p: Double; let pearson: Double }
    struct File: Decodable {
        let quantiles: [Quantile]; let distribution: [Distribution]; let samples: [String: Sample]
        let two_sample: [TwoSample]; let paired: [Paired]
    }

    static let file: File = try! Vectors.load("stats")

    /// `got` within 1e-9 relative of `expected` (or within 1e-300 of an expected 0).
    static func close(_ got: Double, _ expected: Double, _ what: @autoclosure () -> String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let ok = expected == 0 ? abs(got) < 1e-300 : (got == expected || abs(got - expected) <= 1e-9 * abs(expected))
        #expect(ok, "\(what()): got \(got), SciPy \(expected)", sourceLocation: sourceLocation)
    }

    @Test func quantilesMatchSciPy() {
        for q in Self.file.quantiles {
            Self.close(StudentT(degreesOfFreedom: q.df).quantile(q.p), q.t, "t.ppf(\(q.p), \(q.df))")
        }
    }

    @Test func distributionMatchesSciPy() {
        for d in Self.file.distribution {
            let t = StudentT(degreesOfFreedom: d.df)
            Self.close(t.cdf(d.t), d.cdf, "t.cdf(\(d.t), \(d.df))")
            Self.close(t.survival(d.t), d.sf, "t.sf(\(d.t), \(d.df))")
        }
    }

    @Test func quantileInvertsTheDistribution() {
        for df in [1.0, 2.5, 7, 40] {
            let t = StudentT(degreesOfFreedom: df)
            for p in stride(from: 0.01, to: 1, by: 0.07) { Self.close(t.cdf(t.quantile(p)), p, "cdf(ppf(\(p))), df \(df)") }
        }
    }

    @Test func edgeCases() {
        let t = StudentT(degreesOfFreedom: 3)
        #expect(t.quantile(0) == -.infinity)
        #expect(t.quantile(1) == .infinity)
        #expect(t.quantile(0.5) == 0)
        #expect(t.quantile(1.5).isNaN)
        #expect(t.cdf(.infinity) == 1)
        #expect(t.cdf(-.infinity) == 0)
        #expect(t.cdf(.nan).isNaN)
        #expect(t.twoSidedPValue(0) == 1)
    }

    @Test func sampleSummariesMatchNumpyAndSciPy() throws {
        for (name, sample) in Self.file.samples {
            let summary = SampleSummary(sample.values)
            #expect(summary.count == sample.values.count)
            Self.close(summary.mean, sample.mean, "\(name) mean")
            Self.close(try #require(summary.standardDeviation), sample.sd, "\(name) sd")
            #expect(summary.minimum == sample.min && summary.maximum == sample.max, "\(name) min/max")
            for (level, expected) in [(0.95, sample.ci95), (0.99, sample.ci99)] {
                let interval = try #require(summary.confidenceInterval(level: level))
                Self.close(interval.lowerBound, expected[0], "\(name) \(level) CI low")
                Self.close(interval.upperBound, expected[1], "\(name) \(level) CI high")
            }
        }
    }

    @Test func oneValueHasNoSpreadOrInterval() {
        let summary = SampleSummary([0.97])
        #expect(summary.mean == 0.97 && summary.standardDeviation == nil && summary.confidenceInterval() == nil)
    }

    @Test func twoSampleTestsMatchSciPy() throws {
        for case_ in Self.file.two_sample {
            let a = SampleSummary(Self.file.samples[case_.a]!.values), b = SampleSummary(Self.file.samples[case_.b]!.values)
            let welch = try #require(WelchTest(a, b))
            Self.close(welch.t, case_.welch_t, "\(case_.a)/\(case_.b) Welch t")
            Self.close(welch.degreesOfFreedom, case_.welch_df, "\(case_.a)/\(case_.b) Welch df")
            Self.close(welch.pValue, case_.welch_p, "\(case_.a)/\(case_.b) Welch p")
            let effect = try #require(EffectSize(a, b))
            Self.close(effect.pooledStandardDeviation, case_.pooled_sd, "\(case_.a)/\(case_.b) pooled sd")
            Self.close(effect.cohensD, case_.cohens_d, "\(case_.a)/\(case_.b) Cohen's d")
            Self.close(effect.hedgesG, case_.hedges_g, "\(case_.a)/\(case_.b) Hedges' g")
        }
    }

    @Test func pairedTestsAndCorrelationMatchSciPy() throws {
        for case_ in Self.file.paired {
            let a = Array(Self.file.samples[case_.a]!.values.prefix(case_.count))
            let b = Array(Self.file.samples[case_.b]!.values.prefix(case_.count))
            let test = try #require(PairedTTest(differences: zip(a, b).map { $0 - $1 }))
            Self.close(test.t, case_.t, "\(case_.a)/\(case_.b) paired t")
            #expect(test.degreesOfFreedom == case_.df)
            Self.close(test.pValue, case_.p, "\(case_.a)/\(case_.b) paired p")
            Self.close(try #require(Correlation.pearson(a, b)), case_.pearson, "\(case_.a)/\(case_.b) Pearson r")
        }
    }

    @Test func undefinedTestsAreNil() {
        let flat = SampleSummary([1, 1, 1]), one = SampleSummary([2])
        #expect(WelchTest(flat, flat) == nil)
        #expect(WelchTest(one, flat) == nil)
        #expect(EffectSize(flat, flat) == nil)
        #expect(PairedTTest(differences: [0.5, 0.5]) == nil)
        #expect(PairedTTest(differences: [0.5]) == nil)
        #expect(Correlation.pearson([1, 2], [3, 3]) == nil)
        #expect(WelchTest(flat, SampleSummary([1, 2, 3])) != nil)
    }
}
