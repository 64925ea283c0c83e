// Training speed (issue 5): steps per second of
//   digits: the built-in recipe's step exactly as Trainer does it — loader.next() (noise σ 0.5,
//           standardisation, batch 64), setLearningRate from the cosine schedule, zeroGrad,
//           forward with ForwardContext(training: true, step:, dropoutKey: recipe.dropoutKey),
//           crossEntropy, reading the loss, backward, optimizer.step(); no evaluation, no
//           checkpoints, no metrics logging;
//   mlp:    784 → 1024 → ReLU → 1024 → ReLU → 10 at batch 256 on fixed synthetic data (seeded
//           Generator), SGD lr 0.01 momentum 0.9, the same per-step calls;
// each under DeterminismSettings.strict or .fast and with 1 or 2 threads (Parallel.withThreadCount);
// and the checkpoint write time of the digits model (Checkpoint(...).write(to:), temp dir, median).
//
//   swift run -c release --package-path Benchmarks train-bench [rounds] [seconds]
//       every case, best of `rounds` (default 3) timings of about `seconds` (default 1) each;
//       then, run from the repository root after `swift build -c release --product repro`, the
//       wall time of `.build/release/repro train --seed 42` (`rounds` runs); one JSON line per case
//   train-bench --worker
//       answers one request per line of standard input (for Benchmarks/train_vs_pytorch.py):
//       `digits|mlp THREADS strict|fast SECONDS`, `checkpoint COUNT`, or
//       `paired digits|mlp THREADS SECONDS BLOCKS` (strict vs fast in alternating short blocks);
//       one JSON line each
//   train-bench --profile digits|mlp SECONDS
//       one model's steps only (strict, 1 thread) for `perf record -g`
// Like Trainer.run, it first calls AllocatorTuning.keepFreedMemory() (glibc keeps freed memory
// for the next step), unless REPRO_BENCH_DEFAULT_MALLOC=1.
import Foundation
import ReproData
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTraining

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
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

/// The digits recipe of `repro train --seed 42` (``ClassifierRecipe`` with its defaults) with its
/// training loader, stepped as Trainer does: the same streams, loader, schedule and loss.
final class DigitsCase {
    let recipe: ClassifierRecipe
    let configuration: TrainingConfiguration
    let model: Sequential
    let optimizer: any Optimizer
    let schedule: any LearningRateSchedule
    let totalSteps: Int
    let dropoutKey: ThreefryKey
    let loader: DataLoader<Subset<TensorDataset>, LabeledBatch>
    var step = 0

    init() throws {
        recipe = try ClassifierRecipe(ClassifierConfiguration())
        configuration = try TrainingConfiguration(seed: 42, task: recipe)
        let streams = SeedStreams(seed: 42)
        var generator = streams.generator("init")
        model = try recipe.makeModel(using: &generator)
        optimizer = try recipe.makeOptimizer(for: model)
        loader = try DataLoader(recipe.trainingSet, batchSize: configuration.batchSize, shuffle: true,
                                seed: streams.seed(for: "loader"), transforms: try recipe.trainingTransforms)
        totalSteps = configuration.epochs * loader.batchesPerEpoch
        schedule = try recipe.learningRateSchedule(totalSteps: totalSteps, optimizer: optimizer)
        dropoutKey = streams.key("dropout")
    }

    func trainStep() throws {
        // An epoch's end: Trainer evaluates and checkpoints here (excluded), then asks again.
        guard let batch = try loader.next() else { return try trainStep() }
        // Past the run's last step the schedule starts over (same cost per step).
        try optimizer.setLearningRate(schedule.learningRate(atStep: step % totalSteps))
        model.zeroGrad()
        let loss = try recipe.loss(of: batch, model: model,
                                   context: ForwardContext(training: true, step: step, dropoutKey: dropoutKey))
        guard loss.scalars[0].isFinite else { throw BenchError("digits diverged at step \(step)") }
        try loss.backward()
        try optimizer.step()
        step += 1
    }

    /// A checkpoint as Trainer writes it at this step.
    func checkpoint() throws -> Checkpoint {
        let seed = SeedRecord(seed: configuration.seed, drawn: false, deterministicHashing: false)
        let header = Checkpoint.Header(step: step, loader: loader.state, optimizer: optimizer.state(),
                                       configuration: configuration, seed: seed)
        return Checkpoint(header: header, model: model.parameterTensors(), optimizer: optimizer.stateTensors())
    }
}

