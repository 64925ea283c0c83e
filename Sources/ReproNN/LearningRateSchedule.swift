import Foundation

/// A learning rate as a pure function of the step (PyTorch's `lr_scheduler` closed forms), so a
/// resumed run computes the same rate as an uninterrupted one without saving scheduler state.
///
/// `step` counts optimizer steps from 0 (PyTorch's `last_epoch` after that many `scheduler.step()`
/// calls). Use it as `try optimizer.setLearningRate(schedule.learningRate(atStep: step))` before
/// each `optimizer.step()`.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for `step`.
    ///
    /// - Precondition: `step >= 0`.
    /// - Determinism: a pure function of the schedule and `step`.
    func learningRate(atStep step: Int) -> Double
}

/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule, Hashable {
    /// The rate.
    public let learningRate: Double

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the rate is negative or not
    ///   finite.
    public init(_ learningRate: Double) throws {
        try checkRate(learningRate, "ConstantSchedule")
        self.learningRate = learningRate
    }

    /// `learningRate`, whatever the step.
    public func learningRate(atStep step: Int) -> Double {
        precondition(step >= 0, "ConstantSchedule: step must be non-negative, got \(step)")
        return learningRate
    }
}

/// Step decay, PyTorch `StepLR(optimizer, step_size, gamma)` in its closed form:
/// `baseLearningRate * gamma ** (step // stepSize)`.
///
/// The power is correctly rounded (double-double exponentiation, as Python's `**` with a correctly
/// rounded `pow`), then multiplied by the base rate in Float64.
public struct StepLR: LearningRateSchedule, Hashable {
    /// The rate at step 0.
    public let baseLearningRate: Double
    /// The number of steps between decays.
    public let stepSize: Int
    /// The factor applied at each decay.
    public let gamma: Double

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when the base rate or `gamma` is
    ///   negative or not finite, or `stepSize < 1`.
    public init(baseLearningRate: Double, stepSize: Int, gamma: Double = 0.1) throws {
        try checkRate(baseLearningRate, "StepLR")
        try require(stepSize >= 1, "StepLR", "stepSize \(stepSize) must be at least 1")
        try require(gamma >= 0 && gamma.isFinite, "StepLR", "gamma \(gamma) must be finite and non-negative")
        self.baseLearningRate = baseLearningRate
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// `baseLearningRate * gamma ** (step / stepSize)`.
    public func learningRate(atStep step: Int) -> Double {
        precondition(step >= 0, "StepLR: step must be non-negative, got \(step)")
        return baseLearningRate * ScalarMath.power(gamma, step / stepSize)
    }
}

/// Cosine annealing, PyTorch `CosineAnnealingLR(optimizer, T_max, eta_min)` in its closed form
/// (`_get_closed_form_lr`):
/// `etaMin + (baseLearningRate - etaMin) * (1 + cos(π * step / tMax)) / 2`, evaluated in Float64 in
/// that order (`π * step` first). Past `tMax` the cosine continues, as PyTorch's closed form does.
///
/// - Determinism: `cos` comes from the platform's libm, so the rate can differ in the last bit
///   between platforms (glibc and Python on one machine agree exactly); the other schedules use
///   only basic operations.
public struct CosineAnnealingLR: LearningRateSchedule, Hashable {
    /// The rate at step 0.
    public let baseLearningRate: Double
    /// The number of steps from the base rate down to `etaMin`.
    public let tMax: Int
    /// The lowest rate.
    public let etaMin: Double

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when a rate is negative or not
    ///   finite, or `tMax < 1`.
    public init(baseLearningRate: Double, tMax: Int, etaMin: Double = 0) throws {
        try checkRate(baseLearningRate, "CosineAnnealingLR")
        try checkRate(etaMin, "CosineAnnealingLR")
        try require(tMax >= 1, "CosineAnnealingLR", "tMax \(tMax) must be at least 1")
        self.baseLearningRate = baseLearningRate
        self.tMax = tMax
        self.etaMin = etaMin
    }

    /// `etaMin + (baseLearningRate - etaMin) * (1 + cos(π * step / tMax)) / 2`.
    public func learningRate(atStep step: Int) -> Double {
        precondition(step >= 0, "CosineAnnealingLR: step must be non-negative, got \(step)")
        return etaMin + (baseLearningRate - etaMin) * (1 + cos(Double.pi * Double(step) / Double(tMax))) / 2
    }
}

/// Linear warmup before another schedule: PyTorch `SequentialLR(optimizer, [LinearLR(optimizer,
/// start_factor, end_factor=1, total_iters=warmupSteps), after], milestones=[warmupSteps])` in
/// closed form.
///
/// For `step < warmupSteps` the rate is
/// `base * (startFactor + (1 - startFactor) * step / warmupSteps)` (LinearLR's closed form, in that
/// order), with `base = after.learningRate(atStep: 0)`; from `warmupSteps` on it is
/// `after.learningRate(atStep: step - warmupSteps)`, so the wrapped schedule starts afresh when the
/// warmup ends, as SequentialLR restarts it.
public struct LinearWarmup: LearningRateSchedule {
    /// The number of warmup steps.
    public let warmupSteps: Int
    /// The fraction of the base rate at step 0.
    public let startFactor: Double
    /// The schedule after the warmup.
    public let after: any LearningRateSchedule

    /// - Throws: ``NNError/invalidArgument(component:message:)`` when `warmupSteps < 1` or
    ///   `startFactor` is outside [0, 1] (PyTorch's LinearLR also rejects 0, which its recursive form
    ///   cannot start from; the closed form can).
    public init(warmupSteps: Int, startFactor: Double = 0, after: any LearningRateSchedule) throws {
        try require(warmupSteps >= 1, "LinearWarmup", "warmupSteps \(warmupSteps) must be at least 1")
        try require(startFactor >= 0 && startFactor <= 1, "LinearWarmup", "startFactor \(startFactor) must be in [0, 1]")
        self.warmupSteps = warmupSteps
        self.startFactor = startFactor
        self.after = after
    }

    /// The warmup ramp, then `after` from its own step 0.
    public func learningRate(atStep step: Int) -> Double {
        precondition(step >= 0, "LinearWarmup: step must be non-negative, got \(step)")
        guard step < warmupSteps else { return after.learningRate(atStep: step - warmupSteps) }
        let factor = startFactor + (1 - startFactor) * Double(step) / Double(warmupSteps)
        return after.learningRate(atStep: 0) * factor
    }
}

private func checkRate(_ rate: Double, _ component: String) throws {
    try require(rate >= 0 && rate.isFinite, component, "learning rate \(rate) must be finite and non-negative")
}
