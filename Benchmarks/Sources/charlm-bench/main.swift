// Training speed of the character-level GPT (issue 13): steps per second of
//   charlm: ReproNN.GPT with 4 layers, 4 heads, width 128, context 64, vocabulary 65, dropout 0
//           (nanoGPT's GPT, weight tying, GELU tanh approximation), batch 32 of random tokens in
//           0..<65 drawn once (inputs [32, 64], next-token targets [32·64]), AdamW lr 1e-3,
//           betas (0.9, 0.99), weight decay 0.1; a step is zeroGrad, forward with
//           ForwardContext(training: true, step:, dropoutKey:), cross-entropy over [B·T, V],
//           reading the loss, backward, optimizer.step();
// under DeterminismSettings.strict or .fast and with 1 or 2 threads (Parallel.withThreadCount).
// It needs only ReproNN, ReproTensor and ReproRandom (not CharLMRecipe), so it builds without
// the rest of the library.
//
//   swift run -c release --package-path Benchmarks charlm-bench [rounds] [seconds]
//       every case, best of `rounds` (default 3) timings of about `seconds` (default 2) each
//   charlm-bench --worker
//       answers one request per line of standard input (for Benchmarks/charlm_vs_pytorch.py),
//       as train-bench's worker does: `charlm THREADS strict|fast SECONDS`, or
//       `paired charlm THREADS SECONDS BLOCKS` (strict vs fast in alternating short blocks);
//       one JSON line each, with the process's CPU time per step besides the wall time
//   charlm-bench --profile charlm SECONDS
//       the steps only (strict, 1 thread) for `perf record -g`
// Like Trainer.run, it first calls AllocatorTuning.keepFreedMemory() (glibc keeps freed memory
// for the next step), unless REPRO_BENCH_DEFAULT_MALLOC=1.
import Foundation
import ReproNN
import ReproRandom
import ReproTensor

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// The CPU time of the whole process so far, in seconds: with more runnable threads than cores,
/// a block's wall time depends on the scheduler, its CPU time much less.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func emit(_ fields: [(String, Any)]) {
    let body = fields.map { key, value -> String in
        let text = if let list = value as? [Double] { "[" + list.map { String($0) }.joined(separator: ", ") + "]" }
            else if value is String { "\"\(value)\"" } else { "\(value)" }
        return "\"\(key)\": \(text)"
    }.joined(separator: ", ")
    print("{\(body)}")
    fflush(nil)  // every stream: the driver reads line by line through a pipe
}

/// The charlm model of issue 13 on one fixed batch of random tokens.
final class CharLMCase {
    static let configuration = GPT.Configuration(vocabularySize: 65, contextLength: 64, layers: 4, heads: 4,
                                                 width: 128, dropout: 0)
    static let batch = 32
    let model: GPT
    let optimizer: AdamW
    let inputs: Tensor
    let targets: [Int]
    let key = ThreefryKey(seed: 1, enableX64: true)
    var step = 0

    init() throws {
        let c = Self.configuration
        var generator = Generator(PCG64(seed: 42))
        model = try GPT(c, using: &generator)
        optimizer = try AdamW(model.namedParameters, learningRate: 1e-3, betas: (0.9, 0.99), weightDecay: 0.1)
        // Rows of contextLength + 1 tokens: the inputs are the first contextLength, the targets the
        // last (the next token at each position), as nanoGPT's get_batch cuts them.
        var tokens: [[Int]] = []
        for _ in 0..<Self.batch {
            tokens.append(try (0...c.contextLength).map { _ in Int(try generator.integers(0, Int64(c.vocabularySize))) })
        }
        inputs = try Tensor(shape: [Self.batch, c.contextLength],
                            scalars: tokens.flatMap { $0.dropLast().map(Float.init) })
        targets = tokens.flatMap { $0.dropFirst() }
    }

    func trainStep() throws {
        let c = Self.configuration
        model.zeroGrad()
        let logits = try model.forward(inputs, context: ForwardContext(training: true, step: step, dropoutKey: key))
        let loss = try logits.reshaped([Self.batch * c.contextLength, c.vocabularySize]).crossEntropy(labels: targets)
        guard loss.item.isFinite else { throw BenchError("charlm diverged at step \(step)") }
        try loss.backward()
        try optimizer.step()
        step += 1
    }
}

@MainActor
enum Cases {
    static let charlm = try! CharLMCase()
}

/// Runs `step` for about `budget` seconds (and at least `minimum` times): (steps, seconds, CPU seconds).
func timed(_ step: () throws -> Void, budget: Double, minimum: Int) rethrows -> (Int, Double, Double) {
    var steps = 0
    let start = ContinuousClock.now
    let cpuStart = processCPUSeconds()
    var elapsed = 0.0
    while elapsed < budget || steps < minimum {
        try step()
        steps += 1
        elapsed = seconds(ContinuousClock.now - start)
    }
    return (steps, elapsed, processCPUSeconds() - cpuStart)
}

