import Foundation
import Testing
import ReproNN
import ReproRandom
import ReproTensor

/// The transformer pieces against PyTorch (`scripts/reference_transformer.py` → `Vectors/transformer.json`):
/// layer norm, causal softmax, batched products, causal attention, embedding, nanoGPT's
/// CausalSelfAttention, Block and GPT (tied head, mean cross-entropy), each forward output and the
/// gradient of every input and parameter; and the warmup-then-cosine schedule against torch's
/// `SequentialLR` stepped through.
///
/// Tolerance: every element within `1e-4·|expected| + 1e-5·max|expected| + ε·M`, with max|expected|
/// over the whole tensor, ε = Float32's machine epsilon and M the largest magnitude in the case's
/// tensors (output and gradients). The two compute the same Float32 formulas but reduce in other
/// orders (PyTorch's vectorized sums, its layer norm's variance, its CPU flash-attention kernel's
/// blocked online softmax; Repro's fused multiply-add chains), so they agree only to rounding. The
/// script measures float32 PyTorch's own distance from float64 at most 1.5e-6·max|tensor| on these
/// cases (the layer norm of inputs with a shifted mean), except 3.6e-6 for the gradient of a
/// saturated softmax (scores × 20), where Repro rounds as PyTorch does (7e-17·max apart). Repro has
/// been seen at most 1.6e-6·max from PyTorch: the tolerance leaves a margin of about 6, and a wrong
/// scale, mask, eps, index or gradient term moves elements by far more (a 0.1 % error in the
/// attention scale fails every attention case with T > 1; eps 1e-4 for 1e-5 fails 8 of the 9
/// layer-norm cases). The ε·M term covers a tensor that is zero in exact arithmetic and holds only
/// rounding noise: with T = 1 the query's and key's gradients are 0, where PyTorch's flash-attention
/// backward returns values of about 1e-8.
///
/// `REPRO_PRINT_DIFFERENCES=1` prints, per case and tensor, the largest absolute difference and the
/// largest relative one (over elements above 1e-3·max|expected|).
@Suite struct TransformerVectorTests {
    typealias Case = TransformerVectors.Case

    static let rtol: Float = 1e-4
    static let atolPerMax: Float = 1e-5

