import Foundation
import ReproTensor

/// The vectors `scripts/reference_transformer.py` writes into `Vectors/transformer.json`: outputs
/// and gradients of the transformer pieces computed by PyTorch in Float32, and the learning rates of
/// torch's `SequentialLR(LinearLR, CosineAnnealingLR)` (floats as IEEE bit patterns, "0x%08x" for
/// Float32 and "0x%016x" for Float64).
struct TransformerVectors: Decodable, Sendable {
    /// One input of a case: drawn from the case's generator in order, then scaled and shifted.
    struct Input: Decodable, Sendable {
        let name: String
        let shape: [Int]
        /// Float32 bit patterns: the value is `(z * scale) + shift`, each a single Float32 operation.
        let scale, shift: String
    }

    struct GPTShape: Decodable, Sendable {
        let vocabularySize, contextLength, layers, heads, width: Int
    }

    struct Case: Decodable, Sendable {
        let name, kind: String
        let seed: Int
        /// In drawing order; an op or module case ends with `upstream`, the output's gradient.
        let inputs: [Input]
        let heads: Int?
        let indices: [Int]?
        let indexShape: [Int]?
        let configuration: GPTShape?
        let tokens, targets: [[Int]]?
        let outputShape: [Int]
        let output: [String]
        /// The GPT's mean cross-entropy.
        let loss: String?
        /// The gradient of every input but `upstream`, by input name.
        let gradients: [String: [String]]
    }

    struct Schedule: Decodable, Sendable {
        let name: String
        let warmupSteps, tMax: Int
        /// Float64 bit patterns.
        let startFactor, base, etaMin: String
        /// The rate at steps 0, 1, … (Float64 bit patterns).
        let values: [String]
    }

    let schemaVersion: Int
    /// The PyTorch version that wrote the file.
    let torch: String
    let cases: [Case]
    let schedules: [Schedule]

    static let shared: TransformerVectors = {
        do {
            let vectors: TransformerVectors = try Vectors.load("transformer")
            guard vectors.schemaVersion == 1 else {
                fatalError("Vectors/transformer.json has schemaVersion \(vectors.schemaVersion); this test reads 1. "
                           + "HINT: regenerate it with scripts/reference_transformer.py from this checkout")
            }
            return vectors
        } catch {
            fatalError("cannot read Vectors/transformer.json: \(error)")
        }
    }()

    static func named(_ name: String) -> Case {
        guard let found = shared.cases.first(where: { $0.name == name }) else { fatalError("no case '\(name)'") }
        return found
    }
}

extension TransformerVectors.Case {
    /// The inputs, drawn as the script draws them: `standard_normal(shape, dtype=float32)` for each
    /// shape in turn from `default_rng(seed)`, then `* scale` and `+ shift` in Float32.
    func drawnInputs(requiresGrad: Bool) throws -> [(name: String, tensor: Tensor)] {
        let normals = try normalTensors(seed: UInt64(seed), inputs.map(\.shape))
        return try zip(inputs, normals).map { input, z in
            let (scale, shift) = (floats([input.scale])[0], floats([input.shift])[0])
            let values = z.scalars.map { value -> Float in
                let scaled = scale == 1 ? value : value * scale
                return shift == 0 ? scaled : scaled + shift
            }
            return (input.name, try Tensor(shape: input.shape, scalars: values, requiresGrad: requiresGrad && input.name != "upstream"))
        }
    }
}
