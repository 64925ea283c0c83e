import Foundation
import ReproFiles
import ReproNN
import ReproRandom
import ReproRuns
import ReproTensor

extension CharLMRecipe {
    /// The longest text ``sample(_:prompts:tokens:seed:temperature:)`` generates per prompt (each
    /// character is one forward pass: 65,536 take minutes with the default model).
    public static let maxSampleTokens = 1 << 16

    /// Continues each prompt by `tokens` characters drawn from `model` (nanoGPT's `generate`):
    /// at each step the model reads the last `contextLength` characters of the text so far, and the
    /// next character is drawn from the softmax of its last logits divided by `temperature` (the
    /// most likely one, the first on ties, when `temperature` is 0).
    ///
    /// Each prompt draws from its own generator, `Generator(PCG64(seed: seed))` (numpy
    /// `default_rng(seed)`), one `random()` per character, taking the first index whose cumulative
    /// probability exceeds it: numpy's `rng.choice(vocab, p=probabilities)` (`cdf = cumsum(p);
    /// cdf /= cdf[-1]; searchsorted(cdf, rng.random(), side='right')`). Prompts of different
    /// lengths share a batch padded on the right, which a causal model never reads (G9).
    ///
    /// - Returns: each prompt followed by its continuation, in prompt order.
    /// - Determinism: a pure function of the weights, the prompts, `tokens`, `seed` and
    ///   `temperature`: the same text in any process and for any thread count, and for each prompt
    ///   the same text whether it is sampled alone or with others (G9).
    /// - Throws: ``TrainingError`` for no prompt, an empty prompt, a character outside the run's
    ///   vocabulary (naming it and the prompt), `tokens` outside `1...maxSampleTokens`, or a
    ///   temperature that is negative or not finite.
    public func sample(_ model: GPT, prompts: [String], tokens: Int, seed: UInt64, temperature: Double = 1) throws -> [String] {
        guard !prompts.isEmpty else { throw TrainingError(message: "no prompt to continue: give at least one") }
        guard (1...Self.maxSampleTokens).contains(tokens) else {
            throw TrainingError(message: "the number of tokens to sample must be 1 to \(Self.maxSampleTokens), got \(tokens)")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw TrainingError(message: "the temperature must be finite and non-negative (0: always the most likely), got \(temperature)")
        }
        var texts = try prompts.enumerated().map { index, prompt -> [Int] in
            guard !prompt.isEmpty else {
                throw TrainingError(message: "prompt \(index + 1) is empty: the model needs at least one character to continue")
            }
            do { return try corpus.encode(prompt) } catch {
                throw TrainingError(message: "prompt \(index + 1) cannot be encoded with the run's vocabulary of "
                                    + "\(corpus.vocabularySize) characters: \(error)")
            }
        }
        var generators = prompts.map { _ in Generator(PCG64(seed: seed)) }
        let (vocabulary, window) = (corpus.vocabularySize, model.configuration.contextLength)
        try Tensor.withNoGrad {
            for _ in 0..<tokens {
                let contexts = texts.map { Array($0.suffix(window)) }
                let length = contexts.map(\.count).max()!
                let padded = contexts.flatMap { $0.map(Float.init) + Array(repeating: 0, count: length - $0.count) }
                let logits = try model.forward(try Tensor(shape: [contexts.count, length], scalars: padded), context: .inference)
                for (row, context) in contexts.enumerated() {
                    let start = (row * length + context.count - 1) * vocabulary
                    let last = Array(logits.scalars[start..<(start + vocabulary)])
                    texts[row].append(try Self.draw(from: last, temperature: temperature, using: &generators[row]))
                }
            }
        }
        return try texts.map { try corpus.decode($0) }
    }

    /// The next token from `logits`: the first largest at temperature 0, else drawn from
    /// `softmax(logits / temperature)` by inverse CDF on one `random()`.
    static func draw(from logits: [Float], temperature: Double, using generator: inout Generator<PCG64>) throws -> Int {
        let tensor = Tensor(logits)
        if temperature == 0 { return try tensor.argmax()[0] }
        let probabilities = try (tensor / Float(temperature)).softmax().scalars
        var cumulative = [Double]()
        cumulative.reserveCapacity(probabilities.count)
        var total = 0.0
        for p in probabilities {
            total += Double(p)
            cumulative.append(total)
        }
        let u = generator.random()
        return cumulative.firstIndex { $0 / total > u } ?? probabilities.count - 1
    }

    /// The recipe and the trained model of the finished charlm run in `path`, after checking that
    /// the run's files are the ones its manifest's digest covers and that its text is unchanged.
    ///
    /// - Throws: ``TrainingError`` for a run of another task, an unfinished run, files changed since
    ///   the run finished, or a changed text; ``RunFileError`` for a run directory that cannot be read.
    public static func trainedModel(inRun path: String) throws -> (recipe: CharLMRecipe, model: GPT) {
        let directory = RunDirectory(path: path)
        let start = try directory.readStart()
        guard start.configuration.task.name == taskName else {
            throw TrainingError(message: "\(path) is a run of the task '\(start.configuration.task.name)', not a charlm run: "
                                + "sampling needs a run of the charlm recipe")
        }
        guard FileManager.default.fileExists(atPath: directory.manifestFile) else {
            throw TrainingError(message: "\(path) is not finished (no manifest.json): resume it to finish it")
        }
        let manifest = try RunManifest.read(directory.manifestFile)
        let (digest, _) = try RunDigest.compute(directory: path)
        guard digest == manifest.digest else {
            throw TrainingError(message: "\(path): model.safetensors or the logs changed since the run finished (digest "
                                + "\(digest.prefix(16))…, the manifest records \(manifest.digest.prefix(16))…): refusing to sample from them")
        }
        let recipe = try CharLMRecipe(try CharLMConfiguration(record: start.configuration.task))
        guard start.datasetSHA256 == nil || start.datasetSHA256 == recipe.dataDigest else {
            throw TrainingError(message: "\(recipe.dataSource): the text changed since the run was trained, so its vocabulary "
                                + "may too: restore the original text")
        }
        var generator = Generator(PCG64(seed: 0))  // overwritten by the weights
        let model = try GPT(recipe.modelConfiguration, using: &generator)
        let weights = try SafeTensorsFile(contentsOf: directory.modelFile)
        do {
            try model.load(try model.namedParameters.map { name, parameter in
                let (shape, values) = try weights.values(name, as: Float.self)
                return (name, try Tensor(shape: shape, scalars: values))
            })
        } catch {
            throw TrainingError(message: "\(directory.modelFile) does not fit the model \(directory.startFile) describes: \(error)")
        }
        return (recipe, model)
    }
}
