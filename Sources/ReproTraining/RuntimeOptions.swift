/// Choices that do not change a run's numbers: they may differ between a run and its resumption.
public struct RuntimeOptions: Codable, Sendable, Hashable {
    /// Compute threads; nil for `REPRO_NUM_THREADS` or the core count.
    public var threads: Int? = nil
    /// Data-loader worker threads.
    public var workers: Int = 0
    /// End the process after this step as if interrupted (for resume checks).
    public var stopAfterStep: Int? = nil
    /// A directory in the training code's git repository: the manifest records its commit and whether
    /// it has uncommitted changes (`EnvironmentFingerprint.gitCommit`, `gitDirty`); nil records no git state.
    public var codeDirectory: String? = nil

    public init(threads: Int? = nil, workers: Int = 0, stopAfterStep: Int? = nil, codeDirectory: String? = nil) {
        self.threads = threads
        self.workers = workers
        self.stopAfterStep = stopAfterStep
        self.codeDirectory = codeDirectory
    }
}
