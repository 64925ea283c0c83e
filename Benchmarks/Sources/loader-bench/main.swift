// The data loader on digits with the recipe's augmentation (shift ≤ 1 px, noise σ 1, then
// normalisation), batch 64:
// 1. throughput: samples per second drained from the loader, for 0, 1 and 2 workers;
// 2. share of a training step: the digits recipe's step (ReproTraining.ClassifierRecipe: MLP 64 → 128 → 128 → 10
//    with dropout, cross-entropy, backward, SGD with momentum) trained from the recipe's loader
//    (noise, standardisation); the share is the time spent waiting in `next()` over the whole loop.
// Prints one JSON line per worker count; best of `rounds`.
//   swift run -c release --package-path Benchmarks loader-bench [epochs] [rounds]
import Foundation
import ReproData
import ReproNN
import ReproRuns
import ReproRandom
import ReproTensor
import ReproTraining

let epochs = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 20
let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 5

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

let digits = try Digits.load()
let (train, _) = try digits.split(validationFraction: 0.2, seed: 0)
let transforms = try Digits.augmentation() + [try FeatureNormalization(fitting: train)]
func makeLoader(workers: Int) throws -> DataLoader<Subset<TensorDataset>, LabeledBatch> {
    try DataLoader(train, batchSize: 64, shuffle: true, seed: 1, workers: workers, transforms: transforms)
}

/// The digits recipe of `repro train --seed 42`, built as Trainer builds it.
let recipe = try ClassifierRecipe(ClassifierConfiguration())
let streams = SeedStreams(seed: 42)
var initGenerator = streams.generator("init")
let model = try recipe.makeModel(using: &initGenerator)
let optimizer = try recipe.makeOptimizer(for: model)
let schedule = try recipe.learningRateSchedule(totalSteps: 230, optimizer: optimizer)

@MainActor func trainStep(_ batch: LabeledBatch, step: Int) throws {
    try optimizer.setLearningRate(schedule.learningRate(atStep: step))
    model.zeroGrad()
    let context = ForwardContext(training: true, step: step, dropoutKey: streams.key("dropout"))
    try recipe.loss(of: batch, model: model, context: context).backward()
    try optimizer.step()
}

for workers in [0, 1, 2] {
    var bestRate = 0.0
    var bestShare = 1.0
    var stepMs = 0.0
    for _ in 0..<rounds {
        // Throughput: drain the loader.
        let loader = try makeLoader(workers: workers)
        var samples = 0
        var start = ContinuousClock.now
        for _ in 0..<epochs { try loader.forEachBatch { samples += $0.labels.count } }
        bestRate = max(bestRate, Double(samples) / seconds(ContinuousClock.now - start))

        // Share of a training step: time blocked in next() over the whole loop.
        let trainer = try DataLoader(recipe.trainingSet, batchSize: 64, shuffle: true, seed: streams.seed(for: "loader"),
                                     workers: workers, transforms: try recipe.trainingTransforms)
        var waiting = Duration.zero
        var steps = 0
        start = ContinuousClock.now
        for _ in 0..<epochs {
            while true {
                let before = ContinuousClock.now
                guard let batch = try trainer.next() else { break }
                waiting += ContinuousClock.now - before
                try trainStep(batch, step: steps)
                steps += 1
            }
        }
        let total = seconds(ContinuousClock.now - start)
        if seconds(waiting) / total < bestShare {
            bestShare = seconds(waiting) / total
            stepMs = total / Double(steps) * 1e3
        }
    }
    print(#"{"workers": \#(workers), "samples_per_second": \#(Int(bestRate)), "loader_share_percent": \#(String(format: "%.2f", bestShare * 100)), "step_ms": \#(String(format: "%.3f", stepMs)), "threads": \#(Parallel.threadCount)}"#)
}
