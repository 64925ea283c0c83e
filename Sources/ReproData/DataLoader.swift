import ReproRandom

/// Reads a dataset in batches, epoch after epoch, optionally on worker threads, and can be stopped
/// and restored at any batch.
///
/// Guarantees (docs/ARCHITECTURE.md G4, G5):
/// - Batches come in sampler order and are bitwise identical for any number of workers and any
///   prefetch depth: each batch is a pure function of (dataset, sampler, seed, epoch, batch number),
///   because augmentation draws from a generator keyed by (seed, epoch, dataset index), see
///   ``SampleContext/generator()``.
/// - ``state`` restored with ``restore(_:)`` continues with exactly the batch that would have come
///   next.
///
/// ```swift
/// let loader = try DataLoader(train, batchSize: 64, shuffle: true, seed: 7, workers: 2,
///                             transforms: [RandomShift(height: 8, width: 8, maxShift: 1)])
/// while let batch = try loader.next() { … }   // one epoch; the next call starts the next one
/// ```
///
/// A loader is used from one thread at a time; its workers are its own.
public final class DataLoader<Source: Dataset, Batch: Sendable> {
    public let dataset: Source
    public let sampler: any Sampler
    public let batchSize: Int
    public let dropLast: Bool
    /// Worker threads; 0 loads each batch on the calling thread when it is asked for.
    public let workers: Int
    /// Batches each worker may load ahead of the one being consumed (PyTorch `prefetch_factor`).
    public let prefetch: Int
    /// The seed of the shuffled order (when the sampler is made from `shuffle`) and of augmentation.
    public let seed: UInt64
    /// Applied in order to each sample, with the sample's own generator.
    public let transforms: [any SampleTransform<Source.Sample>]

    private let collate: @Sendable ([Source.Sample], BatchInfo) throws -> Batch
    private let workerInit: (@Sendable (WorkerInfo) -> Void)?

    public private(set) var epoch = 0
    /// How many batches of the current epoch have been delivered.
    public private(set) var position = 0
    private var epochBatches: [[Int]]?
    private var prefetcher: Prefetcher<Batch>?

    /// A loader over `dataset` in `sampler`'s order, collating each batch with `collate`.
    ///
    /// - Parameters:
    ///   - workerInit: called on each worker thread as it starts (at the start of each epoch's
    ///     pass, and after a restore), before it loads anything: the `worker_init_fn` analog. Its
    ///     ``WorkerInfo`` carries a seed spawned for that worker. Randomness drawn from it depends
    ///     on the worker count, so it must not change the data; use transforms for augmentation.
    /// - Throws: ``DataError`` for an empty dataset or sampler, a batch size below 1, a negative
    ///   worker count, a prefetch depth below 1, or `dropLast` leaving no batch.
    public init(_ dataset: Source, sampler: some Sampler, batchSize: Int, dropLast: Bool = false, seed: UInt64,
                workers: Int = 0, prefetch: Int = 2, transforms: [any SampleTransform<Source.Sample>] = [],
                workerInit: (@Sendable (WorkerInfo) -> Void)? = nil,
                collate: @escaping @Sendable ([Source.Sample], BatchInfo) throws -> Batch) throws {
        func invalid(_ message: String) -> DataError { DataError(source: "DataLoader", message) }
        guard dataset.count > 0 else { throw invalid("the dataset is empty (no samples)") }
        guard sampler.count > 0 else { throw invalid("the sampler yields no indices") }
        guard batchSize >= 1 else { throw invalid("batchSize must be at least 1, got \(batchSize)") }
        guard workers >= 0 else { throw invalid("workers must be 0 or more, got \(workers)") }
        guard prefetch >= 1 else { throw invalid("prefetch must be at least 1, got \(prefetch)") }
        guard !dropLast || sampler.count >= batchSize else {
            throw invalid("dropLast with batchSize \(batchSize) and \(sampler.count) samples leaves no batch")
        }
        self.dataset = dataset
        self.sampler = sampler
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.seed = seed
        self.workers = workers
        self.prefetch = prefetch
        self.transforms = transforms
        self.workerInit = workerInit
        self.collate = collate
    }

    deinit { prefetcher?.stop() }

    /// The number of batches in each epoch.
    public var batchesPerEpoch: Int {
        sampler.count / batchSize + (dropLast || sampler.count % batchSize == 0 ? 0 : 1)
    }

