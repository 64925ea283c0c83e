import Testing
@testable import ReproRandom

/// Arguments numpy's `Generator` rejects are rejected with a ``RandomArgumentError`` that names the
/// function and says what is accepted, before anything is drawn; never a crash.
@Suite struct GeneratorArgumentTests {
    typealias G = Generator<PCG64>

    /// Runs `call` on a fresh generator and checks that it throws for `function` with a message
    /// containing `accepted`, and that the generator did not move.
    private func rejects<T>(
        _ function: String, _ accepted: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ call: (inout G) throws -> T
    ) {
        var g = G(PCG64(seed: 1))
        let before = g
        do {
            _ = try call(&g)
            Issue.record("expected \(function) to throw", sourceLocation: sourceLocation)
        } catch let error as RandomArgumentError {
            #expect(error.function == function, sourceLocation: sourceLocation)
            #expect(error.message.contains(accepted), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
        #expect(g == before, "nothing may be drawn before an argument is rejected", sourceLocation: sourceLocation)
    }

    @Test func integers() {
        rejects("integers", "low must be < high") { try $0.integers(5, 5) }
        rejects("integers", "low must be < high") { try $0.integers(.max, .min) }
        rejects("integers", "endpoint: true to include high") { try $0.integers(0, 0) }
        rejects("integers", "low must be <= high with endpoint: true") { try $0.integers(5, 4, endpoint: true) }
        rejects("integers", "low must be < high") { try $0.integers(1, 0, count: 3) }
        rejects("integers", "count must be non-negative") { try $0.integers(0, 10, count: -1) }
        rejects("integers", "low must be < high") { g in
            var buffer = [Int64](repeating: 0, count: 2)
            try buffer.withUnsafeMutableBufferPointer { try g.fillIntegers($0, low: 3, high: 3) }
        }
    }

    /// numpy returns an empty array for `size=0` without checking the bounds; so does Repro.
    @Test func emptyIntegerRequestsAreNotChecked() throws {
        var g = G(PCG64(seed: 1))
        let before = g
        #expect(try g.integers(5, 4, count: 0) == [])
        var empty = [Int64]()
        try empty.withUnsafeMutableBufferPointer { try g.fillIntegers($0, low: 5, high: 4) }
        #expect(g == before)
    }

    @Test func uniform() {
        rejects("uniform", "must be finite") { try $0.uniform(low: 0, high: .infinity) }
        rejects("uniform", "must be finite") { try $0.uniform(low: -1e308, high: 1e308) }
        rejects("uniform", "must be finite") { try $0.uniform(low: .nan, high: 1) }
        rejects("uniform", "must be non-negative (high >= low)") { try $0.uniform(low: 1, high: 0) }
        rejects("uniform", "must be non-negative (high >= low)") { try $0.uniform(low: 0, high: -0.0) }
        rejects("random", "count must be non-negative") { try $0.random(count: -2) }
    }

    @Test func normalAndExponential() throws {
        rejects("normal", "standardDeviation must be non-negative") { try $0.normal(mean: 0, standardDeviation: -1) }
        rejects("normal", "standardDeviation must be non-negative") { try $0.normal(mean: 0, standardDeviation: -0.0) }
        rejects("standardNormal", "count must be non-negative") { try $0.standardNormal(count: -1) }
        rejects("exponential", "scale must be non-negative") { try $0.exponential(scale: -2) }
        rejects("exponential", "scale must be non-negative") { try $0.exponential(scale: -0.0) }
        // numpy accepts NaN parameters and returns NaN (one draw is still made).
        var g = G(PCG64(seed: 1))
        #expect(try g.normal(mean: 0, standardDeviation: .nan).isNaN)
        #expect(try g.exponential(scale: -.nan).isNaN)
    }

    @Test func permutationAndChoice() throws {
        rejects("permutation", "n must be non-negative") { try $0.permutation(-1) }
        rejects("choice", "populationSize must be positive unless size is 0") { try $0.choice(0, size: 3) }
        rejects("choice", "populationSize must be positive unless size is 0") {
            try $0.choice(-4, size: 1, replace: false)
        }
        rejects("choice", "population cannot be empty unless size is 0") { try $0.choice(from: [Int](), size: 1) }
        rejects("choice", "size must not exceed the population") { try $0.choice(5, size: 6, replace: false) }
        rejects("choice", "size must not exceed the population") { try $0.choice(from: ["a"], size: 2, replace: false) }
        rejects("choice", "size must not exceed the population") { try $0.choice(-2, size: 0, replace: false) }
        rejects("choice", "size must be non-negative") { try $0.choice(5, size: -1) }
        rejects("choice", "size must be non-negative") { try $0.choice(5, size: -1, replace: false) }
        // As in numpy, taking nothing is allowed from any population.
        var g = G(PCG64(seed: 1))
        #expect(try g.choice(-2, size: 0) == [])
        #expect(try g.choice(from: [String](), size: 0, replace: false) == [])
        #expect(try g.permutation(0) == [])
    }
}
