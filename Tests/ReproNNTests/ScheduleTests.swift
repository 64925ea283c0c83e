import Testing
import ReproNN

/// Schedules against PyTorch's closed forms evaluated in Python (`scripts/reference_nn.py`).
/// Constant, step and warmup-of-step schedules use only basic Float64 operations and a correctly
/// rounded integer power, and are compared bit for bit. Schedules with a cosine call the platform's
/// libm `cos`, as Python does; on one machine the two agree exactly, but across libms `cos` may
/// differ in the last bit, so they are compared to 4 ulps (relative 1e-15) to keep the test portable.
@Suite struct ScheduleTests {
    static func schedule(_ spec: NNVectors.ScheduleSpec) throws -> any LearningRateSchedule {
        switch spec.kind {
        case "step":
            return try StepLR(baseLearningRate: spec.base!, stepSize: spec.stepSize!, gamma: spec.gamma!)
        case "cosine":
            return try CosineAnnealingLR(baseLearningRate: spec.base!, tMax: spec.tMax!, etaMin: spec.etaMin!)
        default:
            let after = try schedule(spec.after!)
            return try LinearWarmup(warmupSteps: spec.warmupSteps!, startFactor: spec.startFactor!, after: after)
        }
    }

    static func usesCosine(_ spec: NNVectors.ScheduleSpec) -> Bool {
        spec.kind == "cosine" || (spec.after.map(usesCosine) ?? false)
    }

    @Test(arguments: NNVectors.shared.schedules.map(\.name))
    func matchesPyTorchClosedForms(_ name: String) throws {
        let vector = NNVectors.shared.schedules.first { $0.name == name }!
        let schedule = try Self.schedule(vector.schedule)
        for (step, hex) in vector.values.enumerated() {
            let got = schedule.learningRate(atStep: step)
            let expected = double(hex)
            if Self.usesCosine(vector.schedule) {
                #expect(abs(got - expected) <= 1e-15 * abs(expected), "\(name) step \(step): \(got) vs \(expected)")
            } else {
                #expect(got.bitPattern == expected.bitPattern, "\(name) step \(step): \(got) vs \(expected)")
            }
        }
    }

    @Test func shapes() throws {
        let constant = try ConstantSchedule(0.1)
        #expect((0..<5).allSatisfy { constant.learningRate(atStep: $0) == 0.1 })
        let cosine = try CosineAnnealingLR(baseLearningRate: 1, tMax: 10, etaMin: 0.1)
        #expect(cosine.learningRate(atStep: 0) == 1)
        #expect(abs(cosine.learningRate(atStep: 10) - 0.1) < 1e-15)
        #expect(abs(cosine.learningRate(atStep: 5) - 0.55) < 1e-15)
        let warmup = try LinearWarmup(warmupSteps: 4, after: constant)
        #expect([0, 1, 2, 3, 4, 9].map { warmup.learningRate(atStep: $0) } == [0, 0.025, 0.05, 0.07500000000000001, 0.1, 0.1])
        let step = try StepLR(baseLearningRate: 1, stepSize: 2, gamma: 0.5)
        #expect((0..<6).map { step.learningRate(atStep: $0) } == [1, 1, 0.5, 0.5, 0.25, 0.25])
    }

    @Test func badArguments() {
        #expect(throws: NNError.invalidArgument(component: "ConstantSchedule",
                                                message: "learning rate -0.1 must be finite and non-negative")) {
            try ConstantSchedule(-0.1)
        }
        #expect(throws: NNError.self) { try StepLR(baseLearningRate: 0.1, stepSize: 0) }
        #expect(throws: NNError.self) { try StepLR(baseLearningRate: 0.1, stepSize: 1, gamma: -1) }
        #expect(throws: NNError.self) { try CosineAnnealingLR(baseLearningRate: 0.1, tMax: 0) }
        #expect(throws: NNError.self) { try CosineAnnealingLR(baseLearningRate: .infinity, tMax: 3) }
        #expect(throws: NNError.self) { try LinearWarmup(warmupSteps: 0, after: ConstantSchedule(0.1)) }
        #expect(throws: NNError.self) { try LinearWarmup(warmupSteps: 3, startFactor: 1.5, after: ConstantSchedule(0.1)) }
    }
}
