import Foundation
import ReproTestSupport
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// `scripts/source-revision.sh`, which the SourceRevision plugin runs before every build to write
/// `ReproLibrary.revision`: the commit of a git work tree's top, `-dirty` with changes, `unknown`
/// otherwise; the file rewritten only when its content changes.
@Suite struct SourceRevisionScriptTests {
    static let script = Vectors.directory.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/source-revision.sh").path

    /// Runs the script for `directory` into `output` with `path` as PATH; the revision written.
    func revision(of directory: String, into output: String,
                  path: String? = ProcessInfo.processInfo.environment["PATH"]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = path
        try #require(SystemProbe.output(of: ["/bin/sh", Self.script, directory, output], environment: environment,
                                        timeout: 60) != nil, "the script failed")
        let text = String(decoding: try AtomicFile.read(output), as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.contains("public static let revision = ") })
        return String(line.split(separator: "\"")[1])
    }

    @Test(.enabled(if: gitAvailable))
    func theCommitOfAWorkTreeWithDirtyWhenChanged() throws {
        try withTemporaryDirectory { directory in
            let repository = directory.file("repo")
            try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: false)
            #expect(try revision(of: repository, into: directory.file("a.swift")) == "unknown", "not a repository")
            try git(["init", "-q"], in: repository)
            #expect(try revision(of: repository, into: directory.file("a.swift")) == "unknown", "no commit yet")
            try AtomicFile.write("print(1)\n", to: repository + "/main.swift")
            try AtomicFile.write("runs/\n", to: repository + "/.gitignore")
            try git(["add", "main.swift", ".gitignore"], in: repository)
            try git(["commit", "-q", "-m", "first"], in: repository)
            let head = try #require(SystemProbe.git(["rev-parse", "HEAD"], in: repository, timeout: 10))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try revision(of: repository, into: directory.file("a.swift")) == head)
            try FileManager.default.createDirectory(atPath: repository + "/runs", withIntermediateDirectories: false)
            try AtomicFile.write("ignored\n", to: repository + "/runs/out.svg")
            #expect(try revision(of: repository, into: directory.file("a.swift")) == head, "ignored files are no change")
            try AtomicFile.write("print(2)\n", to: repository + "/main.swift")
            #expect(try revision(of: repository, into: directory.file("a.swift")) == head + "-dirty")
            try FileManager.default.createDirectory(atPath: repository + "/sub", withIntermediateDirectories: false)
            #expect(try revision(of: repository + "/sub", into: directory.file("b.swift")) == "unknown",
                    "a directory below the top is not the repository's package")
        }
    }

    @Test(.enabled(if: gitAvailable))
    func withoutGitTheRevisionIsUnknown() throws {
        try withTemporaryDirectory { directory in
            try git(["init", "-q"], in: directory.path)
            try AtomicFile.write("x\n", to: directory.file("file"))
            try git(["add", "file"], in: directory.path)
            try git(["commit", "-q", "-m", "first"], in: directory.path)
            // A PATH with the tools the script needs besides git.
            let tools = directory.file("bin")
            try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: false)
            for tool in ["cat", "mv"] {
                let found = try #require(SystemProbe.output(of: ["sh", "-c", "command -v \(tool)"],
                                                            environment: ProcessInfo.processInfo.environment, timeout: 10))
                try FileManager.default.createSymbolicLink(atPath: tools + "/" + tool,
                                                           withDestinationPath: found.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            #expect(try revision(of: directory.path, into: directory.file("out.swift"), path: tools) == "unknown")
        }
    }

    /// A second run with nothing changed leaves the file as it was (its modification time too), so
    /// the build recompiles nothing; a change rewrites it.
    @Test func theFileIsRewrittenOnlyWhenItChanges() throws {
        try withTemporaryDirectory { directory in
            let output = directory.file("SourceRevision.swift")
            let first = try revision(of: directory.path, into: output)
            let old = Date(timeIntervalSince1970: 946_684_800)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: output)
            #expect(try revision(of: directory.path, into: output) == first)
            let attributes = try FileManager.default.attributesOfItem(atPath: output)
            #expect(attributes[.modificationDate] as? Date == old)
            try AtomicFile.write("extension ReproLibrary { public static let revision = \"stale\" }\n", to: output)
            #expect(try revision(of: directory.path, into: output) == first)
            #expect(try directory.contents() == ["SourceRevision.swift"], "no temporary file is left")
        }
    }
}
