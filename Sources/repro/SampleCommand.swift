import ArgumentParser
import Foundation
import Repro

/// `repro sample RUN`: continues prompts with the model of a finished charlm run
/// (``CharLMRecipe/sample(_:prompts:tokens:seed:temperature:)``).
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Continue a prompt with the character-level GPT of a finished charlm run.",
        usage: "repro sample <run-directory> [<options>]",
        discussion: """
            The text is a pure function of the run's weights and these arguments: the same in every \
            process and for any --threads. Several prompts (--prompt given more than once, or --prompts \
            FILE with one prompt per line) are sampled in one batch, and each gets exactly the text it \
            gets alone. Each prompt draws from numpy's default_rng(--seed); --temperature 0 always \
            takes the most likely character. Without a prompt, the text starts from a newline.
            """
    )

    @Argument(help: "A finished run of --recipe charlm.")
    var runDirectory: String
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("Text to continue (may be given more than once).", valueName: "text"))
    var prompt: [String] = []
    @Option(help: ArgumentHelp("A file of prompts, one per line.", valueName: "file"))
    var prompts: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Characters to generate per prompt.", valueName: "n"))
    var tokens = 200
    @Option(parsing: .unconditional, help: "The sampling seed (default 0).", transform: SeedArgument.parse)
    var seed: UInt64 = 0
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Divides the logits before the softmax: below 1 is more conservative, 0 greedy.", valueName: "t"))
    var temperature = 1.0
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Compute threads (default REPRO_NUM_THREADS or the core count); the text does not depend on it.",
                               valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard (1...CharLMRecipe.maxSampleTokens).contains(tokens) else {
            throw ValidationError("--tokens must be 1 to \(CharLMRecipe.maxSampleTokens), got \(tokens)")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw ValidationError("--temperature must be finite and at least 0, got \(temperature)")
        }
    }

    func run() throws {
        var texts = prompt
        if let prompts {
            let content = String(decoding: try AtomicFile.read(prompts), as: UTF8.self)
            var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            guard !lines.isEmpty else { throw ValidationError("--prompts \(prompts) holds no prompt") }
            texts += lines
        }
        if texts.isEmpty { texts = ["\n"] }
        let (recipe, model) = try CharLMRecipe.trainedModel(inRun: runDirectory)
        let body = { try recipe.sample(model, prompts: texts, tokens: tokens, seed: seed, temperature: temperature) }
        let samples = try threads.map { try Parallel.withThreadCount($0, body) } ?? body()
        for (index, text) in samples.enumerated() {
            if samples.count > 1 { print("=== prompt \(index + 1) ===") }
            print(text)
        }
    }
}
