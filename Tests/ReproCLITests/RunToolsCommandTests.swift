import Foundation
import Synchronization
import Testing

/// `repro compare` and `repro stats` as a user runs them: exit codes 0, 1 and 2, bad input named in
/// the message, and runs left untouched. The runs are real but tiny (`repro train` of a 4-wide MLP
/// for 2 steps on a 40-row CSV dataset, 0.2 s each in a debug build), trained once for the whole
/// suite; the damaged ones are copies edited afterwards.
@Suite struct RunToolsCommandTests {
    static let fixtures = Result { try RunToolsFixtures() }

    static func paths() throws -> RunToolsFixtures { try fixtures.get() }

    @Test func identicalRunsExitZero() throws {
        let runs = try Self.paths()
        let result = try Repro.run(["compare", runs.a, runs.b])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("verdict: bitwise identical"))
        #expect(result.stdout.contains("environment.threadCount: 1 vs 2"))
    }

    @Test func otherSeedExitsOne() throws {
        let runs = try Self.paths()
        let result = try Repro.run(["compare", runs.a, runs.c])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("verdict: different"))
        #expect(result.stdout.contains("first difference at step 1: loss"))
        #expect(result.stdout.contains("configuration.seed: 1 vs 2"))
        #expect(result.stderr.isEmpty)
    }

    @Test func toleranceDecidesTheExitCode() throws {
        let runs = try Self.paths()
        let loose = try Repro.run(["compare", runs.a, runs.c, "--rtol", "100", "--atol", "1"])
        #expect(loose.status == 0, "\(loose.stdout)")
        #expect(loose.stdout.contains("verdict: within tolerance (rtol 100.0, atol 1.0)"))
        let tight = try Repro.run(["compare", runs.a, runs.c, "--rtol", "1e-9"])
        #expect(tight.status == 1)
        #expect(tight.stdout.contains("outside rtol 1e-09, atol 0.0"))
    }

    @Test func differentLengthsAndNaNAreDifferences() throws {
        let runs = try Self.paths()
        let lengths = try Repro.run(["compare", runs.a, runs.short])
        #expect(lengths.status == 1)
        #expect(lengths.stdout.contains("the lengths differ; compared the 1 common step"))
        let nan = try Repro.run(["compare", runs.a, runs.nan, "--rtol", "100", "--atol", "100"])
        #expect(nan.status == 1)
        #expect(nan.stdout.contains("B has nan at metrics.csv step 1 (loss)"))
        #expect(nan.stdout.contains("B: metrics.csv changed after the run finished"))
    }

    @Test func statsOverASweep() throws {
        let runs = try Self.paths()
        let result = try Repro.run(["stats", runs.sweep, "--per-step", runs.scratch + "/per-step-\(UUID().uuidString).csv"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("— 3 runs (seed-1, seed-2, seed-3), seeds 1–3"))
        #expect(result.stdout.contains("95% CI of the mean (t, df 2)"))
        #expect(result.stdout.contains("per-step table: "))
        // The tolerance is in percentage points of accuracy: ±100 admits any accuracy.
        let pass = try Repro.run(["stats", runs.sweep, "--tolerance", "100"])
        #expect(pass.status == 0)
        #expect(pass.stdout.contains("statistical reproducibility (±100 pp): pass"))
        #expect(pass.stdout.contains("95 % prediction interval for one more seed's final validation accuracy: "))
        #expect(pass.stdout.contains("% (seeds 1–3: mean "))
        let fail = try Repro.run(["stats", runs.sweep, "--baseline", runs.baseline, "--tolerance", "0"])
        #expect(fail.status == 1, "\(fail.stdout)\(fail.stderr)")
        #expect(fail.stdout.contains("paired by seed: 2 pairs (seeds 1, 2)"))
        #expect(fail.stdout.contains("statistical reproducibility (±0 pp): fail"))
    }

    /// Each bad input exits 2 with a message naming the run or file, and prints nothing on stdout.
    /// `@/x` in an argument is the fixtures' directory.
    @Test(arguments: [
        (["compare", "@/runs/a", "@/missing"], "missing: no such run directory"),
        (["compare", "@/runs/a", "@/empty"], "empty: is not a Repro run directory"),
        (["compare", "@/unfinished", "@/runs/a"], "unfinished: is an unfinished run"),
        (["compare", "@/runs/a", "@/corrupt"], "corrupt/manifest.json: not valid JSON"),
        (["compare", "@/runs/a", "@/future"], "future/manifest.json: manifest schema version 4"),
        (["compare", "@/runs/a", "@/runs/b", "--rtol=-1"], "--rtol must be a non-negative number"),
        (["compare", "@/runs/a"], "<run-b>"),
        (["stats", "@/nan"], "nan/metrics.csv: does not match the sha256 that manifest.json records"),
        (["stats", "@/lengths"], "lengths/seed-9/metrics.csv: logs 1 row (step 1), but"),
        (["stats", "@/failed"], "failed/seed-2: is an unfinished run"),
        (["stats", "@/runs/sweep", "--baseline", "@/failed"], "failed/seed-2: is an unfinished run"),
        (["stats", "@/empty"], "empty: is neither a run"),
        (["stats", "@/missing"], "missing: no such run or sweep directory"),
        (["stats", "@/runs/sweep", "--tolerance=-1"], "--tolerance must be a non-negative number"),
        (["stats"], "<directories>"),
    ])
    func badInputExitsTwo(_ template: [String], _ mention: String) throws {
        let runs = try Self.paths()
        let args = template.map { $0.hasPrefix("@/") ? runs.scratch + $0.dropFirst() : $0 }
        let result = try Repro.run(args)
        #expect(result.status == 2, "repro \(args.joined(separator: " ")) exited \(result.status): \(result.stdout)")
        #expect(result.stderr.contains(mention), "repro \(args.joined(separator: " ")): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func theToolsChangeNoRun() throws {
        let runs = try Self.paths()
        let before = try RunToolsFixtures.contents(under: runs.scratch)
        for args in [["compare", runs.a, runs.c, "--rtol", "1e-3"], ["compare", runs.a, runs.nan],
                     ["stats", runs.sweep, "--baseline", runs.baseline, "--tolerance", "0.01"], ["stats", runs.failed]] {
            _ = try Repro.run(args)
        }
        // Another test writes per-step-*.csv into the scratch directory meanwhile (atomically, through
        // a hidden .per-step-*.tmp-* file): neither is a run's file.
        func runFiles(_ files: [String: Data]) -> [String: Data] {
            files.filter { !$0.key.hasPrefix("per-step-") && !$0.key.hasPrefix(".per-step-") }
        }
        #expect(runFiles(try RunToolsFixtures.contents(under: runs.scratch)) == runFiles(before))
    }
}

