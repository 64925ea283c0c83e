/// Drawing values from a key, as JAX's partitionable Threefry does (`jax_threefry_partitionable`,
/// JAX's default since 0.5).
///
/// Value `i` of every draw comes from the Threefry block `(y0, y1)` of the counter
/// `(i >> 32, i mod 2^32)` under the key, and from nothing else. So each value is a pure function
/// of the key and its index: the first `n` values of a draw of `m > n` values are the draw of `n`
/// values, and a JAX array of any shape holds these values in row-major order.
extension ThreefryKey {
    /// `count` random 32-bit words, `jax.random.bits(key, (count,), jnp.uint32)`: word `i` is
    /// `y0 ^ y1`.
    ///
    /// - Precondition: `count >= 0`.
    /// - Determinism: word `i` is a pure function of the key and `i`.
    public func bits(count: Int) -> [UInt32] {
        outputs(count: count) { $0 ^ $1 }
    }

    /// `count` random 64-bit words, `jax.random.bits(key, (count,), jnp.uint64)` with
    /// `jax_enable_x64` on (without it JAX gives 32-bit words, ``bits(count:)``): word `i` is
    /// `y0 << 32 | y1`.
    ///
    /// - Precondition: `count >= 0`.
    /// - Determinism: word `i` is a pure function of the key and `i`.
    public func bits64(count: Int) -> [UInt64] {
        outputs(count: count) { UInt64($0) << 32 | UInt64($1) }
    }

    /// `count` floats from `low` up to `high`, `jax.random.uniform(key, (count,), jnp.float32,
    /// minval=low, maxval=high)`.
    ///
    /// Like JAX: the top 23 bits of word `i` of ``bits(count:)`` make a float `u` in [0, 1),
    /// and the value is `max(low, u * (high - low) + low)` with the multiply-add fused into one
    /// rounding, as XLA compiles it for CPUs. Rounding can give `high` itself; `high < low` gives
    /// `low` everywhere; a NaN bound gives NaN. A Python float bound is first rounded to `Float`.
    ///
    /// - Precondition: `count >= 0`.
    /// - Determinism: value `i` is a pure function of the key, `i`, `low` and `high`; the fused
    ///   multiply-add is correctly rounded on every machine.
    public func uniform(count: Int, low: Float = 0, high: Float = 1) -> [Float] {
        let span = high - low
        return outputs(count: count) { y0, y1 in
            let unit = Float(bitPattern: (y0 ^ y1) >> 9 | 0x3F80_0000) - 1
            return atLeast(low, low.addingProduct(unit, span))
        }
    }

    /// `count` doubles from `low` up to `high`, `jax.random.uniform(key, (count,), jnp.float64,
    /// minval=low, maxval=high)` with `jax_enable_x64` on.
    ///
    /// As ``uniform(count:low:high:)``, from the top 52 bits of word `i` of ``bits64(count:)``.
    ///
    /// - Precondition: `count >= 0`.
    /// - Determinism: value `i` is a pure function of the key, `i`, `low` and `high`.
    public func uniformDouble(count: Int, low: Double = 0, high: Double = 1) -> [Double] {
        let span = high - low
        return outputs(count: count) { y0, y1 in
            let word = UInt64(y0) << 32 | UInt64(y1)
            let unit = Double(bitPattern: word >> 12 | 0x3FF0_0000_0000_0000) - 1
            return atLeast(low, low.addingProduct(unit, span))
        }
    }

    /// `transform(y0, y1)` of the blocks for counters `start..<start + count`, where counter `i`
    /// is `(i >> 32, i mod 2^32)`, computed 16 at a time.
    func outputs<T>(from start: UInt64 = 0, count: Int, _ transform: (UInt32, UInt32) -> T) -> [T] {
        precondition(count >= 0, "ThreefryKey: the number of values must be at least 0, got \(count)")
        let lanes = SIMD16<UInt64>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let counters = SIMD16(repeating: start &+ UInt64(done)) &+ lanes
                let (y0, y1) = Threefry2x32.blocks(SIMD16(truncatingIfNeeded: counters &>> 32),
                                                   SIMD16(truncatingIfNeeded: counters), key: data)
                // A full block's loop has a fixed trip count, so the lanes are read from registers
                // (2.5 times faster than the general loop).
                if count - done >= 16 {
                    for lane in 0..<16 {
                        buffer.initializeElement(at: done + lane, to: transform(y0[lane], y1[lane]))
                    }
                } else {
                    for lane in 0..<count - done {
                        buffer.initializeElement(at: done + lane, to: transform(y0[lane], y1[lane]))
                    }
                }
                done += 16
            }
            initialized = count
        }
    }
}

/// `max(low, value)` as XLA computes it: NaN if either is NaN.
@inline(__always)
private func atLeast<F: FloatingPoint>(_ low: F, _ value: F) -> F {
    value.isNaN || value >= low ? value : low
}
