/// numpy's bounded-integer primitives (`numpy/random/src/distributions/distributions.c`), written
/// once over ``BitGenerator`` and shared by ``Generator`` and the legacy ``RandomState``.
///
/// `range` is always the inclusive width minus one (numpy's `rng`): a draw lies in `0...range`.
extension BitGenerator {
    /// numpy `random_bounded_uint64(state, 0, rng, 0, use_masked)`: the dispatch numpy uses for
    /// `integers`, `choice` and the legacy `randint`.
    ///
    /// Ranges below 2^32 − 1 draw buffered 32-bit words (Lemire's method, or masked rejection when
    /// `masked`), exactly 2^32 − 1 takes one raw 32-bit word, 2^64 − 1 one raw 64-bit word, and every
    /// other range uses 64-bit words.
    @inlinable
    public mutating func bounded(range: UInt64, masked: Bool) -> UInt64 {
        if range == 0 { return 0 }
        if range <= 0xFFFF_FFFF {
            if range == 0xFFFF_FFFF { return UInt64(nextUInt32()) }
            let narrow = UInt32(range)
            return UInt64(masked ? boundedMasked32(range: narrow) : boundedLemire32(range: narrow))
        }
        if range == .max { return next() }
        return masked ? boundedMasked64(range: range) : boundedLemire64(range: range)
    }

    /// numpy `buffered_bounded_lemire_uint32`: Lemire's nearly divisionless method on 32-bit draws.
    @inlinable
    public mutating func boundedLemire32(range: UInt32) -> UInt32 {
        let exclusive = range &+ 1
        var product = UInt64(nextUInt32()) &* UInt64(exclusive)
        var leftover = UInt32(truncatingIfNeeded: product)
        if leftover < exclusive {
            let threshold = (UInt32.max &- range) % exclusive
            while leftover < threshold {
                product = UInt64(nextUInt32()) &* UInt64(exclusive)
                leftover = UInt32(truncatingIfNeeded: product)
            }
        }
        return UInt32(truncatingIfNeeded: product >> 32)
    }

    /// numpy `bounded_lemire_uint64`: Lemire's method with 128-bit products.
    @inlinable
    public mutating func boundedLemire64(range: UInt64) -> UInt64 {
        let exclusive = range &+ 1
        var product = next().multipliedFullWidth(by: exclusive)
        if product.low < exclusive {
            let threshold = (UInt64.max &- range) % exclusive
            while product.low < threshold {
                product = next().multipliedFullWidth(by: exclusive)
            }
        }
        return product.high
    }

    /// numpy `buffered_bounded_masked_uint32`: rejection of 32-bit draws masked to the smallest
    /// covering power of two.
    @inlinable
    public mutating func boundedMasked32(range: UInt32) -> UInt32 {
        let mask = UInt32(truncatingIfNeeded: smallestMask(covering: UInt64(range)))
        while true {
            let value = nextUInt32() & mask
            if value <= range { return value }
        }
    }

    /// numpy `bounded_masked_uint64`: rejection of 64-bit draws masked to the smallest covering
    /// power of two.
    @inlinable
    public mutating func boundedMasked64(range: UInt64) -> UInt64 {
        let mask = smallestMask(covering: range)
        while true {
            let value = next() & mask
            if value <= range { return value }
        }
    }

    /// numpy `random_interval(state, max)`: masked rejection in `0...max`, on 32-bit draws when
    /// `max` fits in 32 bits. Used by `shuffle` and `permutation` in both numpy APIs.
    @inlinable
    public mutating func interval(max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        let mask = smallestMask(covering: max)
        if max <= 0xFFFF_FFFF {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let value = next() & mask
            if value <= max { return value }
        }
    }
}

/// The smallest all-ones word that is at least `value` (numpy `gen_mask`).
@inlinable
func smallestMask(covering value: UInt64) -> UInt64 {
    value == 0 ? 0 : UInt64.max >> value.leadingZeroBitCount
}