@MainActor
func stepFunction(_ name: String) throws -> () throws -> Void {
    guard name == "charlm" else { throw BenchError("unknown case \(name) (charlm-bench knows charlm)") }
    return Cases.charlm.trainStep
}

func settings(_ name: String) -> DeterminismSettings { name == "fast" ? .fast : .strict }

/// Steps per second over about `budget` seconds, after a warm-up of at least one step (autotuning
/// included under .fast): (steps/s, steps, CPU seconds per step).
@MainActor
func stepsPerSecond(_ name: String, threads: Int, settings name2: String, budget: Double) throws -> (Double, Int, Double) {
    let step = try stepFunction(name)
    return try Parallel.withThreadCount(threads) {
        try Determinism.withSettings(settings(name2)) {
            _ = try timed(step, budget: budget / 10, minimum: 1)
            let (steps, elapsed, cpu) = try timed(step, budget: budget, minimum: 2)
            return (Double(steps) / elapsed, steps, cpu / Double(steps))
        }
    }
}

/// The cost of determinism measured in pairs, as train-bench measures it: `blocks` short blocks of
/// strict steps and of fast steps, back to back (order alternating). Returns strict ms/step ÷ fast
/// ms/step − 1 for each pair, in percent, by wall time and by CPU time.
@MainActor
func pairedOverheads(_ name: String, threads: Int, budget: Double, blocks: Int) throws -> (wall: [Double], cpu: [Double]) {
    let step = try stepFunction(name)
    return try Parallel.withThreadCount(threads) {
        for setting in ["strict", "fast"] {  // warm-up, and autotuning under .fast
            _ = try Determinism.withSettings(settings(setting)) { try timed(step, budget: budget / 10, minimum: 1) }
        }
        var overheads: (wall: [Double], cpu: [Double]) = ([], [])
        for block in 0..<blocks {
            var perStep: [String: (wall: Double, cpu: Double)] = [:]
            for setting in block % 2 == 0 ? ["strict", "fast"] : ["fast", "strict"] {
                let (steps, elapsed, cpu) = try Determinism.withSettings(settings(setting)) {
                    try timed(step, budget: budget / Double(2 * blocks), minimum: 1)
                }
                perStep[setting] = (elapsed / Double(steps), cpu / Double(steps))
            }
            let (strict, fast) = (perStep["strict"]!, perStep["fast"]!)
            overheads.wall.append((strict.wall / fast.wall - 1) * 100)
            overheads.cpu.append((strict.cpu / fast.cpu - 1) * 100)
        }
        return overheads
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

// As Trainer.run does; REPRO_BENCH_DEFAULT_MALLOC=1 keeps glibc's defaults (to measure what it saves).
if ProcessInfo.processInfo.environment["REPRO_BENCH_DEFAULT_MALLOC"] != "1" {
    AllocatorTuning.keepFreedMemory()
}
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--worker" {
    while let line = readLine() {
        let words = line.split(separator: " ").map(String.init)
        if words.isEmpty { break }
        if words[0] == "paired" {
            let (name, threads) = (words[1], Int(words[2])!)
            let overheads = try pairedOverheads(name, threads: threads, budget: Double(words[3])!, blocks: Int(words[4])!)
            emit([("case", name), ("framework", "repro"), ("threads", threads),
                  ("paired_overheads_percent", overheads.wall), ("median_percent", median(overheads.wall)),
                  ("paired_cpu_overheads_percent", overheads.cpu), ("median_cpu_percent", median(overheads.cpu))])
        } else {
            let (name, threads, setting) = (words[0], Int(words[1])!, words[2])
            let (rate, steps, cpu) = try stepsPerSecond(name, threads: threads, settings: setting, budget: Double(words[3])!)
            emit([("case", name), ("framework", "repro"), ("threads", threads), ("settings", setting),
                  ("steps", steps), ("steps_per_second", rate), ("ms_per_step", 1e3 / rate),
                  ("cpu_ms_per_step", cpu * 1e3)])
        }
    }
} else if arguments.first == "--profile" {
    let budget = arguments.count > 2 ? Double(arguments[2])! : 10
    _ = try stepsPerSecond(arguments[1], threads: 1, settings: "strict", budget: budget)
} else {
    let rounds = arguments.count > 0 ? Int(arguments[0])! : 3
    let budget = arguments.count > 1 ? Double(arguments[1])! : 2
    for threads in [1, 2] {
        for setting in ["strict", "fast"] {
            var best = 0.0
            for _ in 0..<rounds {
                best = max(best, try stepsPerSecond("charlm", threads: threads, settings: setting, budget: budget).0)
            }
            emit([("case", "charlm"), ("framework", "repro"), ("threads", threads), ("settings", setting),
                  ("rounds", rounds), ("steps_per_second", best), ("ms_per_step", 1e3 / best)])
        }
    }
}