/// 784 → 1024 → 1024 → 10 (ReLU, no dropout), batch 256, fixed synthetic inputs and labels.
final class LargeMLPCase {
    let model: Sequential
    let optimizer: SGD
    let inputs: Tensor
    let labels: [Int]
    let key = ThreefryKey(seed: 7, enableX64: true)
    var step = 0

    init() throws {
        var generator = Generator(PCG64(seed: 42))
        model = Sequential([try Linear(784, 1024, using: &generator), ReLU(),
                            try Linear(1024, 1024, using: &generator), ReLU(),
                            try Linear(1024, 10, using: &generator)])
        optimizer = try SGD(model.namedParameters, learningRate: 0.01, momentum: 0.9)
        inputs = try Tensor.normal([256, 784], using: &generator)
        labels = try (0..<256).map { _ in Int(try generator.integers(0, 10)) }
    }

    func trainStep() throws {
        try optimizer.setLearningRate(0.01)
        model.zeroGrad()
        let logits = try model.forward(inputs, context: ForwardContext(training: true, step: step, dropoutKey: key))
        let loss = try logits.crossEntropy(labels: labels)
        guard loss.scalars[0].isFinite else { throw BenchError("mlp diverged at step \(step)") }
        try loss.backward()
        try optimizer.step()
        step += 1
    }
}

/// Each case is built on first use (a profile of the digits steps then has no MLP set-up in it).
@MainActor
enum Cases {
    static let digits = try! DigitsCase()
    static let mlp = try! LargeMLPCase()
}

/// Runs `step` for about `budget` seconds (and at least `minimum` times): (steps, seconds).
func timed(_ step: () throws -> Void, budget: Double, minimum: Int) rethrows -> (Int, Double) {
    var steps = 0
    let start = ContinuousClock.now
    var elapsed = 0.0
    while elapsed < budget || steps < minimum {
        try step()
        steps += 1
        elapsed = seconds(ContinuousClock.now - start)
    }
    return (steps, elapsed)
}

@MainActor
func stepFunction(_ name: String) -> () throws -> Void {
    name == "digits" ? Cases.digits.trainStep : Cases.mlp.trainStep
}

func settings(_ name: String) -> DeterminismSettings { name == "fast" ? .fast : .strict }

/// Steps per second over about `budget` seconds, after a warm-up (autotuning included under .fast).
@MainActor
func stepsPerSecond(_ name: String, threads: Int, settings name2: String, budget: Double) throws -> (Double, Int) {
    let step = stepFunction(name)
    return try Parallel.withThreadCount(threads) {
        try Determinism.withSettings(settings(name2)) {
            _ = try timed(step, budget: budget / 5, minimum: 1)
            let (steps, elapsed) = try timed(step, budget: budget, minimum: 3)
            return (Double(steps) / elapsed, steps)
        }
    }
}

/// The cost of determinism measured in pairs: `blocks` short blocks of strict steps and of fast
/// steps, back to back (order alternating), so that both sides of a pair see the same machine
/// load. Returns strict ms/step ÷ fast ms/step − 1 for each pair, in percent.
@MainActor
func pairedOverheads(_ name: String, threads: Int, budget: Double, blocks: Int) throws -> [Double] {
    let step = stepFunction(name)
    return try Parallel.withThreadCount(threads) {
        for setting in ["strict", "fast"] {  // warm-up, and autotuning under .fast
            _ = try Determinism.withSettings(settings(setting)) { try timed(step, budget: budget / 10, minimum: 2) }
        }
        var overheads: [Double] = []
        for block in 0..<blocks {
            var perStep: [String: Double] = [:]
            for setting in block % 2 == 0 ? ["strict", "fast"] : ["fast", "strict"] {
                let (steps, elapsed) = try Determinism.withSettings(settings(setting)) {
                    try timed(step, budget: budget / Double(2 * blocks), minimum: 1)
                }
                perStep[setting] = elapsed / Double(steps)
            }
            overheads.append((perStep["strict"]! / perStep["fast"]! - 1) * 100)
        }
        return overheads
    }
}

@MainActor
func report(_ name: String, threads: Int, settings: String, budget: Double) throws {
    let (rate, steps) = try stepsPerSecond(name, threads: threads, settings: settings, budget: budget)
    emit([("case", name), ("framework", "repro"), ("threads", threads), ("settings", settings),
          ("steps", steps), ("steps_per_second", rate), ("ms_per_step", 1e3 / rate)])
}

