import Foundation
import Testing

/// `repro compare`'s report fits 100 columns whatever it compares: identical runs, other seeds (with
/// and without a tolerance, which adds columns), logs of different lengths, NaN, and a run whose path
/// is longer than a line. Uses the runs of ``RunToolsCommandTests``.
@Suite struct CompareWidthTests {
    static let width = 100

    @Test(arguments: [
        ["a", "b"], ["a", "c"], ["a", "c", "--rtol", "1e-9"], ["a", "c", "--rtol", "100", "--atol", "1"],
        ["a", "short"], ["a", "nan", "--rtol", "100", "--atol", "100"],
    ])
    func reportFitsTheWidth(_ arguments: [String]) throws {
        let runs = try RunToolsCommandTests.paths()
        let paths = ["a": runs.a, "b": runs.b, "c": runs.c, "short": runs.short, "nan": runs.nan]
        let result = try Repro.run(["compare"] + arguments.map { paths[$0] ?? $0 })
        #expect(result.status == 0 || result.status == 1, "\(result.stdout)\(result.stderr)")
        for line in result.stdout.split(separator: "\n") {
            #expect(line.count <= Self.width, "compare \(arguments): \(line.count) characters: \(line)")
        }
    }

    /// A path longer than a line keeps its start and its end, with `…` between.
    @Test func longPathLosesItsMiddle() async throws {
        let runs = try RunToolsCommandTests.paths()
        try await withScratch("compare-long-path") { scratch in
            let deep = scratch.path + "/" + String(repeating: "a-directory-with-a-long-name/", count: 4) + "the-run"
            try FileManager.default.createDirectory(atPath: (deep as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: runs.a, toPath: deep)
            let result = try Repro.run(["compare", deep, runs.b])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let first = try #require(result.stdout.split(separator: "\n").first)
            #expect(first.count <= Self.width && first.hasPrefix("A  " + scratch.path.prefix(20)) && first.hasSuffix("/the-run")
                    && first.contains("…"), "\(first)")
            for line in result.stdout.split(separator: "\n") { #expect(line.count <= Self.width, "\(line)") }
        }
    }
}
