import Foundation
import ReproTestSupport
import Testing
import ReproRuns
@testable import ReproAnalysis

/// `repro audit -- COMMAND`'s comparison of a command's outputs (``OutputComparison``): safetensors
/// tensor by tensor, CSV logs and TensorBoard directories step by step, other files byte by byte,
/// and refusals naming the file;
/// and the audit's report (``AuditReport``): which factors fail it.
@Suite struct OutputComparisonTests {
    /// Writes `bytes` to `name` under `directory` and returns the path.
    static func write(_ text: String, _ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func safetensorsNameTheFirstDifferingTensorHowManyValuesAndTheLargestDifference() throws {
        try withTemporaryDirectory { directory in
            let a = SafeTensorsFile(tensors: ["w": try SafeTensor([1, 2, 3, 4] as [Float], shape: [2, 2]),
                                              "b": try SafeTensor([0.5, 0.25] as [Float], shape: [2])])
            var b = a
            b.tensors["w"] = try SafeTensor([1, 2, 3.5, 4.25] as [Float], shape: [2, 2])
            try a.write(to: directory.file("a.safetensors"))
            try b.write(to: directory.file("b.safetensors"))
            try a.write(to: directory.file("c.safetensors"))
            #expect(try OutputComparison.firstDifference(of: "weights.safetensors", directory.file("a.safetensors"),
                                                         directory.file("b.safetensors"))
                    == "tensor 'w' differs in 2 of 4 values (largest |A − B| 0.5 at w[1, 0])")
            #expect(try OutputComparison.firstDifference(of: "weights.safetensors", directory.file("a.safetensors"),
                                                         directory.file("c.safetensors")) == nil)
            var reshaped = a
            reshaped.tensors["b"] = try SafeTensor([0.5, 0.25] as [Float], shape: [1, 2])
            try reshaped.write(to: directory.file("d.safetensors"))
            #expect(try OutputComparison.firstDifference(of: "w.safetensors", directory.file("a.safetensors"),
                                                         directory.file("d.safetensors"))
                    == "tensor 'b': shape [2] in A, [1, 2] in B")
        }
    }

    @Test func csvLogsNameTheFirstDifferingStepAndColumns() throws {
        try withTemporaryDirectory { directory in
            let a = try Self.write("step,loss,accuracy\n0,2.5,0.1\n1,2.25,0.2\n2,2.0,0.3\n", "a.csv", in: directory)
            let b = try Self.write("step,loss,accuracy\n0,2.5,0.1\n1,2.25,0.25\n2,2.125,0.3\n", "b.csv", in: directory)
            let shorter = try Self.write("step,loss,accuracy\n0,2.5,0.1\n1,2.25,0.2\n", "c.csv", in: directory)
            #expect(try OutputComparison.firstDifference(of: "log.csv", a, b) == "step 1: accuracy 0.2 vs 0.25")
            #expect(try OutputComparison.firstDifference(of: "log.csv", a, shorter) == "loss: 3 steps vs 2 (equal over the common steps)")
            let noStep = try Self.write("epoch,loss\n0,2.5\n", "d.csv", in: directory)
            #expect { try OutputComparison.firstDifference(of: "log.csv", a, noStep) } throws: { error in
                "\(error)".contains("d.csv") && "\(error)".contains("no step column 'step'")
            }
        }
    }

    /// PyTorch `SummaryWriter` directories (Vectors/foreign, scripts/tensorboard/make_foreign_fixtures.py):
    /// numpy finds both losses first differing at step 8 and the accuracy never (expected.json).
    @Test func tensorBoardDirectoriesAreComparedSeriesBySeries() throws {
        let foreign = Vectors.directory.appendingPathComponent("foreign").path
        let difference = try #require(try OutputComparison.firstDifference(of: "runs", foreign + "/tb-a", foreign + "/tb-b"))
        #expect(difference.hasPrefix("step 8: ") && difference.contains("Loss/train ") && difference.contains("Loss/val ")
                && !difference.contains("Accuracy/val"), "\(difference)")
        #expect(try OutputComparison.firstDifference(of: "runs", foreign + "/tb-a", foreign + "/tb-a") == nil)
    }

    @Test func otherFilesAreComparedByteByByte() throws {
        try withTemporaryDirectory { directory in
            let a = try Self.write("hello world", "a.txt", in: directory)
            let b = try Self.write("hello there", "b.txt", in: directory)
            let longer = try Self.write("hello world!", "c.txt", in: directory)
            #expect(try OutputComparison.firstDifference(of: "out.txt", a, b) == "bytes differ from offset 6")
            #expect(try OutputComparison.firstDifference(of: "out.txt", a, longer) == "11 bytes vs 12 (one is the start of the other)")
        }
    }

    /// A promised factor that changed the bits fails the audit; an unpromised one, or one that
    /// could not be varied, does not.
    @Test func onlyAPromisedFactorThatChangedTheBitsFailsTheAudit() {
        let identical = AuditReport.Row(factor: "thread count", change: "1 thread", guarantee: "G3", outcome: .identical)
        let unavailable = AuditReport.Row(factor: "debug build", change: "", guarantee: "G6", outcome: .notAvailable("none here"))
        let fast = AuditReport.Row(factor: "--benchmark", change: "timed", guarantee: nil,
                                   outcome: .differs("metrics.csv step 2: loss 1 vs 2", evidence: ""))
        let passing = AuditReport(reference: "r", rows: [identical, unavailable, fast])
        #expect(passing.broken.isEmpty)
        #expect(passing.text == """
            reference: r
            G3  thread count, 1 thread: identical
            G6  debug build: not available: none here
            --  --benchmark, timed: DIFFERS: metrics.csv step 2: loss 1 vs 2
            verdict: every promised factor left the bits identical (G3)

            """)
        let broken = AuditReport.Row(factor: "workers and prefetch", change: "3 workers", guarantee: "G4",
                                     outcome: .differs("eval.csv step 5: validation_loss 1 vs 2", evidence: "repro compare A B"))
        let failing = AuditReport(reference: "r", rows: [identical, broken])
        #expect(failing.broken.map(\.factor) == ["workers and prefetch"])
        #expect(failing.text.hasSuffix("""
            G4  workers and prefetch, 3 workers: DIFFERS: eval.csv step 5: validation_loss 1 vs 2 (repro compare A B)
            verdict: FAILED: G4 (workers and prefetch) changed the bits

            """))
    }
}
