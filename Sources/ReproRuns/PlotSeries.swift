/// A curve: y values at x values, in increasing x. A non-finite y is a gap: the line breaks there.
public struct PlotCurve: Sendable, Equatable {
    /// The x values (steps), increasing.
    public var x: [Double]
    /// The y values; NaN or ±∞ where nothing is drawn.
    public var y: [Double]

    /// A curve through the given points.
    public init(x: [Double], y: [Double]) {
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
    public func movingAverage(window: Int) -> PlotCurve {
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
public struct PlotAggregate: Sendable, Equatable {
    /// The mean curve.
    public var mean: PlotCurve
    /// The band's lower edge (mean − SD, or the minimum).
    public var lower: [Double]
    /// The band's upper edge (mean + SD, or the maximum).
    public var upper: [Double]
    /// How many x values some run has that are not common to all (left out).
    public var droppedSteps: Int
    /// How many common x values have a non-finite value in some run (gaps).
    public var nonFiniteSteps: Int

    /// Aggregates `curves` over the x values they all share. The standard deviation is the sample
    /// one (n − 1; 0 for a single curve).
    ///
    /// - Determinism: values are summed in the order of `curves`.
    public init(_ curves: [PlotCurve], band: PlotBand) {
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
                lower.append(average - deviation)
                upper.append(average + deviation)
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
    public static func sampleStandardDeviation(_ values: [Double], mean: Double) -> Double {
        guard values.count > 1 else { return 0 }
        var sum = 0.0
        for value in values { sum += (value - mean) * (value - mean) }
        return (sum / Double(values.count - 1)).squareRoot()
    }
}

/// One legend entry of a loss-curve figure and what is drawn for it: a run's curves, or a sweep's
/// mean curves with their bands.
public struct PlotSeries: Sendable {
    /// The legend name.
    public let name: String
    /// The training loss (smoothed when asked), or a sweep's mean of its runs' smoothed losses.
    public let loss: PlotCurve
    /// The unsmoothed loss of a single run when smoothing is on (drawn faintly behind); else nil.
    public let rawLoss: PlotCurve?
    /// The band around a sweep's mean loss (lower, upper); nil for a run.
    public let lossBand: (lower: [Double], upper: [Double])?
    /// Validation accuracy in percent per evaluation, or a sweep's mean.
    public let accuracy: PlotCurve
    /// The band around a sweep's mean accuracy; nil for a run.
    public let accuracyBand: (lower: [Double], upper: [Double])?
    /// The run's digest; nil for a sweep.
    public let digest: String?
    /// The number of runs behind the curves.
    public let runCount: Int
    /// Each run's final validation accuracy in percent, from its manifest.
    public let finalAccuracies: [Double]
    /// For a run whose digest equals an earlier run's on the figure: that run's name.
    public internal(set) var identicalTo: String?
    /// What the reader should know: steps not drawn and why.
    public internal(set) var notes: [String]

    /// The series for `input`, named `name`: losses smoothed by a trailing moving average over
    /// `smoothing` steps (1: none), a sweep aggregated with `band`.
    ///
    /// - Throws: ``RunFileError`` when a log lacks the loss or accuracy column.
    public init(_ input: PlotInput, name: String, smoothing: Int, band: PlotBand) throws {
        self.name = name
        var notes: [String] = []
        func curves(_ run: RunRecord) throws -> (loss: PlotCurve, accuracy: PlotCurve) {
            let loss = PlotCurve(x: run.metrics.steps.map(Double.init), y: try run.metrics.floats("loss").map(Double.init))
            let accuracy = PlotCurve(x: run.evaluations.steps.map(Double.init),
                                     y: try run.evaluations.doubles("validation_accuracy").map { $0 * 100 })
            return (loss, accuracy)
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
            let (raw, accuracy) = try curves(run)
            nonFiniteNote(raw, "loss", name)
            nonFiniteNote(accuracy, "accuracy", name)
            loss = raw.movingAverage(window: smoothing)
            rawLoss = smoothing > 1 ? raw : nil
            lossBand = nil
            self.accuracy = accuracy
            accuracyBand = nil
            digest = run.digest
            runCount = 1
            finalAccuracies = [run.manifest.finalMetrics.validationAccuracy * 100]
        case .sweep(_, let runs):
            let each = try runs.map(curves)
            for (run, curve) in zip(runs, each) {
                nonFiniteNote(curve.loss, "loss", "\(name)/\(run.name)")
                nonFiniteNote(curve.accuracy, "accuracy", "\(name)/\(run.name)")
            }
            let lossAggregate = PlotAggregate(each.map { $0.loss.movingAverage(window: smoothing) }, band: band)
            let accuracyAggregate = PlotAggregate(each.map(\.accuracy), band: band)
            if lossAggregate.droppedSteps > 0 || accuracyAggregate.droppedSteps > 0 {
                notes.append("\(name): the runs log different steps; the mean uses only the steps all \(runs.count) runs share "
                             + "(\(lossAggregate.droppedSteps) training and \(accuracyAggregate.droppedSteps) evaluation steps left out)")
            }
            loss = lossAggregate.mean
            rawLoss = nil
            lossBand = (lossAggregate.lower, lossAggregate.upper)
            accuracy = accuracyAggregate.mean
            accuracyBand = (accuracyAggregate.lower, accuracyAggregate.upper)
            digest = nil
            runCount = runs.count
            finalAccuracies = runs.map { $0.manifest.finalMetrics.validationAccuracy * 100 }
        }
        identicalTo = nil
        self.notes = notes
    }
}
