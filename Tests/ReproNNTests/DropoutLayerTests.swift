import Testing
import ReproNN
import ReproRandom
import ReproTensor

/// Dropout masks are a pure function of (base key, step, layer path).
@Suite struct DropoutLayerTests {
    static let base = ThreefryKey(seed: 1234, enableX64: true)

    static func context(step: Int) -> ForwardContext {
        ForwardContext(training: true, step: step, dropoutKey: base)
    }

    static func ones(_ count: Int = 64) throws -> Tensor { try Tensor.ones([4, count / 4]) }

    @Test func maskFollowsTheDocumentedRecipe() throws {
        let model = Sequential(ReLU(), try Dropout(probability: 0.3), Tanh())
        let x = try Self.ones()
        let y = try Sequential(ReLU(), try Dropout(probability: 0.3))(x, context: Self.context(step: 7))
        let key = Self.base.foldIn(7).foldIn(1)
        #expect(y.scalars == (try x.dropout(probability: 0.3, key: key)).scalars)
        #expect(try model(x, context: Self.context(step: 7)).scalars
            == (try x.dropout(probability: 0.3, key: key)).tanh().scalars)

        // Nested containers fold in every index on the path, outermost first.
        let nested = Sequential(Tanh(), Sequential(ReLU(), ReLU(), try Dropout(probability: 0.5)))
        let nestedKey = Self.base.foldIn(3).foldIn(1).foldIn(2)
        #expect(try nested(x, context: Self.context(step: 3)).scalars
            == (try x.tanh().dropout(probability: 0.5, key: nestedKey)).scalars)
        // A Dropout called on its own has an empty path.
        #expect(try Dropout(probability: 0.5)(x, context: Self.context(step: 3)).scalars
            == (try x.dropout(probability: 0.5, key: Self.base.foldIn(3))).scalars)
        #expect(try Self.context(step: 3).child(4).child(0).layerKey() == Self.base.foldIn(3).foldIn(4).foldIn(0))
    }

    @Test func sameInputsGiveTheSameMaskDifferentStepsOrLayersDoNot() throws {
        let model = Sequential(try Dropout(probability: 0.5), try Dropout(probability: 0.5))
        let first = Sequential(try Dropout(probability: 0.5))
        let second = Sequential(ReLU(), try Dropout(probability: 0.5))
        let x = try Self.ones(256)
        let a = try model(x, context: Self.context(step: 5)).scalars
        #expect(try model(x, context: Self.context(step: 5)).scalars == a)
        #expect(try model(x, context: Self.context(step: 6)).scalars != a)
        // The same layer type at index 0 and index 1 draws different masks.
        #expect(try first(x, context: Self.context(step: 5)).scalars != (try second(x, context: Self.context(step: 5))).scalars)
        // Another base key gives another mask.
        var other = Self.context(step: 5)
        other.dropoutKey = ThreefryKey(seed: 1235, enableX64: true)
        #expect(try model(x, context: other).scalars != a)
        // Kept elements are scaled by 1 / (1 − p); about half survive each of the two layers.
        let kept = a.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 4 })
        #expect((32...100).contains(kept.count))
    }

    @Test func evaluationPassesTheInputThrough() throws {
        let dropout = try Dropout(probability: 0.9)
        let x = try Self.ones()
        #expect(try dropout(x, context: .inference) === x)
        var context = Self.context(step: 1)
        context.training = false
        #expect(try dropout(x, context: context) === x)
        #expect(try Dropout(probability: 0)(x, context: Self.context(step: 1)) === x)
    }

    @Test func stepsOutsideUInt32AreRejected() throws {
        let dropout = try Dropout(probability: 0.5)
        #expect(throws: NNError.invalidArgument(
            component: "ForwardContext", message: "step -1 must be in 0...4294967295 to derive a dropout key")) {
            try dropout(Self.ones(), context: Self.context(step: -1))
        }
        #expect(throws: NNError.self) { try dropout(Self.ones(), context: Self.context(step: Int(UInt32.max) + 1)) }
        #expect(try dropout(Self.ones(), context: Self.context(step: Int(UInt32.max))).shape == [4, 16])
    }
}
