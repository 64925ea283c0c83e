/// A tensor operation given operands it cannot work on; the message names the op and the shapes.
public struct TensorError: Error, Equatable, CustomStringConvertible {
    /// The op, named as in PyTorch (`add`, `matmul`, `cross_entropy`, …).
    public let op: String
    /// What was wrong, with the shapes involved.
    public let message: String

    public init(_ op: String, _ message: String) {
        self.op = op
        self.message = message
    }

    public var description: String { "\(op): \(message)" }

    /// Two operands whose shapes do not fit together.
    static func shapes(_ op: String, _ lhs: [Int], _ rhs: [Int], _ rule: String) -> TensorError {
        TensorError(op, "shapes \(lhs) and \(rhs) do not fit: \(rule)")
    }
}
