import ReproRuns

/// A curve: y values at x values, in increasing x. A non-finite y is a gap: the line breaks there.
struct PlotCurve: Sendable, Equatable {
    /// The x values (steps), increasing.
    var x: [Double]
    /// The y values; NaN or ±∞ where nothing is drawn.
    var y: [Double]

    /// A curve through the given points.
    init(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "a curve needs as many x as y values")
        self.x = x
        self.y = y
    }

    /// The trailing moving average over `window` points: each point becomes the mean of the finite
    /// values among itself and the `window − 1` points before it (fewer at the start). A point
    /// whose own value is not finite stays a gap; `window` ≤ 1 returns the curve unchanged.
    ///
    /// - Complexity: O(n), a running sum over the finite values of the window.
    /// - Determinism: the sum is kept in a fixed order (add the new value, subtract the leaving
    ///   one), so the same curve always gives the same bits.
    func movingAverage(window: Int) -> PlotCurve {
        guard window > 1 else { return self }
        var result = y
        var sum = 0.0
        var count = 0
        for index in y.indices {
            if y[index].isFinite { sum += y[index]; count += 1 }
            if index >= window, y[index - window].isFinite { sum -= y[index - window]; count -= 1 }
            result[index] = y[index].isFinite && count > 0 ? sum / Double(count) : .nan
        }
        return PlotCurve(x: x, y: result)
    }
}

/// What a sweep's curves aggregate to at the x values common to all its runs: the mean and the
/// band's lower and upper edges. At an x where some run's value is not finite, all three are NaN.
struct PlotAggregate: Sendable, Equatable {
    /// The mean curve.
    var mean: PlotCurve
    /// The band's lower edge (mean − SD, or the minimum).
    var lower: [Double]
    /// The band's upper edge (mean + SD, or the maximum).
    var upper: [Double]
    /// How many x values some run has that are not common to all (left out).
    var droppedSteps: Int
    /// How many common x values have a non-finite value in some run (gaps).
    var nonFiniteSteps: Int

