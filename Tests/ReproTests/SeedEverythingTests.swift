import Testing
@testable import Repro

struct StreamVectors: Decodable {
    struct Case: Decodable {
        let seed: String
        let purpose: String
        let random: [Double]
        let seedForPurpose: String
    }
    let cases: [Case]
}

/// The global default generator is process-wide state, so these tests run one at a time.
@Suite(.serialized) struct SeedEverythingTests {
    @Test func namedStreamsAreTheDocumentedNumpyRecipes() throws {
        let vectors: StreamVectors = try Vectors.load("streams")
        for v in vectors.cases {
            let streams = SeedStreams(seed: seed64(v.seed))
            var generator = streams.generator(v.purpose)
            #expect((0..<4).map { _ in generator.random() } == v.random, "seed \(v.seed) \(v.purpose)")
            #expect(String(streams.seed(for: v.purpose)) == v.seedForPurpose)
            #expect(streams.key(v.purpose) == ThreefryKey(seed: seed64(v.seedForPurpose), enableX64: true))
        }
    }

    @Test func seedingInstallsTheDefaultGeneratorAndRecordsWhatItDid() throws {
        let record = seedEverything(42)
        #expect(record.seed == 42 && !record.drawn)
        #expect(Set(record.streams.keys) == Set(SeedRecord.purposes))
        #expect(record.streams["init"] == "SeedSequence(42, spawn_key=(\(SeedSequence.purposeKey("init")),))")
        #expect(record.deterministicHashing == HashSeeding.isDeterministic)
        let first = try DefaultGenerator.with { $0.random() }
        var expected = SeedStreams(seed: 42).generator("default")
        #expect(first == expected.random())

        seedEverything(42)
        #expect(try DefaultGenerator.with { $0.random() } == first, "reseeding restarts the stream")

        let a = seedEverything(nil)
        let b = seedEverything(nil)
        #expect(a.drawn && b.drawn)
        #expect(a.seed != b.seed, "two drawn seeds coincided (probability 2^-64)")
    }

    @Test func hashSeedingReadsTheVariableAsTheSwiftRuntimeDoes() {
        for value in ["1", "true", "TRUE", "yes", "Yes"] { #expect(HashSeeding.isTrue(value), "\(value)") }
        for value in [nil, "", "0", "false", "no", "2", "on"] { #expect(!HashSeeding.isTrue(value), "\(value ?? "unset")") }
    }
}
