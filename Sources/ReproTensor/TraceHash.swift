/// The 64-bit hashes a training trace records (docs/ARCHITECTURE.md §7, "Traces"): XXH64
/// (xxHash's 64-bit hash, <https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md>) over
/// little-endian bytes.
///
/// - A tensor: XXH64 of its elements' Float32 bit patterns (4 bytes each, little-endian,
///   row-major), seeded with XXH64 (seed 0) of its shape as little-endian Int64s. So two tensors
///   with the same elements and another shape hash differently, and a rank-0 tensor differs from a
///   one-element vector. In Python:
///
///   ```python
///   import numpy as np, xxhash
///   def tensor_hash(a):
///       shape = xxhash.xxh64(np.asarray(a.shape, "<i8").tobytes()).intdigest()
///       return xxhash.xxh64(np.ascontiguousarray(a, "<f4").tobytes(), seed=shape).intdigest()
///   ```
/// - Dataset indices: XXH64 (seed 0) of the indices as little-endian Int64s.
///
/// - Determinism: a pure function of the bytes: the same on every machine and for any thread count
///   (it runs on the calling thread). Different bits (a `-0.0` for a `0.0`, one NaN payload for
///   another) hash differently, as a bitwise comparison would have them.
public enum TraceHash {
    /// The hash of `tensor`'s shape and elements.
    public static func hash(_ tensor: Tensor) -> UInt64 {
        hash(tensor.scalars, shape: tensor.shape)
    }

    /// The hash of a tensor of `shape` with the elements `scalars` (row-major).
    public static func hash(_ scalars: [Float], shape: [Int]) -> UInt64 {
        let seed = shape.map { Int64($0).littleEndian }.withUnsafeBytes { xxh64($0, seed: 0) }
        return scalars.withUnsafeBytes { xxh64($0, seed: seed) }
    }

    /// The hash of dataset indices in order.
    public static func hash(indices: [Int]) -> UInt64 {
        indices.map { Int64($0).littleEndian }.withUnsafeBytes { xxh64($0, seed: 0) }
    }

    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* prime2, 31) &* prime1
    }

    @inline(__always) private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* prime1 &+ prime4
    }

    /// XXH64 of `bytes` with `seed` (the reference algorithm; the machine is little-endian).
    static func xxh64(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        var offset = 0
        func word64() -> UInt64 {
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        var hash: UInt64
        if count >= 32 {
            var (v1, v2, v3, v4) = (seed &+ prime1 &+ prime2, seed &+ prime2, seed, seed &- prime1)
            while offset + 32 <= count {
                v1 = round(v1, word64())
                v2 = round(v2, word64())
                v3 = round(v3, word64())
                v4 = round(v4, word64())
            }
            hash = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            hash = merge(merge(merge(merge(hash, v1), v2), v3), v4)
        } else {
            hash = seed &+ prime5
        }
        hash &+= UInt64(count)
        while offset + 8 <= count {
            hash = rotl(hash ^ round(0, word64()), 27) &* prime1 &+ prime4
        }
        if offset + 4 <= count {
            let word = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            hash = rotl(hash ^ (word &* prime1), 23) &* prime2 &+ prime3
            offset += 4
        }
        while offset < count {
            hash = rotl(hash ^ (UInt64(bytes[offset]) &* prime5), 11) &* prime1
            offset += 1
        }
        hash ^= hash >> 33
        hash &*= prime2
        hash ^= hash >> 29
        hash &*= prime3
        return hash ^ (hash >> 32)
    }
}