/// Median and minimum of `count` checkpoint writes (and of building the file in memory) in ms.
@MainActor
func checkpointTimes(count: Int) throws -> (write: [Double], build: [Double], bytes: Int) {
    let directory = FileManager.default.temporaryDirectory.path + "/train-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let checkpoint = try Cases.digits.checkpoint()
    var write: [Double] = []
    var build: [Double] = []
    for i in 0..<count {
        let path = directory + "/" + Checkpoint.fileName(step: i)
        var start = ContinuousClock.now
        try checkpoint.write(to: path)
        write.append(seconds(ContinuousClock.now - start) * 1e3)
        start = ContinuousClock.now
        _ = try checkpoint.file()
        build.append(seconds(ContinuousClock.now - start) * 1e3)
    }
    let bytes = (try FileManager.default.attributesOfItem(atPath: directory + "/" + Checkpoint.fileName(step: 0))[.size]
                 as? Int) ?? 0
    return (write, build, bytes)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

@MainActor
func reportCheckpoint(count: Int) throws {
    // Momentum buffers exist after the first step, as in every checkpoint Trainer writes.
    if Cases.digits.step == 0 { try Cases.digits.trainStep() }
    let (write, build, bytes) = try checkpointTimes(count: count)
    emit([("case", "checkpoint"), ("framework", "repro"), ("writes", count), ("bytes", bytes),
          ("median_ms", median(write)), ("min_ms", write.min()!), ("max_ms", write.max()!),
          ("build_median_ms", median(build))])
}

/// Wall time of `repro train --seed 42 --out TMP --quiet` (the default run), `runs` times: seconds.
func endToEnd(repro: String, threads: Int?, runs: Int) throws -> [Double] {
    try (0..<runs).map { _ in
        let directory = FileManager.default.temporaryDirectory.path + "/train-bench-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repro)
        process.arguments = ["train", "--seed", "42", "--out", directory, "--quiet"]
            + (threads.map { ["--threads", String($0)] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = seconds(ContinuousClock.now - start)
        guard process.terminationStatus == 0 else {
            throw BenchError("\(repro) \(process.arguments!.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return elapsed
    }
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
        if words[0] == "checkpoint" {
            try reportCheckpoint(count: Int(words[1])!)
        } else if words[0] == "paired" {
            let (name, threads) = (words[1], Int(words[2])!)
            let overheads = try pairedOverheads(name, threads: threads, budget: Double(words[3])!, blocks: Int(words[4])!)
            emit([("case", name), ("framework", "repro"), ("threads", threads), ("paired_overheads_percent", overheads),
                  ("median_percent", median(overheads))])
        } else {
            try report(words[0], threads: Int(words[1])!, settings: words[2], budget: Double(words[3])!)
        }
    }
} else if arguments.first == "--profile" {
    let budget = arguments.count > 2 ? Double(arguments[2])! : 10
    _ = try stepsPerSecond(arguments[1], threads: 1, settings: "strict", budget: budget)
} else {
    let rounds = arguments.count > 0 ? Int(arguments[0])! : 3
    let budget = arguments.count > 1 ? Double(arguments[1])! : 1
    for name in ["digits", "mlp"] {
        for threads in [1, 2] {
            for settings in ["strict", "fast"] {
                var best = 0.0
                for _ in 0..<rounds {
                    best = max(best, try stepsPerSecond(name, threads: threads, settings: settings, budget: budget).0)
                }
                emit([("case", name), ("framework", "repro"), ("threads", threads), ("settings", settings),
                      ("rounds", rounds), ("steps_per_second", best), ("ms_per_step", 1e3 / best)])
            }
        }
    }
    try reportCheckpoint(count: 50)
    // The root package's release binary, when it has been built (swift build -c release --product repro).
    let repro = FileManager.default.currentDirectoryPath + "/.build/release/repro"
    if FileManager.default.isExecutableFile(atPath: repro) {
        for threads in [nil, 1] as [Int?] {
            let times = try endToEnd(repro: repro, threads: threads, runs: rounds)
            emit([("case", "repro train --seed 42"), ("threads", threads.map(String.init) ?? "default"),
                  ("runs", rounds), ("best_seconds", times.min()!), ("median_seconds", median(times))])
        }
    } else {
        FileHandle.standardError.write(Data("train-bench: no \(repro); build it to time repro train end to end\n".utf8))
    }
}
