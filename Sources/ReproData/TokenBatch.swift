/// A batch of ``TokenWindow``s of one length, stacked row by row: what a next-token model trains on.
///
/// ```swift
/// let loader = try DataLoader(training, sampler: try ShuffledSampler(count: training.count, seed: seed),
///                             batchSize: 64, seed: seed,
///                             collate: { windows, info in try TokenBatch.collate(windows, indices: info.indices) })
/// ```
public struct TokenBatch: Sendable, Hashable {
    /// The input tokens, row-major `[batchSize, context]`: row `b` is window `b`'s input.
    public let inputs: [Int]
    /// The target tokens, row-major `[batchSize, context]`: row `b` is window `b`'s target.
    public let targets: [Int]
    /// The number of windows.
    public let batchSize: Int
    /// The length of every window.
    public let context: Int
    /// The dataset index of each window.
    public let indices: [Int]

    /// Stacks `samples` (window `b` has dataset index `indices[b]`) into one batch.
    ///
    /// - Throws: ``DataError`` when there are no samples, `indices` does not have one index per
    ///   sample, or a window's input or target length differs from the first window's input length.
    public static func collate(_ samples: [TokenWindow], indices: [Int]) throws -> TokenBatch {
        guard let first = samples.first else { throw DataError(source: "collate", "a batch needs at least one window") }
        guard indices.count == samples.count else {
            throw DataError(source: "collate", "expected one index per window, got \(indices.count) for \(samples.count)")
        }
        let context = first.input.count
        var inputs: [Int] = [], targets: [Int] = []
        inputs.reserveCapacity(samples.count * context)
        targets.reserveCapacity(samples.count * context)
        for (position, window) in samples.enumerated() {
            guard window.input.count == context, window.target.count == context else {
                throw DataError(source: "collate", location: "sample \(indices[position])",
                                "expected input and target of \(context) tokens (the first window's length), got "
                                + "\(window.input.count) and \(window.target.count)")
            }
            inputs += window.input
            targets += window.target
        }
        return TokenBatch(inputs: inputs, targets: targets, batchSize: samples.count, context: context, indices: indices)
    }
}
