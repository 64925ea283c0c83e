/// Choices that do not change a run's numbers: they may differ between a run and its resumption.
public struct RuntimeOptions: Codable, Sendable, Hashable {
    /// Compute threads; nil for `REPRO_NUM_THREADS` or the core count.
    public var threads: Int? = nil
    /// Data-loader worker threads.
    public var workers: Int = 0
    /// End the process after this step as if interrupted (for resume checks).
    public var stopAfterStep: Int? = nil

    public init(threads: Int? = nil, workers: Int = 0, stopAfterStep: Int? = nil) {
        self.threads = threads
        self.workers = workers
        self.stopAfterStep = stopAfterStep
    }
}
