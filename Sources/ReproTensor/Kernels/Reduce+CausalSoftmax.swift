// Softmax under a causal mask, for attention scores [groups, T, T] stored as [rows, cols] with
// cols = T: row r is query position i = r mod T, which may attend to key positions 0...i only.

extension Reduce {
    /// Row r is the ``softmax(_:rows:cols:into:)`` of its first `r % cols + 1` elements, bit for
    /// bit, followed by zeros: `torch.softmax(x.masked_fill(mask, -inf), dim=-1)` with the upper
    /// triangle (key after query) masked, as in a causal (GPT) self-attention.
    ///
    /// The masked elements are never read, so they may hold anything (NaN included).
    ///
    /// - Determinism: identical bits for any thread count; a row's result depends on its unmasked
    ///   elements only, so it is the same for any sequence length the row is padded to (G9).
    public static func causalSoftmax(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(cols >= 1 && rows % cols == 0, "causal softmax needs [groups·T, T] rows, got \(rows)×\(cols)")
        forEachRow(rows, cols) { r in
            let length = r % cols + 1
            softmax(x + r * cols, rows: 1, cols: length, into: out + r * cols)
            (out + r * cols + length).update(repeating: 0, count: cols - length)
        }
    }

    /// The gradient of ``causalSoftmax(_:rows:cols:into:)`` from its output `y` and the output
    /// gradient `g`: ``softmaxBackward(output:gradOutput:rows:cols:into:)`` over each row's unmasked
    /// elements, zero for the masked ones.
    public static func causalSoftmaxBackward(output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>,
                                             rows: Int, cols: Int, into gradInput: UnsafeMutablePointer<Float>) {
        precondition(cols >= 1 && rows % cols == 0, "causal softmax needs [groups·T, T] rows, got \(rows)×\(cols)")
        forEachRow(rows, cols) { r in
            let length = r % cols + 1
            softmaxBackward(output: y + r * cols, gradOutput: g + r * cols, rows: 1, cols: length, into: gradInput + r * cols)
            (gradInput + r * cols + length).update(repeating: 0, count: cols - length)
        }
    }
}
