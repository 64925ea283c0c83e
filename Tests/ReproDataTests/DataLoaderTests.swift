import Foundation
import Synchronization
import Testing
import ReproData
import ReproRandom

/// G4 and G5 for the loader: batches do not depend on workers or prefetch depth, and a restored
/// state continues exactly.
@Suite struct DataLoaderTests {
    static let seed: UInt64 = 977

    /// 23 samples in batches of 4 (the last one short), shuffled and augmented.
    func loader(workers: Int, prefetch: Int = 2, dropLast: Bool = false) throws -> DataLoader<TensorDataset, LabeledBatch> {
        try DataLoader(try syntheticDataset(count: 23), batchSize: 4, shuffle: true, dropLast: dropLast,
                       seed: Self.seed, workers: workers, prefetch: prefetch, transforms: try vectorTransforms())
    }

    @Test func batchesAreIdenticalForAnyWorkerCountAndPrefetchDepth() throws {
        let reference = try drain(try loader(workers: 0), epochs: 3)
        #expect(reference.count == 3 * 7)
        for workers in [1, 2, 4, 7] {
            for prefetch in [1, 2, 5] {
                let batches = try drain(try loader(workers: workers, prefetch: prefetch), epochs: 3)
                #expect(batches == reference, "workers \(workers), prefetch \(prefetch)")
            }
        }
    }

    @Test func restoringAtEveryPositionOfTwoEpochsContinuesExactly() throws {
        let reference = try drain(try loader(workers: 0), epochs: 2)
        for stop in 0...reference.count {
            let first = try loader(workers: stop % 3)
            for _ in 0..<stop { _ = try first.next() }
            let saved = try JSONEncoder().encode(first.state)
            let second = try loader(workers: (stop + 1) % 4)
            try second.restore(try JSONDecoder().decode(DataLoaderState.self, from: saved))
            let rest = try (stop..<reference.count).map { _ in try second.next() }
            #expect(rest == Array(reference[stop...]), "stopped after \(stop) calls")
        }
    }

    @Test func dropLastLeavesOutTheShortBatch() throws {
        let batches = try drain(try loader(workers: 2, dropLast: true), epochs: 1).compactMap { $0 }
        #expect(batches.count == 5)
        #expect(batches.allSatisfy { $0.labels.count == 4 })
        #expect(Set(batches.flatMap(\.indices)).count == 20)
    }

    @Test func epochsVisitEverySampleOnceInTheShuffledSamplersOrder() throws {
        let loader = try loader(workers: 3)
        for epoch in 0..<2 {
            let indices = try drain(loader, epochs: 1).compactMap { $0 }.flatMap(\.indices)
            #expect(indices == (try ShuffledSampler(count: 23, seed: Self.seed)).indices(epoch: epoch))
        }
        #expect(loader.epoch == 2 && loader.position == 0)
    }

    @Test func theSameSampleIsAugmentedDifferentlyInEachEpoch() throws {
        let dataset = try syntheticDataset(count: 23)
        let batches = try drain(try loader(workers: 2), epochs: 2).compactMap { $0 }
        var seen: [Int: [[Float]]] = [:]
        for batch in batches {
            for (row, index) in batch.indices.enumerated() {
                seen[index, default: []].append(Array(batch.inputs.scalars[row * 64..<(row + 1) * 64]))
            }
        }
        #expect(seen.count == 23)
        for (index, versions) in seen {
            #expect(versions.count == 2)
            #expect(versions[0] != versions[1], "sample \(index) got the same augmentation in both epochs")
            #expect(versions[0] != (try dataset.sample(at: index)).features)
        }
    }

    /// The PyTorch bug this prevents (pytorch#5059): workers whose generators start in the same
    /// state draw the same augmentations. Here every (epoch, sample) has its own stream, so the
    /// draws recorded on different worker threads never coincide, and each worker's hook seed differs.
    @Test func workersNeverSeeTheSameAugmentationStream() throws {
        let draws = Locked<[String: [UInt64]]>([:])
        let hookSeeds = Mutex<[UInt64]>([])
        struct Record: SampleTransform {
            let draws: Locked<[String: [UInt64]]>
            func apply(to sample: LabeledExample, generator: inout Generator<Philox>) throws -> LabeledExample {
                let first = generator.bitGenerator.next()
                let worker = "\(pthread_self())"  // the worker thread that ran it
                draws.withLock { $0[worker, default: []].append(first) }
                return sample
            }
        }
        let recorder = Record(draws: draws)
        let loader = try DataLoader(try syntheticDataset(count: 40), batchSize: 2, shuffle: true, seed: 5,
                                    workers: 4, transforms: [recorder],
                                    workerInit: { info in hookSeeds.withLock { $0.append(info.seed) } })
        _ = try drain(loader, epochs: 1)
        let byWorker = draws.withLock { $0 }
        #expect(byWorker.count == 4)
        let all = byWorker.values.flatMap { $0 }
        #expect(all.count == 40)
        #expect(Set(all).count == 40, "two samples shared an augmentation stream")
        #expect(hookSeeds.withLock { $0 }.count == 4)
        #expect(Set(hookSeeds.withLock { $0 }).count == 4, "two workers got the same seed")
    }

