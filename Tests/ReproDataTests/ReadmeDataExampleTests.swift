import Testing
import ReproData

/// The data example in README.md, with its claims checked: the batches do not depend on the worker
/// count, and a restored state continues with exactly the next batch.
@Suite struct ReadmeDataExampleTests {
    @Test func exampleRunsAndItsClaimsHold() throws {
        let digits = try Digits.load()
        let (train, validation) = try digits.split(validationFraction: 0.2, seed: 0)
        let normalization = try FeatureNormalization(fitting: train)
        let loader = try DataLoader(train, batchSize: 64, shuffle: true, seed: 42, workers: 2,
                                    transforms: try Digits.augmentation() + [normalization])
        var batches: [LabeledBatch] = []
        while let batch = try loader.next() {
            #expect(batch.inputs.shape == [batch.labels.count, 64])
            batches.append(batch)
        }
        #expect(validation.count == 359 && batches.count == 23)

        let inline = try DataLoader(train, batchSize: 64, shuffle: true, seed: 42, workers: 0,
                                    transforms: try Digits.augmentation() + [normalization])
        let first = try #require(try inline.next())
        let saved = inline.state
        let second = try #require(try inline.next())
        try inline.restore(saved)
        #expect(try inline.next() == second)
        #expect(first == batches[0] && second == batches[1])
    }
}
