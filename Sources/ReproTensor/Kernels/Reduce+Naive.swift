extension Reduce {
    /// The reference implementations: one term at a time, in index order, from 0, on one thread,
    /// with the scalar ``ReproMath`` functions. They document the math; the kernels differ from
    /// them only in the order of their sums (see ``Reduce``).
    public enum Naive {
        public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
            var s: Float = 0
            for i in 0..<count { s += x[i] }
            return s
        }

        public static func mean(_ x: UnsafePointer<Float>, count: Int) -> Float {
            sum(x, count: count) / Float(count)
        }

        public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
            var s: Float = 0
            for i in 0..<count { s += x[i] * x[i] }
            return s
        }

        public static func sum(_ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int,
                               into out: UnsafeMutablePointer<Float>) {
            for o in 0..<outer {
                for i in 0..<inner {
                    var s: Float = 0
                    for k in 0..<axis { s += x[(o * axis + k) * inner + i] }
                    out[o * inner + i] = s
                }
            }
        }

        public static func mean(_ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int,
                                into out: UnsafeMutablePointer<Float>) {
            sum(x, outer: outer, axis: axis, inner: inner, into: out)
            for i in 0..<outer * inner { out[i] /= Float(axis) }
        }

        public static func max(_ x: UnsafePointer<Float>, rows: Int, cols: Int,
                               values: UnsafeMutablePointer<Float>?, indices: UnsafeMutablePointer<Int>?) {
            for r in 0..<rows {
                let row = x + r * cols
                var best = 0
                for i in 1..<cols where !row[best].isNaN && (row[i].isNaN || row[i] > row[best]) { best = i }
                values?[r] = row[best]
                indices?[r] = best
            }
        }

        public static func softmax(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
            for r in 0..<rows {
                let (row, y) = (x + r * cols, out + r * cols)
                let m = rowMax(row, cols)
                var s: Float = 0
                for i in 0..<cols {
                    y[i] = ReproMath.exp(row[i] - m)
                    s += y[i]
                }
                for i in 0..<cols { y[i] /= s }
            }
        }

        public static func logSoftmax(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
            for r in 0..<rows {
                let row = x + r * cols
                let m = rowMax(row, cols)
                var s: Float = 0
                for i in 0..<cols { s += ReproMath.exp(row[i] - m) }
                let logSum = ReproMath.log(s)
                for i in 0..<cols { out[r * cols + i] = (row[i] - m) - logSum }
            }
        }

        public static func softmaxBackward(output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>,
                                           rows: Int, cols: Int, into gradInput: UnsafeMutablePointer<Float>) {
            for r in 0..<rows {
                let o = r * cols
                var dot: Float = 0
                for i in 0..<cols { dot += y[o + i] * g[o + i] }
                for i in 0..<cols { gradInput[o + i] = y[o + i] * (g[o + i] - dot) }
            }
        }

        public static func logSoftmaxBackward(output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>,
                                              rows: Int, cols: Int, into gradInput: UnsafeMutablePointer<Float>) {
            for r in 0..<rows {
                let o = r * cols
                var total: Float = 0
                for i in 0..<cols { total += g[o + i] }
                for i in 0..<cols { gradInput[o + i] = g[o + i] - ReproMath.exp(y[o + i]) * total }
            }
        }

        /// The row's largest value, NaNs ignored.
        static func rowMax(_ row: UnsafePointer<Float>, _ cols: Int) -> Float {
            var m = -Float.infinity
            for i in 0..<cols where row[i] > m { m = row[i] }
            return m
        }
    }
}
