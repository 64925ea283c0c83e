/// Statistics over a seed sweep (`repro stats`, DESIGN.md §7): the final metrics' mean, sample
/// standard deviation, range and confidence interval of the mean, and the per-step mean and
/// spread of the loss curve and the validation curves.
///
/// Final metrics come from the logs' last rows (checked against each manifest when the group is
/// loaded): the final training loss is the last `metrics.csv` loss, the final validation loss and
/// accuracy the last `eval.csv` row.
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
    /// The final validation accuracy (a fraction, 0…1).
    public let finalValidationAccuracy: SampleSummary
    /// The final validation loss.
    public let finalValidationLoss: SampleSummary
    /// The final training loss (the last step's minibatch loss).
    public let finalTrainingLoss: SampleSummary
    /// The training loss per step (`metrics.csv`).
    public let loss: [Step]
    /// The validation loss per evaluation step (`eval.csv`).
    public let validationLoss: [Step]
    /// The validation accuracy per evaluation step (`eval.csv`).
    public let validationAccuracy: [Step]

    /// The statistics of `group` (whose runs log the same steps, with finite values: see
    /// ``RunGroup/load(_:)``).
    public init(_ group: RunGroup) throws {
        self.group = group
        let losses = try group.runs.map { try $0.metrics.floats("loss").map(Double.init) }
        let validationLosses = try group.runs.map { try $0.evaluations.floats("validation_loss").map(Double.init) }
        let accuracies = try group.runs.map { try $0.evaluations.doubles("validation_accuracy") }
        finalTrainingLoss = SampleSummary(losses.map { $0.last! })
        finalValidationLoss = SampleSummary(validationLosses.map { $0.last! })
        finalValidationAccuracy = SampleSummary(accuracies.map { $0.last! })
        func perStep(_ steps: [Int], _ series: [[Double]]) -> [Step] {
            steps.indices.map { index in Step(step: steps[index], summary: SampleSummary(series.map { $0[index] })) }
        }
        let first = group.runs[0]
        loss = perStep(first.metrics.steps, losses)
        validationLoss = perStep(first.evaluations.steps, validationLosses)
        validationAccuracy = perStep(first.evaluations.steps, accuracies)
    }

    /// The final metrics by name, in report order: validation accuracy, validation loss, training loss.
    public var finalMetrics: [(name: String, summary: SampleSummary)] {
        [("validation accuracy", finalValidationAccuracy), ("validation loss", finalValidationLoss),
         ("training loss", finalTrainingLoss)]
    }

    /// The run whose final validation accuracy lies farthest from the mean, and how far.
    public var largestAccuracyDeviation: (run: RunRecord, accuracy: Double, deviation: Double) {
        let accuracies = group.runs.map { Double($0.evaluations.rows.last![3])! }
        let index = accuracies.indices.max { abs(accuracies[$0] - finalValidationAccuracy.mean)
                                             < abs(accuracies[$1] - finalValidationAccuracy.mean) }!
        return (group.runs[index], accuracies[index], abs(accuracies[index] - finalValidationAccuracy.mean))
    }

    /// At most `count` indices of `0..<total`, evenly spaced, first and last included.
    static func evenlySpaced(_ total: Int, count: Int) -> [Int] {
        guard total > count else { return Array(0..<total) }
        return (0..<count).map { ($0 * (total - 1) + (count - 1) / 2) / (count - 1) }
    }
}