    /// Aggregates `curves` over the x values they all share. The standard deviation is the sample
    /// one (n − 1; 0 for a single curve). The band's edges are clamped to `limits`, the values the
    /// quantity can take (a loss no lower than 0, an accuracy 0…100 %), so mean − SD never draws
    /// a negative loss.
    ///
    /// - Determinism: values are summed in the order of `curves`.
    init(_ curves: [PlotCurve], band: PlotBand, limits: ClosedRange<Double> = -Double.infinity...Double.infinity) {
        var common: Set<Double>? = nil
        for curve in curves { common = common.map { $0.intersection(curve.x) } ?? Set(curve.x) }
        let xs = (common ?? []).sorted()
        let lookups: [[Double: Double]] = curves.map { curve in
            Dictionary(zip(curve.x, curve.y).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
        var mean: [Double] = [], lower: [Double] = [], upper: [Double] = []
        var nonFinite = 0
        for x in xs {
            let values: [Double] = lookups.map { $0[x]! }
            guard values.allSatisfy({ $0.isFinite }) else {
                nonFinite += 1
                mean.append(.nan); lower.append(.nan); upper.append(.nan)
                continue
            }
            let average = values.reduce(0, +) / Double(values.count)
            mean.append(average)
            switch band {
            case .std:
                let deviation = Self.sampleStandardDeviation(values, mean: average)
                lower.append(min(max(average - deviation, limits.lowerBound), limits.upperBound))
                upper.append(min(max(average + deviation, limits.lowerBound), limits.upperBound))
            case .minmax:
                lower.append(values.min()!)
                upper.append(values.max()!)
            }
        }
        self.mean = PlotCurve(x: xs, y: mean)
        self.lower = lower
        self.upper = upper
        self.droppedSteps = Set(curves.flatMap(\.x)).count - xs.count
        self.nonFiniteSteps = nonFinite
    }

    /// The sample standard deviation (n − 1 in the denominator) of `values` around `mean`; 0 for
    /// fewer than two values. Summed in the order given.
    static func sampleStandardDeviation(_ values: [Double], mean: Double) -> Double {
        guard values.count > 1 else { return 0 }
        var sum = 0.0
        for value in values { sum += (value - mean) * (value - mean) }
        return (sum / Double(values.count - 1)).squareRoot()
    }
}

/// One validation curve of a series, drawn in its own panel below the loss: a run's values, or a
/// sweep's mean with its band.
struct PlotEvaluation: Sendable {
    /// What is drawn.
    let metric: ValidationMetric
    /// The values per evaluation in the unit shown (percent for an accuracy), or a sweep's mean.
    let curve: PlotCurve
    /// The band around a sweep's mean; nil for a run.
    let band: (lower: [Double], upper: [Double])?
}

/// One legend entry of a loss-curve figure and what is drawn for it: a run's curves, or a sweep's
/// mean curves with their bands.
struct PlotSeries: Sendable {
    /// The legend name.
    let name: String
    /// The training loss (smoothed when asked), or a sweep's mean of its runs' smoothed losses.
    let loss: PlotCurve
    /// The unsmoothed loss of a single run when smoothing is on (drawn faintly behind); else nil.
    let rawLoss: PlotCurve?
    /// The band around a sweep's mean loss (lower, upper); nil for a run.
    let lossBand: (lower: [Double], upper: [Double])?
    /// The validation curves, one per panel below the loss (``panelMetrics(_:)``): each validation
    /// metric of the runs, or the validation loss when they have none.
    let evaluations: [PlotEvaluation]
    /// The metric whose final values the legend shows (``ValidationMetric/headline(metrics:)``).
    let headline: ValidationMetric
    /// The run's digest; nil for a sweep.
    let digest: String?
    /// The number of runs behind the curves.
    let runCount: Int
    /// Each run's final value of ``headline`` in the unit shown (percent for an accuracy), from its
    /// manifest.
    let finalValues: [Double]
    /// For a run whose digest equals an earlier run's on the figure: that run's name.
    var identicalTo: String?
    /// What the reader should know: steps not drawn and why.
    var notes: [String]

    /// The metrics drawn below the loss for runs with the validation metrics `names`: each of
    /// them, or the validation loss when there are none.
    static func panelMetrics(_ names: [String]) -> [ValidationMetric] {
        names.isEmpty ? [.loss] : names.map(ValidationMetric.init)
    }

    /// The series for `input`, named `name`: losses smoothed by a trailing moving average over
    /// `smoothing` steps (1: none), a sweep aggregated with `band`. A sweep's runs must log the
    /// same validation metrics.
    ///
    /// - Throws: ``RunFileError`` when a log lacks the loss or a validation column, or a sweep's
    ///   runs log different metrics.
    init(_ input: PlotInput, name: String, smoothing: Int, band: PlotBand) throws {
        self.name = name
        var notes: [String] = []
        let runs = input.runs
        try RunRecord.requireSameMetricNames(runs)
        let metrics = Self.panelMetrics(runs[0].metricNames)
        let headline = ValidationMetric.headline(metrics: runs[0].metricNames)
        self.headline = headline
        func curves(_ run: RunRecord) throws -> (loss: PlotCurve, evaluations: [PlotCurve]) {
            let loss = PlotCurve(x: run.metrics.steps.map(Double.init), y: try run.metrics.floats("loss").map(Double.init))
            let steps = run.evaluations.steps.map(Double.init)
            let evaluations = try metrics.map { metric in
                PlotCurve(x: steps, y: try metric.values(in: run.evaluations).map(metric.displayed))
            }
            return (loss, evaluations)
        }
        func nonFiniteNote(_ curve: PlotCurve, _ what: String, _ owner: String) {
            let bad = curve.x.indices.filter { !curve.y[$0].isFinite }
            guard !bad.isEmpty else { return }
            let steps = bad.prefix(5).map { PlotNumber.fixed(curve.x[$0], 0) }.joined(separator: ", ")
            notes.append("\(owner): \(bad.count) non-finite \(what) value\(bad.count == 1 ? "" : "s") (nan/inf) not drawn, the line breaks there "
                         + "(step\(bad.count > 1 ? "s" : "") \(steps)\(bad.count > 5 ? ", …" : ""))")
        }
        switch input {
        case .run(let run):
            let (raw, evaluations) = try curves(run)
            nonFiniteNote(raw, "loss", name)
            for (metric, curve) in zip(metrics, evaluations) { nonFiniteNote(curve, metric.shortLabel, name) }
            loss = raw.movingAverage(window: smoothing)
            rawLoss = smoothing > 1 ? raw : nil
            lossBand = nil
            self.evaluations = zip(metrics, evaluations).map { PlotEvaluation(metric: $0, curve: $1, band: nil) }
            digest = run.digest
        case .sweep(_, let runs):
            let each = try runs.map(curves)
            for (run, curve) in zip(runs, each) {
                nonFiniteNote(curve.loss, "loss", "\(name)/\(run.name)")
                for (metric, evaluation) in zip(metrics, curve.evaluations) {
                    nonFiniteNote(evaluation, metric.shortLabel, "\(name)/\(run.name)")
                }
            }
            // A band stays where the values can be: a loss that is never negative stays ≥ 0, an accuracy in 0…100 %.
            func limits(_ curves: [PlotCurve], percent: Bool) -> ClosedRange<Double> {
                if percent { return 0...100 }
                return curves.allSatisfy { $0.y.allSatisfy { !($0 < 0) } } ? 0...Double.infinity : -Double.infinity...Double.infinity
            }
            let losses = each.map { $0.loss.movingAverage(window: smoothing) }
            let lossAggregate = PlotAggregate(losses, band: band, limits: limits(losses, percent: false))
            let evaluationAggregates = metrics.indices.map { index in
                let curves = each.map { $0.evaluations[index] }
                return PlotAggregate(curves, band: band, limits: limits(curves, percent: metrics[index].isPercent))
            }
            let droppedEvaluations = evaluationAggregates[0].droppedSteps  // every metric has the same evaluation steps
            if lossAggregate.droppedSteps > 0 || droppedEvaluations > 0 {
                notes.append("\(name): the runs log different steps; the mean uses only the steps all \(runs.count) runs share "
                             + "(\(lossAggregate.droppedSteps) training and \(droppedEvaluations) evaluation steps left out)")
            }
            loss = lossAggregate.mean
            rawLoss = nil
            lossBand = (lossAggregate.lower, lossAggregate.upper)
            evaluations = zip(metrics, evaluationAggregates).map {
                PlotEvaluation(metric: $0, curve: $1.mean, band: ($1.lower, $1.upper))
            }
            digest = nil
        }
        runCount = runs.count
        finalValues = runs.map { headline.displayed(headline.finalValue($0.manifest.finalMetrics) ?? .nan) }
        identicalTo = nil
        self.notes = notes
    }
}
