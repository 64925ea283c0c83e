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

    @Option(help: ArgumentHelp("A directory of your training code's git repository: its commit and whether it has uncommitted changes are shown too, as repro train --code records them.", valueName: "dir"))
    var code: String?

    func run() throws {
        if deterministicHashing { try HashSeeding.reexecuteWithDeterministicHashing() }
        let fingerprint = EnvironmentFingerprint.current(codeDirectory: code, threadCount: Parallel.threadCount)
        if json {
            print(String(decoding: try fingerprint.encodedJSON(pretty: true), as: UTF8.self))
            return
        }
        for (field, text) in fingerprint.fieldTexts { print("\(field): \(text)") }
        print("deterministicHashing: \(HashSeeding.isDeterministic)")
    }
}

/// `repro doctor`: notes on this environment, and the findings of a run it is given (its files
/// verified, its determinism settings, its environment against this one), with a fix for each.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this environment, and a run: its files, its determinism settings, its environment against this one.",
        discussion: """
            Each finding is a hazard (a guarantee may not hold: a run file changed after the run finished, nondeterministic fast paths allowed, the run trained by another Repro version or revision or another compiler) or a note (worth knowing, but the bits do not depend on it: the hash seed, a debug build, a binary built for this CPU only, thread variables for other libraries). The environment alone has notes only.

            Exit status: 0, or with --strict 1 when a hazard is found; 2 for invalid input (no such run directory).
            """)

    @Argument(help: "A run directory to examine (finished or not).")
    var runDirectory: String?

    @Flag(help: "Exit 1 when a hazard to the guarantees is found (notes do not count).")
    var strict = false

    func run() throws {
        #if DEBUG
        let debug = true
        #else
        let debug = false
        #endif
        let here = EnvironmentFingerprint.current(codeDirectory: nil)
        var sections = [(title: "this environment (repro \(ReproLibrary.version), revision \(ReproLibrary.revision))",
                         findings: DeterminismDoctor.environmentFindings(
                            here, deterministicHashing: HashSeeding.isDeterministic, debugBuild: debug, nativeBuild: nativeBuild))]
        if let run = runDirectory {
            sections.append((title: "run \(run)", findings: try DeterminismDoctor.runFindings(at: run, here: here)))
        }
        print(DeterminismDoctor.report(sections), terminator: "")
        if strict && sections.contains(where: { $0.findings.contains { $0.kind == .hazard } }) { throw ExitCode(1) }
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