    /// The next batch of the current epoch; at the end of the epoch, nil, and the loader moves
    /// to the start of the next epoch.
    ///
    /// - Throws: what the dataset, a transform or the collation throws for this batch; the
    ///   position stays at this batch, so calling again retries it.
    public func next() throws -> Batch? {
        let batches = currentBatches()
        guard position < batches.count else {
            stopWorkers()
            epoch += 1
            position = 0
            epochBatches = nil
            return nil
        }
        let batch: Batch
        if workers == 0 {
            batch = try makeBatch(position, of: batches, epoch: epoch)
        } else {
            if prefetcher == nil { prefetcher = startWorkers(batches) }
            do {
                batch = try prefetcher!.next()!.get()
            } catch {
                stopWorkers()
                throw error
            }
        }
        position += 1
        return batch
    }

    /// The dataset indices of the batch ``next()`` returned last, in batch order; empty at an
    /// epoch's start.
    public var lastIndices: [Int] { position > 0 ? currentBatches()[position - 1] : [] }

    /// Calls `body` with each remaining batch of the current epoch, then moves to the next epoch.
    public func forEachBatch(_ body: (Batch) throws -> Void) throws {
        while let batch = try next() { try body(batch) }
    }

    /// The loader's position and the configuration it applies to, for a checkpoint.
    public var state: DataLoaderState {
        DataLoaderState(epoch: epoch, batch: position, seed: seed, sampler: sampler.identity,
                        datasetCount: dataset.count, batchSize: batchSize, dropLast: dropLast)
    }

    /// Continues from `state`: the next batch is the one that followed when it was taken.
    ///
    /// - Throws: ``DataError`` when `state` was taken from a loader with another seed, sampler,
    ///   dataset size, batch size or drop-last setting, or its position is impossible. The worker
    ///   count and prefetch depth may differ.
    public func restore(_ state: DataLoaderState) throws {
        let current = self.state
        let mismatches = [
            ("seed", "\(state.seed)", "\(current.seed)"),
            ("sampler", state.sampler, current.sampler),
            ("dataset size", "\(state.datasetCount)", "\(current.datasetCount)"),
            ("batch size", "\(state.batchSize)", "\(current.batchSize)"),
            ("dropLast", "\(state.dropLast)", "\(current.dropLast)"),
        ].filter { $0.1 != $0.2 }
        guard mismatches.isEmpty else {
            throw DataError(source: "DataLoader.restore", "the state belongs to another loader configuration: "
                            + mismatches.map { "\($0.0) \($0.1) in the state, \($0.2) here" }.joined(separator: "; "))
        }
        guard state.epoch >= 0, (0...batchesPerEpoch).contains(state.batch) else {
            throw DataError(source: "DataLoader.restore", "expected epoch >= 0 and batch in 0...\(batchesPerEpoch), "
                            + "found epoch \(state.epoch), batch \(state.batch)")
        }
        stopWorkers()
        epoch = state.epoch
        position = state.batch
        epochBatches = nil
    }

    // MARK: - Making batches

    private func currentBatches() -> [[Int]] {
        if let batches = epochBatches { return batches }
        let indices = sampler.indices(epoch: epoch)
        let batches = (0..<batchesPerEpoch).map { b in
            Array(indices[b * batchSize..<min((b + 1) * batchSize, indices.count)])
        }
        epochBatches = batches
        return batches
    }

    /// Batch `number` of `epoch`: a pure function of its arguments and the loader's configuration.
    private func makeBatch(_ number: Int, of batches: [[Int]], epoch: Int) throws -> Batch {
        try Self.makeBatch(number, of: batches, epoch: epoch, dataset: dataset, seed: seed,
                           transforms: transforms, collate: collate)
    }

    private static func makeBatch(_ number: Int, of batches: [[Int]], epoch: Int, dataset: Source, seed: UInt64,
                                  transforms: [any SampleTransform<Source.Sample>],
                                  collate: ([Source.Sample], BatchInfo) throws -> Batch) throws -> Batch {
        let indices = batches[number]
        var samples: [Source.Sample] = []
        samples.reserveCapacity(indices.count)
        for index in indices {
            var sample = try dataset.sample(at: index)
            if !transforms.isEmpty {
                var generator = SampleContext(seed: seed, epoch: epoch, index: index).generator()
                for transform in transforms { sample = try transform.apply(to: sample, generator: &generator) }
            }
            samples.append(sample)
        }
        return try collate(samples, BatchInfo(epoch: epoch, number: number, indices: indices))
    }

