extension Elementwise {
    /// The reference implementations: one element at a time, in order, on one thread, with the
    /// scalar ``ReproMath`` functions. Each gives the bits of the kernel of the same name.
    public enum Naive {
        public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                  into out: UnsafeMutablePointer<Float>, count: Int) {
            for i in 0..<count { out[i] = op.apply(a[i], b[i]) }
        }

        public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, scalar b: Float,
                                  into out: UnsafeMutablePointer<Float>, count: Int) {
            for i in 0..<count { out[i] = op.apply(a[i], b) }
        }

        public static func binary(_ op: BinaryOp, scalar a: Float, _ b: UnsafePointer<Float>,
                                  into out: UnsafeMutablePointer<Float>, count: Int) {
            for i in 0..<count { out[i] = op.apply(a, b[i]) }
        }

        public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, row: UnsafePointer<Float>,
                                  into out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
            for r in 0..<rows {
                for c in 0..<cols { out[r * cols + c] = op.apply(a[r * cols + c], row[c]) }
            }
        }

        public static func unary(_ op: UnaryOp, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                                 count: Int) {
            for i in 0..<count { out[i] = op.apply(x[i]) }
        }

        public static func unaryBackward(_ op: UnaryOp, saved: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                         into gradInput: UnsafeMutablePointer<Float>, count: Int) {
            for i in 0..<count { gradInput[i] = op.backward(saved[i], gradOutput[i]) }
        }

        public static func binaryBackward(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                          gradOutput g: UnsafePointer<Float>, gradA: UnsafeMutablePointer<Float>?,
                                          gradB: UnsafeMutablePointer<Float>?, count: Int) {
            for i in 0..<count {
                switch op {
                case .add:
                    gradA?[i] = g[i]
                    gradB?[i] = g[i]
                case .sub:
                    gradA?[i] = g[i]
                    gradB?[i] = g[i].negated
                case .mul:
                    gradA?[i] = g[i] * b[i]
                    gradB?[i] = g[i] * a[i]
                case .div:
                    gradA?[i] = g[i] / b[i]
                    gradB?[i] = divideBackwardDenominator(a[i], b[i], g[i])
                }
            }
        }
    }
}
