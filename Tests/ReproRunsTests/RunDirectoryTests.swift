import Foundation
import ReproRandom
import ReproTestSupport
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// Starting a run refuses directories that hold something; resuming refuses what is not a run.
@Suite struct RunDirectoryTests {
    func start() -> RunDirectory.Start {
        RunDirectory.Start(configuration: TrainingConfiguration(seed: 1, task: TaskRecord(name: "test")),
                           seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false), startedAt: "t")
    }

    @Test func createRefusesFinishedUnfinishedAndNonEmptyDirectories() throws {
        try withTemporaryDirectory { directory in
            let run = directory.file("run")
            _ = try RunDirectory.create(at: run, start: start())
            #expect { try RunDirectory.create(at: run, start: start()) } throws: { "\($0)".contains("unfinished run") }
            try AtomicFile.write("{}", to: run + "/manifest.json")
            #expect { try RunDirectory.create(at: run, start: start()) } throws: { "\($0)".contains("finished run") }
            #expect(try AtomicFile.read(run + "/manifest.json") == Array("{}".utf8))
            try FileManager.default.createDirectory(atPath: directory.file("busy"), withIntermediateDirectories: true)
            try AtomicFile.write("x", to: directory.file("busy/notes.txt"))
            #expect { try RunDirectory.create(at: directory.file("busy"), start: start()) } throws: { "\($0)".contains("not empty") }
        }
    }

    @Test func resumeRefusesWhatIsNotAnUnfinishedRun() throws {
        try withTemporaryDirectory { directory in
            #expect { try RunDirectory.openForResume(directory.path) } throws: { "\($0)".contains("not a Repro run directory") }
            let run = directory.file("run")
            _ = try RunDirectory.create(at: run, start: start())
            let (_, opened) = try RunDirectory.openForResume(run)
            #expect(opened.configuration == start().configuration)
            try AtomicFile.write("{\"format\": 3}", to: run + "/run.json")
            #expect { try RunDirectory.openForResume(run) } throws: { "\($0)".contains("damaged or incomplete") }
            try AtomicFile.write("{}", to: run + "/manifest.json")
            #expect { try RunDirectory.openForResume(run) } throws: { "\($0)".contains("finished run") }
        }
    }
}

extension RunDirectoryTests {
    /// A process killed inside `create`, before run.json, leaves the empty logs and checkpoints
    /// directory: starting the run again there works.
    @Test func createReusesTheLeftoversOfAnInterruptedCreate() throws {
        try withTemporaryDirectory { directory in
            let run = directory.file("run")
            _ = try RunDirectory.create(at: run, start: start())
            try FileManager.default.removeItem(atPath: run + "/run.json")
            _ = try RunDirectory.create(at: run, start: start())
            #expect(FileManager.default.fileExists(atPath: run + "/run.json"))
        }
    }
}

