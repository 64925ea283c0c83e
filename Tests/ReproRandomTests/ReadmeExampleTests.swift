import Foundation
import Testing
import ReproRandom

/// The usage example in README.md, line for line, with the values numpy and CPython print for it.
@Suite struct ReadmeExampleTests {
    @Test func exampleIsTrue() throws {
        var rng = Generator(PCG64(seed: 42))
        #expect(rng.random() == 0.7739560485559633)
        #expect(try rng.integers(0, 100) == 65)
        #expect(rng.standardNormal() == 0.7504511958064572)
        #expect(try rng.permutation(10) == [6, 7, 2, 3, 0, 9, 8, 4, 5, 1])
        #expect(try rng.choice(from: ["a", "b", "c", "d"], size: 2, replace: false) == ["c", "b"])

        var root = SeedSequence(42)
        let streams = root.spawn(2)
        var initRNG = Generator(Philox(streams[0]))
        #expect(initRNG.random() == 0.2197435513325704)

        var legacy = RandomState(seed: 42)
        #expect(legacy.randomSample() == 0.3745401188473625)
        var python = PythonRandom(seed: 42)
        #expect(python.random() == 0.6394267984578837)

        let saved = try JSONEncoder().encode(rng)
        var restored = try JSONDecoder().decode(Generator<PCG64>.self, from: saved)
        #expect(restored.random() == rng.random())
    }
}
