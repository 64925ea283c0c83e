import Foundation

/// numpy's legacy distributions (`numpy/random/mtrand.pyx`, `src/legacy/legacy-distributions.c`).
///
/// The `count:` forms are numpy's `size=` arguments: they give exactly the values of `count` single
/// calls, in order.
extension RandomState {
    /// numpy `random_sample()` / `rand()`: a double in [0, 1) from two 32-bit words,
    /// `(a >> 5, b >> 6)` over 2^53.
    public mutating func randomSample() -> Double {
        mt.nextDouble()
    }

    /// numpy `random_sample(count)` / `rand(count)`.
    ///
    /// - Throws: ``RandomArgumentError`` when `count` is negative.
    public mutating func randomSample(count: Int) throws -> [Double] {
        try Self.check(count: count, "random_sample")
        return (0..<count).map { _ in randomSample() }
    }

    /// numpy `standard_normal()` / `randn()` (`legacy_gauss`): Marsaglia's polar method. Each
    /// accepted pair gives two values; the second is cached in the state and returned by the next
    /// call.
    public mutating func standardNormal() -> Double {
        if let cached = cachedGaussian {
            cachedGaussian = nil
            return cached
        }
        var x1, x2, r2: Double
        repeat {
            x1 = 2.0 * mt.nextDouble() - 1.0
            x2 = 2.0 * mt.nextDouble() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = (-2.0 * log(r2) / r2).squareRoot()
        cachedGaussian = f * x1
        return f * x2
    }

    /// numpy `standard_normal(count)` / `randn(count)`.
    ///
    /// - Throws: ``RandomArgumentError`` when `count` is negative.
    public mutating func standardNormal(count: Int) throws -> [Double] {
        try Self.check(count: count, "standard_normal")
        return (0..<count).map { _ in standardNormal() }
    }

    /// numpy `randint(low, high)` with the default `int64` dtype: an integer in `low..<high`, by
    /// masked rejection sampling (`random_bounded_uint64(..., use_masked=True)`): ranges below
    /// 2^32 − 1 use 32-bit words, wider ranges 64-bit words (two 32-bit words, high first).
    ///
    /// - Throws: ``RandomArgumentError`` unless `low < high` (numpy: `low >= high`).
    public mutating func randint(_ low: Int64, _ high: Int64) throws -> Int64 {
        try Self.checkRandint(low, high)
        return draw(low, high)
    }

    /// numpy `randint(low, high, size=count)`.
    ///
    /// - Throws: ``RandomArgumentError`` unless `low < high` and `count` is non-negative.
    public mutating func randint(_ low: Int64, _ high: Int64, count: Int) throws -> [Int64] {
        try Self.checkRandint(low, high)
        try Self.check(count: count, "randint")
        return (0..<count).map { _ in draw(low, high) }
    }

    /// numpy `shuffle(x)` for a 1-d array or a list: Fisher–Yates from the back, swapping element
    /// `i` with element `random_interval(i)` (masked rejection) for `i = n-1 ... 1`.
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ elements: inout C) {
        let count = elements.count
        guard count > 1 else { return }
        for i in stride(from: count - 1, through: 1, by: -1) {
            let j = Int(mt.interval(max: UInt64(i)))
            elements.swapAt(elements.index(elements.startIndex, offsetBy: i),
                            elements.index(elements.startIndex, offsetBy: j))
        }
    }

    /// numpy `permutation(n)`: `arange(n)` shuffled by ``shuffle(_:)``.
    ///
    /// - Throws: ``RandomArgumentError`` when `n` is negative. numpy returns an empty array there
    ///   (`arange(-1)`); Repro rejects the argument instead of silently treating it as 0.
    public mutating func permutation(_ n: Int) throws -> [Int] {
        guard n >= 0 else {
            throw RandomArgumentError("permutation", "n must be non-negative (the length of the permutation), got \(n)")
        }
        var values = Array(0..<n)
        shuffle(&values)
        return values
    }

    private mutating func draw(_ low: Int64, _ high: Int64) -> Int64 {
        let range = UInt64(bitPattern: high &- low) &- 1
        return Int64(bitPattern: UInt64(bitPattern: low) &+ mt.bounded(range: range, masked: true))
    }

    private static func checkRandint(_ low: Int64, _ high: Int64) throws {
        guard low < high else {
            // numpy words the message for low == 0 differently; keep its text first.
            let numpy = low == 0 ? "high <= 0" : "low >= high"
            throw RandomArgumentError("randint", "\(numpy): low must be less than high (high is exclusive), "
                + "got low=\(low), high=\(high)")
        }
    }

    static func check(count: Int, _ function: String) throws {
        guard count >= 0 else {
            throw RandomArgumentError(function, "count must be non-negative (numpy: negative dimensions are not "
                + "allowed), got \(count)")
        }
    }
}

extension RandomState {
    /// The next raw 32-bit word of the underlying MT19937 (numpy
    /// `RandomState._bit_generator.random_raw()`).
    public mutating func nextRaw() -> UInt64 {
        UInt64(mt.nextUInt32())
    }
}
