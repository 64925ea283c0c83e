import ArgumentParser
import Repro

/// The values of the recipe flags a command took: the groups of RecipeOptionGroups.swift, with nil
/// for a group the command does not offer (its settings stay the recipe's defaults).
protocol RecipeFlags {
    /// `--recipe`: `classifier`, `charlm`, or nil for the classifier.
    var recipeName: String? { get }
    var loop: LoopOptions { get }
    var classifierFlags: ClassifierOptions { get }
    var charlmFlags: CharLMOptions? { get }
    var nondeterminism: NondeterminismOptions? { get }
}

/// Every recipe flag, for `repro train` and `repro sweep`: the recipe, and the settings of the loop,
/// of each recipe and of the nondeterministic fast paths.
struct RecipeOptions: ParsableArguments, RecipeFlags {
    @Option(name: .customLong("recipe"),
            help: "classifier (the default: the digits or a dataset file) or charlm, a character-level GPT (nanoGPT's design) trained on --text whose defaults are --epochs 8, --batch-size 32, --lr 0.003 (decaying to a tenth), --dropout 0 and --weight-decay 0.1.")
    var recipeName: String?
    @OptionGroup(title: "Training") var loop: LoopOptions
    @OptionGroup(title: "Classifier recipe") var classifierFlags: ClassifierOptions
    @OptionGroup(title: "charlm recipe") var charlmOptions: CharLMOptions
    @OptionGroup(title: "Nondeterministic fast paths") var nondeterminismOptions: NondeterminismOptions

    var charlmFlags: CharLMOptions? { charlmOptions }
    var nondeterminism: NondeterminismOptions? { nondeterminismOptions }
}

/// The recipe flags of `repro exercise`, which trains the classifier recipe, deterministically:
/// the loop's settings and the classifier's.
struct ClassifierRecipeOptions: ParsableArguments, RecipeFlags {
    @OptionGroup(title: "Training") var loop: LoopOptions
    @OptionGroup(title: "Classifier recipe") var classifierFlags: ClassifierOptions

    var recipeName: String? { nil }
    var charlmFlags: CharLMOptions? { nil }
    var nondeterminism: NondeterminismOptions? { nil }
}

extension RecipeFlags {
    /// The names of the flags given.
    var given: [String] {
        (recipeName == nil ? [] : ["--recipe"]) + loop.given + classifierFlags.given + (charlmFlags?.given ?? [])
            + (nondeterminism?.given ?? [])
    }

    /// Whether the flags choose the charlm recipe.
    ///
    /// - Throws: `ValidationError` for an unknown recipe or another recipe's flags.
    func isCharLM() throws -> Bool {
        let charlmOnly = charlmFlags?.given ?? []
        let classifierOnly = classifierFlags.given
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
        try RecipeOptions.mappingFields {
            if let text = charlmFlags?.text { settings.corpus = .init(parsing: text) }
            if let context = charlmFlags?.context { settings.context = context }
            if let layers = charlmFlags?.layers { settings.layers = layers }
            if let heads = charlmFlags?.heads { settings.heads = heads }
            if let width = charlmFlags?.width { settings.width = width }
            if let warmup = charlmFlags?.warmup { settings.warmupSteps = warmup }
            if let dropout = loop.dropout { settings.dropout = dropout }
            if let lr = loop.lr {
                settings.learningRate = lr
                settings.minLearningRate = lr / 10  // nanoGPT: min_lr = learning_rate / 10
            }
            if let weightDecay = loop.weightDecay { settings.weightDecay = weightDecay }
            try settings.validate()
        }
        return settings
    }

    /// The recipe the flags choose, with its data loaded.
    ///
    /// - Throws: `ValidationError` naming the flag for an invalid value; what loading the data throws.
    func task() throws -> BuiltInRecipe {
        try RecipeOptions.mappingFields {
            try isCharLM() ? .charlm(try CharLMRecipe(try charlm())) : .classifier(try ClassifierRecipe(try classifier()))
        }
    }

    /// The classifier recipe's settings: these flags applied to the library's defaults.
    ///
    /// - Throws: `ValidationError` naming the flag for a malformed or invalid value.
    func classifier() throws -> ClassifierConfiguration {
        var classifier = ClassifierConfiguration()
        try RecipeOptions.mappingFields {
            if let dataset = classifierFlags.dataset { classifier.data = try .init(parsing: dataset) }
            switch classifierFlags.model {
            case nil, "mlp":
                var sizes = [128, 128]
                if let hidden = classifierFlags.hidden {
                    let parsed = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else {
                        throw ValidationError("--hidden takes comma-separated widths such as 128,128, got '\(hidden)'")
                    }
                    sizes = parsed.map { $0! }
                }
                classifier.model = .mlp(hidden: sizes, dropout: loop.dropout ?? 0.1)
            case "cnn":
                if classifierFlags.hidden != nil || loop.dropout != nil {
                    throw ValidationError("--hidden and --dropout set the mlp model; the cnn has neither")
                }
                classifier.model = .cnn
            case let other?:
                throw ValidationError("--model must be mlp or cnn, got '\(other)'")
            }
            switch classifierFlags.optimizer {
            case nil, "sgd": classifier.optimizer = .sgd()
            case "adam": classifier.optimizer = .adam()
            case "adamw": classifier.optimizer = .adamw()
            case let other?: throw ValidationError("--optimizer must be sgd, adam or adamw, got '\(other)'")
            }
            if let lr = loop.lr { classifier.optimizer = classifier.optimizer.with(learningRate: lr) }
            if let weightDecay = loop.weightDecay { classifier.optimizer = classifier.optimizer.with(weightDecay: weightDecay) }
            if let schedule = classifierFlags.schedule {
                guard let value = ClassifierConfiguration.Schedule(rawValue: schedule) else {
                    throw ValidationError("--schedule must be cosine, constant or step, got '\(schedule)'")
                }
                classifier.schedule = value
            }
            if let augmentShift = classifierFlags.augmentShift { classifier.augmentShift = augmentShift }
            if let augmentNoise = classifierFlags.augmentNoise { classifier.augmentNoise = augmentNoise }
            if let dataSeed = classifierFlags.dataSeed { classifier.dataSeed = dataSeed }
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
        if let epochs = loop.epochs { configuration.epochs = epochs }
        configuration.maxSteps = loop.maxSteps
        if let batchSize = loop.batchSize { configuration.batchSize = batchSize }
        if let checkpointEvery = loop.checkpointEvery { configuration.checkpointEvery = checkpointEvery }
        configuration.gradientClipNorm = loop.clipGradNorm
        configuration.accumulationSteps = loop.accumulate
        configuration.allowNondeterministic = nondeterminism?.allowNondeterministic ?? false
        configuration.benchmark = nondeterminism?.benchmark ?? false
        try RecipeOptions.mappingFields { try configuration.validate() }
        return configuration
    }
}

extension RecipeOptions {
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
