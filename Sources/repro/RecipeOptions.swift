import ArgumentParser
import Repro

/// The flags that set a run's ``TrainingConfiguration`` (everything but the seed), shared by
/// `repro train`, `repro sweep` and `repro exercise`.
struct RecipeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Epochs to train (default 10).")
    var epochs: Int?
    @Option(name: .customLong("max-steps"), parsing: .unconditional, help: "Stop after this many optimizer steps.")
    var maxSteps: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per step (default 64).")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "The learning rate (default 0.05 for sgd, 0.001 for adam/adamw).")
    var lr: Double?
    @Option(help: "mlp or cnn (default mlp).")
    var model: String?
    @Option(help: "sgd, adam or adamw (default sgd with momentum 0.9).")
    var optimizer: String?
    @Option(help: "digits (default), a CSV file, or IDX files.")
    var dataset: String?
    @Option(help: "The MLP's hidden widths, comma-separated (default 128,128).")
    var hidden: String?
    @Option(parsing: .unconditional, help: "Dropout probability after each hidden layer (default 0.1).")
    var dropout: Double?
    @Option(name: .customLong("augment-shift"), parsing: .unconditional, help: "Largest random image shift in pixels (default 0: off).")
    var augmentShift: Int?
    @Option(name: .customLong("augment-noise"), parsing: .unconditional, help: "Standard deviation of the pixel noise (default 0.5; 0: off).")
    var augmentNoise: Double?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 weight decay (default 0).")
    var weightDecay: Double?
    @Option(help: "cosine (default), constant or step.")
    var schedule: String?
    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: "The seed of the train/validation split (default 0).")
    var dataSeed: UInt64?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Checkpoint every N steps besides each epoch's end (default 100; 0: epoch ends only).")
    var checkpointEvery: Int?
    @Flag(name: .customLong("allow-nondeterministic"), help: "Allow the nondeterministic fast paths.")
    var allowNondeterministic = false
    @Flag(help: "Pick kernels by timing (needs --allow-nondeterministic).")
    var benchmark = false

    /// The flags given, as `--name value` arguments for a child `repro train`.
    var arguments: [String] {
        var result: [String] = []
        func add(_ name: String, _ value: (some CustomStringConvertible)?) {
            if let value { result += [name, value.description] }
        }
        add("--epochs", epochs)
        add("--max-steps", maxSteps)
        add("--batch-size", batchSize)
        add("--lr", lr)
        add("--model", model)
        add("--optimizer", optimizer)
        add("--dataset", dataset)
        add("--hidden", hidden)
        add("--dropout", dropout)
        add("--augment-shift", augmentShift)
        add("--augment-noise", augmentNoise)
        add("--weight-decay", weightDecay)
        add("--schedule", schedule)
        add("--data-seed", dataSeed)
        add("--checkpoint-every", checkpointEvery)
        if allowNondeterministic { result.append("--allow-nondeterministic") }
        if benchmark { result.append("--benchmark") }
        return result
    }

    /// The names of the flags given.
    var given: [String] { arguments.filter { $0.hasPrefix("--") } }

    /// The configuration for `seed` with these flags applied to the defaults.
    ///
    /// - Throws: `ValidationError` for a malformed `--hidden`; `RunFileError` for invalid values.
    func configuration(seed: UInt64) throws -> TrainingConfiguration {
        var configuration = TrainingConfiguration(seed: seed)
        if let epochs { configuration.epochs = epochs }
        configuration.maxSteps = maxSteps
        if let batchSize { configuration.batchSize = batchSize }
        if let model { configuration.model = model }
        if let optimizer {
            configuration.optimizer = optimizer
            if optimizer != "sgd" { configuration.learningRate = 1e-3 }
        }
        if let lr { configuration.learningRate = lr }
        if let dataset { configuration.dataset = dataset }
        if let hidden {
            let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else {
                throw ValidationError("--hidden takes comma-separated widths such as 128,128, got '\(hidden)'")
            }
            configuration.hiddenSizes = sizes.map { $0! }
        }
        if let dropout { configuration.dropout = dropout }
        if let augmentShift { configuration.augmentShift = augmentShift }
        if let augmentNoise { configuration.augmentNoise = augmentNoise }
        if let weightDecay { configuration.weightDecay = weightDecay }
        if let schedule { configuration.schedule = schedule }
        if let dataSeed { configuration.dataSeed = dataSeed }
        if let checkpointEvery { configuration.checkpointEvery = checkpointEvery }
        configuration.allowNondeterministic = allowNondeterministic
        configuration.benchmark = benchmark
        try configuration.validate()
        return configuration
    }
}
