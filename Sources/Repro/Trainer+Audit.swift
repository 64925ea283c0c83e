import ReproAnalysis
import ReproRandom
import ReproRuns
import ReproTensor
import ReproTraining

extension Trainer {
    /// Audits `task` in this process (in the umbrella module, `Repro`, because it joins the trainer
    /// and the run comparison, `ReproTraining` and `ReproAnalysis`): trains `configuration` once as the reference, then once per
    /// factor one process can vary, each run in its own directory under `directory`, and compares
    /// each with the reference (``RunComparison/firstDivergence``).
    ///
    /// The factors, in order (``AuditFactor``): the thread count (1, or 3 when the reference ran on
    /// one thread; G3), 3 loader workers with a prefetch depth of 1 (the reference has none; G4), a
    /// stop after step `interruptAt` and a resume (G5), and, reported as measured and never a
    /// failure, `allowNondeterministic` and `benchmark`. A second process, Swift's hash seed (fixed
    /// when a process starts) and a debug build need separate processes: `repro audit` varies them
    /// too, this call does not.
    ///
    /// - Parameters:
    ///   - configuration: the run's configuration; the nondeterministic fast paths must be off (the
    ///     audit turns them on itself). A few steps (`maxSteps`) are enough.
    ///   - seed: what was seeded, as for `train(_:_:seed:into:runtime:progress:)`.
    ///   - directory: a new or empty directory; it holds `reference/`, `threads/`, `workers/`,
    ///     `interrupted/`, `allow-nondeterministic/` and `benchmark/`, each a run directory, and
    ///     is kept (the caller removes it).
    ///   - interruptAt: the step after which the run is stopped and resumed, at least 1 and below
    ///     the reference's last step; nil draws one from the system's generator (the report says
    ///     which).
    /// - Returns: one row per factor; ``ReproAnalysis/AuditReport/broken`` lists the factors that
    ///   changed bits they are promised not to change.
    /// - Throws: ``TrainingError`` for nondeterministic settings or an `interruptAt` out of range;
    ///   what training and comparing the runs throws.
    public static func audit(_ task: Task, _ configuration: TrainingConfiguration, seed: SeedRecord, in directory: String,
                             interruptAt: Int? = nil) throws -> AuditReport {
        guard !configuration.allowNondeterministic, !configuration.benchmark else {
            throw TrainingError(message: "an audit needs a deterministic configuration (allowNondeterministic and benchmark "
                                + "off): it varies them itself")
        }
        try RunDirectory.makeDirectory(directory)
        func path(_ name: String) -> String { directory + "/" + name }
        let reference = path("reference")
        let referenceThreads = Parallel.threadCount
        guard case .finished(let manifest) = try train(task, configuration, seed: seed, into: reference) else {
            throw TrainingError(message: "the reference run of the audit stopped before its end")
        }
        let steps = manifest.finalMetrics.steps
        let stop = steps < 2 ? nil : interruptAt ?? Int.random(in: 1..<steps)
        if let stop, !(1..<steps).contains(stop) {
            throw TrainingError(message: "interruptAt must be between 1 and \(steps - 1) (the reference has \(steps) steps), got \(stop)")
        }
        var rows: [AuditReport.Row] = []

        let threads = AuditFactor.variedThreads(reference: referenceThreads)
        _ = try train(task, configuration, seed: seed, into: path("threads"), runtime: RuntimeOptions(threads: threads))
        rows.append(try AuditFactor.threadCount.row(change: AuditFactor.threadsChange(threads, reference: referenceThreads),
                                                    reference: reference, variant: path("threads")))

        let (workers, prefetch) = AuditFactor.variedWorkers
        _ = try train(task, configuration, seed: seed, into: path("workers"),
                      runtime: RuntimeOptions(workers: workers, prefetch: prefetch))
        rows.append(try AuditFactor.workersAndPrefetch.row(change: AuditFactor.workersChange,
                                                           reference: reference, variant: path("workers")))

        if let stop {
            _ = try train(task, configuration, seed: seed, into: path("interrupted"), runtime: RuntimeOptions(stopAfterStep: stop))
            _ = try resume(task, path("interrupted"))
            rows.append(try AuditFactor.interruption.row(change: AuditFactor.interruptionChange(stop),
                                                         reference: reference, variant: path("interrupted")))
        } else {
            rows.append(AuditFactor.interruption.unavailable("the run has \(steps) step; a stop needs a step after it"))
        }

        for (factor, name, benchmark) in [(AuditFactor.allowNondeterministic, "allow-nondeterministic", false),
                                          (AuditFactor.benchmark, "benchmark", true)] {
            var fast = configuration
            fast.allowNondeterministic = true
            fast.benchmark = benchmark
            _ = try train(task, fast, seed: seed, into: path(name))
            rows.append(try factor.row(change: factor.fixedChange!, reference: reference, variant: path(name)))
        }
        return AuditReport(reference: AuditFactor.reference(manifest, threads: referenceThreads), rows: rows)
    }
}
