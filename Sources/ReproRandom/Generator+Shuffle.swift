/// Permutations: numpy `Generator.shuffle` and `Generator.permutation`.
extension Generator {
    /// Shuffles `collection` in place with numpy's Fisher–Yates pass (numpy `shuffle(x)`).
    ///
    /// For `i` from `count - 1` down to 1, swaps element `i` with element `j` drawn by masked
    /// rejection in `0...i` (``BitGenerator/interval(max:)``, numpy `random_interval`), on buffered
    /// 32-bit words while `i` fits in 32 bits. Any element type; only positions move.
    ///
    /// - Complexity: O(*n*).
    /// - Stability: frozen; the same positions move as in numpy's `shuffle` of a list or 1-d array
    ///   of the same length.
    @inlinable
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ collection: inout C) {
        let start = collection.startIndex
        var i = collection.count - 1
        while i > 0 {
            let j = Int(truncatingIfNeeded: bitGenerator.interval(max: UInt64(i)))
            collection.swapAt(collection.index(start, offsetBy: i), collection.index(start, offsetBy: j))
            i -= 1
        }
    }

    /// A random permutation of `0..<n`: `Array(0..<n)` shuffled by ``shuffle(_:)``
    /// (numpy `permutation(n)`).
    ///
    /// - Throws: ``RandomArgumentError`` when `n` is negative (numpy returns an empty array there;
    ///   Repro rejects it).
    /// - Complexity: O(*n*).
    /// - Stability: frozen; matches numpy bit for bit.
    @inlinable
    public mutating func permutation(_ n: Int) throws -> [Int] {
        guard n >= 0 else {
            throw RandomArgumentError("permutation", "n must be non-negative, got \(n)")
        }
        var values = Array(0..<n)
        shuffle(&values)
        return values
    }

    /// numpy `_shuffle_int(bitgen, n, first, data)`: a Fisher–Yates pass over positions
    /// `count - 1` down to `first` with Lemire draws (``BitGenerator/bounded(range:masked:)``), the
    /// variant `choice` uses.
    @inlinable
    mutating func shuffleLemire(_ values: inout [Int], downTo first: Int) {
        var i = values.count - 1
        while i >= first {
            let j = Int(truncatingIfNeeded: bitGenerator.bounded(range: UInt64(i), masked: false))
            values.swapAt(i, j)
            i -= 1
        }
    }
}
