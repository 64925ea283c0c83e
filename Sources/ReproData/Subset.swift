import ReproRandom

/// The samples of a base dataset at chosen indices, in the order given (PyTorch `Subset`).
public struct Subset<Base: Dataset>: Dataset {
    public let base: Base
    /// The base dataset's indices; sample `i` of the subset is `base.sample(at: indices[i])`.
    public let indices: [Int]

    /// - Throws: ``DataError`` when an index is outside `0..<base.count`.
    public init(_ base: Base, indices: [Int]) throws {
        if let bad = indices.firstIndex(where: { !(0..<base.count).contains($0) }) {
            throw DataError(source: "Subset", location: "position \(bad)",
                            "expected an index in 0..<\(base.count), found \(indices[bad])")
        }
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }

    public func sample(at index: Int) throws -> Base.Sample {
        guard (0..<count).contains(index) else {
            throw DataError(source: "Subset", "sample index \(index) is outside 0..<\(count)")
        }
        return try base.sample(at: indices[index])
    }
}

extension Subset: LabeledDataset where Base: LabeledDataset {
    public var featureShape: [Int] { base.featureShape }
    public var classCount: Int { base.classCount }
}

extension Dataset {
    /// Splits the samples into training and validation subsets, fixed by `seed` alone (a data seed,
    /// independent of the training seed, so the split stays put when the training seed changes).
    ///
    /// The validation set is the first `round(validationFraction × count)` indices (Python's
    /// `round`, half to even) of a permutation, the training set the rest, both in permutation
    /// order. In numpy:
    ///
    /// ```python
    /// perm = np.random.Generator(np.random.PCG64(
    ///     np.random.SeedSequence(seed, spawn_key=(purpose_key("split"),)))).permutation(count)
    /// k = round(validation_fraction * count)
    /// validation, train = perm[:k], perm[k:]
    /// ```
    ///
    /// with `purpose_key` as in ``SeedSequence/purposeKey(_:)``.
    ///
    /// - Throws: ``DataError`` when the fraction is not in (0, 1) or leaves either side empty.
    public func split(validationFraction: Double, seed: UInt64) throws -> (train: Subset<Self>, validation: Subset<Self>) {
        guard validationFraction > 0, validationFraction < 1 else {
            throw DataError(source: "split", "validationFraction must be in (0, 1), got \(validationFraction)")
        }
        let validationCount = Int((validationFraction * Double(count)).rounded(.toNearestOrEven))
        guard validationCount >= 1, validationCount < count else {
            throw DataError(source: "split", "validationFraction \(validationFraction) of \(count) samples leaves "
                            + "\(validationCount) for validation and \(count - validationCount) for training; "
                            + "both need at least one")
        }
        var generator = Generator(PCG64(SeedSequence(seed, purpose: "split")))
        let permutation = try generator.permutation(count)
        return (try Subset(self, indices: Array(permutation[validationCount...])),
                try Subset(self, indices: Array(permutation[..<validationCount])))
    }
}
