import Testing
@testable import ReproData

@Suite struct DatasetTests {
    struct Squares: Dataset {
        var count: Int { 5 }
        func sample(at index: Int) throws -> Int { index * index }
    }

    @Test func samplesAreAddressedByIndex() throws {
        let data = Squares()
        #expect(try (0..<data.count).map(data.sample(at:)) == [0, 1, 4, 9, 16])
    }
}
