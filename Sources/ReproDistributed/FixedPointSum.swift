// The sum of a gradient's shards that does not depend on how the shards are split among processes,
// nor on the order in which a collective adds them (docs/ARCHITECTURE.md §12).
//
// Floating-point addition is not associative, so an all-reduce of Float32 gradients gives bits that
// follow the process count and the algorithm the MPI library picks. Integer addition is associative
// and exact (below overflow). So each shard's gradient is put on one fixed-point grid shared by all
// shards of the step, the integers are summed (in any order, by any process, by MPI_SUM on int64),
// and the sum is turned back into Float32 once:
//
//     m     = the smallest integer with |g| < 2^m for every element g of every shard (frexp's exponent)
//     B     = 62 - ceil(log2 S)                                   (S shards: |Σ q| < S · 2^B ≤ 2^62)
//     q(g)  = round_half_even(g · 2^(B - m))                      (Int64; |q| ≤ 2^B)
//     sum   = Float(Double(Σ_s q(g_s)) · 2^(m - B))
//
// Every step is a pure function of the shards' values and S: the same bits for any process count,
// any grouping of the shards and any order of the additions. Each shard's elements keep at least 62 -
// ceil(log2 S) bits below the largest magnitude in the step; an element more than 2^(B-24) times
// smaller than that largest one loses low bits (absolute error at most 2^(m - B - 1) per shard),
// which is far below Float32's own rounding of a sequential sum of the large elements.

/// Exact, order-free sums of Float32 shards on a shared fixed-point grid (see the file's header).
public enum FixedPointSum {
    /// The grid's exponent for `values`: the smallest `m` with `|v| < 2^m` for every element
    /// (`frexp`'s exponent of the largest magnitude); `Int32.min` when every element is zero.
    /// The exponent of several shards is the maximum of theirs (an all-reduce with MPI_MAX).
    ///
    /// - Throws: ``NonFiniteValue`` for the first NaN or infinity (its index).
    public static func exponent(of values: UnsafeBufferPointer<Float>) throws(NonFiniteValue) -> Int32 {
        var largest: Float = 0
        for (index, value) in values.enumerated() {
            guard value.isFinite else { throw NonFiniteValue(index: index, value: value) }
            largest = max(largest, value.magnitude)
        }
        guard largest > 0 else { return Int32.min }
        return Int32(largest.exponent) + 1
    }

    /// The number of bits above the grid's unit that one shard's integers may use: `62 - ceil(log2 S)`.
    public static func bits(shardCount: Int) -> Int {
        precondition(shardCount >= 1 && shardCount <= 1 << 20, "shard count \(shardCount) out of 1...2^20")
        var log = 0
        while 1 << log < shardCount { log += 1 }
        return 62 - log
    }

    /// Adds each element of `values`, on the grid of `exponent` (the maximum over every shard of
    /// the step) for `shardCount` shards, to `sums`.
    ///
    /// - Precondition: `sums.count == values.count`; every element finite with a magnitude below
    ///   `2^exponent`.
    public static func accumulate(_ values: UnsafeBufferPointer<Float>, exponent: Int32, shardCount: Int,
                                  into sums: UnsafeMutableBufferPointer<Int64>) {
        precondition(sums.count == values.count, "\(values.count) values, \(sums.count) sums")
        guard exponent != Int32.min else { return }  // every shard is zero
        let scale = Double(sign: .plus, exponent: bits(shardCount: shardCount) - Int(exponent), significand: 1)
        for index in values.indices {
            // Exact: a Float32 times a power of two is a Double; only the rounding to an integer rounds.
            sums[index] &+= Int64((Double(values[index]) * scale).rounded(.toNearestOrEven))
        }
    }

    /// The Float32 values of `sums` on the grid of `exponent` for `shardCount` shards.
    ///
    /// - Precondition: `result.count == sums.count`.
    public static func values(of sums: UnsafeBufferPointer<Int64>, exponent: Int32, shardCount: Int,
                              into result: UnsafeMutableBufferPointer<Float>) {
        precondition(result.count == sums.count, "\(sums.count) sums, \(result.count) results")
        guard exponent != Int32.min else {
            result.update(repeating: 0)
            return
        }
        let unit = Double(sign: .plus, exponent: Int(exponent) - bits(shardCount: shardCount), significand: 1)
        for index in sums.indices {
            result[index] = Float(Double(sums[index]) * unit)
        }
    }

    /// The sum of `shards` (each of the same count) by the fixed-point recipe, in one process: what
    /// any split of the shards among processes, summed with MPI_SUM, gives too.
    ///
    /// - Throws: ``NonFiniteValue`` for a NaN or an infinity in a shard.
    public static func sum(_ shards: [[Float]]) throws(NonFiniteValue) -> [Float] {
        guard let count = shards.first?.count else { return [] }
        precondition(shards.allSatisfy { $0.count == count }, "shards of different sizes")
        var exponent = Int32.min
        for shard in shards {
            exponent = max(exponent, try shard.withUnsafeBufferPointer { (values) throws(NonFiniteValue) in try Self.exponent(of: values) })
        }
        var sums = [Int64](repeating: 0, count: count)
        sums.withUnsafeMutableBufferPointer { sums in
            for shard in shards {
                shard.withUnsafeBufferPointer { accumulate($0, exponent: exponent, shardCount: shards.count, into: sums) }
            }
        }
        var result = [Float](repeating: 0, count: count)
        sums.withUnsafeBufferPointer { sums in
            result.withUnsafeMutableBufferPointer { values(of: sums, exponent: exponent, shardCount: shards.count, into: $0) }
        }
        return result
    }
}

/// A NaN or an infinity where a fixed-point sum needs finite values.
public struct NonFiniteValue: Error, Equatable, CustomStringConvertible {
    /// The element's index.
    public let index: Int
    public let value: Float

    public init(index: Int, value: Float) {
        self.index = index
        self.value = value
    }

    public var description: String { "element \(index) is \(value)" }
}
