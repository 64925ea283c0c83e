import Foundation
import Testing

/// G1, G2, G3 and G5 for a user's own task, in processes: `own-model RUN` (Examples/OwnModel, which
/// uses Repro's public API only) trains the checkerboard task, or finishes an interrupted run, and
/// prints the digest. Two processes, another hash seed, other thread counts, and a run killed with
/// `kill -9` at five moments (before the first checkpoint, between checkpoints, during a
/// checkpoint's write, during a periodic checkpoint's write, during the manifest's write) and
/// finished by the same command, all print the digest of the uninterrupted run.
///
/// The run: 5 epochs of 32 steps (160), checkpoints at each epoch's end and at step 100; progress
/// lines every 16 steps on standard error.
@Suite struct OwnModelProcessTests {
    static let program = Repro.executable(named: "own-model")

    static func run(_ path: String, _ changes: [String: String?] = [:], logs: String) async throws -> ChildResult {
        try await Repro.run([path], program: program, environment: Repro.environment(changes), logs: logs)
    }

    /// The uninterrupted run's digest, from its own process.
    static let reference = Task<String, any Error> {
        try await withScratch("own-model") { scratch in
            let result = try await run(scratch.file("run"), logs: scratch.file("logs"))
            guard result.status == 0, let digest = result.stdout.split(separator: "\n").last.map(String.init),
                  digest.count == 64 else {
                throw HarnessError("the own-model reference run failed: \(result.summary)")
            }
            return digest
        }
    }

    @Test(arguments: [
        ["SWIFT_DETERMINISTIC_HASHING": "1", "REPRO_NUM_THREADS": "1"],
        ["SWIFT_DETERMINISTIC_HASHING": nil, "REPRO_NUM_THREADS": "3"],
    ] as [[String: String?]])
    func anotherProcessHashSeedAndThreadCountGiveTheSameDigest(_ changes: [String: String?]) async throws {
        let reference = try await Self.reference.value
        try await withScratch("own-model-again") { scratch in
            let result = try await Self.run(scratch.file("run"), changes, logs: scratch.file("logs"))
            #expect(result.status == 0 && result.stdout == reference + "\n", "\(result.summary)")
            let manifest = try manifest(in: scratch.file("run"))
            #expect((manifest["configuration"] as? [String: Any])?["task"] as? [String: Any] != nil)
        }
    }

    struct Moment: Sendable, CustomTestStringConvertible {
        let name: String
        let pause: Bool
        let trigger: @Sendable (_ run: String, _ stderr: String) -> Bool
        let hit: @Sendable (_ run: String) -> Bool
        let resumesAt: Int
        var testDescription: String { name }
    }

    static func temporary(_ prefix: String, in directory: String) -> Bool {
        temporaryNames(directory).contains { $0.hasPrefix(prefix) }
    }

    static let moments: [Moment] = [
        Moment(name: "before the first checkpoint", pause: false,
               trigger: { _, stderr in stderr.contains("step 16/160") }, hit: { checkpointNames($0).isEmpty }, resumesAt: 0),
        Moment(name: "between checkpoints", pause: false,
               trigger: { _, stderr in stderr.contains("step 48/160") },
               hit: { checkpointNames($0) == [checkpointName(32)] }, resumesAt: 32),
        Moment(name: "during the first checkpoint's write", pause: true,
               trigger: { run, _ in temporary("." + checkpointName(32), in: run + "/checkpoints") },
               hit: { run in temporary("." + checkpointName(32), in: run + "/checkpoints") && checkpointNames(run).isEmpty },
               resumesAt: 0),
        Moment(name: "during the periodic checkpoint's write", pause: true,
               trigger: { run, _ in temporary("." + checkpointName(100), in: run + "/checkpoints") },
               hit: { run in
                   temporary("." + checkpointName(100), in: run + "/checkpoints")
                       && checkpointNames(run) == [32, 64, 96].map(checkpointName)
               },
               resumesAt: 96),
        Moment(name: "during the manifest's write", pause: true,
               trigger: { run, _ in temporary(".manifest.json.tmp-", in: run) },
               hit: { run in temporary(".manifest.json.tmp-", in: run) && checkpointNames(run).count == 5 },
               resumesAt: 128),
    ]

    @Test(arguments: moments)
    func killedAndFinishedRunIsIdentical(_ moment: Moment) async throws {
        let reference = try await Self.reference.value
        try await withScratch("own-model-kill") { scratch in
            let logs = scratch.file("logs")
            var run = ""
            for attempt in 1...3 {
                run = scratch.file("run-\(attempt)")
                let pause: String? = moment.pause ? "1500" : nil
                let child = try Child([run], program: Self.program,
                                      environment: Repro.environment(["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS": pause]), logs: logs)
                let path = run
                try await child.wait(until: "the moment '\(moment.name)'") { moment.trigger(path, child.stderr) }
                child.kill()
                let killed = try await child.wait(timeout: .seconds(60))
                #expect(killed.signaled && killed.status == SIGKILL, "the process was not killed: \(killed.summary)")
                if moment.hit(run) { break }
                guard attempt < 3 else {
                    Issue.record("the kill missed '\(moment.name)' three times; last checkpoints: \(checkpointNames(run))")
                    return
                }
            }
            let finished = try await Self.run(run, ["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS": nil, "REPRO_NUM_THREADS": "2"],
                                              logs: logs)
            #expect(finished.status == 0 && finished.stdout == reference + "\n", "\(finished.summary)")
            #expect(text(run + "/resumes.log") == "\(moment.resumesAt)\n")
            #expect(temporaryNames(run).isEmpty && temporaryNames(run + "/checkpoints").isEmpty)
        }
    }
}
