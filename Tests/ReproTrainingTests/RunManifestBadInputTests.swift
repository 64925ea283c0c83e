import Foundation
import ReproRuns
import ReproTestSupport
import Testing

/// `RunManifest.read` on damaged manifests and manifests of another schema or version (docs/ARCHITECTURE.md
/// §9): a `RunFileError` naming the file and what is wrong. The manifest edited is the golden run's.
@Suite struct RunManifestBadInputTests {
    /// How the manifest is damaged, and what the error must say.
    enum Damage: String, Sendable, CaseIterable {
        case empty, truncated, notJSON, otherSchema, noSchema, newerVersion, olderVersion, noVersion
        case missingDigest, wrongType

        func apply(to bytes: [UInt8]) throws -> [UInt8] {
            func edit(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
                var object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
                change(&object)
                return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            }
            switch self {
            case .empty: return []
            case .truncated: return Array(bytes.prefix(bytes.count / 2))
            case .notJSON: return Array("schema = repro-run\n".utf8)
            case .otherSchema: return try edit { $0["schema"] = "another-tool" }
            case .noSchema: return try edit { $0["schema"] = nil }
            case .newerVersion: return try edit { $0["schemaVersion"] = 4 }
            case .olderVersion: return try edit { $0["schemaVersion"] = 1 }
            case .noVersion: return try edit { $0["schemaVersion"] = nil }
            case .missingDigest: return try edit { $0["digest"] = nil }
            case .wrongType: return try edit { $0["finalMetrics"] = "high" }
            }
        }

        var mention: String {
            switch self {
            case .empty, .truncated, .notJSON: "not valid JSON"
            case .otherSchema: "not a Repro run manifest (schema 'another-tool')"
            case .noSchema: "not a Repro run manifest (schema missing)"
            case .newerVersion: "manifest schema version 4, this Repro reads versions 2 to 3"
            case .olderVersion: "manifest schema version 1, this Repro reads versions 2 to 3"
            case .noVersion: "manifest schema version missing"
            case .missingDigest: "incomplete or has a wrong field"
            case .wrongType: "incomplete or has a wrong field"
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedManifestIsAnErrorNamingTheFile(_ damage: Damage) throws {
        let run = try GoldenRunTests.run.get()
        try withTemporaryDirectory { directory in
            let path = directory.file("manifest.json")
            let bytes = try damage.apply(to: try #require(run.files["manifest.json"]))
            try AtomicFile.write(bytes, to: path)
            let error = try #require(throws: RunFileError.self) { try RunManifest.read(path) }
            #expect(error.source == path)
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.message.contains(damage.mention), "\(error)")
            if damage == .newerVersion { #expect(error.hint.contains(ReproLibrary.version)) }
            #expect(try AtomicFile.read(path) == bytes, "reading changed the file")
        }
    }

    @Test func missingManifestIsAnErrorNamingTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("manifest.json")
            let error = try #require(throws: RunFileError.self) { try RunManifest.read(path) }
            #expect(error.source == path && error.errorNumber == ENOENT, "\(error)")
        }
    }

    /// The undamaged manifest reads back as written.
    @Test func goldenManifestReadsBack() throws {
        let run = try GoldenRunTests.run.get()
        try withTemporaryDirectory { directory in
            let path = directory.file("manifest.json")
            try AtomicFile.write(try #require(run.files["manifest.json"]), to: path)
            let manifest = try RunManifest.read(path)
            #expect(manifest.digest == GoldenRunTests.digest)
            #expect(manifest.finalMetrics == run.manifest.finalMetrics)
            #expect(manifest.configuration == (try GoldenRunTests.recipe().1))
            #expect(try manifest.encoded() == run.files["manifest.json"])
        }
    }
}
