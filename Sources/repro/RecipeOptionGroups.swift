import ArgumentParser

// The recipe flags in groups, so that each command lists (and accepts) only the groups it uses:
// `repro train` and `repro sweep` all four, `repro exercise` the loop's and the classifier's.
// Every value is optional: a flag that is not given leaves the recipe's default, which differs
// between the recipes, so each help text states its default itself.

/// The settings of the training loop and the optimizer that both built-in recipes have.
struct LoopOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Epochs to train (default 10).", valueName: "n"))
    var epochs: Int?
    @Option(name: .customLong("max-steps"), parsing: .unconditional,
            help: ArgumentHelp("Stop after this many optimizer steps.", valueName: "n"))
    var maxSteps: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional,
            help: ArgumentHelp("Samples per step (default 64).", valueName: "n"))
    var batchSize: Int?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("The learning rate (default 0.05 for sgd, 0.001 for adam and adamw).", valueName: "rate"))
    var lr: Double?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Dropout probability after each hidden layer of the mlp (default 0.1).", valueName: "p"))
    var dropout: Double?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional,
            help: ArgumentHelp("Weight decay (default 0; 0.01 for adamw, which decouples it).", valueName: "x"))
    var weightDecay: Double?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional,
            help: ArgumentHelp("Checkpoint every N steps besides each epoch's end (default 100; 0: epoch ends only).",
                               valueName: "N"))
    var checkpointEvery: Int?
    @Option(name: .customLong("clip-grad-norm"), parsing: .unconditional,
            help: ArgumentHelp("Clip the gradients' global L2 norm to x before each step (default: no clipping).",
                               valueName: "x"))
    var clipGradNorm: Double?
    @Option(name: .customLong("accumulate"), parsing: .unconditional,
            help: ArgumentHelp("Accumulate gradients over k micro-batches of batch-size/k samples per step; k divides the batch size (default 1).",
                               valueName: "k"))
    var accumulate: Int?

    /// The names of the flags given.
    var given: [String] {
        givenFlags([
            ("--epochs", epochs), ("--max-steps", maxSteps), ("--batch-size", batchSize), ("--lr", lr),
            ("--dropout", dropout), ("--weight-decay", weightDecay), ("--checkpoint-every", checkpointEvery),
            ("--clip-grad-norm", clipGradNorm), ("--accumulate", accumulate),
        ])
    }
}

/// The flags of `values` that have a value.
private func givenFlags(_ values: [(flag: String, value: Any?)]) -> [String] {
    values.compactMap { $0.value == nil ? nil : $0.flag }
}

/// The settings only the classifier recipe has.
struct ClassifierOptions: ParsableArguments {
    @Option(help: "digits (the default), a CSV file (label in the last column, .csv or .csv.gz) or IDX files (IMAGES,LABELS, or an images file named like *images-idx3*).")
    var dataset: String?
    @Option(help: "mlp (the default) or cnn.")
    var model: String?
    @Option(help: ArgumentHelp("The mlp's hidden widths, comma-separated (default 128,128).", valueName: "widths"))
    var hidden: String?
    @Option(help: "sgd (the default, with momentum 0.9), adam or adamw.")
    var optimizer: String?
    @Option(help: "cosine (the default), constant or step.")
    var schedule: String?
    @Option(name: .customLong("augment-shift"), parsing: .unconditional,
            help: ArgumentHelp("Largest random image shift in pixels (default 0: off).", valueName: "pixels"))
    var augmentShift: Int?
    @Option(name: .customLong("augment-noise"), parsing: .unconditional,
            help: ArgumentHelp("Standard deviation of the pixel noise (default 0.5; 0: off).", valueName: "sd"))
    var augmentNoise: Double?
    @Option(name: .customLong("data-seed"), parsing: .unconditional,
            help: ArgumentHelp("The seed of the train/validation split (default 0).", valueName: "seed"),
            transform: SeedArgument.parse)
    var dataSeed: UInt64?

    /// The names of the flags given.
    var given: [String] {
        givenFlags([
            ("--dataset", dataset), ("--model", model), ("--hidden", hidden), ("--optimizer", optimizer),
            ("--schedule", schedule), ("--augment-shift", augmentShift), ("--augment-noise", augmentNoise),
            ("--data-seed", dataSeed),
        ])
    }
}

/// The settings only the charlm recipe has.
struct CharLMOptions: ParsableArguments {
    @Option(help: "The text: shakespeare (the default, embedded) or a UTF-8 file.")
    var text: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Characters per sequence (default 64).", valueName: "n"))
    var context: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Transformer blocks (default 4).", valueName: "n"))
    var layers: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Attention heads (default 4).", valueName: "n"))
    var heads: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("The model width (default 128).", valueName: "n"))
    var width: Int?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Steps of linear warmup before the cosine (default 100).", valueName: "steps"))
    var warmup: Int?

    /// The names of the flags given.
    var given: [String] {
        givenFlags([
            ("--text", text), ("--context", context), ("--layers", layers), ("--heads", heads), ("--width", width),
            ("--warmup", warmup),
        ])
    }
}

/// The nondeterministic fast paths, off unless asked for.
struct NondeterminismOptions: ParsableArguments {
    @Flag(name: .customLong("allow-nondeterministic"), help: "Allow the nondeterministic fast paths.")
    var allowNondeterministic = false
    @Flag(help: "Pick kernels by timing (needs --allow-nondeterministic).")
    var benchmark = false

    /// The names of the flags given.
    var given: [String] {
        (allowNondeterministic ? ["--allow-nondeterministic"] : []) + (benchmark ? ["--benchmark"] : [])
    }
}
