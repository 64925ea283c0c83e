/// The Philox4x32-10 block function (Random123 `philox4x32_R(10, ctr, key)`; Salmon et al., SC'11).
///
/// A bijection of a 128-bit counter under a 64-bit key, built from 32-bit multiplications. It is a
/// pure function: the same counter and key give the same block on every machine and thread.
/// Matches Random123's `kat_vectors` and JAX's `philox4x32` PRNG implementation word for word.
public enum Philox4x32 {
    @usableFromInline static let m0: UInt32 = 0xD251_1F53
    @usableFromInline static let m1: UInt32 = 0xCD9E_8D57
    @usableFromInline static let w0: UInt32 = 0x9E37_79B9
    @usableFromInline static let w1: UInt32 = 0xBB67_AE85

    /// Ten rounds of Philox over `counter` with `key`, words in Random123's order.
    ///
    /// - Determinism: a pure function of `counter` and `key`.
    @inlinable
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var ctr = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k[0] &+= w0
                k[1] &+= w1
            }
            let p0 = m0.multipliedFullWidth(by: ctr[0])
            let p1 = m1.multipliedFullWidth(by: ctr[2])
            ctr = SIMD4(p1.high ^ ctr[1] ^ k[0], p1.low, p0.high ^ ctr[3] ^ k[1], p0.low)
        }
        return ctr
    }
}
