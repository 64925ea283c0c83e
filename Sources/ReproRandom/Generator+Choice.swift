/// Uniform sampling: numpy `Generator.choice` without `p`.
extension Generator {
    /// `size` indices drawn uniformly from `0..<populationSize` (numpy `choice(a, size, replace,
    /// shuffle=shuffle)` with an integer `a`).
    ///
    /// numpy's algorithms, chosen by numpy's rule:
    /// - with replacement: `integers(0, populationSize, size)`;
    /// - without replacement, when `populationSize > 10_000` and `size > populationSize / c`
    ///   (`c` = 50 when `shuffle`, else 20): a partial Fisher–Yates pass over `0..<populationSize`
    ///   with Lemire draws, keeping the last `size` positions (already in random order);
    /// - otherwise without replacement: Floyd's algorithm with numpy's open-addressing hash set,
    ///   followed by a Lemire Fisher–Yates pass when `shuffle` is true. With `shuffle: false` the
    ///   order is Floyd's, not sorted.
    ///
    /// Like numpy, `size == 0` returns an empty array without drawing, whatever the population with
    /// replacement, and for any `populationSize >= 0` without.
    ///
    /// - Throws: ``RandomArgumentError`` when `size` is negative, when `populationSize` is not positive
    ///   and `size` is not 0, or when `size > populationSize` without replacement.
    /// - Complexity: O(`size`), except O(`populationSize`) on the partial-shuffle path.
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func choice(
        _ populationSize: Int, size: Int, replace: Bool = true, shuffle: Bool = true
    ) throws -> [Int] {
        guard populationSize > 0 || size == 0 else {
            throw RandomArgumentError(
                "choice",
                "populationSize must be positive unless size is 0; got populationSize \(populationSize), size \(size)")
        }
        return try choiceIndices(populationSize, size: size, replace: replace, shuffle: shuffle)
    }

    /// `size` elements drawn uniformly from `population` (numpy `choice(a, size, replace,
    /// shuffle=shuffle)` with a 1-d array `a`): the elements at ``choice(_:size:replace:shuffle:)``'s
    /// indices for `population.count`.
    ///
    /// - Throws: ``RandomArgumentError`` when `size` is negative, when `population` is empty and `size`
    ///   is not 0, or when `size > population.count` without replacement.
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func choice<T>(
        from population: [T], size: Int, replace: Bool = true, shuffle: Bool = true
    ) throws -> [T] {
        guard !population.isEmpty || size == 0 else {
            throw RandomArgumentError("choice", "population cannot be empty unless size is 0; got size \(size)")
        }
        return try choiceIndices(population.count, size: size, replace: replace, shuffle: shuffle)
            .map { population[$0] }
    }

    /// numpy `Generator.choice` after its population check.
    @inlinable
    mutating func choiceIndices(_ populationSize: Int, size: Int, replace: Bool, shuffle: Bool) throws -> [Int] {
        if !replace && size > populationSize {
            throw RandomArgumentError(
                "choice", "size must not exceed the population without replacement; "
                    + "got size \(size), population \(populationSize)")
        }
        guard size >= 0 else {
            throw RandomArgumentError("choice", "size must be non-negative, got \(size)")
        }
        guard size > 0 else { return [] }
        if replace {
            let range = UInt64(populationSize - 1)
            return (0..<size).map { _ in Int(truncatingIfNeeded: bitGenerator.bounded(range: range, masked: false)) }
        }
        let cutoff = shuffle ? 50 : 20
        if populationSize > 10_000 && size > populationSize / cutoff {
            var indices = Array(0..<populationSize)
            shuffleLemire(&indices, downTo: max(populationSize - size, 1))
            return Array(indices[(populationSize - size)...])
        }
        var indices = floydSample(populationSize, size: size)
        if shuffle { shuffleLemire(&indices, downTo: 1) }
        return indices
    }

    /// numpy's Floyd sampling: for `j` in `populationSize - size ..< populationSize`, draw `v` in
    /// `0...j` (Lemire) and take `v`, or `j` when `v` was already taken; membership through numpy's
    /// linear-probing hash set of `2^⌈log2(1.2·size)⌉` slots.
    @inlinable
    mutating func floydSample(_ populationSize: Int, size: Int) -> [Int] {
        let mask = Int(truncatingIfNeeded: smallestMask(covering: UInt64(1.2 * Double(size))))
        let empty = UInt64.max
        var slots = [UInt64](repeating: empty, count: mask + 1)
        var sample = [Int]()
        sample.reserveCapacity(size)
        for j in (populationSize - size)..<populationSize {
            let value = bitGenerator.bounded(range: UInt64(j), masked: false)
            var slot = Int(truncatingIfNeeded: value) & mask
            while slots[slot] != empty && slots[slot] != value {
                slot = (slot + 1) & mask
            }
            if slots[slot] == empty {
                slots[slot] = value
                sample.append(Int(truncatingIfNeeded: value))
            } else {
                slot = j & mask
                while slots[slot] != empty {
                    slot = (slot + 1) & mask
                }
                slots[slot] = UInt64(j)
                sample.append(j)
            }
        }
        return sample
    }
}
