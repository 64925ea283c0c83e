/// An argument that the matching numpy or CPython function would reject (numpy raises
/// `ValueError`), reported with the function's name and what is accepted.
///
/// Repro never clamps or wraps such an argument silently.
public struct RandomArgumentError: Error, Equatable, CustomStringConvertible {
    /// The API that rejected the argument, named as in numpy or CPython (`integers`, `choice`, …).
    public let function: String
    /// What was wrong and what is accepted.
    public let message: String

    public init(_ function: String, _ message: String) {
        self.function = function
        self.message = message
    }

    public var description: String { "\(function): \(message)" }
}
