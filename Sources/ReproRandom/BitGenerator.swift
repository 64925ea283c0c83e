/// A source of raw random words: the contract between bit generators and distributions.
///
/// This mirrors numpy's `bitgen_t`: a bit generator only produces raw words and holds state;
/// every distribution (``Generator``, ``RandomState``) is written once over this protocol.
///
/// - `next()` is numpy's `next_uint64`.
/// - `nextUInt32()` is numpy's `next_uint32`. For 64-bit generators numpy returns the low half of
///   a fresh 64-bit word and keeps the high half for the following call; conforming types
///   reproduce that buffering, and the buffer is part of their `Codable` state.
/// - `nextDouble()` is numpy's `next_double`, a double in [0, 1) with 53 random bits.
/// - `nextRaw()` is numpy's `random_raw`: the native word (32 bits for ``MT19937``, else 64).
///
/// Conforming types are value types: copying one forks the stream. Pass generators `inout`.
/// The conformance to `RandomNumberGenerator` lets them drive the standard library, but the
/// standard library's own mappings (`shuffle`, `Double.random(in:)`) may change between Swift
/// versions; use ``Generator`` for streams that must never change.
public protocol BitGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    /// The next 64 random bits (numpy `next_uint64`).
    mutating func next() -> UInt64
    /// The next 32 random bits (numpy `next_uint32`, including its buffering of half words).
    mutating func nextUInt32() -> UInt32
    /// A double in [0, 1) (numpy `next_double`).
    mutating func nextDouble() -> Double
    /// The generator's native output word (numpy `random_raw`): 64 bits, or 32 bits for MT19937.
    mutating func nextRaw() -> UInt64
}

extension BitGenerator {
    /// numpy's `random_raw` for 64-bit generators: `next_uint64`.
    @inlinable
    public mutating func nextRaw() -> UInt64 { next() }

    /// numpy's default `next_double`: the high 53 bits of a 64-bit word, times 2^-53.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

/// numpy's half-word buffer for 64-bit generators (`has_uint32` / `uinteger`).
///
/// `next_uint32` returns the low 32 bits of a fresh 64-bit word and keeps the high 32 bits for the
/// following `next_uint32` call. 64-bit and double draws neither use nor clear the buffer.
public struct UInt32Buffer: Codable, Sendable, Hashable {
    /// Whether a buffered high half is waiting (numpy `has_uint32`).
    public var hasValue: Bool
    /// The buffered high half (numpy `uinteger`).
    public var value: UInt32

    public init(hasValue: Bool = false, value: UInt32 = 0) {
        self.hasValue = hasValue
        self.value = value
    }

    /// Removes and returns the buffered half, if any.
    @inlinable
    public mutating func take() -> UInt32? {
        guard hasValue else { return nil }
        hasValue = false
        return value
    }

    /// Keeps the high half of `word` for the next call and returns its low half.
    @inlinable
    public mutating func split(_ word: UInt64) -> UInt32 {
        hasValue = true
        value = UInt32(truncatingIfNeeded: word >> 32)
        return UInt32(truncatingIfNeeded: word)
    }
}
