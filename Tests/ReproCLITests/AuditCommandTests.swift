import Foundation
import Testing

/// `repro audit`: of the built-in recipe (every promised factor identical, exit 0) and of a
/// command Repro did not write (a shell script whose log depends on `OMP_NUM_THREADS`: the audit
/// names that factor, the first differing step and nothing else), and its bad input (exit 2).
@Suite struct AuditCommandTests {
    /// The committed fixture directory the command audits are run in (a copy per run).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/audit").path

    /// The audit's report lines that start with `prefix` (`G3 `, `-- `).
    static func rows(_ stdout: String, _ prefix: String) -> [String] {
        stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    /// A tiny recipe run audited: G1–G5 identical (G6 identical or not available, as the other
    /// build exists or not), both nondeterministic factors reported, exit 0, the temporary
    /// directory removed.
    @Test func recipeAuditFindsEveryPromisedFactorIdentical() async throws {
        try await withScratch("audit-recipe") { scratch in
            let result = try await Repro.run(["audit", "--max-steps", "6", "--batch-size", "16", "--hidden", "16",
                                              "--interrupt-at", "4"],
                                             environment: Repro.environment(["TMPDIR": scratch.path]), logs: scratch.file("logs"))
            #expect(result.status == 0, "\(result.summary)")
            for guarantee in ["G1", "G2", "G3", "G4", "G5"] {
                let rows = Self.rows(result.stdout, guarantee + " ")
                #expect(rows.count == 1 && rows[0].hasSuffix(": identical"), "\(guarantee): \(rows)")
            }
            #expect(Self.rows(result.stdout, "G5 ").first?.contains("stopped after step 4 as if killed") == true)
            let g6 = Self.rows(result.stdout, "G6 ")
            #expect(g6.count == 1 && (g6[0].hasSuffix(": identical") || g6[0].contains(": not available: ")), "\(g6)")
            let unpromised = Self.rows(result.stdout, "-- ")
            #expect(unpromised.count == 2 && unpromised[0].contains("--allow-nondeterministic")
                    && unpromised[1].contains("--benchmark"), "\(unpromised)")
            #expect(result.stdout.contains("verdict: every promised factor left the bits identical (G1, G2, G3, G4, G5"))
            // The temporary directory of the runs is gone (only the harness's logs are left).
            let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("repro-audit-") }
            #expect(left.isEmpty, "\(left)")
        }
    }

    /// The script's log changes with OMP_NUM_THREADS=1 from step 3: the audit names the thread
    /// count, that step and the values, finds every other factor identical, and exits 1.
    @Test func commandAuditNamesTheFactorThatChangesTheOutput() async throws {
        try await withScratch("audit-command") { scratch in
            let result = try await Repro.run(["audit", "--workdir", Self.fixtures, "--output", "counts.txt", "--output", "log.csv",
                                              "--out", scratch.file("audit"), "--", "sh", "threads.sh"],
                                             logs: scratch.file("logs"))
            #expect(result.status == 1, "\(result.summary)")
            let rows = Self.rows(result.stdout, "-- ")
            #expect(rows.count == 6, "\(rows)")
            let differing = rows.filter { !$0.hasSuffix(": identical") }
            #expect(differing.count == 1 && differing[0].hasPrefix("--  thread count, OMP_NUM_THREADS, MKL_NUM_THREADS, "
                                                                    + "OPENBLAS_NUM_THREADS=1 ")
                    && differing[0].contains("DIFFERS: log.csv: step 3: loss 0.25 vs 0.5"), "\(differing)")
            #expect(result.stdout.contains("verdict: the outputs change with: thread count\n"))
            // The outputs of each run were kept, and the fixture directory was not written to.
            #expect(FileManager.default.fileExists(atPath: scratch.file("audit/runs/threads-1/log.csv")))
            #expect(!FileManager.default.fileExists(atPath: Self.fixtures + "/log.csv"))
        }
    }

    /// Bad input ends with exit 2 and a message that names the problem, before or after the
    /// command ran.
    @Test(arguments: [
        (["--output", "log.csv", "--"], "no command after --"),
        (["--", "sh", "threads.sh"], "name at least one file the command writes with --output PATH"),
        (["--output", "never.csv", "--", "sh", "threads.sh"],
         "--output never.csv: the reference run of the command did not write it"),
        (["--output", "log.csv", "--", "sh", "-c", "echo broken >&2; exit 3"],
         "the reference run of the command: exit status 3: broken"),
        (["--output", "log.csv", "--", "no-such-command-for-repro"], "no-such-command-for-repro: no such command on the PATH"),
        (["--output", "/tmp/log.csv", "--", "sh", "threads.sh"], "give a path inside the working directory"),
        (["--max-steps", "5", "--output", "log.csv", "--", "sh", "threads.sh"], "--max-steps set the built-in recipe"),
    ])
    func badInputExitsWith2(_ arguments: [String], _ message: String) async throws {
        try await withScratch("audit-bad") { scratch in
            let result = try await Repro.run(["audit", "--workdir", Self.fixtures] + arguments,
                                             environment: Repro.environment(["TMPDIR": scratch.path]), logs: scratch.file("logs"))
            #expect(result.status == 2 && result.stderr.contains(message), "\(result.summary)")
            let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("repro-audit-") }
            #expect(left.isEmpty, "temporary directories left: \(left)")
        }
    }
}