    /// Repro's output, the GPT's loss, and the gradient of every input and parameter by name (nil
    /// where none arrived), after backpropagating the case's upstream gradient or loss.
    static func run(_ c: Case) throws -> (output: Tensor, loss: Tensor?, gradients: [String: Tensor?]) {
        let drawn = try c.drawnInputs(requiresGrad: true)
        let t = Dictionary(uniqueKeysWithValues: drawn.map { ($0.name, $0.tensor) })
        let leaves = drawn.filter { $0.name != "upstream" }
        var sources = Dictionary(uniqueKeysWithValues: leaves.map { ($0.name, $0.tensor) })
        /// Loads the case's parameters into `model` and runs it; gradients are then read from the
        /// model's own parameters (and the input `x`).
        func module(_ model: any Layer, _ input: Tensor) throws -> Tensor {
            let parameters = leaves.filter { $0.name != "x" }
            // Repro's parameter names and order are nanoGPT's state dict's, which the script draws in.
            #expect(model.namedParameters.map(\.name) == parameters.map(\.name), "\(c.name): parameter names")
            try model.load(parameters)
            sources = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor) })
            if let x = t["x"] { sources["x"] = x }
            return try model.forward(input, context: .inference)
        }
        let output: Tensor
        var loss: Tensor?
        switch c.kind {
        case "layer_norm": output = try t["x"]!.layerNorm(weight: t["weight"]!, bias: t["bias"]!)
        case "layer_norm_plain": output = try t["x"]!.layerNorm(weight: nil, bias: nil)
        case "causal_softmax": output = try t["scores"]!.causalSoftmax()
        case "batched_matmul": output = try t["a"]!.batchedMatmul(t["b"]!)
        case "batched_matmul_transposed": output = try t["a"]!.batchedMatmul(transposed: t["b"]!)
        case "causal_attention": output = try Tensor.causalAttention(query: t["query"]!, key: t["key"]!, value: t["value"]!)
        case "embedding":
            // A fresh table: its gradient must come from the loaded values, not from the drawn tensor.
            let table = try Embedding(weight: try Tensor.zeros(c.inputs[0].shape, requiresGrad: true))
            output = try module(table, try Tensor(shape: c.indexShape!, scalars: c.indices!.map(Float.init)))
        case "attention":
            output = try module(try attention(width: t["x"]!.shape[2], heads: c.heads!), t["x"]!)
        case "block":
            let width = t["x"]!.shape[2]
            let block = try TransformerBlock(norm1: try LayerNorm(width), attention: try attention(width: width, heads: c.heads!),
                                             norm2: try LayerNorm(width), expand: try linear(width, 4 * width),
                                             contract: try linear(4 * width, width))
            output = try module(block, t["x"]!)
        case "gpt":
            let s = c.configuration!
            var generator = Generator(PCG64(seed: 0))  // any initial values: the case's are loaded
            let gpt = try GPT(GPT.Configuration(vocabularySize: s.vocabularySize, contextLength: s.contextLength,
                                                layers: s.layers, heads: s.heads, width: s.width), using: &generator)
            let tokens = c.tokens!
            let input = try Tensor(shape: [tokens.count, tokens[0].count], scalars: tokens.joined().map(Float.init))
            output = try module(gpt, input)
            loss = try Loss.crossEntropy(output.reshaped([input.count, s.vocabularySize]), labels: Array(c.targets!.joined()))
        default:
            throw UnknownCase(name: c.name, kind: c.kind)
        }
        if let loss {
            try loss.backward()
        } else {
            try output.backward(gradient: t["upstream"]!.scalars)
        }
        return (output, loss, sources.mapValues { $0.grad })
    }

    struct UnknownCase: Error {
        let name, kind: String
    }

    /// A `CausalSelfAttention` with zero parameters (loaded later) that require gradients.
    static func attention(width: Int, heads: Int) throws -> CausalSelfAttention {
        try CausalSelfAttention(attention: try linear(width, 3 * width), projection: try linear(width, width), heads: heads)
    }

    static func linear(_ input: Int, _ output: Int) throws -> Linear {
        try Linear(weight: try Tensor.zeros([output, input], requiresGrad: true), bias: try Tensor.zeros([output], requiresGrad: true))
    }

    /// Checks `got` against PyTorch's `expected` with the suite's tolerance; returns a line for the
    /// differences report.
    static func expectClose(_ got: [Float], _ expected: [String], _ label: String, caseMagnitude: Float) -> String {
        let expected = floats(expected)
        let largest = expected.map(abs).max() ?? 0
        let atol = atolPerMax * largest + Float.ulpOfOne * caseMagnitude
        let check = allClose(got, expected, rtol: rtol, atol: atol)
        #expect(check.ok, "\(label): \(check.detail) (tolerance \(rtol)·|expected| + \(atol))")
        guard got.count == expected.count else { return "\(label): counts differ" }
        var (maxAbs, maxRel): (Float, Float) = (0, 0)
        for (g, e) in zip(got, expected) {
            maxAbs = max(maxAbs, abs(g - e))
            if abs(e) >= 1e-3 * largest, e != 0 { maxRel = max(maxRel, abs(g - e) / abs(e)) }
        }
        return "\(label): max abs \(maxAbs), max rel \(maxRel), max|expected| \(largest)"
    }

    @Test(arguments: TransformerVectors.shared.cases.map(\.name))
    func matchesPyTorch(_ name: String) throws {
        let c = TransformerVectors.named(name)
        let (output, loss, gradients) = try Self.run(c)
        #expect(output.shape == c.outputShape, "\(name): output shape \(output.shape) vs \(c.outputShape)")
        let magnitude = ([c.output] + Array(c.gradients.values)).map { floats($0).map(abs).max() ?? 0 }.max() ?? 0
        var report = [Self.expectClose(output.scalars, c.output, "\(name) output", caseMagnitude: magnitude)]
        if let expected = c.loss {
            let got = try #require(loss, "\(name): no loss")
            report.append(Self.expectClose(got.scalars, [expected], "\(name) loss", caseMagnitude: magnitude))
        }
        #expect(Set(gradients.keys) == Set(c.gradients.keys), "\(name): gradients of \(gradients.keys.sorted()) vs \(c.gradients.keys.sorted())")
        for (input, expected) in c.gradients.sorted(by: { $0.key < $1.key }) {
            guard let grad = gradients[input] ?? nil else {
                Issue.record("\(name): no gradient for \(input)")
                continue
            }
            report.append(Self.expectClose(grad.scalars, expected, "\(name) d\(input)", caseMagnitude: magnitude))
        }
        if ProcessInfo.processInfo.environment["REPRO_PRINT_DIFFERENCES"] == "1" {
            print(report.joined(separator: "\n"))
        }
    }

    /// `LinearWarmup(after: CosineAnnealingLR)` against the rates torch's `SequentialLR([LinearLR,
    /// CosineAnnealingLR], milestones: [warmup])` produces step by step from its recursive forms.
    /// Repro computes closed forms; torch's recursion drifts from them by at most 1e-14 relative over
    /// 1110 steps (the script prints it), so the tolerance is 1e-12·|expected| + 1e-15·base (the
    /// absolute part for rates near a zero minimum). An off-by-one step or a wrong factor moves a
    /// rate by far more.
    @Test(arguments: TransformerVectors.shared.schedules.map(\.name))
    func warmupCosineMatchesSequentialLR(_ name: String) throws {
        let s = try #require(TransformerVectors.shared.schedules.first { $0.name == name })
        let base = double(s.base)
        let schedule = try LinearWarmup(warmupSteps: s.warmupSteps, startFactor: double(s.startFactor),
                                        after: CosineAnnealingLR(baseLearningRate: base, tMax: s.tMax, etaMin: double(s.etaMin)))
        var worst = 0.0
        for (step, hex) in s.values.enumerated() {
            let (got, expected) = (schedule.learningRate(atStep: step), double(hex))
            worst = max(worst, abs(got - expected) / max(abs(expected), 1e-300))
            #expect(abs(got - expected) <= 1e-12 * abs(expected) + 1e-15 * base, "\(name) step \(step): \(got) vs \(expected)")
        }
        if ProcessInfo.processInfo.environment["REPRO_PRINT_DIFFERENCES"] == "1" {
            print("schedule \(name): max rel \(worst) over \(s.values.count) steps")
        }
    }

    /// The vectors hold every kind of case this suite knows (a regenerated file that lost some fails).
    @Test func vectorsCoverEveryPiece() {
        let kinds = Set(TransformerVectors.shared.cases.map(\.kind))
        #expect(kinds == ["layer_norm", "layer_norm_plain", "causal_softmax", "batched_matmul", "batched_matmul_transposed",
                          "causal_attention", "embedding", "attention", "block", "gpt"])
        #expect(TransformerVectors.shared.schedules.count >= 3)
    }
}
