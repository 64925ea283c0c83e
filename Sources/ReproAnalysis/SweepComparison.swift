import ReproRuns

/// Two seed sweeps compared (`repro stats DIR… --baseline DIR`): an ablation, the same seeds with
/// one setting changed. For each final validation metric and the validation loss: the difference of means,
/// Welch's t-test, Cohen's d and Hedges' g, and, over the seeds both sweeps ran, the paired
/// t-test; for the loss curves, the correlation of the per-step means.
///
/// Differences are "sweep − baseline".
public struct SweepComparison: Sendable {
    /// One final metric compared.
    public struct Metric: Sendable {
        /// The metric compared.
        public let metric: ValidationMetric
        /// Its label: `validation accuracy`, `validation loss`.
        public var name: String { metric.label }
        /// `mean(sweep) − mean(baseline)`.
        public let meanDifference: Double
        /// Welch's test; nil when a sweep has one run or neither varies.
        public let welch: WelchTest?
        /// Cohen's d and Hedges' g; nil when the pooled standard deviation is 0 or undefined.
        public let effectSize: EffectSize?
        /// The per-seed differences of the paired seeds, in ``SweepComparison/pairedSeeds`` order.
        public let pairedDifferences: [Double]
        /// The paired t-test; nil for fewer than two pairs or differences that do not vary.
        public let paired: PairedTTest?
    }

    /// The sweep.
    public let sweep: RunStatistics
    /// The baseline.
    public let baseline: RunStatistics
    /// The seeds that occur exactly once in each sweep, which are paired, ascending.
    public let pairedSeeds: [UInt64]
    /// Seeds of the sweep without a partner in the baseline (or repeated), ascending.
    public let unpairedSweepSeeds: [UInt64]
    /// Seeds of the baseline without a partner in the sweep (or repeated), ascending.
    public let unpairedBaselineSeeds: [UInt64]
    /// Each final validation metric in `eval.csv` order, then the final validation loss.
    public let metrics: [Metric]
    /// The steps both sweeps log in `metrics.csv`.
    public let commonLossSteps: Int
    /// Pearson's r of the per-step mean training loss over the common steps; nil when undefined
    /// (fewer than two common steps, or a flat curve).
    public let lossCurveCorrelation: Double?
    /// Configuration fields (other than the seed) whose values differ between the sweeps' first
    /// runs: the knob the ablation changed.
    public let settingDifferences: [SettingDifference]

    /// Compares `sweep` with `baseline`.
    ///
    /// - Throws: ``RunFileError`` naming a run of each when the sweeps log different validation
    ///   metrics (``RunRecord/requireSameMetricNames(_:)``).
    public init(_ sweep: RunStatistics, baseline: RunStatistics) throws {
        try RunRecord.requireSameMetricNames([sweep.group.runs[0], baseline.group.runs[0]])
        self.sweep = sweep
        self.baseline = baseline
        func single(_ seeds: [UInt64]) -> Set<UInt64> {
            Set(Dictionary(grouping: seeds, by: { $0 }).filter { $0.value.count == 1 }.keys)
        }
        let paired = single(sweep.group.seeds).intersection(single(baseline.group.seeds)).sorted()
        pairedSeeds = paired
        unpairedSweepSeeds = sweep.group.seeds.filter { !paired.contains($0) }.sorted()
        unpairedBaselineSeeds = baseline.group.seeds.filter { !paired.contains($0) }.sorted()

        func finals(_ statistics: RunStatistics, _ metric: ValidationMetric) -> [UInt64: Double] {
            Dictionary(zip(statistics.group.seeds, statistics.runFinals[metric]!).map { ($0, $1) },
                       uniquingKeysWith: { first, _ in first })
        }
        var metrics: [Metric] = []
        for metric in sweep.group.metricNames.map(ValidationMetric.init) + [.loss] {
            let (a, b) = (sweep.finalSummary(metric), baseline.finalSummary(metric))
            let (x, y) = (finals(sweep, metric), finals(baseline, metric))
            let differences = paired.map { x[$0]! - y[$0]! }
            metrics.append(Metric(metric: metric, meanDifference: a.mean - b.mean, welch: WelchTest(a, b),
                                  effectSize: EffectSize(a, b), pairedDifferences: differences,
                                  paired: PairedTTest(differences: differences)))
        }
        self.metrics = metrics

        let baselineMeans = Dictionary(uniqueKeysWithValues: baseline.loss.map { ($0.step, $0.summary.mean) })
        let common = sweep.loss.compactMap { step in baselineMeans[step.step].map { (step.summary.mean, $0) } }
        commonLossSteps = common.count
        lossCurveCorrelation = Correlation.pearson(common.map(\.0), common.map(\.1))
        settingDifferences = SettingDifference.between(sweep.group.runs[0].manifest, baseline.group.runs[0].manifest)
            .filter { $0.field.hasPrefix("configuration.") && $0.field != "configuration.seed" }
    }
}
