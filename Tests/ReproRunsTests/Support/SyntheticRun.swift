import Foundation
import ReproData
import ReproFiles
import ReproRandom
import ReproTensor
@testable import ReproAnalysis
@testable import ReproRuns

/// A finished run directory written in-process with the library's own types (logs, weights,
/// manifest with its digest), from a formula instead of training: fast and the same every time.
///
/// The loss at step s is `2.3·8/(8 + s) + 0.05 + noise`, evaluations come every `evalEvery`
/// steps and at the last, and the weights are uniform in ±0.1; the noise, the accuracy's jitter
/// and the weights come from SplitMix64 keyed by the seed, so runs with different seeds differ
/// everywhere. The validation metrics are `metrics` (default `accuracy`): the first logs the
/// accuracy formula, the k-th (k ≥ 1) that plus 0.03·k, capped at 1. Only basic operations are used, so the numbers are the same on every platform.
struct SyntheticRun {
    var seed: UInt64 = 42
    /// The task's validation metrics, in column order (none, one or several).
    var metrics = ["accuracy"]
    var steps = 24
    var evalEvery = 8
    var stepsPerEpoch = 8
    /// Added to every loss (an ablation's shift).
    var lossShift: Float = 0
    /// Added to every accuracy.
    var accuracyShift = 0.0
    /// Scales the noise.
    var noise: Float = 0.02
    /// Another noise and jitter stream for the same seed (a changed setting's other trajectory).
    var variant: UInt64 = 0
    /// Changes one step's loss after the formula (NaN, a nudge).
    var lossOverride: [Int: Float] = [:]
    /// Changes weights after the formula: (tensor, index) → value.
    var weightOverride: [String: [Int: Float]] = [:]
    /// The tensors and shapes.
    var shapes: [String: [Int]] = ["0.weight": [4, 3], "0.bias": [4], "2.weight": [2, 4]]
    var configure: (inout TrainingConfiguration) -> Void = { _ in }
    var environment = SyntheticRun.environment
    var determinism = DeterminismSettings.strict

    /// The task every synthetic run records unless changed: a name and two settings.
    static let task = TaskRecord(name: "synthetic", settings: .object(["optimizer": .string("sgd"), "learningRate": .number(0.05)]))

    /// The fingerprint every synthetic run has unless changed.
    static let environment = EnvironmentFingerprint(
        reproVersion: "0.1.0", reproRevision: "89abcdef0123456789abcdef0123456789abcdef", swiftCompiler: "6.3", buildConfiguration: "release", architecture: "x86_64",
        machine: "x86_64", osName: "Linux", kernelRelease: "6.1.0", osDistribution: "Debian GNU/Linux 12 (bookworm)",
        libc: "glibc 2.36", cpuModel: "Test CPU", cpuFeatures: ["avx2", "fma"], logicalCores: 2, availableCores: 2,
        environment: [:], gitCommit: "0123456789abcdef0123456789abcdef01234567", gitDirty: false,
        threadCount: 2, workerCount: 0)

    /// The loss logged at `step`.
    func loss(_ step: Int) -> Float {
        if let value = lossOverride[step] { return value }
        var bits = SplitMix64(seed: (seed &+ variant &* 0x9E37_79B9) &* 1_000_003 &+ UInt64(step))
        let u = Float(bits.next() >> 40) / Float(1 << 24) - 0.5
        return 2.3 * 8 / (8 + Float(step)) + 0.05 + noise * u + lossShift
    }

    /// The evaluations: (step, validation loss, accuracy, the value of each of ``metrics``).
    var evaluations: [(step: Int, loss: Float, accuracy: Double, values: [Double])] {
        var steps = Array(stride(from: evalEvery, through: self.steps, by: evalEvery))
        if steps.last != self.steps { steps.append(self.steps) }
        return steps.map { step in
            var bits = SplitMix64(seed: (seed &+ variant &* 0x9E37_79B9) &* 7_919 &+ UInt64(step))
            let jitter = Double(bits.next() % 5) / 359
            let accuracy = min(1, 0.9 - 5 / (10 + Double(step)) + jitter + accuracyShift)
            return (step, loss(step) + 0.01, accuracy, metrics.indices.map { min(1, accuracy + 0.03 * Double($0)) })
        }
    }

    /// Writes the run into `path` (which must not exist) and returns `path`.
    @discardableResult
    func write(to path: String) throws -> String {
        var configuration = TrainingConfiguration(seed: seed, task: SyntheticRun.task)
        configuration.maxSteps = steps
        configure(&configuration)
        let directory = try RunDirectory.create(at: path, start: .init(configuration: configuration,
            seed: SeedRecord(seed: seed, drawn: false, deterministicHashing: false), startedAt: "2026-01-01T00:00:00Z",
            metrics: self.metrics))
        var metrics = try MetricsLog.open(at: directory.metricsFile)
        for step in 1...steps {
            try metrics.stage(step: step, [.int((step - 1) / stepsPerEpoch), .float(loss(step)), .double(0.05)])
        }
        try metrics.flush()
        var evaluationLog = try MetricsLog.open(at: directory.evalFile)
        for evaluation in evaluations {
            try evaluationLog.stage(step: evaluation.step, [.int((evaluation.step - 1) / stepsPerEpoch),
                                                           .float(evaluation.loss)] + evaluation.values.map { .double($0) })
        }
        try evaluationLog.flush()
        var tensors: [String: SafeTensor] = [:]
        for (name, shape) in shapes {
            let count = shape.reduce(1, *)
            var bits = SplitMix64(seed: seed &+ name.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
            var values = (0..<count).map { _ in (Float(bits.next() >> 40) / Float(1 << 24) - 0.5) * 0.2 }
            for (index, value) in weightOverride[name] ?? [:] { values[index] = value }
            tensors[name] = try SafeTensor(values, shape: shape)
        }
        try SafeTensorsFile(tensors: tensors).write(to: directory.modelFile)
        let (digest, files) = try RunDigest.compute(directory: path)
        let last = evaluations.last!
        let manifest = RunManifest(
            seed: SeedRecord(seed: seed, drawn: false, deterministicHashing: false), configuration: configuration,
            determinism: determinism, environment: environment, startedAt: "2026-01-01T00:00:00Z",
            finishedAt: "2026-01-01T00:00:01Z", resumedFromSteps: [],
            finalMetrics: .init(steps: steps, epochs: (steps + stepsPerEpoch - 1) / stepsPerEpoch, trainLoss: loss(steps),
                                validationLoss: last.loss,
                                validationMetrics: Dictionary(uniqueKeysWithValues: zip(self.metrics, last.values).map { ($0, $1) })),
            digest: digest, files: files)
        try AtomicFile.write(try manifest.encoded(), to: directory.manifestFile)
        return path
    }
}

/// The sha256 of every file under `path`, by relative path: to show that a tool changed nothing.
func fileHashes(under path: String) throws -> [String: String] {
    var hashes: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: path)!
    while let name = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
            hashes[name] = SHA256.hexDigest(of: try AtomicFile.read(path + "/" + name))
        }
    }
    return hashes
}
