/// A counter-based random key, compatible with JAX's default keys (`jax.random.key`, the
/// `threefry2x32` implementation with `jax_threefry_partitionable` on, the default since JAX 0.5).
///
/// A key is two 32-bit words and nothing else. Every operation is a pure function of the key
/// and its arguments, computed with ``Threefry2x32``: deriving keys (``split(_:)``,
/// ``foldIn(_:)``) and drawing values (``bits(count:)``, ``uniform(count:low:high:)``) give the
/// same bits on any machine, in any thread, in any order, and after any resume, and the same
/// bits as JAX.
///
/// Repro's recipe for per-sample and per-step randomness is to fold the numbers that identify a
/// draw into a key made from the run's seed, one `foldIn` per number:
///
/// ```swift
/// let root = ThreefryKey(seed: seed, enableX64: true)
/// let augment = root.foldIn(purpose)   // purpose: a fixed UInt32 per use
/// let sampleKey = augment.foldIn(UInt32(epoch)).foldIn(UInt32(sampleIndex))
/// let noise = sampleKey.uniform(count: 28 * 28, low: -0.1, high: 0.1)
/// ```
///
/// The values depend only on (seed, purpose, epoch, sample index), so a sample is augmented the
/// same way whichever worker loads it. In JAX: `fold_in(fold_in(fold_in(key(seed), purpose),
/// epoch), sample_index)`. (`enableX64: true` keeps all 64 bits of the seed; for seeds below
/// 2^32 it is JAX's default key too.)
///
/// With partitionable keys, `split(n)[i]` and `foldIn(i)` are the same key (both hash the
/// counter `(0, i)`); use either splitting or folding on a given key, not both for different
/// purposes.
public struct ThreefryKey: Hashable, Sendable {
    /// The key's two words, `jax.random.key_data(key)`.
    public let data: SIMD2<UInt32>

    /// The key with these two words, `jax.random.wrap_key_data(data)`.
    public init(data: SIMD2<UInt32>) {
        self.data = data
    }

    /// The key for an integer seed, `jax.random.key(seed)` (equivalently `jax.random.PRNGKey(seed)`).
    ///
    /// JAX's result depends on its `jax_enable_x64` setting:
    /// - off (JAX's default, and the default here): JAX converts the seed to a 32-bit integer, so
    ///   only its low 32 bits count: the key is `[0, seed mod 2^32]`, and seeds that differ only
    ///   above bit 31 (0 and 2^32, say) give the same key.
    /// - on (`enableX64: true`): the key is the seed's two halves, `[seed >> 32, seed mod 2^32]`.
    ///
    /// JAX takes a Python `int` and rejects one of 2^63 or more unless it is passed as
    /// `np.uint64(seed)`; a negative seed `s` is the `UInt64(bitPattern: Int64(s))` here in both
    /// modes. (JAX also adds `jax_random_seed_offset` to the seed, 0 unless configured.)
    ///
    /// - Determinism: a pure function of `seed` and `enableX64`.
    public init(seed: UInt64, enableX64: Bool = false) {
        let low = UInt32(truncatingIfNeeded: seed)
        self.init(data: SIMD2(enableX64 ? UInt32(truncatingIfNeeded: seed >> 32) : 0, low))
    }

    /// The key data as an array of two words, as `jax.random.key_data(key)` prints it.
    public var keyData: [UInt32] { [data[0], data[1]] }

    /// `n` new keys, `jax.random.split(key, n)`: key `i` is the Threefry block of the counter
    /// `(i >> 32, i mod 2^32)`.
    ///
    /// - Precondition: `n >= 0`.
    /// - Determinism: a pure function of the key and `n`; key `i` does not depend on `n`, so
    ///   `split(n)` is a prefix of `split(m)` for `m > n`.
    public func split(_ n: Int) -> [ThreefryKey] {
        precondition(n >= 0, "ThreefryKey.split: the number of keys must be at least 0, got \(n)")
        return outputs(count: n) { ThreefryKey(data: SIMD2($0, $1)) }
    }

    /// Two new keys, `jax.random.split(key)`; the same as `split(2)`.
    ///
    /// - Determinism: a pure function of the key.
    public func split() -> (ThreefryKey, ThreefryKey) {
        (foldIn(0), foldIn(1))
    }

    /// A new key that mixes `data` into this one, `jax.random.fold_in(key, data)`: the Threefry
    /// block of the counter `(0, data)`.
    ///
    /// - Determinism: a pure function of the key and `data`; distinct `data` give distinct keys
    ///   (Threefry is a bijection of the counter).
    public func foldIn(_ data: UInt32) -> ThreefryKey {
        ThreefryKey(data: Threefry2x32.block(counter: SIMD2(0, data), key: self.data))
    }
}

extension ThreefryKey: Codable {
    /// Decodes a key written by `encode(to:)`: an array of its two words, as `key_data` prints it.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let words = try container.decode([UInt32].self)
        guard words.count == 2 else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "a ThreefryKey is an array of 2 unsigned 32-bit words, got \(words.count)")
        }
        self.init(data: SIMD2(words[0], words[1]))
    }

    /// Encodes the key as an array of its two words, `[data[0], data[1]]`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(keyData)
    }
}