/// The runs the command tests read, under one temporary directory (`scratch`), trained on
/// `data.csv`: `runs/a` and `runs/b` (seed 1, trained with 1 and 2 threads: the same bits),
/// `runs/c` (seed 2), `runs/d` (seed 3), `runs/short` (seed 9, one step instead of two), the sweep
/// `runs/sweep` (a, c, d as seed-1…3) and the baseline `runs/baseline` (b and c), and damaged copies: `nan` (the first loss
/// replaced by nan), `unfinished` (no manifest), `corrupt` (a truncated manifest), `future`
/// (schema version 4), the sweeps `lengths` (a and short) and `failed` (a and unfinished), and an
/// `empty` directory.
struct RunToolsFixtures: Sendable {
    let scratch: String
    var a: String { scratch + "/runs/a" }
    var b: String { scratch + "/runs/b" }
    var c: String { scratch + "/runs/c" }
    var short: String { scratch + "/runs/short" }
    var sweep: String { scratch + "/runs/sweep" }
    var baseline: String { scratch + "/runs/baseline" }
    var nan: String { scratch + "/nan" }
    var failed: String { scratch + "/failed" }

    struct Failure: Error, CustomStringConvertible { let description: String }

    init() throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("repro-run-tools-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else { throw Failure(description: "cannot create \(template)") }
        let scratch = String(cString: created)
        self.scratch = scratch
        // 40 rows of 4 features and a 0/1 label: 8 for validation, 4 steps of 8 per epoch.
        var rows = ""
        var state: UInt64 = 1
        for _ in 0..<40 {
            let features = (0..<4).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(state >> 54) - 512
            }
            rows += features.map { String(Double($0) / 512) }.joined(separator: ",") + ",\(features[0] + features[1] > 0 ? 1 : 0)\n"
        }
        try rows.write(toFile: scratch + "/data.csv", atomically: true, encoding: .utf8)
        let trainings = [("a", "1", "1", "2"), ("b", "1", "2", "2"), ("c", "2", "1", "2"), ("d", "3", "1", "2"),
                         ("short", "9", "1", "1")]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: trainings.count) { index in  // one process each
            let (name, seed, threads, steps) = trainings[index]
            let args = ["train", "--seed", seed, "--threads", threads, "--max-steps", steps, "--epochs", "1",
                        "--hidden", "4", "--batch-size", "8", "--dataset", scratch + "/data.csv", "--quiet",
                        "--out", scratch + "/runs/" + name]
            let result = try? Repro.run(args)
            if result?.status != 0 {
                failures.withLock { $0.append("repro \(args.joined(separator: " ")): \(result?.stderr ?? "did not run")") }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw Failure(description: failure) }

        let manager = FileManager.default
        func copy(_ from: String, _ to: String) throws {
            try manager.createDirectory(atPath: ((scratch + "/" + to) as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)
            try manager.copyItem(atPath: scratch + "/" + from, toPath: scratch + "/" + to)
        }
        func edit(_ file: String, _ change: (String) -> String) throws {
            let text = try String(contentsOfFile: scratch + "/" + file, encoding: .utf8)
            try change(text).write(toFile: scratch + "/" + file, atomically: true, encoding: .utf8)
        }
        for (index, name) in ["a", "c", "d"].enumerated() { try copy("runs/" + name, "runs/sweep/seed-\(index + 1)") }
        for (index, name) in ["b", "c"].enumerated() { try copy("runs/" + name, "runs/baseline/seed-\(index + 1)") }
        try copy("runs/a", "nan")
        try edit("nan/metrics.csv") { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var fields = lines[1].split(separator: ",").map(String.init)
            fields[2] = "nan"
            lines[1] = fields.joined(separator: ",")
            return lines.joined(separator: "\n")
        }
        try copy("runs/a", "unfinished")
        try manager.removeItem(atPath: scratch + "/unfinished/manifest.json")
        try copy("runs/a", "corrupt")
        try edit("corrupt/manifest.json") { String($0.prefix(100)) }
        try copy("runs/a", "future")
        try edit("future/manifest.json") { $0.replacingOccurrences(of: "\"schemaVersion\" : 3", with: "\"schemaVersion\" : 4") }
        try copy("runs/a", "lengths/seed-1")
        try copy("runs/short", "lengths/seed-9")
        try copy("runs/a", "failed/seed-1")
        try copy("unfinished", "failed/seed-2")
        try manager.createDirectory(atPath: scratch + "/empty", withIntermediateDirectories: false)
    }

    /// The bytes of every file under `path`, by relative path.
    static func contents(under path: String) throws -> [String: Data] {
        var contents: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)!
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                contents[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
            }
        }
        return contents
    }
}
