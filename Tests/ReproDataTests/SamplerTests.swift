import Testing
import ReproData

struct SamplerVectors: Decodable {
    struct Shuffled: Decodable {
        let seed: String
        let epoch: Int
        let count: Int
        let indices: [Int]
    }

    struct Distributed: Decodable {
        let count: Int
        let worldSize: Int
        let shuffle: Bool
        let seed: String
        let epoch: Int
        let dropLast: Bool
        let ranks: [[Int]]
    }

    let shuffled: [Shuffled]
    let distributed: [Distributed]
}

@Suite struct SamplerVectorTests {
    let vectors: SamplerVectors

    init() throws { vectors = try Vectors.load("samplers") }

    @Test func vectorsCoverTheRequiredCounts() {
        #expect(Set(vectors.shuffled.map(\.count)).isSuperset(of: [0, 1, 2, 10, 1000]))
        #expect(vectors.distributed.contains { $0.count % $0.worldSize != 0 && $0.count > 0 })
    }

    @Test func shuffledSamplerMatchesNumpyPermutation() throws {
        for v in vectors.shuffled {
            let sampler = try ShuffledSampler(count: v.count, seed: seed64(v.seed))
            #expect(sampler.indices(epoch: v.epoch) == v.indices, "seed \(v.seed) epoch \(v.epoch) count \(v.count)")
        }
    }

    @Test func distributedSamplerMatchesPyTorchLogic() throws {
        for v in vectors.distributed {
            for rank in 0..<v.worldSize {
                let sampler = try DistributedSampler(
                    count: v.count, rank: rank, worldSize: v.worldSize, shuffle: v.shuffle,
                    seed: seed64(v.seed), dropLast: v.dropLast)
                let label = "count \(v.count) world \(v.worldSize) rank \(rank) shuffle \(v.shuffle) dropLast \(v.dropLast)"
                #expect(sampler.indices(epoch: v.epoch) == v.ranks[rank], "\(label)")
                #expect(sampler.count == v.ranks[rank].count, "\(label)")
            }
        }
    }
}

@Suite struct SamplerPropertyTests {
    @Test func sequentialSamplerIsInOrder() throws {
        let sampler = try SequentialSampler(count: 5)
        #expect(sampler.count == 5)
        #expect(sampler.indices(epoch: 0) == [0, 1, 2, 3, 4])
        #expect(sampler.indices(epoch: 9) == [0, 1, 2, 3, 4])
        #expect(try SequentialSampler(count: 0).indices(epoch: 0) == [])
    }

    @Test(arguments: [0, 1, 2, 17, 1000])
    func everyEpochIsAPermutation(count: Int) throws {
        let sampler = try ShuffledSampler(count: count, seed: 7)
        #expect(sampler.count == count)
        for epoch in 0..<5 {
            #expect(sampler.indices(epoch: epoch).sorted() == Array(0..<count))
        }
    }

    @Test func epochsDifferAndRepeat() throws {
        let sampler = try ShuffledSampler(count: 100, seed: 123)
        let orders = (0..<10).map { sampler.indices(epoch: $0) }
        #expect(Set(orders).count == orders.count)
        #expect(sampler.indices(epoch: 3) == orders[3])
        #expect(try ShuffledSampler(count: 100, seed: 124).indices(epoch: 0) != orders[0])
    }

    @Test(arguments: [(0, 3), (1, 4), (2, 4), (10, 3), (10, 5), (11, 4), (1000, 7)])
    func distributedRanksPartitionThePaddedEpoch(count: Int, worldSize: Int) throws {
        for shuffle in [false, true] {
            let ranks = try (0..<worldSize).map {
                try DistributedSampler(count: count, rank: $0, worldSize: worldSize, shuffle: shuffle, seed: 5)
            }
            let shares = ranks.map { $0.indices(epoch: 2) }
            let perRank = (count + worldSize - 1) / worldSize
            #expect(shares.allSatisfy { $0.count == perRank })
            let all = shares.flatMap { $0 }
            // Every index appears, and only the padding (at most worldSize - 1 slots) repeats.
            #expect(Set(all) == Set(0..<count))
            #expect(all.count - count == perRank * worldSize - count)
            #expect(all.count - count < max(worldSize, 1))
            // Interleaving the shares (rank r holds list[r::worldSize]) gives back the epoch's order.
            let order = try shuffle ? ShuffledSampler(count: count, seed: 5).indices(epoch: 2) : Array(0..<count)
            let interleaved = (0..<perRank * worldSize).map { shares[$0 % worldSize][$0 / worldSize] }
            #expect(Array(interleaved.prefix(count)) == order)
        }
    }

    @Test func distributedDropLastSharesAreDisjoint() throws {
        let shares = try (0..<4).map {
            try DistributedSampler(count: 11, rank: $0, worldSize: 4, seed: 9, dropLast: true).indices(epoch: 0)
        }
        let all = shares.flatMap { $0 }
        #expect(shares.allSatisfy { $0.count == 2 })
        #expect(Set(all).count == 8)
        #expect(all.allSatisfy { (0..<11).contains($0) })
    }

    @Test func batchSamplerCoversEveryIndexInOrder() throws {
        let base = try ShuffledSampler(count: 10, seed: 1)
        let batches = try BatchSampler(base, batchSize: 3)
        #expect(batches.count == 4)
        let epoch = batches.batches(epoch: 4)
        #expect(epoch.map(\.count) == [3, 3, 3, 1])
        #expect(epoch.flatMap { $0 } == base.indices(epoch: 4))
    }

