/// The Threefry2x32-20 block function (Random123 `threefry2x32_R(20, ctr, key)`; Salmon et al., SC'11).
///
/// A bijection of a 64-bit counter under a 64-bit key, built from additions, rotations and xors:
/// 20 rounds with rotations 13, 15, 26, 6, 17, 29, 16, 24, and the key schedule
/// (k0, k1, 0x1BD11BDA ^ k0 ^ k1) injected before the first round and after every fourth,
/// the final one included. This is the hash behind JAX's default PRNG (``ThreefryKey``).
/// Matches Random123's `kat_vectors` and JAX's `threefry_2x32` word for word.
///
/// ``block(counter:key:)`` is the reference, written as Random123 states the algorithm;
/// ``blocks(_:_:key:)`` computes 16 blocks at once in SIMD lanes and is what ``ThreefryKey`` draws
/// with. Tests compare the two.
public enum Threefry2x32 {
    /// Skein's key-schedule parity constant.
    @usableFromInline static let parity: UInt32 = 0x1BD1_1BDA

    /// Twenty rounds of Threefry over `counter` with `key` (Random123 word order).
    ///
    /// - Determinism: a pure function of `counter` and `key`.
    @inlinable
    public static func block(counter: SIMD2<UInt32>, key: SIMD2<UInt32>) -> SIMD2<UInt32> {
        let rotations = SIMD8<UInt32>(13, 15, 26, 6, 17, 29, 16, 24)
        let schedule = SIMD3(key[0], key[1], parity ^ key[0] ^ key[1])
        var x0 = counter[0] &+ schedule[0]
        var x1 = counter[1] &+ schedule[1]
        for round in 0..<20 {
            let r = rotations[round % 8]
            x0 &+= x1
            x1 = (x1 &<< r) | (x1 &>> (32 - r))
            x1 ^= x0
            if round % 4 == 3 {
                let injection = (round + 1) / 4
                x0 &+= schedule[injection % 3]
                x1 &+= schedule[(injection + 1) % 3] &+ UInt32(injection)
            }
        }
        return SIMD2(x0, x1)
    }

    /// ``block(counter:key:)`` of 16 counters at once: lane `i` of the result is the block of the
    /// counter `(x0[i], x1[i])`, returned as its two words.
    ///
    /// The lanes are a concrete `SIMD16`: written over a generic `SIMD` type, the specialized code
    /// runs lane by lane.
    ///
    /// - Determinism: each lane is a pure function of its counter and `key`.
    @inlinable
    public static func blocks(
        _ x0: SIMD16<UInt32>, _ x1: SIMD16<UInt32>, key: SIMD2<UInt32>
    ) -> (SIMD16<UInt32>, SIMD16<UInt32>) {
        let k0 = key[0], k1 = key[1], k2 = parity ^ key[0] ^ key[1]
        var x0 = x0 &+ k0
        var x1 = x1 &+ k1
        rounds(&x0, &x1, 13, 15, 26, 6)
        x0 &+= k1
        x1 &+= k2 &+ 1
        rounds(&x0, &x1, 17, 29, 16, 24)
        x0 &+= k2
        x1 &+= k0 &+ 2
        rounds(&x0, &x1, 13, 15, 26, 6)
        x0 &+= k0
        x1 &+= k1 &+ 3
        rounds(&x0, &x1, 17, 29, 16, 24)
        x0 &+= k1
        x1 &+= k2 &+ 4
        rounds(&x0, &x1, 13, 15, 26, 6)
        x0 &+= k2
        x1 &+= k0 &+ 5
        return (x0, x1)
    }

    /// Four rounds, rotating by `a`, `b`, `c` and `d`.
    @inlinable @inline(__always)
    static func rounds(
        _ x0: inout SIMD16<UInt32>, _ x1: inout SIMD16<UInt32>, _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32
    ) {
        round(&x0, &x1, a)
        round(&x0, &x1, b)
        round(&x0, &x1, c)
        round(&x0, &x1, d)
    }

    /// One round: `x0 += x1; x1 = rotl(x1, r) ^ x0`.
    ///
    /// The rotation's two halves are xored in separately: LLVM turns `(x << r) | (x >> (32 - r))`
    /// into a rotate, which it computes one lane at a time on x86-64 below AVX2.
    @inlinable @inline(__always)
    static func round(_ x0: inout SIMD16<UInt32>, _ x1: inout SIMD16<UInt32>, _ r: UInt32) {
        x0 &+= x1
        x1 = (x1 &<< r) ^ x0 ^ (x1 &>> (32 - r))
    }
}
