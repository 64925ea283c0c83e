/// An argument a sampler rejects (a negative count, a batch size of 0, a rank outside the world),
/// reported with the sampler's name and what is accepted.
///
/// Samplers never clamp or wrap such an argument silently.
public struct SamplerArgumentError: Error, Equatable, CustomStringConvertible {
    /// The sampler that rejected the argument (`SequentialSampler`, `BatchSampler`, …).
    public let sampler: String
    /// What was wrong and what is accepted.
    public let message: String

    public init(_ sampler: String, _ message: String) {
        self.sampler = sampler
        self.message = message
    }

    public var description: String { "\(sampler): \(message)" }
}

/// Throws unless `count` is non-negative.
func requireNonNegativeCount(_ count: Int, in sampler: String) throws {
    guard count >= 0 else {
        throw SamplerArgumentError(sampler, "count must be non-negative, got \(count)")
    }
}
