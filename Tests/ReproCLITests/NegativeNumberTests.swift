import Foundation
import Testing

/// A negative number given to a flag (`--lr -1`, `--lr=-1`, `--seed -1`) is read as the flag's value,
/// not as an unknown flag, and refused with a message that names the flag and what it accepts:
/// exit status 2, nothing on standard output, no "Missing value", and nothing written.
@Suite struct NegativeNumberTests {
    /// Each command, and what its message must say.
    static let refused: [([String], String)] = [
        (["train", "--seed", "-1"], "'--seed <seed>': a seed is an integer from 0 to 18446744073709551615"),
        (["train", "--data-seed", "-1"], "'--data-seed <seed>': a seed is an integer from 0"),
        (["train", "--lr", "-1"], "--lr must be positive and finite, got -1"),
        (["train", "--lr=-1"], "--lr must be positive and finite, got -1"),
        (["train", "--epochs", "-3"], "--epochs must be 1 to"),
        (["train", "--max-steps", "-1"], "--max-steps must be 1 to"),
        (["train", "--batch-size", "-64"], "--batch-size must be 1 to"),
        (["train", "--dropout", "-0.1"], "--dropout must be in [0, 1), got -0.1"),
        (["train", "--weight-decay", "-1"], "--weight-decay must be non-negative"),
        (["train", "--checkpoint-every", "-1"], "--checkpoint-every must be 0 to"),
        (["train", "--clip-grad-norm", "-1"], "--clip-grad-norm must be positive"),
        (["train", "--accumulate", "-2"], "--accumulate must be a divisor of --batch-size"),
        (["train", "--augment-shift", "-1"], "--augment-shift must be 0 to"),
        (["train", "--augment-noise", "-1"], "--augment-noise must be non-negative"),
        (["train", "--threads", "-1"], "--threads must be at least 1, got -1"),
        (["train", "--workers", "-1"], "--workers must be 0 or more, got -1"),
        (["train", "--stop-after-step", "-1"], "--stop-after-step must be at least 1, got -1"),
        (["train", "--recipe", "charlm", "--context", "-1"], "--context must be 1 to"),
        (["train", "--recipe", "charlm", "--warmup", "-1"], "--warmup must be 0 to"),
        (["sweep", "--seeds", "-1..3", "--out", "sweep"], "--seeds A..B needs integers"),
        (["sweep", "--seeds", "1..2", "--out", "sweep", "--jobs", "-1"], "--jobs must be at least 1, got -1"),
        (["sweep", "--seeds", "1..2", "--out", "sweep", "--workers", "-1"], "--workers must be 0 or more, got -1"),
        (["exercise", "--seed", "-1"], "'--seed <seed>': a seed is an integer from 0"),
        (["exercise", "--spread", "-1"], "--spread must be at least 2, got -1"),
        (["exercise", "--jobs", "-1"], "--jobs must be at least 1, got -1"),
        (["sample", "run", "--seed", "-1"], "'--seed <seed>': a seed is an integer from 0"),
        (["sample", "run", "--tokens", "-1"], "--tokens must be 1 to"),
        (["sample", "run", "--temperature", "-1"], "--temperature must be finite and at least 0"),
        (["compare", "a", "b", "--rtol", "-1"], "--rtol must be a non-negative number, got -1"),
        (["compare", "a", "b", "--atol=-1"], "--atol must be a non-negative number, got -1"),
        (["stats", "a", "--tolerance", "-1"], "--tolerance must be a non-negative number, got -1"),
        (["plot", "a", "--smooth", "-1"], "--smooth must be at least 1"),
        (["report", "a", "--smooth", "-1"], "--smooth must be at least 1"),
    ]

    @Test(arguments: refused)
    func negativeValueIsRefusedWithItsReason(_ arguments: [String], _ message: String) async throws {
        try await withScratch("negative-\(arguments[0])") { scratch in
            let work = scratch.file("work")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let result = try await Repro.run(arguments, directory: work, logs: scratch.file("logs"), timeout: .seconds(120))
            let command = "repro \(arguments.joined(separator: " "))"
            #expect(result.status == 2 && !result.signaled, "\(command): \(result.summary)")
            #expect(result.stderr.contains(message), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("Missing value"), "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command): \(result.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty, "\(command) wrote into its directory")
        }
    }

    /// Where a negative number is valid it is taken: `--seed -3` for python is CPython's
    /// `random.Random(-3)`, whose first draws CPython prints as below.
    @Test func negativeValueIsTakenWhereValid() async throws {
        try await withScratch("negative-python-seed") { scratch in
            let result = try await Repro.run(["rng", "python", "--seed", "-3", "--draw", "random", "--count", "3"],
                                             logs: scratch.file("logs"))
            #expect(result.status == 0, "\(result.summary)")
            #expect(result.stdout == "0.23796462709189137\n0.5442292252959519\n0.36995516654807925\n")
        }
    }
}
