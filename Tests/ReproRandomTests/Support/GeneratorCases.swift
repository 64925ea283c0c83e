import Foundation
import Testing
@testable import ReproRandom

/// A bit generator that numpy seeds through ``SeedSequence``: the five under test, by numpy's name.
protocol SeededBitGenerator: BitGenerator {
    init(_ seedSequence: SeedSequence)
    init(seed: UInt64)
}

extension PCG64: SeededBitGenerator {}
extension PCG64DXSM: SeededBitGenerator {}
extension Philox: SeededBitGenerator {}
extension SFC64: SeededBitGenerator {}
extension MT19937: SeededBitGenerator {}

/// numpy's class name → the Repro type.
let seededBitGenerators: [(name: String, type: any SeededBitGenerator.Type)] = [
    ("PCG64", PCG64.self), ("PCG64DXSM", PCG64DXSM.self), ("Philox", Philox.self),
    ("SFC64", SFC64.self), ("MT19937", MT19937.self),
]

func seededBitGenerator(named name: String) -> any SeededBitGenerator.Type {
    guard let entry = seededBitGenerators.first(where: { $0.name == name }) else {
        fatalError("unknown bit generator '\(name)' in vectors")
    }
    return entry.type
}

/// `Vectors/generator_<name>.json`, written by `scripts/reference_generator.py`.
struct GeneratorVectorFile: Decodable {
    let numpy: String
    let cases: [GeneratorCase]
}

/// A bit generator, a seed, and calls made in order on one `Generator`, with numpy's outputs.
struct GeneratorCase: Decodable {
    let bitGenerator: String
    let entropy: String
    let spawnKey: [UInt64]
    /// An explicit PCG64 state to start from instead of the seed's (`generator_edges.json`).
    let pcg64: PCG64State?
    let steps: [Step]

    struct PCG64State: Decodable {
        let state: String
        let increment: String
        let hasUInt32: Bool
        let uinteger: UInt32

        var bitGenerator: PCG64 {
            PCG64(state: UInt128(state)!, increment: UInt128(increment)!,
                  buffer: UInt32Buffer(hasValue: hasUInt32, value: uinteger))
        }
    }

    struct Step: Decodable {
        let method: String
        let count: Int?
        let low: String?
        let high: String?
        let endpoint: Bool?
        let mean: String?
        let standardDeviation: String?
        let scale: String?
        let n: Int?
        let populationSize: Int?
        let size: Int?
        let replace: Bool?
        let shuffle: Bool?
        /// numpy's outputs, encoded as in `Vectors.swift`.
        let values: [String]?
        /// FNV-1a of numpy's outputs, for long streams.
        let hash: String?
    }

    var label: String { "\(bitGenerator)(SeedSequence(\(entropy), spawnKey: \(spawnKey)))" }

    func seedSequence() throws -> SeedSequence {
        try SeedSequence(decimal: entropy, spawnKey: spawnKey)
    }
}

/// Whether a case runs through the scalar methods or the bulk ones (`fill…`, `count:`).
enum DrawMode: String, CaseIterable, CustomTestStringConvertible {
    case scalar, bulk
    var testDescription: String { rawValue }
}

extension GeneratorCase.Step {
    /// numpy's outputs as hash words: double and float bit patterns, int64 two's complement.
    var expectedWords: [UInt64] {
        guard let values else { return [] }
        switch method {
        case "permutation", "shuffle", "choice", "choiceFrom", "integers":
            return values.map { UInt64(bitPattern: int64($0)) }
        default:
            return values.map(hex64)
        }
    }

    /// A double argument, stored as its bit pattern.
    func double(_ text: String?) -> Double { doubleBits(text!) }

