import Foundation
import Testing

/// The built `repro`'s help, `repro --help` and `repro help SUBCOMMAND` for every subcommand the root
/// help lists, at 80 and 120 columns (`COLUMNS`, which ArgumentParser honours): against the committed
/// snapshots in Snapshots/help-NAME-WIDTH.txt, and against rules that hold at any width:
/// - no line is wider than the terminal;
/// - ArgumentParser did the wrapping: no line ends where the next line's first word would still have
///   fit (a hard line break in a help text leaves such a line, often a single word on its own);
/// - each option is listed once, and says "(default" at most once.
///
/// After changing a help text, regenerate the snapshots with
/// `REPRO_RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshotTests` (each one written is reported as
/// an issue), review them with `git diff Tests/ReproCLITests/Snapshots`, and run the tests again
/// without the variable.
@Suite struct HelpSnapshotTests {
    static let widths = [80, 120]

    /// Where ArgumentParser starts the text of an option or subcommand (its `labelColumnWidth`).
    static let labelColumn = 26

    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    @Test(arguments: widths)
    func helpMatchesSnapshotsAndWrapsAtTheWidth(_ width: Int) async throws {
        try await withScratch("help-\(width)") { scratch in
            let root = try await Self.help(["--help"], width: width, scratch: scratch)
            let subcommands = Self.subcommands(in: root)
            #expect(subcommands.contains("train") && subcommands.contains("rng"), "subcommands found: \(subcommands)")
            try Self.check(root, name: "root", width: width)
            for subcommand in subcommands {
                let text = try await Self.help(["help", subcommand], width: width, scratch: scratch)
                try Self.check(text, name: subcommand, width: width)
            }
        }
    }

    /// Every snapshot file belongs to a subcommand that exists (none is left behind by a rename).
    @Test func everySnapshotIsOfASubcommand() async throws {
        try await withScratch("help-files") { scratch in
            let root = try await Self.help(["--help"], width: 80, scratch: scratch)
            let expected = Set((["root"] + Self.subcommands(in: root)).flatMap { name in
                Self.widths.map { "help-\(name)-\($0).txt" }
            })
            let files = Set(try FileManager.default.contentsOfDirectory(atPath: Self.snapshots.path)
                .filter { $0.hasPrefix("help-") })
            #expect(files == expected, "missing: \(expected.subtracting(files).sorted()), extra: \(files.subtracting(expected).sorted())")
        }
    }

    /// The rules find what `repro help train` and `repro help exercise` printed at 80 columns before
    /// the help texts were rewritten (excerpts), and pass the same text wrapped by ArgumentParser.
    @Test func rulesFindTheFaultsOfTheOldHelp() {
        let hardBreaks = """
            Writes RUN/run.json, metrics.csv (one row per step), eval.csv (one row per
            evaluation),
            checkpoints/, and at the end model.safetensors and manifest.json with the run's
            digest.
            --resume DIR continues an unfinished run from its newest complete checkpoint;
            only
            --threads, --workers, --stop-after-step and --quiet may be given with it.
            """
        let found = Self.problems(hardBreaks, width: 80)
        #expect(found.count == 3 && found[0].contains("line 2 ends before 'checkpoints/,'")
                && found[1].contains("line 4 ends before '--resume'") && found[2].contains("line 6 ends before '--threads,'"),
                "\(found)")
        let rewrapped = """
            Writes RUN/run.json, metrics.csv (one row per step), eval.csv (one row per
            evaluation), checkpoints/, and at the end model.safetensors and manifest.json
            with the run's digest.
            """
        #expect(Self.problems(rewrapped, width: 80).isEmpty)

