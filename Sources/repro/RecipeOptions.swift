import ArgumentParser
import Repro

/// The flags that set a run's ``TrainingConfiguration`` (everything but the seed), shared by
/// `repro train`, `repro sweep` and `repro exercise`.
struct RecipeOptions: ParsableArguments {
    @Option(name: .customLong("recipe"), help: "classifier (default: digits or a dataset file) or charlm (a character-level GPT).")
    var recipeName: String?
    @Option(parsing: .unconditional, help: "Epochs to train (default 10; charlm 8).")
    var epochs: Int?
    @Option(name: .customLong("max-steps"), parsing: .unconditional, help: "Stop after this many optimizer steps.")
    var maxSteps: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per step (default 64; charlm 32 sequences).")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "The learning rate (default 0.05 for sgd, 0.001 for adam/adamw, 0.003 for charlm, which decays to a tenth).")
    var lr: Double?
    @Option(help: "mlp or cnn (default mlp).")
    var model: String?
    @Option(help: "sgd, adam or adamw (default sgd with momentum 0.9).")
    var optimizer: String?
    @Option(help: "digits (default), a CSV file, or IDX files.")
    var dataset: String?
    @Option(help: "The MLP's hidden widths, comma-separated (default 128,128).")
    var hidden: String?
    @Option(parsing: .unconditional, help: "Dropout probability after each hidden layer (default 0.1; charlm 0).")
    var dropout: Double?
    @Option(help: "charlm: the text, shakespeare (default, embedded) or a UTF-8 file.")
    var text: String?
    @Option(parsing: .unconditional, help: "charlm: characters per sequence (default 64).")
    var context: Int?
    @Option(parsing: .unconditional, help: "charlm: transformer blocks (default 4).")
    var layers: Int?
    @Option(parsing: .unconditional, help: "charlm: attention heads (default 4).")
    var heads: Int?
    @Option(parsing: .unconditional, help: "charlm: the model width (default 128).")
    var width: Int?
    @Option(parsing: .unconditional, help: "charlm: steps of linear warmup before the cosine (default 100).")
    var warmup: Int?
    @Option(name: .customLong("augment-shift"), parsing: .unconditional, help: "Largest random image shift in pixels (default 0: off).")
    var augmentShift: Int?
    @Option(name: .customLong("augment-noise"), parsing: .unconditional, help: "Standard deviation of the pixel noise (default 0.5; 0: off).")
    var augmentNoise: Double?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay (default 0; 0.01 for adamw, which decouples it).")
    var weightDecay: Double?
    @Option(help: "cosine (default), constant or step.")
    var schedule: String?
    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: "The seed of the train/validation split (default 0).")
    var dataSeed: UInt64?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Checkpoint every N steps besides each epoch's end (default 100; 0: epoch ends only).")
    var checkpointEvery: Int?
    @Option(name: .customLong("clip-grad-norm"), parsing: .unconditional,
            help: ArgumentHelp("Clip the gradients' global L2 norm to x before each step (default: no clipping).", valueName: "x"))
    var clipGradNorm: Double?
    @Option(name: .customLong("accumulate"), parsing: .unconditional,
            help: ArgumentHelp("Accumulate gradients over k micro-batches of batch-size/k samples per step; k divides the batch size (default 1).",
                               valueName: "k"))
    var accumulate: Int?
    @Flag(name: .customLong("allow-nondeterministic"), help: "Allow the nondeterministic fast paths.")
    var allowNondeterministic = false
    @Flag(help: "Pick kernels by timing (needs --allow-nondeterministic).")
    var benchmark = false

    /// The names of the flags given.
    var given: [String] {
        let values: [(String, Any?)] = [
            ("--epochs", epochs), ("--max-steps", maxSteps), ("--batch-size", batchSize), ("--lr", lr), ("--model", model),
            ("--optimizer", optimizer), ("--dataset", dataset), ("--hidden", hidden), ("--dropout", dropout),
            ("--augment-shift", augmentShift), ("--augment-noise", augmentNoise), ("--weight-decay", weightDecay),
            ("--schedule", schedule), ("--data-seed", dataSeed), ("--checkpoint-every", checkpointEvery),
            ("--recipe", recipeName), ("--text", text), ("--context", context), ("--layers", layers), ("--heads", heads),
            ("--width", width), ("--warmup", warmup), ("--clip-grad-norm", clipGradNorm), ("--accumulate", accumulate),
        ]
        return values.compactMap { $0.1 == nil ? nil : $0.0 }
            + (allowNondeterministic ? ["--allow-nondeterministic"] : []) + (benchmark ? ["--benchmark"] : [])
    }

    /// The flags that set only the classifier's settings, and only the charlm recipe's.
    var classifierOnly: [String] {
        given.filter { ["--model", "--optimizer", "--dataset", "--hidden", "--augment-shift", "--augment-noise",
                        "--schedule", "--data-seed"].contains($0) }
    }
    var charlmOnly: [String] {
        given.filter { ["--text", "--context", "--layers", "--heads", "--width", "--warmup"].contains($0) }
    }

    /// Whether the flags choose the charlm recipe.
    ///
    /// - Throws: `ValidationError` for an unknown recipe or another recipe's flags.
    func isCharLM() throws -> Bool {
        switch recipeName {
        case nil, "classifier":
            guard charlmOnly.isEmpty else {
                throw ValidationError("\(charlmOnly.joined(separator: ", ")) set the charlm recipe; add --recipe charlm")
            }
            return false
        case "charlm":
            guard classifierOnly.isEmpty else {
                throw ValidationError("\(classifierOnly.joined(separator: ", ")) set the classifier recipe, not charlm")
            }
            return true
        case let other?:
            throw ValidationError("--recipe must be \(BuiltInRecipe.names.joined(separator: " or ")), got '\(other)'")
        }
    }

    /// The charlm recipe's settings: these flags applied to the library's defaults.
    ///
    /// - Throws: `ValidationError` naming the flag for a malformed or invalid value.
    func charlm() throws -> CharLMConfiguration {
        var settings = CharLMConfiguration()
        try Self.mappingFields {
            if let text { settings.corpus = .init(parsing: text) }
            if let context { settings.context = context }
            if let layers { settings.layers = layers }
            if let heads { settings.heads = heads }
            if let width { settings.width = width }
            if let warmup { settings.warmupSteps = warmup }
            if let dropout { settings.dropout = dropout }
            if let lr {
                settings.learningRate = lr
                settings.minLearningRate = lr / 10  // nanoGPT: min_lr = learning_rate / 10
            }
            if let weightDecay { settings.weightDecay = weightDecay }
            try settings.validate()
        }
        return settings
    }

    /// The recipe the flags choose, with its data loaded.
    ///
    /// - Throws: `ValidationError` naming the flag for an invalid value; what loading the data throws.
    func task() throws -> BuiltInRecipe {
        try Self.mappingFields {
            try isCharLM() ? .charlm(try CharLMRecipe(try charlm())) : .classifier(try ClassifierRecipe(try classifier()))
        }
    }

    /// The classifier recipe's settings: these flags applied to the library's defaults.
    ///
    /// - Throws: `ValidationError` naming the flag for a malformed or invalid value.
    func classifier() throws -> ClassifierConfiguration {
        var classifier = ClassifierConfiguration()
        try Self.mappingFields {
            if let dataset { classifier.data = try .init(parsing: dataset) }
            switch model {
            case nil, "mlp":
                var sizes = [128, 128]
                if let hidden {
                    let parsed = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else {
                        throw ValidationError("--hidden takes comma-separated widths such as 128,128, got '\(hidden)'")
                    }
                    sizes = parsed.map { $0! }
                }
                classifier.model = .mlp(hidden: sizes, dropout: dropout ?? 0.1)
            case "cnn":
                if hidden != nil || dropout != nil {
                    throw ValidationError("--hidden and --dropout set the mlp model; the cnn has neither")
                }
                classifier.model = .cnn
            case let other?:
                throw ValidationError("--model must be mlp or cnn, got '\(other)'")
            }
            switch optimizer {
            case nil, "sgd": classifier.optimizer = .sgd()
            case "adam": classifier.optimizer = .adam()
            case "adamw": classifier.optimizer = .adamw()
            case let other?: throw ValidationError("--optimizer must be sgd, adam or adamw, got '\(other)'")
            }
            if let lr { classifier.optimizer = classifier.optimizer.with(learningRate: lr) }
            if let weightDecay { classifier.optimizer = classifier.optimizer.with(weightDecay: weightDecay) }
            if let schedule {
                guard let value = ClassifierConfiguration.Schedule(rawValue: schedule) else {
                    throw ValidationError("--schedule must be cosine, constant or step, got '\(schedule)'")
                }
                classifier.schedule = value
            }
            if let augmentShift { classifier.augmentShift = augmentShift }
            if let augmentNoise { classifier.augmentNoise = augmentNoise }
            if let dataSeed { classifier.dataSeed = dataSeed }
            try classifier.validate()
        }
        return classifier
    }

    /// The run's configuration for `seed`: the loop's flags, and the recipe's settings as its task.
    ///
    /// - Throws: `ValidationError` naming the flag for a malformed or invalid value.
    func configuration(seed: UInt64) throws -> TrainingConfiguration {
        var configuration: TrainingConfiguration
        if try isCharLM() {
            configuration = TrainingConfiguration(seed: seed, task: try charlm().record())
            configuration.epochs = CharLMRecipe.defaultEpochs
            configuration.batchSize = CharLMRecipe.defaultBatchSize
        } else {
            configuration = TrainingConfiguration(seed: seed, task: try classifier().record())
        }
        if let epochs { configuration.epochs = epochs }
        configuration.maxSteps = maxSteps
        if let batchSize { configuration.batchSize = batchSize }
        if let checkpointEvery { configuration.checkpointEvery = checkpointEvery }
        configuration.gradientClipNorm = clipGradNorm
        configuration.accumulationSteps = accumulate
        configuration.allowNondeterministic = allowNondeterministic
        configuration.benchmark = benchmark
        try Self.mappingFields { try configuration.validate() }
        return configuration
    }

    /// The flag that sets a configuration field (`batchSize`, `task.settings.optimizer.learningRate`),
    /// or nil for a field no flag sets.
    static func flag(for field: String) -> String? {
        let name = field.hasPrefix("task.settings.") ? String(field.dropFirst("task.settings.".count)) : field
        return flags[name]
    }

    /// The flag of each configuration field that has one.
    static let flags: [String: String] = [
            "epochs": "--epochs", "maxSteps": "--max-steps", "batchSize": "--batch-size",
            "checkpointEvery": "--checkpoint-every", "benchmark": "--benchmark", "data": "--dataset", "model": "--model",
            "model.mlp.hidden": "--hidden", "model.mlp.dropout": "--dropout", "optimizer.learningRate": "--lr",
            "optimizer.weightDecay": "--weight-decay", "augmentShift": "--augment-shift", "augmentNoise": "--augment-noise",
            "dataSeed": "--data-seed", "allowNondeterministic": "--allow-nondeterministic",
            "stopAfterStep": "--stop-after-step", "gradientClipNorm": "--clip-grad-norm", "accumulationSteps": "--accumulate",
            "corpus": "--text", "context": "--context", "layers": "--layers", "heads": "--heads", "width": "--width",
            "warmupSteps": "--warmup", "dropout": "--dropout", "learningRate": "--lr", "weightDecay": "--weight-decay",
        ]

    /// Runs `body`, turning a ``ConfigurationError`` into a `ValidationError` that names the flag.
    static func mappingFields<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ConfigurationError {
            throw ValidationError(flagMessage(error))
        }
    }

    /// The message of `error` with its field replaced by the flag that sets it, where one does
    /// (`--lr must be positive and finite, got -1`).
    static func flagMessage(_ error: ConfigurationError) -> String {
        var message = error.message
        for (field, flag) in flags where field.contains(where: \.isUppercase) && !field.contains(".") {
            message = message.replacing(try! Regex("\\b\(field)\\b"), with: flag)
        }
        guard let flag = flag(for: error.field) else { return "the configuration's \(error.field) \(message)" }
        return "\(flag) \(message)"
    }
}
