import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// Whether `git` can be run here (the git tests are skipped otherwise).
let gitAvailable = SystemProbe.git(["--version"], in: "/", timeout: 10) != nil

/// Runs `git -C directory ARGUMENTS…` with a fixed identity; fails the test when git fails.
func git(_ arguments: [String], in directory: String) throws {
    let output = SystemProbe.git(["-c", "user.name=Repro Tests", "-c", "user.email=tests@example.invalid",
                                  "-c", "commit.gpgsign=false"] + arguments, in: directory, timeout: 30)
    try #require(output != nil, "git \(arguments.joined(separator: " ")) failed")
}

@Suite struct EnvironmentFingerprintTests {
    @Test func fieldsArePopulatedOnThisMachine() throws {
        let fingerprint = EnvironmentFingerprint.current(codeDirectory: nil, threadCount: 3, workerCount: 2)
        #expect(fingerprint.reproVersion == ReproLibrary.version && fingerprint.reproRevision == ReproLibrary.revision)
        #expect(fingerprint.swiftCompiler.split(separator: ".").count == 2 && fingerprint.swiftCompiler.hasPrefix("6."))
        #if compiler(>=6.3) && !compiler(>=6.4)
        #expect(fingerprint.swiftCompiler == "6.3")
        #endif
        #if DEBUG
        #expect(fingerprint.buildConfiguration == "debug")
        #else
        #expect(fingerprint.buildConfiguration == "release")
        #endif
        #if arch(x86_64)
        #expect(fingerprint.architecture == "x86_64" && fingerprint.machine == "x86_64")
        #elseif arch(arm64)
        #expect(fingerprint.architecture == "arm64")
        #endif
        #if os(Linux)
        #expect(fingerprint.osName == "Linux")
        #expect(fingerprint.cpuModel != "unknown" && !fingerprint.cpuModel.isEmpty)
        #expect(fingerprint.libc?.hasPrefix("glibc 2.") == true)
        let flags = SystemProbe.cpuInfo(from: String(decoding: try AtomicFile.read("/proc/cpuinfo"), as: UTF8.self)).features
        #expect(fingerprint.cpuFeatures == flags.filter(EnvironmentFingerprint.relevantCPUFeatures.contains).sorted())
        #endif
        #expect(!fingerprint.kernelRelease.isEmpty && fingerprint.kernelRelease != "unknown")
        #expect(fingerprint.logicalCores >= 1 && fingerprint.availableCores >= 1)
        #expect(fingerprint.logicalCores == ProcessInfo.processInfo.processorCount)
        let environment = ProcessInfo.processInfo.environment
        #expect(fingerprint.environment == environment.filter { EnvironmentFingerprint.relevantEnvironmentVariables.contains($0.key) })
        #expect(fingerprint.threadCount == 3 && fingerprint.workerCount == 2)
        #expect(fingerprint.gitCommit == nil && fingerprint.gitDirty == nil)
    }

    @Test func twoCallsGiveEqualValues() throws {
        let first = EnvironmentFingerprint.current(codeDirectory: nil, threadCount: 1)
        let second = EnvironmentFingerprint.current(codeDirectory: nil, threadCount: 1)
        #expect(first == second)
        #expect(first.differences(from: second).isEmpty)
        #expect(try first.encodedJSON() == second.encodedJSON())
    }

    @Test(.enabled(if: gitAvailable))
    func recordsTheCommitAndDirtyState() throws {
        try withTemporaryDirectory { directory throws in
            #expect(EnvironmentFingerprint.current(codeDirectory: directory.path).gitCommit == nil)
            try git(["init", "-q"], in: directory.path)
            try AtomicFile.write("print(1)\n", to: directory.file("train.swift"))
            try git(["add", "train.swift"], in: directory.path)
            try git(["commit", "-q", "-m", "first"], in: directory.path)
            let head = try #require(SystemProbe.git(["rev-parse", "HEAD"], in: directory.path, timeout: 10))
            let clean = EnvironmentFingerprint.current(codeDirectory: directory.path)
            #expect(clean.gitCommit == head.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(clean.gitCommit?.count == 40 && clean.gitDirty == false)
            #expect(EnvironmentFingerprint.current(codeDirectory: directory.path) == clean)
            try AtomicFile.write("notes\n", to: directory.file("untracked.txt"))
            let dirty = EnvironmentFingerprint.current(codeDirectory: directory.path)
            #expect(dirty.gitCommit == clean.gitCommit && dirty.gitDirty == true)
            #expect(dirty.differences(from: clean) == [.init(field: "gitDirty", value: "true", other: "false")])
            #expect(EnvironmentFingerprint.current(codeDirectory: directory.file("missing")).gitCommit == nil)
        }
    }

    @Test func gitFailuresGiveNil() {
        #expect(SystemProbe.git(["no-such-command"], in: "/", timeout: 10) == nil)
        #expect(SystemProbe.output(of: ["sleep", "5"], environment: ProcessInfo.processInfo.environment, timeout: 0.2) == nil, "a timeout gives nil")
        #expect(SystemProbe.output(of: ["echo", "ok"], environment: ProcessInfo.processInfo.environment, timeout: 10) == "ok\n")
    }