    private func startWorkers(_ batches: [[Int]]) -> Prefetcher<Batch> {
        let (dataset, seed, transforms, collate, epoch) = (dataset, seed, transforms, collate, epoch)
        let (workerInit, workers) = (workerInit, workers)
        var workerSeeds = SeedSequence(seed, purpose: "worker")
        let seeds = workerSeeds.spawn(workers)
        return Prefetcher(start: position, end: batches.count, workers: workers, depth: prefetch * workers,
                          onStart: { worker in
                              workerInit?(WorkerInfo(id: worker, count: workers, seedSequence: seeds[worker]))
                          },
                          make: { number in
                              try Self.makeBatch(number, of: batches, epoch: epoch, dataset: dataset, seed: seed,
                                                 transforms: transforms, collate: collate)
                          })
    }

    private func stopWorkers() {
        prefetcher?.stop()
        prefetcher = nil
    }
}

/// What a collate function is told about the batch it assembles.
public struct BatchInfo: Sendable, Hashable {
    public let epoch: Int
    /// The batch's number within the epoch.
    public let number: Int
    /// The dataset index of each sample, in batch order.
    public let indices: [Int]
}

/// A loader worker, as its start hook sees it.
public struct WorkerInfo: Sendable, Hashable {
    /// The worker's number, `0..<count`.
    public let id: Int
    /// The number of workers.
    public let count: Int
    /// The worker's own seed sequence: child `id` of `SeedSequence(seed, purpose: "worker")`, i.e.
    /// numpy's `SeedSequence(seed, spawn_key=(purpose_key("worker"), id))`.
    public let seedSequence: SeedSequence

    /// A 64-bit seed for libraries seeded by one number (`torch.initial_seed()`'s role):
    /// `seedSequence.generate_state(1, np.uint64)[0]`.
    public var seed: UInt64 { seedSequence.generateState64(count: 1)[0] }
}

extension DataLoader where Source: LabeledDataset, Batch == LabeledBatch {
    /// A loader of ``LabeledBatch``es over `dataset`, in shuffled order (``ShuffledSampler`` with
    /// `seed`: epoch `e` is numpy's `Generator(PCG64(SeedSequence(seed, spawn_key=(e,)))).permutation(count)`)
    /// or in index order.
    ///
    /// - Throws: as ``init(_:sampler:batchSize:dropLast:seed:workers:prefetch:transforms:workerInit:collate:)``.
    public convenience init(_ dataset: Source, batchSize: Int, shuffle: Bool, dropLast: Bool = false, seed: UInt64,
                            workers: Int = 0, prefetch: Int = 2, transforms: [any SampleTransform<LabeledExample>] = [],
                            workerInit: (@Sendable (WorkerInfo) -> Void)? = nil) throws {
        let sampler: any Sampler = shuffle
            ? try ShuffledSampler(count: dataset.count, seed: seed) : try SequentialSampler(count: dataset.count)
        try self.init(dataset, sampler: sampler, batchSize: batchSize, dropLast: dropLast, seed: seed,
                      workers: workers, prefetch: prefetch, transforms: transforms, workerInit: workerInit)
    }

    /// A loader of ``LabeledBatch``es over `dataset` in `sampler`'s order (e.g. a ``DistributedSampler``).
    public convenience init(_ dataset: Source, sampler: some Sampler, batchSize: Int, dropLast: Bool = false,
                            seed: UInt64, workers: Int = 0, prefetch: Int = 2,
                            transforms: [any SampleTransform<LabeledExample>] = [],
                            workerInit: (@Sendable (WorkerInfo) -> Void)? = nil) throws {
        let featureShape = dataset.featureShape
        try self.init(dataset, sampler: sampler, batchSize: batchSize, dropLast: dropLast, seed: seed,
                      workers: workers, prefetch: prefetch, transforms: transforms, workerInit: workerInit,
                      collate: { examples, info in
                          try LabeledBatch.collate(examples, indices: info.indices, featureShape: featureShape)
                      })
    }
}