    @Test func anErrorArrivesInOrderAndTheBatchCanBeRetried() throws {
        struct Flaky: Dataset {
            let failures: Locked<Int>
            var count: Int { 10 }
            func sample(at index: Int) throws -> LabeledExample {
                if index == 6, failures.withLock({ $0 -= 1; return $0 >= 0 }) {
                    throw DataError(source: "flaky", location: "sample 6", "unavailable")
                }
                return LabeledExample(features: [Float(index)], label: 0)
            }
        }
        for workers in [0, 2] {
            let loader = try DataLoader(Flaky(failures: Locked(1)), sampler: try SequentialSampler(count: 10), batchSize: 3,
                                        seed: 0, workers: workers,
                                        collate: { examples, _ in examples.map { $0.features[0] } })
            #expect(try loader.next() == [0, 1, 2])
            #expect(try loader.next() == [3, 4, 5])
            #expect(throws: DataError.self) { try loader.next() }
            #expect(loader.position == 2)
            #expect(try loader.next() == [6, 7, 8], "retry after the error, workers \(workers)")
            #expect(try loader.next() == [9])
            #expect(try loader.next() == nil)
        }
    }

    @Test func distributedSamplerShardsAreBatchedInTheirOrder() throws {
        let dataset = try syntheticDataset(count: 23)
        let sampler = try DistributedSampler(count: 23, rank: 1, worldSize: 3, shuffle: true, seed: 4)
        let loader = try DataLoader(dataset, sampler: sampler, batchSize: 3, seed: 4, workers: 2)
        let indices = try drain(loader, epochs: 1).compactMap { $0 }.flatMap(\.indices)
        #expect(indices == sampler.indices(epoch: 0))
    }
}

@Suite struct DataLoaderArgumentTests {
    func expectError(_ fragment: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error mentioning '\(fragment)'")
        } catch {
            #expect("\(error)".contains(fragment), "\(error)")
        }
    }

    @Test func badConfigurationsAreRejectedWithTheReason() throws {
        let dataset = try syntheticDataset(count: 10)
        expectError("batchSize must be at least 1, got 0") {
            _ = try DataLoader(dataset, batchSize: 0, shuffle: false, seed: 0)
        }
        expectError("workers must be 0 or more, got -1") {
            _ = try DataLoader(dataset, batchSize: 2, shuffle: false, seed: 0, workers: -1)
        }
        expectError("prefetch must be at least 1, got 0") {
            _ = try DataLoader(dataset, batchSize: 2, shuffle: false, seed: 0, workers: 1, prefetch: 0)
        }
        expectError("dropLast with batchSize 11 and 10 samples leaves no batch") {
            _ = try DataLoader(dataset, batchSize: 11, shuffle: true, dropLast: true, seed: 0)
        }
        expectError("the dataset is empty") {
            _ = try DataLoader(try Subset(dataset, indices: []), batchSize: 2, shuffle: false, seed: 0)
        }
        expectError("arrays: the dataset is empty") {
            _ = try TensorDataset(features: [], featureShape: [4], labels: [])
        }
    }

    @Test func aStateFromAnotherConfigurationIsRejected() throws {
        let dataset = try syntheticDataset(count: 10)
        let a = try DataLoader(dataset, batchSize: 2, shuffle: true, seed: 1)
        let b = try DataLoader(dataset, batchSize: 3, shuffle: true, seed: 2)
        expectError("seed 1 in the state, 2 here; sampler ShuffledSampler(count: 10, seed: 1) in the state, "
                    + "ShuffledSampler(count: 10, seed: 2) here; batch size 2 in the state, 3 here") {
            try b.restore(a.state)
        }
        var impossible = a.state
        impossible.batch = 6
        expectError("expected epoch >= 0 and batch in 0...5, found epoch 0, batch 6") { try a.restore(impossible) }
        impossible.batch = 0
        impossible.epoch = -1
        expectError("found epoch -1") { try a.restore(impossible) }
    }

    @Test func datasetsRejectBadContents() throws {
        expectError("sample 1: expected a label in 0..<3, found 3") {
            _ = try TensorDataset(features: [0, 1, 2], featureShape: [1], labels: [0, 3, 1], classCount: 3)
        }
        expectError("sample 2, feature 0: expected a finite number, found nan") {
            _ = try TensorDataset(features: [0, 1, .nan], featureShape: [1], labels: [0, 0, 1])
        }
        expectError("expected 3 samples × 2 features = 6 values, got 5") {
            _ = try TensorDataset(features: [0, 1, 2, 3, 4], featureShape: [2], labels: [0, 0, 1])
        }
        let dataset = try syntheticDataset(count: 10)
        expectError("validationFraction must be in (0, 1), got 1.0") {
            _ = try dataset.split(validationFraction: 1, seed: 0)
        }
        expectError("leaves 0 for validation") { _ = try dataset.split(validationFraction: 0.01, seed: 0) }
        expectError("synthetic: sample index 10 is outside 0..<10") { _ = try dataset.sample(at: 10) }
        expectError("expected 64 features (shape [64]), got 3") {
            _ = try LabeledBatch.collate([LabeledExample(features: [1, 2, 3], label: 0)], indices: [4], featureShape: [64])
        }
        expectError("expected 8×8 = 64 features, got 3") {
            var generator = SampleContext(seed: 0, epoch: 0, index: 0).generator()
            _ = try RandomShift(height: 8, width: 8, maxShift: 1)
                .apply(to: LabeledExample(features: [1, 2, 3], label: 0), generator: &generator)
        }
        expectError("standardDeviation must be finite and non-negative, got -1.0") {
            _ = try RandomNoise(standardDeviation: -1)
        }
    }
}
