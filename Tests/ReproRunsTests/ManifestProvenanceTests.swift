import Foundation
import ReproTestSupport
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// What a manifest records of where a run came from: Repro's version and source revision, the
/// training code's git state only where named, and manifests of schema 2 still read.
@Suite struct ManifestProvenanceTests {
    @Test func aSchemaTwoManifestWrittenByAnOlderReproStillReads() throws {
        let path = Vectors.directory.appendingPathComponent("manifest-v2.json").path
        let manifest = try RunManifest.read(path)
        #expect(manifest.schemaVersion == 2)
        #expect(manifest.environment.reproRevision == nil)
        #expect(manifest.environment.gitCommit == "ce09a23adbdd69c0627ebb06f847729f7ae0967d")
        #expect(manifest.digest == "6be7649f9604653de28bd109bf2a0efe35d022080a9fda0d1322dbbc8259e88e")
    }

    @Test func newManifestsRecordTheRevisionAndTheCurrentSchema() throws {
        try withTemporaryDirectory { directory in
            var run = SyntheticRun()
            run.environment = .current(codeDirectory: nil)
            let manifest = try RunManifest.read(try run.write(to: directory.file("run")) + "/manifest.json")
            #expect(manifest.schemaVersion == RunManifest.currentSchemaVersion && RunManifest.currentSchemaVersion == 3)
            #expect(manifest.environment.reproVersion == ReproLibrary.version)
            #expect(manifest.environment.reproRevision == ReproLibrary.revision)
            #expect(manifest.environment.gitCommit == nil && manifest.environment.gitDirty == nil)
        }
    }

    /// The version is a semantic version: major.minor.patch.
    @Test func theVersionIsSemantic() {
        let parts = ReproLibrary.version.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil }, "\(ReproLibrary.version)")
    }

    /// The embedded revision is `unknown` or a commit (with `-dirty`), and where this package is a
    /// git checkout, a commit of it.
    @Test func theEmbeddedRevisionIsACommitOfThisRepository() throws {
        let revision = ReproLibrary.revision
        guard revision != "unknown" else { return }
        let commit = revision.hasSuffix("-dirty") ? String(revision.dropLast("-dirty".count)) : revision
        #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "\(revision)")
        let package = Vectors.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        if gitAvailable, SystemProbe.git(["rev-parse", "--git-dir"], in: package, timeout: 10) != nil {
            #expect(SystemProbe.git(["cat-file", "-e", commit + "^{commit}"], in: package, timeout: 10) != nil,
                    "\(commit) is not a commit of \(package)")
        }
    }

    @Test func revisionDifferencesAreAssessedByWhatWasRecorded() {
        let commit = "0123456789abcdef0123456789abcdef01234567"
        let other = "fedcba9876543210fedcba9876543210fedcba98"
        #expect(SettingDifference.environmentRisk("reproRevision", commit, other).0 == .high)
        #expect(SettingDifference.environmentRisk("reproRevision", commit, commit + "-dirty").1.contains("uncommitted"))
        #expect(SettingDifference.environmentRisk("reproRevision", commit, commit + "-dirty").0 == .high)
        #expect(SettingDifference.environmentRisk("reproRevision", "(none)", commit).0 == .unknown)
        #expect(SettingDifference.environmentRisk("reproRevision", "unknown", commit).0 == .unknown)
        #expect(SettingDifference.environmentRisk("gitCommit", "(none)", commit).0 == .unknown)
        #expect(SettingDifference.environmentRisk("gitDirty", "true", "(none)").0 == .unknown)
        #expect(SettingDifference.environmentRisk("gitDirty", "true", "false").0 == .high)
    }

    /// A schema-2 run compared with a new one: the revision one lacks is unknown, not high.
    @Test func comparingWithASchemaTwoRunFlagsTheRevisionAsUnknown() throws {
        let old = try RunManifest.read(Vectors.directory.appendingPathComponent("manifest-v2.json").path)
        var new = old
        new.environment.reproRevision = "0123456789abcdef0123456789abcdef01234567"
        let differences = SettingDifference.between(old, new)
        #expect(differences.map(\.field) == ["environment.reproRevision"])
        #expect(differences.first?.risk == .unknown && differences.first?.a == "(none)")
    }
}
