import Foundation
import Testing
@testable import ReproData

@Suite struct DigitsTests {
    static let copy = Vectors.directory.appendingPathComponent("gzip/digits.csv.gz")

    @Test func theEmbeddedCopyIsTheShippedFile() throws {
        let digits = try Digits.load()
        #expect(digits.count == 1797)
        #expect(digits.featureShape == [64])
        #expect(digits.classCount == 10)
        #expect(digits.source == "digits (embedded)")
        let file = try Digits.decode(Array(try Data(contentsOf: Self.copy)), source: "digits.csv.gz")
        #expect(file.features == digits.features)
        #expect(file.labels == digits.labels)
        // The first row of the file: 0,0,5,13,9,1,0,0,... label 0; the last row's label is 8.
        let first = try digits.sample(at: 0)
        #expect(Array(first.features.prefix(6)) == [0, 0, 5, 13, 9, 1])
        #expect(first.label == 0)
        #expect(digits.labels.last == 8)
        #expect(digits.features.allSatisfy { (0...16).contains($0) && $0 == $0.rounded() })
        #expect(Dictionary(grouping: digits.labels, by: { $0 }).values.allSatisfy { $0.count >= 170 })
    }

    @Test func aCorruptedCopyIsReportedNotParsed() throws {
        let bytes = Array(try Data(contentsOf: Self.copy))
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(throws: DataError.self) { try Digits.decode(flipped, source: "digits (embedded)") }
        do {
            _ = try Digits.decode(Array(bytes.prefix(1000)), source: "digits (embedded)")
            Issue.record("a truncated copy loaded")
        } catch let error as DataError {
            #expect(error.description.hasPrefix("digits (embedded): offset 1000: the embedded data is corrupted"))
        }
    }

    /// A well-formed gzip whose text differs from the pinned one by one digit fails the checksum.
    @Test func aValidGzipOfOtherTextFailsTheChecksum() throws {
        var text = try Gzip.decompress(Array(try Data(contentsOf: Self.copy)), source: "digits")
        text[2] = UInt8(ascii: "7")
        do {
            _ = try Digits.decode(storedGzip(text), source: "digits (embedded)")
            Issue.record("altered text loaded")
        } catch let error as DataError {
            #expect(error.description.contains("expected sha256 \(Digits.sha256)"), "\(error)")
            #expect(error.description.contains("rebuild from a clean checkout"))
        }
    }

    @Test func theRecipesPipelineIsWorkerInvariantOnDigits() throws {
        let digits = try Digits.load()
        let (train, validation) = try digits.split(validationFraction: 0.2, seed: 11)
        #expect(train.count == 1438 && validation.count == 359)
        #expect(Set(train.indices).isDisjoint(with: validation.indices))
        let transforms = try Digits.augmentation() + [try FeatureNormalization(fitting: train)]
        var reference: [LabeledBatch?] = []
        for workers in [0, 2, 4] {
            let loader = try DataLoader(train, batchSize: 64, shuffle: true, seed: 3, workers: workers,
                                        transforms: transforms)
            let batches = try drain(loader, epochs: 1)
            if reference.isEmpty { reference = batches } else { #expect(batches == reference, "workers \(workers)") }
        }
        #expect(reference.count == 24)
    }
}
