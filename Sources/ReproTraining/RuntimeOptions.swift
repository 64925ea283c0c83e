import Synchronization

/// Choices that do not change a run's numbers: they may differ between a run and its resumption.
public struct RuntimeOptions: Sendable {
    /// Compute threads; nil for `REPRO_NUM_THREADS` or the core count.
    public var threads: Int? = nil
    /// Data-loader worker threads.
    public var workers: Int = 0
    /// Batches each loader worker may load ahead (``ReproData/DataLoader/prefetch``); at least 1.
    public var prefetch: Int = 2
    /// End the process after this step as if interrupted (for resume checks).
    public var stopAfterStep: Int? = nil
    /// Asked from another thread or a signal handler to end training early (``StopRequest``).
    public var stopRequest: StopRequest? = nil
    /// A directory in the training code's git repository: the manifest records its commit and whether
    /// it has uncommitted changes (`EnvironmentFingerprint.gitCommit`, `gitDirty`); nil records no git state.
    public var codeDirectory: String? = nil
    /// Write TensorBoard event files to the run's `tensorboard/` (derived from its logs, not part of
    /// its digest). A runtime choice, as it changes no number; a run that has an event file keeps
    /// it up to date on every resume, with or without it.
    public var tensorBoard: Bool = false
    /// Record a training trace in `trace.bin` (``ReproRuns/TraceFile``): a new run records the
    /// choice in `run.json`, and every process that resumes it continues the trace. Resuming a run
    /// started without one with `trace` on is refused (a trace covers a run from its first step).
    public var trace: Bool = false

    public init(threads: Int? = nil, workers: Int = 0, prefetch: Int = 2, stopAfterStep: Int? = nil,
                stopRequest: StopRequest? = nil, codeDirectory: String? = nil, tensorBoard: Bool = false,
                trace: Bool = false) {
        self.threads = threads
        self.workers = workers
        self.prefetch = prefetch
        self.stopAfterStep = stopAfterStep
        self.stopRequest = stopRequest
        self.codeDirectory = codeDirectory
        self.tensorBoard = tensorBoard
        self.trace = trace
    }
}

/// A request to end a training at the next step boundary, made from another thread or from a
/// signal handler (``request()`` only stores to an atomic, which is async-signal-safe).
///
/// The trainer looks at it after every optimizer step. Once it is made, the trainer writes a
/// checkpoint of the step just completed (unless one was written for it already), writes the
/// logs, and returns ``TrainingOutcome/stopped(step:)``: a resume continues from that step and
/// reaches the bits of an uninterrupted run.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    /// Asks the training to stop; safe to call from a signal handler.
    public func request() { requested.store(true, ordering: .relaxed) }

    /// Whether ``request()`` was called.
    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}
