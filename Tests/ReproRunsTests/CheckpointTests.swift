import Foundation
import Testing
import ReproData
import ReproNN
import ReproRandom
import ReproTensor
@testable import ReproRuns

/// Checkpoint files: a round trip restores every tensor and the header exactly; a damaged,
/// truncated or foreign file is refused with the reason.
@Suite struct CheckpointTests {
    func sample() throws -> Checkpoint {
        var configuration = TrainingConfiguration(seed: 7)
        configuration.hiddenSizes = [8]
        let recipe = try Recipe(configuration)
        let loader = try recipe.trainLoader(workers: 0)
        _ = try loader.next()
        let header = Checkpoint.Header(step: 1, loader: loader.state, optimizer: recipe.optimizer.state(),
                                       configuration: configuration,
                                       seed: SeedRecord(seed: 7, drawn: false, deterministicHashing: false))
        return Checkpoint(header: header, model: recipe.model.parameterTensors(), optimizer: recipe.optimizer.stateTensors())
    }

    @Test func roundTripRestoresTheHeaderAndEveryTensorBitForBit() throws {
        try withTemporaryDirectory { directory in
            let checkpoint = try sample()
            let path = directory.file(Checkpoint.fileName(step: 1))
            try checkpoint.write(to: path)
            let read = try Checkpoint.read(path)
            #expect(read.header.step == 1)
            #expect(read.header.loader == checkpoint.header.loader)
            #expect(read.header.configuration == checkpoint.header.configuration)
            #expect(read.header.optimizer == checkpoint.header.optimizer)
            let original = Dictionary(uniqueKeysWithValues: checkpoint.model.map { ($0.name, $0.tensor) })
            #expect(read.model.count == original.count)
            for (name, tensor) in read.model {
                #expect(tensor.shape == original[name]?.shape)
                #expect(tensor.scalars.map(\.bitPattern) == original[name]?.scalars.map(\.bitPattern), "\(name)")
            }
            // The same checkpoint always gives the same bytes.
            try checkpoint.write(to: directory.file("again.safetensors"))
            #expect(try AtomicFile.read(path) == AtomicFile.read(directory.file("again.safetensors")))
        }
    }

    @Test func fileNamesCarryTheStep() {
        #expect(Checkpoint.fileName(step: 42) == "step-00000042.safetensors")
        #expect(Checkpoint.step(ofFileName: "step-00000042.safetensors") == 42)
        #expect(Checkpoint.step(ofFileName: "step-123456789.safetensors") == 123_456_789)
        for name in [".step-00000042.safetensors.tmp-1-0", "step-.safetensors", "step-4x.safetensors", "model.safetensors"] {
            #expect(Checkpoint.step(ofFileName: name) == nil, "\(name)")
        }
    }

    @Test func aFlippedByteOrATruncationIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("c.safetensors")
            try sample().write(to: path)
            let bytes = try AtomicFile.read(path)
            // A byte in the tensor data: the checksum catches it.
            var flipped = bytes
            flipped[bytes.count - 3] ^= 0x01
            try AtomicFile.write(flipped, to: path)
            #expect { try Checkpoint.read(path) } throws: { "\($0)".contains("fails its checksum") }
            // A byte inside the header JSON's numbers: the checksum or the JSON parse catches it.
            for cut in [8, 100, bytes.count / 2, bytes.count - 1] {
                try AtomicFile.write(Array(bytes.prefix(cut)), to: path)
                #expect(throws: RunFileError.self, "cut at \(cut)") { try Checkpoint.read(path) }
            }
        }
    }

    @Test func aSafetensorsFileWithoutReproMetadataIsNotACheckpoint() throws {
        try withTemporaryDirectory { directory in
            let path = directory.file("foreign.safetensors")
            try SafeTensorsFile(tensors: ["w": try SafeTensor([Float(1), 2], shape: [2])]).write(to: path)
            #expect { try Checkpoint.read(path) } throws: { "\($0)".contains("not a Repro checkpoint") }
        }
    }
}

/// Starting a run refuses directories that hold something; resuming refuses what is not a run.
@Suite struct RunDirectoryTests {
    func start() -> RunDirectory.Start {
        RunDirectory.Start(configuration: TrainingConfiguration(seed: 1),
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

/// `stopAfterStep` must lie ahead of where a run resumes.
@Suite struct StopAfterStepTests {
    @Test func aStopAtOrBeforeTheResumeStepIsAnError() throws {
        try withTemporaryDirectory { directory in
            var configuration = TrainingConfiguration(seed: 3)
            configuration.hiddenSizes = [8]
            configuration.maxSteps = 6
            configuration.checkpointEvery = 2
            let seed = SeedRecord(seed: 3, drawn: false, deterministicHashing: false)
            let run = directory.file("run")
            let quiet = ConsoleProgress(quiet: true)
            guard case .stopped(let step) = try Trainer.train(configuration, seed: seed, into: run,
                                                             runtime: RuntimeOptions(stopAfterStep: 4), progress: quiet)
            else { Issue.record("the run did not stop"); return }
            #expect(step == 4)
            #expect { try Trainer.resume(run, runtime: RuntimeOptions(stopAfterStep: 4), progress: quiet) } throws: {
                "\($0)".contains("--stop-after-step 4 is not after step 4")
            }
            guard case .finished = try Trainer.resume(run, progress: quiet) else { Issue.record("not finished"); return }
        }
    }
}
