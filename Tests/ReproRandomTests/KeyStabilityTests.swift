import Testing
@testable import ReproRandom

/// Pins the first 10,000 values of each ``ThreefryKey`` draw for a few keys, as FNV-1a
/// ``StreamHash``es of JAX 0.10.2's own outputs (printed by `scripts/reference_keys.py`).
///
/// A failure here means that a key's stream changed: every augmentation and dropout mask drawn
/// from such a key changes with it, and so do recorded runs. That is a breaking change, never a
/// test to update quietly.
@Suite struct KeyStabilityTests {
    static let count = 10_000

    /// `jax.random.key(0)`, `jax.random.key(42)`, and `fold_in(fold_in(key(7), 3), 1234)`.
    static let keys: [(name: String, key: ThreefryKey)] = [
        ("seed0", ThreefryKey(seed: 0)),
        ("seed42", ThreefryKey(seed: 42)),
        ("chain", ThreefryKey(seed: 7).foldIn(3).foldIn(1234)),
    ]

    @Test func bits() {
        let expected: [UInt64] = [0xb297_39e7_c022_25c4, 0x307b_d898_fbd1_59bb, 0xb66d_88fa_4c38_252d]
        for ((name, key), hash) in zip(Self.keys, expected) {
            var h = StreamHash()
            for word in key.bits(count: Self.count) { h.add(UInt64(word)) }
            #expect(h.value == hash, "\(name)")
        }
    }

    @Test func bits64() {
        let expected: [UInt64] = [0xf8b8_efa6_3b6f_5ffc, 0x540d_4eea_e9c0_8cdb, 0xd8d1_f346_cc46_a1a1]
        for ((name, key), hash) in zip(Self.keys, expected) {
            var h = StreamHash()
            for word in key.bits64(count: Self.count) { h.add(word) }
            #expect(h.value == hash, "\(name)")
        }
    }

    /// `jax.random.uniform(key, (10000,), jnp.float32, -1.0, 1.0)`.
    @Test func uniform() {
        let expected: [UInt64] = [0x8d34_f43a_e844_033e, 0x008b_350a_4623_5676, 0xe2f5_321a_31b7_460b]
        for ((name, key), hash) in zip(Self.keys, expected) {
            var h = StreamHash()
            for value in key.uniform(count: Self.count, low: -1, high: 1) { h.add(value) }
            #expect(h.value == hash, "\(name)")
        }
    }

    /// `jax.random.uniform(key, (10000,), jnp.float64)` with `jax_enable_x64`.
    @Test func uniformDouble() {
        let expected: [UInt64] = [0x1ac5_13d6_0f5c_f80e, 0xabef_be37_5246_0380, 0x887c_1d4f_aeca_e666]
        for ((name, key), hash) in zip(Self.keys, expected) {
            var h = StreamHash()
            for value in key.uniformDouble(count: Self.count) { h.add(value) }
            #expect(h.value == hash, "\(name)")
        }
    }
}
