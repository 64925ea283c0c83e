import Foundation
import Repro
import Testing

/// `Trainer.audit` on a task of the user's own (the README's `CheckerboardTask`): the factors one
/// process can vary, each compared with the reference, which is the task's ordinary run.
@Suite struct TrainerAuditTests {
    static let seed = SeedRecord(seed: 42, drawn: false, deterministicHashing: false)

    /// 12 steps of 64 samples (within the first epoch), a checkpoint every 5.
    static func configuration() throws -> TrainingConfiguration {
        var configuration = try TrainingConfiguration(seed: 42, task: CheckerboardTask())
        configuration.maxSteps = 12
        configuration.checkpointEvery = 5
        return configuration
    }

    /// Runs `body` with a fresh directory (this process's id and `label`), removed afterwards.
    static func inDirectory(_ label: String, _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repro-audit-\(label)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func aUserTaskKeepsTheGuaranteesTheAuditVariesInProcess() throws {
        try Self.inDirectory("task") { directory in
            let report = try Trainer.audit(CheckerboardTask(), try Self.configuration(), seed: Self.seed,
                                           in: directory + "/audit", interruptAt: 9)
            #expect(report.rows.map(\.factor) == ["thread count", "workers and prefetch", "interruption and resume",
                                                  "--allow-nondeterministic", "--benchmark"])
            #expect(report.rows.map(\.guarantee) == ["G3", "G4", "G5", nil, nil])
            #expect(report.rows.prefix(3).allSatisfy { $0.outcome == .identical }, "\(report.text)")
            #expect(report.broken.isEmpty)
            #expect(report.rows[2].change == "stopped after step 9 as if killed, resumed from its newest checkpoint")
            // The reference is the task's ordinary run; the interrupted run was resumed once, from
            // its newest checkpoint before step 9 (step 5).
            guard case .finished(let plain) = try Trainer.train(CheckerboardTask(), try Self.configuration(), seed: Self.seed,
                                                                 into: directory + "/plain") else {
                Issue.record("the plain run did not finish")
                return
            }
            #expect(try RunRecord.load(directory + "/audit/reference").digest == plain.digest)
            let resumed = try RunRecord.load(directory + "/audit/interrupted").manifest.resumedFromSteps
            #expect(resumed == [5], "\(resumed)")
        }
    }

    @Test func nondeterministicSettingsAndAStopOutsideTheRunAreRefused() throws {
        try Self.inDirectory("refused") { directory in
            var fast = try Self.configuration()
            fast.allowNondeterministic = true
            #expect { try Trainer.audit(CheckerboardTask(), fast, seed: Self.seed, in: directory + "/fast") } throws: { error in
                "\(error)".contains("an audit needs a deterministic configuration")
            }
            #expect {
                try Trainer.audit(CheckerboardTask(), try Self.configuration(), seed: Self.seed, in: directory + "/late",
                                  interruptAt: 12)
            } throws: { error in
                "\(error)".contains("interruptAt must be between 1 and 11 (the reference has 12 steps), got 12")
            }
        }
    }
}
