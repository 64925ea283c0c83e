import Foundation
import Testing

/// Checks `text` against `Vectors/snapshots/<name>`, the text a user reads pinned in a file.
/// With `REPRO_RECORD_SNAPSHOTS=1` in the environment the file is (re)written instead, and the
/// check records an issue so that a recording run never passes silently.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = Vectors.directory.appendingPathComponent("snapshots").appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["REPRO_RECORD_SNAPSHOTS"] == "1" {
        try Data(text.utf8).write(to: url)
        Issue.record("recorded snapshot \(name); run again without REPRO_RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("no snapshot \(name): record it with REPRO_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
        return
    }
    if text != expected {
        let (got, want) = (text.split(separator: "\n", omittingEmptySubsequences: false),
                           expected.split(separator: "\n", omittingEmptySubsequences: false))
        let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        Issue.record("""
            snapshot \(name) differs at line \(line + 1):
              got:      \(line < got.count ? String(got[line]) : "(end)")
              expected: \(line < want.count ? String(want[line]) : "(end)")
            (re-record with REPRO_RECORD_SNAPSHOTS=1 if the change is intended)
            """, sourceLocation: sourceLocation)
    }
}
