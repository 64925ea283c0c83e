import ReproRuns

/// What the report says about one run against the reference run (the first one given).
///
/// The report computes this with ``localRunComparison(reference:candidate:)``: the same verdicts
/// as `repro compare` (digest, first diverging step, risk texts from ``SettingDifference``) in the
/// report's shape. Moving it onto ``LogComparison`` is open: the report counts a step only one log
/// has as a divergence and reports a zero largest difference for identical logs, which
/// `LogComparison` does not.
struct ReportPairComparison: Sendable {
    /// The two runs' names on the report.
    let reference: String
    let candidate: String
    /// Whether the digests are equal: bitwise identical weights and logs.
    let identical: Bool
    /// The first step whose `metrics.csv` or `eval.csv` row differs (as text), or where one log
    /// has a step the other does not; nil when the logs are identical.
    let firstDivergingStep: Int?
    /// The largest |Δ training loss| over the steps both logged with finite losses, and its step.
    let largestLossDifference: (value: Double, step: Int)?
    /// The metric of ``largestHeadlineDifference``: the reference run's headline metric
    /// (``ValidationMetric/headline(metrics:)``).
    let headline: ValidationMetric
    /// The largest |Δ headline metric| over shared evaluations (an accuracy in percentage points),
    /// and its step.
    let largestHeadlineDifference: (value: Double, step: Int)?
    /// Configuration fields that differ: (field, reference value, candidate value).
    let configurationDifferences: [(field: String, reference: String, candidate: String)]
    /// Environment-fingerprint fields that differ, with how likely each is to change bits.
    let environmentDifferences: [(difference: EnvironmentFingerprint.Difference, risk: String)]
}

/// Compares `candidate` with `reference` for the report: digests, the first diverging logged step,
/// the largest loss and headline-metric differences, and the configuration and environment differences.
func localRunComparison(reference: (name: String, run: RunRecord), candidate: (name: String, run: RunRecord))
    -> ReportPairComparison {
    let a = reference.run, b = candidate.run
    func firstDifference(_ x: MetricsTable, _ y: MetricsTable) -> Int? {
        for (rowX, rowY) in zip(x.rows, y.rows) where rowX != rowY {
            return min(Int(rowX[0])!, Int(rowY[0])!)
        }
        if x.rows.count == y.rows.count { return nil }
        return Int((x.rows.count > y.rows.count ? x.rows[y.rows.count] : y.rows[x.rows.count])[0])!
    }
    let diverging = [firstDifference(a.metrics, b.metrics), firstDifference(a.evaluations, b.evaluations)]
        .compactMap { $0 }.min()

    func largest(_ x: MetricsTable, _ y: MetricsTable, _ column: String, scale: Double) -> (value: Double, step: Int)? {
        guard let valuesX = try? x.doubles(column), let valuesY = try? y.doubles(column) else { return nil }
        let other = Dictionary(zip(y.steps, valuesY).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        var best: (value: Double, step: Int)?
        for (step, value) in zip(x.steps, valuesX) {
            guard let second = other[step], value.isFinite, second.isFinite else { continue }
            let difference = abs(value - second) * scale
            if best == nil || difference > best!.value { best = (difference, step) }
        }
        return best
    }

    func fields(_ manifest: RunManifest) -> [String: String] {
        let all = JSONValue.flattened(manifest.configuration)
            + JSONValue.flattened(manifest.determinism, prefix: "determinism.")
            + [("reproVersion", manifest.reproVersion)]
        return Dictionary(all.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
    let fieldsA = fields(a.manifest), fieldsB = fields(b.manifest)
    let headline = ValidationMetric.headline(metrics: a.metricNames)
    var configuration: [(field: String, reference: String, candidate: String)] = []
    for field in Set(fieldsA.keys).union(fieldsB.keys).sorted() where fieldsA[field] != fieldsB[field] {
        configuration.append((field, fieldsA[field] ?? "(none)", fieldsB[field] ?? "(none)"))
    }

    return ReportPairComparison(
        reference: reference.name, candidate: candidate.name,
        identical: a.digest == b.digest,
        firstDivergingStep: diverging,
        largestLossDifference: largest(a.metrics, b.metrics, "loss", scale: 1),
        headline: headline,
        largestHeadlineDifference: largest(a.evaluations, b.evaluations, headline.column, scale: headline.isPercent ? 100 : 1),
        configurationDifferences: configuration,
        environmentDifferences: SettingDifference.between(a.manifest, b.manifest)
            .filter { $0.field.hasPrefix("environment") }
            .map { setting in
                let field = setting.field.hasPrefix("environment.") ? String(setting.field.dropFirst(12)) : setting.field
                return (EnvironmentFingerprint.Difference(field: field, value: setting.a, other: setting.b),
                        "\(setting.risk) — \(setting.why)")
            })
}
