import ReproRandom

/// Dropout with a keyed mask.
extension Tensor {
    /// Inverted dropout (PyTorch `F.dropout(input, p, training)`): while training, each element is
    /// zeroed with probability `probability`, and the kept ones are scaled by `1 / (1 − p)` so the
    /// expected value is unchanged. When not training, or for `p == 0`, the values pass through.
    ///
    /// The mask is a pure function of `key` and the element count: element `i` (row-major) is kept
    /// iff `u[i] >= p`, where `u = key.uniform(count: count)` (in JAX,
    /// `jax.random.uniform(key, (count,)) >= p`), and the output is `x[i] * s` for a kept element,
    /// `x[i] * 0` otherwise, with `s = 1 / (1 − p)` rounded to Float. The gradient uses the same
    /// mask and scale.
    ///
    /// Derive the key from the numbers that identify the draw (docs/ARCHITECTURE.md §3), one `foldIn` each:
    ///
    /// ```swift
    /// let key = ThreefryKey(seed: seed, enableX64: true).foldIn(UInt32(step)).foldIn(UInt32(layer))
    /// let h = try x.dropout(probability: 0.1, key: key, training: true)
    /// ```
    ///
    /// so a step's masks do not depend on the thread count, on other layers, or on whether the run
    /// was resumed, and every (step, layer) gets its own mask.
    ///
    /// - Determinism: a pure function of the input, `probability` and `key`; identical bits for any
    ///   thread count.
    /// - Throws: ``TensorError`` when `probability` is not in [0, 1).
    public func dropout(probability: Float, key: ThreefryKey, training: Bool = true) throws -> Tensor {
        guard probability >= 0, probability < 1 else {
            throw TensorError("dropout", "probability \(probability) must be in [0, 1)")
        }
        let x = self
        guard training, probability > 0 else {
            return Tensor.result(x.shape, x.scalars, op: "dropout", inputs: [x]) { g in [g] }
        }
        let scale = 1 / (1 - probability)
        let n = x.count
        let uniform = key.uniform(count: n)
        var mask = [Float](repeating: 0, count: n)
        let y = Tensor.filled(n) { out in
            uniform.withUnsafeBufferPointer { u in
                x.scalars.withUnsafeBufferPointer { input in
                    mask.withUnsafeMutableBufferPointer { m in
                        for i in 0..<n {
                            m[i] = u[i] >= probability ? scale : 0
                            out[i] = input[i] * m[i]
                        }
                    }
                }
            }
        }
        return Tensor.result(x.shape, y, op: "dropout", inputs: [x]) { g in
            [Tensor.filled(n) { Elementwise.binary(.mul, g, mask, into: $0, count: n) }]
        }
    }
}
