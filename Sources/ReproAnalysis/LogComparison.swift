import ReproRuns

/// Two runs' copies of one metrics log (`metrics.csv` or `eval.csv`) compared step by step.
///
/// Rows are matched by step; only the steps both logs hold are compared, and the step counts and
/// ranges are kept so a report can say when the lengths differ. A field is identical when its
/// logged text is (the log's text round-trips to the value's bits). `loss` and `validation_loss`
/// are compared as the `Float`s they were logged as, the other columns as `Double`s.
package struct LogComparison: Sendable, Hashable {
    /// One value column compared over the common steps.
    struct Column: Sendable, Hashable {
        /// The column's name.
        let name: String
        /// What differs in it.
        let differences: DifferenceSummary
    }

    /// The first common step at which the logs differ, and the differing fields there.
    package struct FirstDifference: Sendable, Hashable {
        /// The step.
        package let step: Int
        /// The differing fields: column, first run's text, second run's text.
        let fields: [Field]

        /// One field at the first differing step.
        struct Field: Sendable, Hashable {
            /// The column.
            let column: String
            /// The first run's logged text.
            let a: String
            /// The second run's logged text.
            let b: String
        }
    }

    /// A NaN or infinite value in one of the logs.
    struct NonFiniteValue: Sendable, Hashable {
        /// `A` or `B`.
        let run: String
        /// The step.
        let step: Int
        /// The column.
        let column: String
        /// `nan`, `inf` or `-inf`.
        let text: String
    }

    /// The log's file name.
    let file: String
    /// The steps of the first run's log.
    let stepsA: [Int]
    /// The steps of the second run's log.
    let stepsB: [Int]
    /// The number of steps both logs hold.
    let commonStepCount: Int
    /// The value columns (every column but `step`), in the log's order, over the common steps.
    let columns: [Column]
    /// The first differing common step; nil when every common row is identical.
    package let firstDifference: FirstDifference?
    /// NaN and infinite values in either log (over all rows, common or not).
    let nonFiniteValues: [NonFiniteValue]

    /// Compares `a` and `b`, two copies of the log `file`.
    ///
    /// - Throws: ``RunFileError`` naming both logs when their columns differ.
    package init(file: String, _ a: MetricsTable, _ b: MetricsTable, tolerance: Tolerance?) throws {
        guard a.columns == b.columns else {
            throw RunFileError(source: a.source, "has the columns \(a.columns.joined(separator: ",")), but \(b.source) has "
                               + b.columns.joined(separator: ","), hint: "only logs of the same kind can be compared")
        }
        self.file = file
        stepsA = a.steps
        stepsB = b.steps
        let rowOfB = Dictionary(uniqueKeysWithValues: stepsB.enumerated().map { ($1, $0) })
        let pairs = stepsA.enumerated().compactMap { index, step in rowOfB[step].map { (a.rows[index], b.rows[$0]) } }
        commonStepCount = pairs.count

        let names = Array(a.columns.dropFirst())
        var summaries = [DifferenceSummary](repeating: DifferenceSummary(), count: names.count)
        var first: FirstDifference?
        for (rowA, rowB) in pairs {
            var fields: [FirstDifference.Field] = []
            for (offset, name) in names.enumerated() {
                let (textA, textB) = (rowA[offset + 1], rowB[offset + 1])
                let identical = textA == textB
                if !identical, first == nil { fields.append(.init(column: name, a: textA, b: textB)) }
                summaries[offset].add(Self.value(textA, name), Self.value(textB, name), identical: identical,
                                      tolerance: tolerance, location: { rowA[0] })
            }
            if !fields.isEmpty { first = FirstDifference(step: Int(rowA[0])!, fields: fields) }
        }
        columns = zip(names, summaries).map { Column(name: $0, differences: $1) }
        firstDifference = first
        var nonFinite: [NonFiniteValue] = []
        for (run, table) in [("A", a), ("B", b)] {
            for row in table.rows {
                for (name, text) in zip(names, row.dropFirst()) where text == "nan" || text.hasSuffix("inf") {
                    nonFinite.append(NonFiniteValue(run: run, step: Int(row[0])!, column: name, text: text))
                }
            }
        }
        nonFiniteValues = nonFinite
    }

    /// Whether both logs hold exactly the same steps.
    var sameSteps: Bool { stepsA == stepsB }

    /// All columns' differences together.
    var total: DifferenceSummary {
        columns.reduce(into: DifferenceSummary()) { $0.merge($1.differences) }
    }

    /// The value of a logged field: a `Float` column's text read as `Float`, others as `Double`.
    static func value(_ text: String, _ column: String) -> Double {
        RunDirectory.singlePrecisionColumns.contains(column) ? Double(Float(text)!) : Double(text)!
    }
}