    @Test func differencesListChangedFields() {
        let base = EnvironmentFingerprint.current(codeDirectory: nil, threadCount: 2, workerCount: 0)
        var other = base
        other.threadCount = 8
        other.buildConfiguration = base.buildConfiguration == "debug" ? "release" : "debug"
        other.environment["SWIFT_DETERMINISTIC_HASHING"] = base.environment["SWIFT_DETERMINISTIC_HASHING"] == nil ? "1" : nil
        other.workerCount = nil
        let differences = base.differences(from: other)
        #expect(differences.map(\.field) == ["buildConfiguration", "environment.SWIFT_DETERMINISTIC_HASHING", "threadCount", "workerCount"])
        #expect(differences.first { $0.field == "threadCount" } == .init(field: "threadCount", value: "2", other: "8"))
        #expect(differences.first { $0.field == "workerCount" }?.description == "workerCount: 0 ≠ (none)")
        #expect(other.differences(from: base).map(\.field) == differences.map(\.field))
    }

    static let sample = EnvironmentFingerprint(
        reproVersion: "0.1.0", reproRevision: "89abcdef0123456789abcdef0123456789abcdef-dirty", swiftCompiler: "6.3",
        buildConfiguration: "release", architecture: "x86_64", machine: "x86_64", osName: "Linux", kernelRelease: "6.8.0", osDistribution: "Debian GNU/Linux 12 (bookworm)",
        libc: "glibc 2.36", cpuModel: "Example CPU", cpuFeatures: ["avx2", "fma"], logicalCores: 8, availableCores: 4,
        environment: ["SWIFT_DETERMINISTIC_HASHING": "1", "OMP_NUM_THREADS": "4"], gitCommit: nil, gitDirty: nil,
        threadCount: 4, workerCount: 2)

    @Test func encodesJSONWithSortedKeysAndDecodesIt() throws {
        let json = String(decoding: try Self.sample.encodedJSON(), as: UTF8.self)
        #expect(json == #"{"architecture":"x86_64","availableCores":4,"buildConfiguration":"release","#
                + #""cpuFeatures":["avx2","fma"],"cpuModel":"Example CPU","environment":{"OMP_NUM_THREADS":"4","#
                + #""SWIFT_DETERMINISTIC_HASHING":"1"},"kernelRelease":"6.8.0","libc":"glibc 2.36","logicalCores":8,"#
                + #""machine":"x86_64","osDistribution":"Debian GNU/Linux 12 (bookworm)","osName":"Linux","#
                + #""reproRevision":"89abcdef0123456789abcdef0123456789abcdef-dirty","reproVersion":"0.1.0","swiftCompiler":"6.3","threadCount":4,"workerCount":2}"#)
        #expect(try EnvironmentFingerprint.decode(json: Array(json.utf8), source: "m.json") == Self.sample)
        let pretty = try Self.sample.encodedJSON(pretty: true)
        #expect(try EnvironmentFingerprint.decode(json: pretty, source: "m.json") == Self.sample)
        let current = EnvironmentFingerprint.current(codeDirectory: nil)
        #expect(try EnvironmentFingerprint.decode(json: current.encodedJSON(), source: "m.json") == current)
        let missing = try #require(throws: RunFileError.self) {
            try EnvironmentFingerprint.decode(json: Array(#"{"architecture":"x86_64"}"#.utf8), source: "m.json")
        }
        #expect(missing.description.hasPrefix("m.json: not an environment fingerprint: missing field"))
        let mistyped = json.replacingOccurrences(of: #""logicalCores":8"#, with: #""logicalCores":"8""#)
        let typeError = try #require(throws: RunFileError.self) {
            try EnvironmentFingerprint.decode(json: Array(mistyped.utf8), source: "m.json")
        }
        #expect(typeError.message.contains("logicalCores"))
        #expect(throws: RunFileError.self) { try EnvironmentFingerprint.decode(json: Array("not json".utf8), source: "m.json") }
    }

    @Test func parsesCPUInfo() {
        let x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338\n"
            + "flags\t\t: fpu sse2 avx avx2 fma avx512f\n\nprocessor\t: 1\nmodel name\t: other\nflags\t\t: sse2\n"
        #expect(SystemProbe.cpuInfo(from: x86).model == "Intel(R) Xeon(R) Gold 6338")
        #expect(SystemProbe.cpuInfo(from: x86).features == ["fpu", "sse2", "avx", "avx2", "fma", "avx512f"])
        let arm = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm sve\nCPU implementer\t: 0x41\n"
            + "CPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0xd40\n"
        #expect(SystemProbe.cpuInfo(from: arm).model == "CPU implementer 0x41, part 0xd40")
        #expect(SystemProbe.cpuInfo(from: arm).features == ["fp", "asimd", "evtstrm", "sve"])
        #expect(SystemProbe.cpuInfo(from: "").model == "unknown" && SystemProbe.cpuInfo(from: "").features.isEmpty)
    }
}
