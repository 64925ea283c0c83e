/// A layer, optimizer or schedule given arguments it cannot work with, or tensors (a checkpoint's
/// weights or optimizer state) that do not fit it. The description names the component, the
/// tensor and the shapes involved.
public enum NNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument out of range, such as a negative learning rate or a dropout probability outside
    /// [0, 1): the component (`SGD`, `Dropout`, …) and what was wrong.
    case invalidArgument(component: String, message: String)
    /// A tensor that was expected (a parameter or an optimizer buffer) is absent.
    case missingTensor(name: String, expectedShape: [Int])
    /// A tensor was given under a name that nothing expects.
    case unexpectedTensor(name: String)
    /// A tensor has the wrong shape.
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    /// Saved optimizer state that does not belong to this optimizer (another algorithm, or other
    /// parameters).
    case stateMismatch(message: String)

    /// A one-line message naming the component or tensor and what is wrong.
    public var description: String {
        switch self {
        case let .invalidArgument(component, message):
            return "\(component): \(message)"
        case let .missingTensor(name, shape):
            return "missing tensor '\(name)' (expected shape \(shape))"
        case let .unexpectedTensor(name):
            return "unexpected tensor '\(name)': no parameter or buffer has this name"
        case let .shapeMismatch(name, expected, actual):
            return "tensor '\(name)' has shape \(actual), expected \(expected)"
        case let .stateMismatch(message):
            return "optimizer state does not fit: \(message)"
        }
    }
}

/// Throws ``NNError/invalidArgument(component:message:)`` unless `condition` holds.
func require(_ condition: Bool, _ component: String, _ message: @autoclosure () -> String) throws {
    guard condition else { throw NNError.invalidArgument(component: component, message: message()) }
}
