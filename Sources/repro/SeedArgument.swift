import ArgumentParser

/// The value of a seed flag (`--seed`, `--data-seed`): an integer from 0 to 2^64 - 1.
enum SeedArgument {
    /// The seed `text` names.
    ///
    /// - Throws: `ValidationError` saying what a seed is (ArgumentParser shows it after
    ///   "The value '-1' is invalid for '--seed <seed>': "), for a negative, fractional, too large
    ///   or non-numeric value.
    static func parse(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("a seed is an integer from 0 to \(UInt64.max)")
        }
        return value
    }
}
