import Synchronization
import Testing
import ReproData
import ReproRandom

struct LoaderVectors: Decodable {
    struct Purpose: Decodable { let name: String; let key: UInt64 }
    struct WorkerSeed: Decodable { let seed: String; let worker: Int; let value: String }
    struct Split: Decodable {
        let seed: String
        let count: Int
        let fraction: Double
        let validation: [Int]
        let train: [Int]
    }
    struct Normalization: Decodable {
        let count: Int
        let constantFeature: Int
        let mean: [UInt32]
        let standardDeviation: [UInt32]
        let normalized: [UInt32]
    }
    struct Batch: Decodable {
        let epoch: Int
        let indices: [Int]
        let labels: [Int]
        let inputs: [UInt32]
    }
    struct Loader: Decodable {
        let seed: String
        let count: Int
        let batchSize: Int
        let epochs: Int
        let batches: [Batch]
    }

    let purposeKeys: [Purpose]
    let workerSeeds: [WorkerSeed]
    let split: [Split]
    let normalization: Normalization
    let loader: Loader
}

/// The documented numpy recipes (`scripts/reference_loader.py`), compared bitwise.
@Suite struct LoaderRecipeTests {
    let vectors: LoaderVectors

    init() throws { vectors = try Vectors.load("loader") }

    @Test func purposeKeysAreFNV1a() {
        for entry in vectors.purposeKeys {
            #expect(SeedSequence.purposeKey(entry.name) == entry.key, "\(entry.name)")
        }
    }

    @Test func workerHooksGetTheDocumentedSpawnedSeeds() throws {
        let seen = Mutex<[Int: String]>([:])
        let seed = seed64(vectors.workerSeeds[0].seed)
        let loader = try DataLoader(try syntheticDataset(count: 20), batchSize: 2, shuffle: true, seed: seed,
                                    workers: 4, workerInit: { info in
                                        #expect(info.count == 4)
                                        seen.withLock { $0[info.id] = String(info.seed) }
                                    })
        _ = try drain(loader, epochs: 1)
        let expected = Dictionary(uniqueKeysWithValues: vectors.workerSeeds.map { ($0.worker, $0.value) })
        #expect(seen.withLock { $0 } == expected)
    }

    @Test func splitMatchesTheNumpyRecipe() throws {
        for entry in vectors.split {
            let dataset = try syntheticDataset(count: entry.count)
            let (train, validation) = try dataset.split(validationFraction: entry.fraction, seed: seed64(entry.seed))
            #expect(validation.indices == entry.validation, "seed \(entry.seed)")
            #expect(train.indices == entry.train, "seed \(entry.seed)")
        }
    }

    @Test func normalizationMatchesNumpy() throws {
        let v = vectors.normalization
        let dataset = try syntheticDataset(count: v.count, constantFeature: v.constantFeature)
        let normalization = try FeatureNormalization(fitting: dataset)
        #expect(normalization.mean.map(\.bitPattern) == v.mean)
        #expect(normalization.standardDeviation.map(\.bitPattern) == v.standardDeviation)
        #expect(normalization.standardDeviation[v.constantFeature] == 1)
        let normalized = try NormalizedDataset(dataset, normalization: normalization)
        let all = try (0..<normalized.count).flatMap { try normalized.sample(at: $0).features }
        #expect(all.map(\.bitPattern) == v.normalized)
    }

    @Test(arguments: [0, 3])
    func augmentedShuffledBatchesMatchTheNumpyRecipe(workers: Int) throws {
        let v = vectors.loader
        let loader = try DataLoader(try syntheticDataset(count: v.count), batchSize: v.batchSize, shuffle: true,
                                    seed: seed64(v.seed), workers: workers, transforms: try vectorTransforms())
        let batches = try drain(loader, epochs: v.epochs).compactMap { $0 }
        try #require(batches.count == v.batches.count)
        for (batch, expected) in zip(batches, v.batches) {
            #expect(batch.indices == expected.indices)
            #expect(batch.labels == expected.labels)
            #expect(batch.inputs.shape == [expected.indices.count, 64])
            #expect(batch.inputs.scalars.map(\.bitPattern) == expected.inputs, "epoch \(expected.epoch) \(expected.indices)")
        }
    }
}