    @Test func batchSamplerDropLast() throws {
        let base = try SequentialSampler(count: 10)
        let dropped = try BatchSampler(base, batchSize: 3, dropLast: true)
        #expect(dropped.count == 3)
        #expect(dropped.batches(epoch: 0) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
        let even = try BatchSampler(base, batchSize: 5, dropLast: true)
        #expect(even.batches(epoch: 0) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]])
        let tooBig = try BatchSampler(base, batchSize: 11, dropLast: true)
        #expect(tooBig.count == 0)
        #expect(tooBig.batches(epoch: 0) == [])
        #expect(try BatchSampler(base, batchSize: 11).batches(epoch: 0) == [Array(0..<10)])
        #expect(try BatchSampler(SequentialSampler(count: 0), batchSize: 2).batches(epoch: 0) == [])
    }
}

@Suite struct SamplerErrorTests {
    @Test func negativeCountsAreRejected() {
        #expect(throws: SamplerArgumentError("SequentialSampler", "count must be non-negative, got -1")) {
            try SequentialSampler(count: -1)
        }
        #expect(throws: SamplerArgumentError("ShuffledSampler", "count must be non-negative, got -2")) {
            try ShuffledSampler(count: -2, seed: 0)
        }
        #expect(throws: SamplerArgumentError("DistributedSampler", "count must be non-negative, got -3")) {
            try DistributedSampler(count: -3, rank: 0, worldSize: 1)
        }
    }

    @Test func batchSizeBelowOneIsRejected() throws {
        let base = try SequentialSampler(count: 4)
        #expect(throws: SamplerArgumentError("BatchSampler", "batchSize must be at least 1, got 0")) {
            try BatchSampler(base, batchSize: 0)
        }
    }

    @Test func ranksOutsideTheWorldAreRejected() {
        #expect(throws: SamplerArgumentError("DistributedSampler", "worldSize must be at least 1, got 0")) {
            try DistributedSampler(count: 4, rank: 0, worldSize: 0)
        }
        #expect(throws: SamplerArgumentError("DistributedSampler", "rank must be in 0..<2 (worldSize), got 2")) {
            try DistributedSampler(count: 4, rank: 2, worldSize: 2)
        }
        #expect(throws: SamplerArgumentError("DistributedSampler", "rank must be in 0..<2 (worldSize), got -1")) {
            try DistributedSampler(count: 4, rank: -1, worldSize: 2)
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(SamplerArgumentError("BatchSampler", "batchSize must be at least 1, got 0").description
            == "BatchSampler: batchSize must be at least 1, got 0")
    }
}

@Suite struct SamplerEpochTests {
    @Test func negativeEpochsStopTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = try ShuffledSampler(count: 3, seed: 0).indices(epoch: -1)
        }
        await #expect(processExitsWith: .failure) {
            _ = try DistributedSampler(count: 3, rank: 0, worldSize: 2, shuffle: false).indices(epoch: -1)
        }
        await #expect(processExitsWith: .failure) {
            _ = try SequentialSampler(count: 3).indices(epoch: -1)
        }
    }

    @Test func countsDoNotOverflowNearIntMax() throws {
        let huge = try DistributedSampler(count: Int.max, rank: 0, worldSize: 2, shuffle: false)
        #expect(huge.count == Int.max / 2 + 1)
        let batches = try BatchSampler(SequentialSampler(count: Int.max), batchSize: 2)
        #expect(batches.count == Int.max / 2 + 1)
    }
}

/// A sampler's identity is spelled out (a checkpoint stores it), and restoring a loader's state
/// into a loader whose sampler has another identity is refused, whatever kind of type it is.
@Suite struct SamplerIdentityTests {
    /// A class-based sampler whose order depends on its seed.
    final class Rotating: Sampler {
        let count: Int
        let seed: Int
        init(count: Int, seed: Int) { self.count = count; self.seed = seed }
        var identity: String { "Rotating(count: \(count), seed: \(seed))" }
        func indices(epoch: Int) -> [Int] { (0..<count).map { ($0 + seed + epoch) % count } }
    }

    @Test func identitiesAreTheDocumentedTexts() throws {
        #expect(try SequentialSampler(count: 5).identity == "SequentialSampler(count: 5)")
        #expect(try ShuffledSampler(count: 5, seed: 7).identity == "ShuffledSampler(count: 5, seed: 7)")
        #expect(try DistributedSampler(count: 10, rank: 1, worldSize: 2, shuffle: true, seed: 3).identity
                == "DistributedSampler(datasetCount: 10, rank: 1, worldSize: 2, shuffle: true, seed: 3, dropLast: false)")
    }

    @Test func aStateFromAnotherSamplerIsRefused() throws {
        let dataset = try TensorDataset(features: (0..<12).map(Float.init), featureShape: [1], labels: Array(repeating: 0, count: 12))
        let first = try DataLoader(dataset, sampler: Rotating(count: 12, seed: 1), batchSize: 4, seed: 0)
        _ = try first.next()
        let state = first.state
        let other = try DataLoader(dataset, sampler: Rotating(count: 12, seed: 2), batchSize: 4, seed: 0)
        #expect { try other.restore(state) } throws: { "\($0)".contains("Rotating(count: 12, seed: 1)") }
        let same = try DataLoader(dataset, sampler: Rotating(count: 12, seed: 1), batchSize: 4, seed: 0)
        try same.restore(state)
        #expect(try same.next()?.inputs.scalars == (try first.next())?.inputs.scalars)
    }
}
