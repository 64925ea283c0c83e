import ReproDistributed
import ReproNN
import ReproTensor

/// One optimizer step's gradients computed as `shardCount` logical shards shared among the
/// processes of a ``ReproDistributed/ProcessGroup`` and combined with
/// ``ReproDistributed/FixedPointSum`` (docs/ARCHITECTURE.md §12): the same gradients, to the bit,
/// for any number of processes dividing `shardCount`, and in one process.
///
/// Process `r` of `K` computes the contiguous shards `r·S/K ..< (r+1)·S/K`. For each, from zeroed
/// gradients: the loss, `backward()` of the loss divided by S (so that the gradients add up to
/// those of the mean of the shard losses, as gradient accumulation does), and a copy of every
/// parameter's gradient. Then, in every process alike: the shard losses gathered in shard order; a
/// non-finite one ends the step there (the trainer's divergence check sees the same losses
/// everywhere); the grid exponent of each parameter (MPI_MAX over the shards), the shards'
/// fixed-point integers summed (MPI_SUM), and each parameter's `grad` set to the sum.
struct ShardedGradients {
    let group: any ProcessGroup
    let shardCount: Int

    /// - Precondition: the group's size divides `shardCount`.
    init(group: any ProcessGroup, shardCount: Int) {
        precondition(shardCount >= 1 && shardCount % group.size == 0,
                     "\(group.size) processes do not divide \(shardCount) shards")
        self.group = group
        self.shardCount = shardCount
    }

    /// The shards this process computes.
    var ownShards: Range<Int> {
        let each = shardCount / group.size
        return group.rank * each ..< (group.rank + 1) * each
    }

    /// Computes this process's shards with `loss` (shard index → the shard's loss, a one-element
    /// tensor built from the model's parameters, and its value), combines every process's gradients into the
    /// `grad` of each parameter, and returns every shard's loss in shard order.
    ///
    /// When a loss is not finite, the gradients are left as they are and the losses returned: the
    /// caller ends the run the same way in every process.
    ///
    /// - Throws: ``TrainingError`` for a gradient that is not finite (naming the parameter), ``ReproDistributed/DistributedError`` when a collective
    ///   fails or times out, and what `loss` throws.
    func compute(step: Int, parameters: [(name: String, tensor: Tensor)],
                 loss: (Int) throws -> (tensor: Tensor, value: Float)) throws -> [Float] {
        let counts = parameters.map { $0.tensor.count }
        let total = counts.reduce(0, +)
        var gradients: [[Float]] = []
        var losses: [Float] = []
        for shard in ownShards {
            for parameter in parameters { parameter.tensor.grad = nil }
            let (tensor, value) = try loss(shard)
            losses.append(value)
            try (shardCount == 1 ? tensor : tensor / Float(shardCount)).backward()
            var flat = [Float](repeating: 0, count: total)
            var offset = 0
            for (parameter, count) in zip(parameters, counts) {
                if let grad = parameter.tensor.grad { flat.replaceSubrange(offset..<offset + count, with: grad.scalars) }
                offset += count
            }
            gradients.append(flat)
        }
        let allLosses = try gatherLosses(losses, step: step)
        guard allLosses.allSatisfy(\.isFinite) else { return allLosses }

        // The grid of each parameter: the largest exponent over every shard; Int32.max marks a
        // gradient that is not finite, so that every process fails alike.
        var exponents = [Int32](repeating: Int32.min, count: parameters.count)
        for flat in gradients {
            flat.withUnsafeBufferPointer { flat in
                var offset = 0
                for (index, count) in counts.enumerated() {
                    let slice = UnsafeBufferPointer(rebasing: flat[offset..<offset + count])
                    let exponent = (try? FixedPointSum.exponent(of: slice)) ?? Int32.max
                    exponents[index] = max(exponents[index], exponent)
                    offset += count
                }
            }
        }
        try group.maximum(&exponents, what: "the gradients' scale of step \(step + 1)")
        if let bad = exponents.firstIndex(of: Int32.max) {
            throw TrainingError(message: "the gradient of \(parameters[bad].name) is not finite at step \(step + 1)")
        }
        var sums = [Int64](repeating: 0, count: total)
        sums.withUnsafeMutableBufferPointer { sums in
            for flat in gradients {
                flat.withUnsafeBufferPointer { flat in
                    var offset = 0
                    for (index, count) in counts.enumerated() {
                        FixedPointSum.accumulate(UnsafeBufferPointer(rebasing: flat[offset..<offset + count]),
                                                 exponent: exponents[index], shardCount: shardCount,
                                                 into: UnsafeMutableBufferPointer(rebasing: sums[offset..<offset + count]))
                        offset += count
                    }
                }
            }
        }
        try group.sum(&sums, what: "the gradient sum of step \(step + 1)")
        var offset = 0
        for (index, parameter) in parameters.enumerated() {
            let count = counts[index]
            var values = [Float](repeating: 0, count: count)
            sums.withUnsafeBufferPointer { sums in
                values.withUnsafeMutableBufferPointer {
                    FixedPointSum.values(of: UnsafeBufferPointer(rebasing: sums[offset..<offset + count]),
                                         exponent: exponents[index], shardCount: shardCount, into: $0)
                }
            }
            parameter.tensor.grad = try Tensor(shape: parameter.tensor.shape, scalars: values)
            offset += count
        }
        return allLosses
    }

    /// Every shard's loss, in shard order, from each process's own.
    private func gatherLosses(_ losses: [Float], step: Int) throws -> [Float] {
        let bytes = losses.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let gathered = try group.gather(bytes, what: "the losses of step \(step + 1)")
        return gathered.flatMap { bytes in
            stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
            }
        }
    }
}
