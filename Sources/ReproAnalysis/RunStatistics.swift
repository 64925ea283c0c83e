import ReproRuns

/// Statistics over a seed sweep (`repro stats`, docs/ARCHITECTURE.md §7): the final metrics' mean, sample
/// standard deviation, range and confidence interval of the mean, and the per-step mean and
/// spread of the loss curve and the validation curves.
///
/// Final metrics come from the logs' last rows (checked against each manifest when the group is
/// loaded): the final training loss is the last `metrics.csv` loss, the final validation loss and
/// validation metrics (any number, named by the task: `accuracy`, …) the last `eval.csv` row.
public struct RunStatistics: Sendable {
    /// One step's values over the runs.
    public struct Step: Sendable, Hashable {
        /// The step.
        public let step: Int
        /// The values of the runs at that step, summarised.
        public let summary: SampleSummary
    }

    /// The runs.
    public let group: RunGroup
    /// The final validation loss.
    public let finalValidationLoss: SampleSummary
    /// The final training loss (the last step's minibatch loss).
    public let finalTrainingLoss: SampleSummary
    /// The final value of each validation metric (``RunGroup/metricNames``), by metric name; an
    /// accuracy as a fraction, 0…1.
    public let finalValidationMetrics: [String: SampleSummary]
    /// The training loss per step (`metrics.csv`).
    public let loss: [Step]
    /// The validation loss per evaluation step (`eval.csv`).
    public let validationLoss: [Step]
    /// Each validation metric per evaluation step (`eval.csv`), by metric name.
    public let validationMetrics: [String: [Step]]
    /// Each run's final value of the validation loss and of each metric, in the order of the runs.
    let runFinals: [ValidationMetric: [Double]]
    /// The seed spread of the headline metric: what these runs predict for one more seed.
    package let spread: SeedSpread

    /// The statistics of `group` (whose runs log the same metrics and steps, with finite values:
    /// see ``RunGroup/load(_:)``).
    public init(_ group: RunGroup) throws {
        self.group = group
        let losses = try group.runs.map { try $0.metrics.floats("loss").map(Double.init) }
        func perStep(_ steps: [Int], _ series: [[Double]]) -> [Step] {
            steps.indices.map { index in Step(step: steps[index], summary: SampleSummary(series.map { $0[index] })) }
        }
        let first = group.runs[0]
        finalTrainingLoss = SampleSummary(losses.map { $0.last! })
        loss = perStep(first.metrics.steps, losses)
        var finals: [ValidationMetric: SampleSummary] = [:]
        var curves: [ValidationMetric: [Step]] = [:]
        var runFinals: [ValidationMetric: [Double]] = [:]
        for metric in ValidationMetric.all(metrics: group.metricNames) {
            let values = try group.runs.map { try metric.values(in: $0.evaluations) }
            runFinals[metric] = values.map { $0.last! }
            finals[metric] = SampleSummary(runFinals[metric]!)
            curves[metric] = perStep(first.evaluations.steps, values)
        }
        self.runFinals = runFinals
        spread = try SeedSpread(group.runs)
        finalValidationLoss = finals[.loss]!
        validationLoss = curves[.loss]!
        finalValidationMetrics = Dictionary(uniqueKeysWithValues: group.metricNames.map { ($0, finals[ValidationMetric($0)]!) })
        validationMetrics = Dictionary(uniqueKeysWithValues: group.metricNames.map { ($0, curves[ValidationMetric($0)]!) })
    }

    /// The metric shown where one number per run is shown: the first validation metric, or the
    /// validation loss when the runs log none (``ValidationMetric/headline(metrics:)``).
    public var headline: ValidationMetric { .headline(metrics: group.metricNames) }

    /// The final values of `metric` (the validation loss or one of ``RunGroup/metricNames``).
    public func finalSummary(_ metric: ValidationMetric) -> SampleSummary {
        metric.isLoss ? finalValidationLoss : finalValidationMetrics[metric.name]!
    }

    /// The per-evaluation curve of `metric` (the validation loss or one of ``RunGroup/metricNames``).
    public func curve(_ metric: ValidationMetric) -> [Step] {
        metric.isLoss ? validationLoss : validationMetrics[metric.name]!
    }

    /// The final metrics by name as the report shows them, in report order: each validation
    /// metric in `eval.csv` order (an accuracy in percent: `validation accuracy (%)`), the
    /// validation loss, the training loss.
    public var finalMetrics: [(name: String, summary: SampleSummary)] {
        group.metricNames.map(ValidationMetric.init).map { ($0.label + $0.unitSuffix, $0.displayed(finalSummary($0))) }
            + [("validation loss", finalValidationLoss), ("training loss", finalTrainingLoss)]
    }

    /// The run whose final value of the ``headline`` metric lies farthest from the mean, that
    /// value, and how far, as logged (an accuracy as a fraction).
    var largestDeviation: (metric: ValidationMetric, run: RunRecord, value: Double, deviation: Double) {
        let metric = headline
        let mean = finalSummary(metric).mean
        let finals = runFinals[metric]!
        let index = finals.indices.max { abs(finals[$0] - mean) < abs(finals[$1] - mean) }!
        return (metric, group.runs[index], finals[index], abs(finals[index] - mean))
    }

    /// At most `count` indices of `0..<total`, evenly spaced, first and last included.
    static func evenlySpaced(_ total: Int, count: Int) -> [Int] {
        guard total > count else { return Array(0..<total) }
        return (0..<count).map { ($0 * (total - 1) + (count - 1) / 2) / (count - 1) }
    }
}
