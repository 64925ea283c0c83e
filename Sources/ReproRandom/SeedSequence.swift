/// numpy's `SeedSequence`: turns a seed of any size into well-mixed state words, and spawns
/// independent child sequences.
///
/// Matches `numpy.random.SeedSequence` bit for bit (pool size 4): the same entropy and spawn key
/// give the same `generate_state` words and the same children.
///
/// Entropy is a non-negative integer of any width, given as 32-bit words, least significant first
/// (numpy's `_coerce_to_uint32_array`: the integer 0 is `[0]`, 2^32 is `[0, 1]`). A list of integers
/// that each fit in 32 bits, such as numpy's `SeedSequence([1, 2, 3])`, has the same words.
///
/// - Determinism: a pure function of entropy and spawn key.
public struct SeedSequence: Codable, Sendable, Hashable {
    /// The entropy as 32-bit words, least significant first.
    public let entropy: [UInt32]
    /// The path of spawn indices that led to this sequence (numpy `spawn_key`).
    public let spawnKey: [UInt64]
    /// How many children `spawn` has produced so far (numpy `n_children_spawned`).
    public private(set) var childrenSpawned: Int
    /// The mixed entropy pool (numpy `pool`).
    public let pool: [UInt32]

    static let poolSize = 4
    static let initA: UInt32 = 0x43b0_d7e5
    static let multA: UInt32 = 0x931e_8875
    static let initB: UInt32 = 0x8b51_f9dd
    static let multB: UInt32 = 0x58f3_8ded
    static let mixMultL: UInt32 = 0xca01_f9dd
    static let mixMultR: UInt32 = 0x4973_f715

    /// A sequence from entropy words (least significant first) and an optional spawn key.
    public init(words: [UInt32], spawnKey: [UInt64] = [], childrenSpawned: Int = 0) {
        self.entropy = words.isEmpty ? [0] : words
        self.spawnKey = spawnKey
        self.childrenSpawned = childrenSpawned
        self.pool = Self.mixEntropy(Self.assemble(entropy: self.entropy, spawnKey: spawnKey))
    }

    /// A sequence seeded by a 64-bit integer, as numpy's `SeedSequence(seed)`.
    public init(_ seed: UInt64, spawnKey: [UInt64] = []) {
        self.init(words: Self.words(of: seed), spawnKey: spawnKey)
    }

    /// A sequence seeded by a non-negative integer written in decimal, of any width
    /// (`SeedSequence(340282366920938463463374607431768211457)` in numpy).
    ///
    /// - Throws: ``RandomArgumentError`` when the text is not a decimal integer, or is negative
    ///   (numpy rejects negative seeds).
    public init(decimal: String, spawnKey: [UInt64] = []) throws {
        let seed = try DecimalSeed(decimal, function: "SeedSequence")
        guard !seed.isNegative else {
            throw RandomArgumentError("SeedSequence", "the seed must be a non-negative integer; got \(decimal)")
        }
        self.init(words: seed.magnitude, spawnKey: spawnKey)
    }

    /// `count` state words of 32 bits (numpy `generate_state(count, np.uint32)`).
    public func generateState(count: Int) -> [UInt32] {
        var hash = Self.initB
        var out = [UInt32]()
        out.reserveCapacity(count)
        for i in 0..<count {
            var value = pool[i % Self.poolSize]
            value ^= hash
            hash &*= Self.multB
            value &*= hash
            value ^= value >> 16
            out.append(value)
        }
        return out
    }

    /// `count` state words of 64 bits (numpy `generate_state(count, np.uint64)`).
    public func generateState64(count: Int) -> [UInt64] {
        let words = generateState(count: 2 * count)
        return (0..<count).map { UInt64(words[2 * $0]) | UInt64(words[2 * $0 + 1]) << 32 }
    }

    /// `count` child sequences with spawn keys `spawnKey + [i]`, continuing from earlier spawns
    /// (numpy `SeedSequence.spawn`).
    public mutating func spawn(_ count: Int) -> [SeedSequence] {
        precondition(count >= 0, "spawn count must be non-negative, got \(count)")
        let first = childrenSpawned
        childrenSpawned += count
        return (first..<first + count).map {
            SeedSequence(words: entropy, spawnKey: spawnKey + [UInt64($0)])
        }
    }

    // MARK: - numpy's mixing

    /// An integer as 32-bit words, least significant first; 0 is `[0]` (numpy `_int_to_uint32_array`).
    static func words(of value: UInt64) -> [UInt32] {
        if value >> 32 == 0 { return [UInt32(value)] }
        return [UInt32(truncatingIfNeeded: value), UInt32(value >> 32)]
    }

    /// Run entropy, zero-padded to the pool size when a spawn key follows, then the spawn key's words.
    static func assemble(entropy: [UInt32], spawnKey: [UInt64]) -> [UInt32] {
        guard !spawnKey.isEmpty else { return entropy }
        var words = entropy
        if words.count < poolSize { words += Array(repeating: 0, count: poolSize - words.count) }
        for key in spawnKey { words += Self.words(of: key) }
        return words
    }

    static func mixEntropy(_ entropy: [UInt32]) -> [UInt32] {
        var hash = initA
        func hashmix(_ input: UInt32) -> UInt32 {
            var value = input ^ hash
            hash &*= multA
            value &*= hash
            return value ^ (value >> 16)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let result = mixMultL &* x &- mixMultR &* y
            return result ^ (result >> 16)
        }
        var pool = (0..<poolSize).map { hashmix($0 < entropy.count ? entropy[$0] : 0) }
        for src in 0..<poolSize {
            for dst in 0..<poolSize where src != dst {
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
            }
        }
        for src in poolSize..<max(poolSize, entropy.count) {
            for dst in 0..<poolSize {
                pool[dst] = mix(pool[dst], hashmix(entropy[src]))
            }
        }
        return pool
    }
}
