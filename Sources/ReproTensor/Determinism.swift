import Foundation
import Synchronization

/// What Repro may trade for speed, named after PyTorch's switches so users recognise them.
///
/// | Repro | PyTorch |
/// |---|---|
/// | `deterministicAlgorithms` (default `true`) | `torch.use_deterministic_algorithms(True)` |
/// | `warnOnly` | `use_deterministic_algorithms(True, warn_only=True)` |
/// | `benchmark` | `torch.backends.cudnn.benchmark = True` (autotuning by timing) |
///
/// Repro's deterministic kernels give identical bits for any thread count, so requiring determinism
/// costs almost nothing. The nondeterministic fast paths are opt-in.
public struct DeterminismSettings: Sendable, Codable, Equatable {
    /// Require deterministic implementations: an op whose only implementation for the current
    /// settings is nondeterministic throws ``NondeterministicOperationError``.
    public var deterministicAlgorithms: Bool
    /// With `deterministicAlgorithms`, warn once per op instead of throwing.
    public var warnOnly: Bool
    /// Let kernels be chosen by timing (matmul autotuning). The choice can differ run to run, and
    /// with it the reduction order; this is nondeterministic.
    public var benchmark: Bool

    public init(deterministicAlgorithms: Bool = true, warnOnly: Bool = false, benchmark: Bool = false) {
        self.deterministicAlgorithms = deterministicAlgorithms
        self.warnOnly = warnOnly
        self.benchmark = benchmark
    }

    /// Everything deterministic (the default).
    public static let strict = DeterminismSettings()
    /// Nondeterministic fast paths allowed, autotuning on.
    public static let fast = DeterminismSettings(deterministicAlgorithms: false, benchmark: true)

    /// Whether nondeterministic implementations may run (with or without a warning).
    public var allowsNondeterminism: Bool { !deterministicAlgorithms || warnOnly }
}

/// The central place where ops ask whether they may run a nondeterministic implementation.
///
/// Settings resolve in order: ``withSettings(_:_:)`` for the current task, then the process-wide
/// ``settings``.
public enum Determinism {
    private static let global = Mutex(DeterminismSettings.strict)
    private static let warned = Mutex<Set<String>>([])
    @TaskLocal private static var scoped: DeterminismSettings?

    /// The settings in effect for the current task.
    public static var settings: DeterminismSettings {
        get { scoped ?? global.withLock { $0 } }
        set { global.withLock { $0 = newValue } }
    }

    /// PyTorch's `torch.use_deterministic_algorithms(mode, warn_only=warnOnly)`, process-wide.
    public static func useDeterministicAlgorithms(_ mode: Bool, warnOnly: Bool = false) {
        global.withLock {
            $0.deterministicAlgorithms = mode
            $0.warnOnly = warnOnly
        }
    }

    /// Runs `body` with `settings` for the current task only.
    @discardableResult
    public static func withSettings<T>(_ settings: DeterminismSettings, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(settings, operation: body)
    }

    /// Called by an op about to run an implementation that is not deterministic.
    ///
    /// - Throws: ``NondeterministicOperationError`` when deterministic algorithms are required and
    ///   `warnOnly` is off. With `warnOnly`, prints one warning per op to standard error instead.
    public static func checkNondeterministic(_ op: String, reason: String) throws {
        let current = settings
        guard current.deterministicAlgorithms else { return }
        let error = NondeterministicOperationError(op: op, reason: reason)
        guard current.warnOnly else { throw error }
        let first = warned.withLock { $0.insert(op).inserted }
        if first {
            writeToStandardError("warning: \(error.description)\n")
        }
    }
}

/// Deterministic algorithms are required, and an op has only a nondeterministic implementation for
/// the current settings.
public struct NondeterministicOperationError: Error, Equatable, CustomStringConvertible {
    /// The op, as in `embedding backward (atomic scatter-add)`.
    public let op: String
    /// Why its implementation is nondeterministic.
    public let reason: String

    public var description: String {
        "\(op) has no deterministic implementation for these settings: \(reason). "
            + "Set DeterminismSettings.deterministicAlgorithms = false to allow it "
            + "(or warnOnly = true to only warn), or change the op's options."
    }
}
