import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// The plain-text layout of the run tools' reports: tables split to fit a width, lines wrapped at
/// spaces, paths shortened in the middle.
@Suite struct TextTableTests {
    static func table() -> TextTable {
        var table = TextTable(["name", "first", "second", "third"])
        table.append(["loss", "1", "22", "333"])
        table.append(["learning_rate", "4444", "5", "6"])
        return table
    }

    @Test func tableWithoutWidthIsOneTable() {
        #expect(Self.table().rendered() == """
              name           first  second  third
              loss               1      22    333
              learning_rate   4444       5      6

            """)
    }

    /// 31 columns hold the name and two more columns (2 + 13 + 2 + 5 + 2 + 6 = 30), so the third
    /// goes to a second table, under a blank line, again with the names.
    @Test func tableWiderThanTheWidthIsSplitByColumns() {
        #expect(Self.table().rendered(width: 31) == """
              name           first  second
              loss               1      22
              learning_rate   4444       5

              name           third
              loss             333
              learning_rate      6

            """)
        #expect(Self.table().rendered(width: 37) == Self.table().rendered())
    }

    @Test func linesWrapAtSpacesUnderTheirContinuation() {
        #expect(ReportFormat.wrapped("  first difference at step 3: loss 1.5 (A) vs 1.25 (B)", width: 30, continuation: "    ")
                == "  first difference at step 3:\n    loss 1.5 (A) vs 1.25 (B)\n")
        #expect(ReportFormat.wrapped("short", width: 30, continuation: "    ") == "short\n")
        // A word longer than the width keeps a line of its own.
        #expect(ReportFormat.wrapped("at 0123456789abcdef0123456789 end", width: 10, continuation: "  ")
                == "at\n  0123456789abcdef0123456789\n  end\n")
    }

    @Test func longTextLosesItsMiddle() {
        #expect(ReportFormat.middleTruncated("runs/a-long-directory/seed-1", to: 15) == "runs/a-…/seed-1")
        #expect(ReportFormat.middleTruncated("runs/seed-1", to: 15) == "runs/seed-1")
    }
}
