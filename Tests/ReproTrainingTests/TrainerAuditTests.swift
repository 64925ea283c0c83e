import Foundation
import ReproRandom
import ReproRuns
import ReproTestSupport
import ReproTraining
import Testing

/// `Trainer.audit` on a task of the user's own (`WaveTask`): the factors one process can vary,
/// each compared with the reference, which is the run `UserTaskTests` trains.
@Suite struct TrainerAuditTests {
    @Test func aUserTaskKeepsTheGuaranteesTheAuditVariesInProcess() throws {
        try withTemporaryDirectory { directory in
            let report = try Trainer.audit(WaveTask(), try UserTaskTests.configuration(), seed: UserTaskTests.seed,
                                           in: directory.file("audit"), interruptAt: 9)
            #expect(report.rows.map(\.factor) == ["thread count", "workers and prefetch", "interruption and resume",
                                                  "--allow-nondeterministic", "--benchmark"])
            #expect(report.rows.map(\.guarantee) == ["G3", "G4", "G5", nil, nil])
            #expect(report.rows.prefix(3).allSatisfy { $0.outcome == .identical }, "\(report.text)")
            #expect(report.broken.isEmpty)
            #expect(report.rows[2].change == "stopped after step 9 as if killed, resumed from its newest checkpoint")
            // The reference is the ordinary run of the task; the interrupted run was resumed once,
            // from its newest checkpoint before step 9 (step 7, the first epoch's end).
            #expect(try RunRecord.load(directory.file("audit/reference")).digest == (try UserTaskTests.reference.get()))
            let resumed = try RunRecord.load(directory.file("audit/interrupted")).manifest.resumedFromSteps
            #expect(resumed == [7], "\(resumed)")
        }
    }

    @Test func nondeterministicSettingsAndAStopOutsideTheRunAreRefused() throws {
        try withTemporaryDirectory { directory in
            var fast = try UserTaskTests.configuration()
            fast.allowNondeterministic = true
            #expect { try Trainer.audit(WaveTask(), fast, seed: UserTaskTests.seed, in: directory.file("fast")) } throws: { error in
                "\(error)".contains("an audit needs a deterministic configuration")
            }
            #expect {
                try Trainer.audit(WaveTask(), try UserTaskTests.configuration(), seed: UserTaskTests.seed,
                                  in: directory.file("late"), interruptAt: 28)
            } throws: { error in
                "\(error)".contains("interruptAt must be between 1 and 27 (the reference has 28 steps), got 28")
            }
        }
    }
}