    /// Runs the step on `generator` and returns its outputs as hash words.
    func run<Bits: BitGenerator>(on g: inout Generator<Bits>, mode: DrawMode) throws -> [UInt64] {
        let count = self.count ?? 0
        let bulk = mode == .bulk
        switch method {
        case "random":
            return bulk ? try g.random(count: count).map(\.bitPattern) : (0..<count).map { _ in g.random().bitPattern }
        case "randomFloat":
            return floats(count, bulk: bulk, fill: { g.fillRandomFloat($0) }, next: { g.randomFloat() })
        case "uniform":
            let (low, high) = (double(low), double(high))
            return try (0..<count).map { _ in try g.uniform(low: low, high: high).bitPattern }
        case "integers":
            let (low, high) = (int64(low!), int64(high!))
            let values = bulk
                ? try g.integers(low, high, count: count, endpoint: endpoint!)
                : try (0..<count).map { _ in try g.integers(low, high, endpoint: endpoint!) }
            return values.map { UInt64(bitPattern: $0) }
        case "standardNormal":
            return bulk
                ? try g.standardNormal(count: count).map(\.bitPattern)
                : (0..<count).map { _ in g.standardNormal().bitPattern }
        case "standardNormalFloat":
            return floats(count, bulk: bulk, fill: { g.fillStandardNormalFloat($0) }, next: { g.standardNormalFloat() })
        case "normal":
            let (mean, sd) = (double(mean), double(standardDeviation))
            return try (0..<count).map { _ in try g.normal(mean: mean, standardDeviation: sd).bitPattern }
        case "standardExponential":
            return doubles(
                count, bulk: bulk, fill: { g.fillStandardExponential($0) }, next: { g.standardExponential() })
        case "standardExponentialFloat":
            return floats(
                count, bulk: bulk, fill: { g.fillStandardExponentialFloat($0) }, next: { g.standardExponentialFloat() })
        case "exponential":
            let scale = double(scale)
            return try (0..<count).map { _ in try g.exponential(scale: scale).bitPattern }
        case "permutation":
            return try g.permutation(n!).map { UInt64(bitPattern: Int64($0)) }
        case "shuffle":
            var values = Array(0..<n!)
            g.shuffle(&values)
            return values.map { UInt64(bitPattern: Int64($0)) }
        case "choice":
            return try g.choice(populationSize!, size: size!, replace: replace!, shuffle: shuffle!)
                .map { UInt64(bitPattern: Int64($0)) }
        case "choiceFrom":
            let population = (0..<populationSize!).map { Int64($0) * 7 - 3 }
            return try g.choice(from: population, size: size!, replace: replace!, shuffle: shuffle!)
                .map { UInt64(bitPattern: $0) }
        default:
            fatalError("unknown method '\(method)' in vectors")
        }
    }

    private func doubles(
        _ count: Int, bulk: Bool, fill: (UnsafeMutableBufferPointer<Double>) -> Void, next: () -> Double
    ) -> [UInt64] {
        guard bulk else { return (0..<count).map { _ in next().bitPattern } }
        var values = [Double](repeating: .nan, count: count)
        values.withUnsafeMutableBufferPointer { fill($0) }
        return values.map(\.bitPattern)
    }

    private func floats(
        _ count: Int, bulk: Bool, fill: (UnsafeMutableBufferPointer<Float>) -> Void, next: () -> Float
    ) -> [UInt64] {
        guard bulk else { return (0..<count).map { _ in UInt64(next().bitPattern) } }
        var values = [Float](repeating: .nan, count: count)
        values.withUnsafeMutableBufferPointer { fill($0) }
        return values.map { UInt64($0.bitPattern) }
    }
}

/// The FNV-1a `StreamHash` of a stream of hash words.
func streamHash(_ words: [UInt64]) -> UInt64 {
    var hash = StreamHash()
    for word in words { hash.add(word) }
    return hash.value
}

/// The index of the first difference, if any, for a readable failure message.
func firstDifference(_ actual: [UInt64], _ expected: [UInt64]) -> String? {
    guard actual != expected else { return nil }
    guard let index = (0..<min(actual.count, expected.count)).first(where: { actual[$0] != expected[$0] }) else {
        return "got \(actual.count) values, numpy \(expected.count)"
    }
    return "value \(index): got 0x\(String(actual[index], radix: 16)), numpy 0x\(String(expected[index], radix: 16))"
}
