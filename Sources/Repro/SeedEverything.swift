import Foundation
import ReproTensor
import Synchronization

private let defaultGeneratorStorage = Mutex<Generator<PCG64>?>(nil)

/// Seeds everything from one root seed, before the model is built (the lesson's `set_seed(42)`):
/// installs the default generator (stream `"default"`) and returns the record of what was seeded.
/// Named streams for initialisation, dropout and the loader come from `SeedStreams(seed:)`.
///
/// With `nil`, a seed is drawn from the operating system's generator, printed to standard error and
/// recorded as drawn, so even an unseeded run can be repeated. Nothing is ever seeded from the clock.
///
/// Swift's hash seed cannot be fixed from inside the process; the record says whether it was fixed
/// at launch, and ``HashSeeding/reexecuteWithDeterministicHashing()`` restarts the process so it is.
@discardableResult
public func seedEverything(_ seed: UInt64?) -> SeedRecord {
    let root: UInt64
    if let seed {
        root = seed
    } else {
        var system = SystemRandomNumberGenerator()
        root = system.next()
        writeToStandardError("repro: no seed given; drew seed \(root) (recorded; pass it to repeat this run)\n")
    }
    let streams = SeedStreams(seed: root)
    defaultGeneratorStorage.withLock { $0 = streams.generator("default") }
    return SeedRecord(seed: root, drawn: seed == nil, deterministicHashing: HashSeeding.isDeterministic)
}

/// The default generator installed by ``seedEverything(_:)``: for code that is given no generator.
public enum DefaultGenerator {
    /// Runs `body` with the default generator.
    ///
    /// - Throws: ``UnseededError`` when ``seedEverything(_:)`` has not been called: there is no
    ///   silent default seed.
    public static func with<R>(_ body: (inout Generator<PCG64>) throws -> R) throws -> R {
        try defaultGeneratorStorage.withLock { (generator: inout Generator<PCG64>?) throws -> R in
            guard generator != nil else { throw UnseededError() }
            return try body(&generator!)
        }
    }
}

/// The default generator was used before ``seedEverything(_:)`` installed it.
public struct UnseededError: Error, CustomStringConvertible {
    public var description: String {
        "the default generator is not seeded: call seedEverything(seed) first (Repro never seeds from the clock)"
    }
}
