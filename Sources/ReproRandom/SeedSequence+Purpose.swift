extension SeedSequence {
    /// The spawn-key word that names a stream's purpose (`"shuffle"`, `"augment"`, `"split"`,
    /// `"worker"`, …): the 32-bit FNV-1a hash of the name's UTF-8 bytes.
    ///
    /// A stable hash written here, never Swift's `Hasher` (which is seeded per process). In Python:
    ///
    /// ```python
    /// def purpose_key(name):
    ///     h = 0x811C9DC5
    ///     for b in name.encode():
    ///         h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    ///     return h
    /// ```
    ///
    /// - Stability: frozen; every derived stream depends on it.
    public static func purposeKey(_ purpose: String) -> UInt64 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in purpose.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return UInt64(hash)
    }

    /// The stream for `purpose` under `seed`, with further spawn-key words (an epoch, a sample
    /// index): numpy's `SeedSequence(seed, spawn_key=(purpose_key(purpose), *path))`.
    public init(_ seed: UInt64, purpose: String, path: [UInt64] = []) {
        self.init(seed, spawnKey: [Self.purposeKey(purpose)] + path)
    }
}
