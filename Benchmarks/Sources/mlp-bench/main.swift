// Times forward+backward of a small MLP under strict (deterministic) settings and with
// nondeterminism allowed (DeterminismSettings.fast: autotuned matmul, atomic scatter-add), to
// report what determinism costs. Prints one JSON line per setting.
//   swift run -c release --package-path Benchmarks mlp-bench [steps] [rounds]
import Foundation
import ReproRandom
import ReproTensor

let steps = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 50
let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 5

/// One training-shaped step: 128 × 64 → 256 (GELU) → 256 (ReLU) → 10, cross-entropy, backward.
func step(_ x: Tensor, _ labels: [Int], _ params: [Tensor]) throws {
    for p in params { p.grad = nil }
    let h1 = try (x.matmul(params[0]) + params[1]).gelu()
    let h2 = try (h1.matmul(params[2]) + params[3]).relu()
    try (h2.matmul(params[4]) + params[5]).crossEntropy(labels: labels).backward()
}

var generator = Generator(PCG64(seed: 3))
let x = try Tensor.normal([128, 64], using: &generator)
let labels = (0..<128).map { ($0 * 7) % 10 }
let params = try [[64, 256], [256], [256, 256], [256], [256, 10], [10]].map {
    try Tensor.normal($0, std: 0.1, using: &generator, requiresGrad: true)
}

var best: [String: Double] = [:]
for _ in 0..<rounds {
    for (name, settings) in [("deterministic", DeterminismSettings.strict), ("nondeterministic allowed", .fast)] {
        try Determinism.withSettings(settings) {
            try step(x, labels, params)  // warm-up (and autotuning, when allowed)
            let start = ContinuousClock.now
            for _ in 0..<steps { try step(x, labels, params) }
            let elapsed = ContinuousClock.now - start
            let ms = (Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
                / Double(steps)
            best[name] = min(best[name] ?? .infinity, ms)
        }
    }
}
let strict = best["deterministic"]!
let fast = best["nondeterministic allowed"]!
print(#"{"threads": \#(Parallel.threadCount), "deterministic_ms": \#(strict), "nondeterministic_ms": \#(fast), "overhead_percent": \#((strict / fast - 1) * 100)}"#)
