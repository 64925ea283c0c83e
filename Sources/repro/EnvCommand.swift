import ArgumentParser
import Foundation
import Repro

/// `repro env`: the environment fingerprint a run manifest records.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print the environment fingerprint (what can change a run's bits).")

    @Flag(help: "Print JSON (sorted keys), as in a run manifest.")
    var json = false

    @Flag(name: .customLong("deterministic-hashing"),
          help: "Re-execute with SWIFT_DETERMINISTIC_HASHING=1 first (HashSeeding.reexecuteWithDeterministicHashing()).")
    var deterministicHashing = false

    func run() throws {
        if deterministicHashing { try HashSeeding.reexecuteWithDeterministicHashing() }
        let fingerprint = EnvironmentFingerprint.current(gitDirectory: FileManager.default.currentDirectoryPath,
                                                         threadCount: Parallel.threadCount)
        if json {
            print(String(decoding: try fingerprint.encodedJSON(pretty: true), as: UTF8.self))
            return
        }
        for (field, text) in fingerprint.fieldTexts { print("\(field): \(text)") }
        print("deterministicHashing: \(HashSeeding.isDeterministic)")
    }
}

/// `repro doctor`: names the determinism hazards of this environment (and of a run's
/// configuration) with the fix for each.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Name the determinism hazards here (and in a run's configuration), with fixes.",
        discussion: "Exit status: 0, or with --strict 1 when any hazard is found; 2 for invalid input.")

    @Argument(help: "A run directory whose configuration to check too.")
    var runDirectory: String?

    @Flag(help: "Exit 1 when any hazard is found.")
    var strict = false

    func run() throws {
        var configuration: TrainingConfiguration?
        if let run = runDirectory {
            try RunDirectory(path: run).refuseIrregularFiles()
            let manifest = RunDirectory(path: run).manifestFile
            if FileManager.default.fileExists(atPath: manifest) {
                configuration = try RunManifest.read(manifest).configuration
            } else {
                configuration = try RunDirectory(path: run).readStart().configuration
            }
        }
        #if DEBUG
        let debug = true
        #else
        let debug = false
        #endif
        let hazards = DeterminismDoctor.hazards(
            environment: .current(gitDirectory: FileManager.default.currentDirectoryPath),
            deterministicHashing: HashSeeding.isDeterministic, debugBuild: debug,
            nativeBuild: nativeBuild, configuration: configuration)
        print(DeterminismDoctor.report(hazards), terminator: "")
        if strict && !hazards.isEmpty { throw ExitCode(1) }
    }
}

/// Whether this executable was compiled with `-target-cpu native` (Package.swift defines
/// `REPRO_NATIVE_BUILD` then).
var nativeBuild: Bool {
    #if REPRO_NATIVE_BUILD
    true
    #else
    false
    #endif
}
