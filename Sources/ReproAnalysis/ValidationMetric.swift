import ReproRuns

/// One validation curve of a run as the run tools show it: the validation loss, or one of the
/// task's named metrics (`eval.csv`'s `validation_<name>` column, ``RunDirectory/evalColumns(metrics:)``).
///
/// The tools that show one number per run show the ``headline(metrics:)`` metric: the task's first
/// metric, or the validation loss when the task has none. A metric whose name ends in `accuracy`
/// is a fraction shown in percent where a figure or the report shows percent; any other is shown
/// as a plain number.
public struct ValidationMetric: Sendable, Hashable {
    /// The metric's name (`accuracy`), or `loss` for the validation loss (no task metric may be
    /// named `loss`).
    public let name: String

    /// The task's metric `name`.
    public init(_ name: String) { self.name = name }

    /// The validation loss.
    public static let loss = ValidationMetric("loss")

    /// The task's first metric, or the validation loss when `metrics` is empty.
    static func headline(metrics: [String]) -> ValidationMetric {
        metrics.first.map(ValidationMetric.init) ?? .loss
    }

    /// The validation loss, then each of `metrics` in order.
    static func all(metrics: [String]) -> [ValidationMetric] {
        [.loss] + metrics.map(ValidationMetric.init)
    }

    /// Whether this is the validation loss.
    var isLoss: Bool { name == "loss" }

    /// Whether it is shown in percent (its name ends in `accuracy`; its values are fractions).
    var isPercent: Bool { !isLoss && name.hasSuffix("accuracy") }

    /// Its column in `eval.csv`: `validation_loss`, `validation_accuracy`.
    public var column: String { RunDirectory.evalMetricPrefix + name }

    /// Its name in text: `validation loss`, `validation accuracy`.
    public var label: String { "validation " + name }

    /// Its label in the plural: `validation losses`, `validation accuracies`, `validation top3 values`.
    var pluralLabel: String {
        if isLoss { return "validation losses" }
        return name.hasSuffix("accuracy") ? String(label.dropLast()) + "ies" : label + " values"
    }

    /// Its name where the context already says "validation" (a figure's legend): `validation
    /// loss` for the loss, else the metric's own name (`accuracy`).
    var shortLabel: String { isLoss ? label : name }

    /// Its values in `table` (an `eval.csv`), as logged: the loss as the `Float` it was written
    /// as, a metric as a `Double`.
    ///
    /// - Throws: ``RunFileError`` naming the file when it has no such column.
    public func values(in table: MetricsTable) throws -> [Double] {
        isLoss ? try table.floats(column).map(Double.init) : try table.doubles(column)
    }

    /// Its final value in a manifest's final metrics; nil for a metric the manifest lacks.
    public func finalValue(_ metrics: RunManifest.FinalMetrics) -> Double? {
        isLoss ? Double(metrics.validationLoss) : metrics.validationMetrics[name]
    }

    /// `value` in the unit it is shown in: percent for an ``isPercent`` metric, else as is.
    func displayed(_ value: Double) -> Double { isPercent ? value * 100 : value }

    /// `value` (as logged: a fraction for an accuracy) as a figure or the report shows it:
    /// `98.05 %` with two decimals in percent, else four significant digits (`0.3073`).
    func formatted(_ value: Double) -> String {
        isPercent ? PlotNumber.fixed(value * 100, 2) + " %" : PlotNumber.significant(value)
    }
}
