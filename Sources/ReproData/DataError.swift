/// A dataset or data file that cannot be used: what was read (a file name, or `digits (embedded)`),
/// where in it (a line and column, a byte offset, a sample index), and what was expected.
///
/// Readers and datasets never guess past bad data: a ragged row, a non-numeric field, a truncated
/// file or a label out of range is reported, not skipped or clamped.
public struct DataError: Error, Equatable, CustomStringConvertible {
    /// What was read: a file path, or the name of a built-in dataset.
    public let source: String
    /// Where in it, e.g. `line 3, column 2`, `offset 16`, `sample 7`; empty when it is the whole source.
    public let location: String
    /// What was expected and what was found.
    public let message: String

    public init(source: String, location: String = "", _ message: String) {
        self.source = source
        self.location = location
        self.message = message
    }

    public var description: String {
        location.isEmpty ? "\(source): \(message)" : "\(source): \(location): \(message)"
    }
}