        let twice = """
            OPTIONS:
              --workers <workers>     Data-loader worker threads (default 0); results do
                                      not depend on it. (default: 0)
              --allow-nondeterministic
                                      Allow the nondeterministic fast paths.
              --allow-nondeterministic
                                      Also show what the nondeterministic fast paths change.
            """
        let repeated = Self.problems(twice, width: 80)
        #expect(repeated.count == 2 && repeated[0].contains("--workers states its default 2 times")
                && repeated[1] == "--allow-nondeterministic is listed twice", "\(repeated)")
        #expect(Self.problems(twice, width: 60).contains { $0.contains("characters") })
    }

    /// `repro ARGUMENTS` at `width` columns; it must exit 0 and print nothing on standard error.
    static func help(_ arguments: [String], width: Int, scratch: Scratch) async throws -> String {
        let result = try await Repro.run(arguments, environment: Repro.environment(["COLUMNS": String(width), "LINES": "50"]),
                                         logs: scratch.file("logs"), timeout: .seconds(60))
        #expect(result.status == 0 && result.stderr.isEmpty, "repro \(arguments.joined(separator: " ")): \(result.summary)")
        return result.stdout
    }

    /// The names in the root help's SUBCOMMANDS section.
    static func subcommands(in root: String) -> [String] {
        let lines = root.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
            guard indentation(line) == 2 else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
    }

    /// Compares `text` with its snapshot (or records it) and applies the rules.
    static func check(_ text: String, name: String, width: Int) throws {
        let label = "help \(name) at \(width) columns"
        let url = snapshots.appendingPathComponent("help-\(name)-\(width).txt")
        if ProcessInfo.processInfo.environment["REPRO_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            Issue.record("recorded \(url.lastPathComponent); run again without REPRO_RECORD_SNAPSHOTS")
        } else if let expected = try? String(contentsOf: url, encoding: .utf8) {
            #expect(text == expected, "\(label) differs from \(url.lastPathComponent)\n\(firstDifference(text, expected))")
        } else {
            Issue.record("no snapshot \(url.lastPathComponent): record it with REPRO_RECORD_SNAPSHOTS=1")
        }
        for problem in problems(text, width: width) { Issue.record("\(label): \(problem)") }
    }

    /// What breaks the rules in `text`, one message per broken rule and place.
    static func problems(_ text: String, width: Int) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var problems: [String] = []
        for (number, line) in lines.enumerated() where line.count > width {
            problems.append("line \(number + 1) has \(line.count) characters: \(line)")
        }
        for (number, (line, next)) in zip(lines, lines.dropFirst()).enumerated() where continues(line, with: next) {
            let word = next.drop { $0 == " " }.prefix { $0 != " " }
            // ArgumentParser breaks before a word that would end in the last column, hence `<`.
            if line.count + 1 + word.count < width {
                problems.append("line \(number + 1) ends before '\(word)', which would have fit: a hard line break in the help text: \(line)")
            }
        }
        var seen: Set<Substring> = []
        for option in options(lines) {
            let flag = option[0].drop { $0 == " " }.prefix { $0 != " " && $0 != "," }
            if flag.hasPrefix("--"), !seen.insert(flag).inserted { problems.append("\(flag) is listed twice") }
            let defaults = option.joined(separator: " ").components(separatedBy: "(default").count - 1
            if defaults > 1 { problems.append("\(flag) states its default \(defaults) times: \(option.joined(separator: "\n"))") }
        }
        return problems
    }

    /// Whether `next` goes on with the text of `line` (a paragraph, an option's or a subcommand's
    /// description), rather than starting an element of its own: an option, an argument, a subcommand
    /// or a list item (all at indentation 2), a section, or the description under a long label.
    static func continues(_ line: Substring, with next: Substring) -> Bool {
        guard !line.allSatisfy({ $0 == " " }), !next.allSatisfy({ $0 == " " }), !line.hasSuffix(":") else { return false }
        let indent = indentation(next)
        if indent == 2 { return false }
        if indent == labelColumn && indentation(line) == 2 && !hasLabelAndText(line) { return false }
        return true
    }

    /// Whether an element's line holds its label and the start of its description (the description
    /// starts at the label column after at least one space), rather than a label too long for that.
    static func hasLabelAndText(_ line: Substring) -> Bool {
        let characters = Array(line)
        return characters.count > labelColumn && characters[labelColumn - 1] == " " && characters[labelColumn] != " "
    }

    /// The lines of each option and argument: its label line and the description lines under it.
    static func options(_ lines: [Substring]) -> [[Substring]] {
        var options: [[Substring]] = []
        var current: [Substring]?
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            if indentation(line) == 2 && (trimmed.hasPrefix("-") || trimmed.hasPrefix("<")) {
                if let current { options.append(current) }
                current = [line]
            } else if current != nil && indentation(line) > 2 {
                current!.append(line)
            } else {
                if let current { options.append(current) }
                current = nil
            }
        }
        if let current { options.append(current) }
        return options
    }

    static func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// The first line where `got` and `expected` differ, for a failure message.
    static func firstDifference(_ got: String, _ expected: String) -> String {
        let (a, b) = (got.split(separator: "\n", omittingEmptySubsequences: false),
                      expected.split(separator: "\n", omittingEmptySubsequences: false))
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        return "line \(line + 1):\n  got:      \(line < a.count ? String(a[line]) : "(end)")\n"
            + "  expected: \(line < b.count ? String(b[line]) : "(end)")"
    }
}
