import Foundation
import Testing
import ReproData

/// `Vectors/readers.json` and the fixtures in `Vectors/readers/`, written by
/// `scripts/reference_readers.py` (numpy).
struct ReaderVectors: Decodable {
    /// One IDX file and its contents.
    struct IDXFile: Decodable {
        let file: String
        let dtype: String
        let shape: [Int]
        /// Integers for integer types; the exact float64 of each value for f32 and f64.
        let values: [Double]
    }

    /// A dataset numpy expects from a reader: features as float32 values (exact in `Double`).
    struct Expected: Decodable {
        let featureShape: [Int]
        let features: [Double]
        let labelValues: [Int]
        let expectedClassCount: Int
    }

    struct IDXPair: Decodable {
        let images: String
        let labels: String
        let classCount: Int?
        let expected: Expected

        enum CodingKeys: CodingKey { case images, labels, classCount }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            images = try container.decode(String.self, forKey: .images)
            labels = try container.decode(String.self, forKey: .labels)
            classCount = try container.decodeIfPresent(Int.self, forKey: .classCount)
            expected = try Expected(from: decoder)
        }
    }

    struct CSVCase: Decodable {
        let file: String
        let labelColumn: CSVReader.LabelColumn
        let header: CSVReader.HeaderMode
        let classCount: Int?
        let expected: Expected

        enum CodingKeys: CodingKey { case file, labelColumn, header, classCount }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            file = try container.decode(String.self, forKey: .file)
            if let index = try? container.decode(Int.self, forKey: .labelColumn) {
                labelColumn = .index(index)
            } else {
                labelColumn = try container.decode(String.self, forKey: .labelColumn) == "first" ? .first : .last
            }
            header = switch try container.decode(String.self, forKey: .header) {
            case "present": .present
            case "absent": .absent
            default: .auto
            }
            classCount = try container.decodeIfPresent(Int.self, forKey: .classCount)
            expected = try Expected(from: decoder)
        }
    }

    let arrays: [IDXFile]
    let idx: [IDXPair]
    let csv: [CSVCase]

    static let shared: ReaderVectors = try! Vectors.load("readers")

    /// The path of a fixture in `Vectors/readers/`.
    static func path(_ file: String) -> String {
        Vectors.directory.appendingPathComponent("readers").appendingPathComponent(file).path
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(file))))
    }
}

/// Checks `dataset` against numpy's expectation, bit for bit (so -0.0 is told from 0.0).
func expectDataset(_ dataset: TensorDataset, equals expected: ReaderVectors.Expected, _ label: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(dataset.featureShape == expected.featureShape, "\(label)", sourceLocation: sourceLocation)
    #expect(dataset.features.map(\.bitPattern) == expected.features.map { Float($0).bitPattern }, "\(label)",
            sourceLocation: sourceLocation)
    #expect(dataset.labels == expected.labelValues, "\(label)", sourceLocation: sourceLocation)
    #expect(dataset.classCount == expected.expectedClassCount, "\(label)", sourceLocation: sourceLocation)
}

/// The ``DataError`` `body` throws, or nil (recorded as a failure) when it returns or throws another error.
func dataError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Any) -> DataError? {
    #expect(throws: DataError.self, sourceLocation: sourceLocation) { _ = try body() }
}
