import ReproTestSupport
import Foundation
import Testing
import ReproData
import ReproFiles
@testable import ReproAnalysis
@testable import ReproRuns

/// `Vectors/safetensors.json` and `Vectors/safetensors/*.safetensors`, written by Python's
/// `safetensors` package through `scripts/reference_safetensors.py`.
struct SafeTensorsVectorFile: Decodable {
    struct Tensor: Decodable {
        let name: String
        let dtype: String
        let shape: [Int]
        let data: String
    }
    struct Case: Decodable {
        let name: String
        let file: String
        let length: Int
        let sha256: String
        let metadata: [String: String]
        let tensors: [Tensor]
    }
    let safetensors: String
    let cases: [Case]

    static let shared: SafeTensorsVectorFile = try! Vectors.load("safetensors")

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Vectors.directory.appendingPathComponent("safetensors").appendingPathComponent(file)))
    }

    /// The case's tensors and metadata, built from the manifest alone.
    static func expected(_ entry: Case) throws -> SafeTensorsFile {
        var tensors: [String: SafeTensor] = [:]
        for tensor in entry.tensors {
            let dtype = try #require(SafeTensorsDType(rawValue: tensor.dtype))
            tensors[tensor.name] = try SafeTensor(dtype: dtype, shape: tensor.shape, bytes: ReproTestSupport.bytes(hex: tensor.data))
        }
        return SafeTensorsFile(tensors: tensors, metadata: entry.metadata)
    }
}

/// The header text of serialized safetensors bytes.
func headerText(_ bytes: [UInt8]) -> String {
    let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
    return String(decoding: bytes[8..<8 + length], as: UTF8.self)
}

@Suite struct SafeTensorsTests {
    static let caseNames = SafeTensorsVectorFile.shared.cases.map(\.name)

    @Test func manifestCoversEveryCase() {
        #expect(Set(Self.caseNames) == ["single_f32", "mixed_dtypes", "shapes", "special_floats", "names", "empty",
                                        "model_like", "raw_dtypes"])
    }

    @Test(arguments: caseNames)
    func writesPythonsBytesExactly(name: String) throws {
        let entry = try #require(SafeTensorsVectorFile.shared.cases.first { $0.name == name })
        let python = try SafeTensorsVectorFile.bytes(entry.file)
        #expect(python.count == entry.length && SHA256.hexDigest(of: python) == entry.sha256)
        let swift = try SafeTensorsVectorFile.expected(entry).serialized()
        #expect(swift == python, "Swift: \(headerText(swift))\nPython: \(headerText(python))")
    }

    @Test(arguments: caseNames)
    func readsPythonsFiles(name: String) throws {
        let entry = try #require(SafeTensorsVectorFile.shared.cases.first { $0.name == name })
        let file = try SafeTensorsFile(bytes: try SafeTensorsVectorFile.bytes(entry.file), source: entry.file)
        #expect(file == (try SafeTensorsVectorFile.expected(entry)))
    }

    @Test func typedAccessorsReadPythonsValues() throws {
        let file = try SafeTensorsFile(bytes: try SafeTensorsVectorFile.bytes("mixed_dtypes.safetensors"))
        #expect(try file.floats("b.f32") == ([3], [1.5, -2.0, 3.25]))
        #expect(try file.doubles("c.f64") == ([2], [Double.pi, -M_E]))
        #expect(try file.int64s("z.i64") == ([2], [Int64.min, Int64.max]))
        #expect(try file.int32s("y.i32") == ([2, 2], [-1, 2, Int32.max, Int32.min]))
        #expect(try file.uint8s("a.u8") == ([4], [0, 1, 127, 255]))
        #expect(try file.values("x.i16", as: Int16.self) == ([3], [-32768, 32767, 5]))
        #expect(try file.values("t.u64", as: UInt64.self) == ([1], [UInt64.max]))
        #expect(try file.tensor("r.bool").bytes == [1, 0, 1])
        #expect(file.metadata == ["format": "np"])
    }

    @Test func specialFloatsKeepTheirBits() throws {
        let file = try SafeTensorsFile(bytes: try SafeTensorsVectorFile.bytes("special_floats.safetensors"))
        let floats = try file.floats("f32").values.map(\.bitPattern)
        #expect(floats == [0x7FC0_0000, 0xFFC0_0001, 0x7F80_0001, 0x7F80_0000, 0xFF80_0000, 0x8000_0000, 1, 0x7F7F_FFFF, 0x3EAA_AAAB])
        let doubles = try file.doubles("f64").values.map(\.bitPattern)
        #expect(doubles == [0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0123, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
                            0x8000_0000_0000_0000, 1, 0x7FEF_FFFF_FFFF_FFFF])
        let rebuilt = SafeTensorsFile(tensors: [
            "f32": try SafeTensor(try file.floats("f32").values, shape: [9]),
            "f64": try SafeTensor(try file.doubles("f64").values, shape: [7]),
        ])
        #expect(try rebuilt.serialized() == (try SafeTensorsVectorFile.bytes("special_floats.safetensors")))
    }

    @Test func everyElementTypeRoundTrips() throws {
        let file = SafeTensorsFile(tensors: [
            "f32": try SafeTensor([Float(1.5), -0.0, .infinity, .leastNonzeroMagnitude], shape: [2, 2]),
            "f64": try SafeTensor([Double.pi], shape: []),
            "i64": try SafeTensor([Int64.min, 0, Int64.max], shape: [3]),
            "i32": try SafeTensor([Int32](), shape: [0, 5]),
            "i16": try SafeTensor([Int16.min, Int16.max], shape: [2]),
            "i8": try SafeTensor([Int8.min, 1], shape: [1, 2]),
            "u64": try SafeTensor([UInt64.max], shape: [1]),
            "u32": try SafeTensor([UInt32.max, 1], shape: [2]),
            "u16": try SafeTensor([UInt16(7)], shape: [1, 1, 1]),
            "u8": try SafeTensor([UInt8](0...255), shape: [16, 16]),
            "bf16": try SafeTensor(dtype: .bfloat16, shape: [2], bytes: [0x80, 0x3F, 0x00, 0x40]),
        ], metadata: ["format": "repro", "seed": "42", "a": "é\n"])
        let bytes = try file.serialized()
        let read = try SafeTensorsFile(bytes: bytes)
        #expect(read == file)
        #expect(try read.serialized() == bytes)
        #expect(try read.values("i64", as: Int64.self).values == [Int64.min, 0, Int64.max])
        #expect(try read.values("u8", as: UInt8.self).values == Array(0...255))
        #expect(try read.floats("f32").values.map(\.bitPattern) == [Float(1.5), -0.0, .infinity, .leastNonzeroMagnitude].map(\.bitPattern))
        #expect(try read.tensor("i32").shape == [0, 5] && read.tensor("i32").elementCount == 0)
        #expect(try read.tensor("f64").shape == [] && read.tensor("f64").elementCount == 1)
    }

    @Test func layoutIsByDescendingDtypeThenNameBytes() throws {
        let file = SafeTensorsFile(tensors: [
            "b": try SafeTensor([Float(1)], shape: [1]), "a": try SafeTensor([Float(2)], shape: [1]),
            "Z": try SafeTensor([Float(3)], shape: [1]), "é": try SafeTensor([Float(4)], shape: [1]),
            "z": try SafeTensor([UInt8(5)], shape: [1]), "c": try SafeTensor([Int64(6)], shape: [1]),
            "d": try SafeTensor([Double(7)], shape: [1]),
        ])
        #expect(file.namesInFileOrder == ["c", "d", "Z", "a", "b", "é", "z"])
        let header = headerText(try file.serialized())
        let positions = file.namesInFileOrder.map { header.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func metadataKeysAreSortedAndEmptyMetadataIsOmitted() throws {
        let tensors = ["w": try SafeTensor([Float(1)], shape: [1])]
        let sorted = headerText(try SafeTensorsFile(tensors: tensors, metadata: ["z": "3", "a": "1", "m": "2"]).serialized())
        #expect(sorted.hasPrefix(#"{"__metadata__":{"a":"1","m":"2","z":"3"},"w":{"#))
        let none = headerText(try SafeTensorsFile(tensors: tensors).serialized())
        #expect(none.hasPrefix(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#))
        let onlyMetadata = headerText(try SafeTensorsFile(metadata: ["k": "v"]).serialized())
        #expect(onlyMetadata == #"{"__metadata__":{"k":"v"}}"# + "      ")
    }

    @Test func sameContentGivesSameBytes() throws {
        var first: [String: SafeTensor] = [:]
        var second: [String: SafeTensor] = [:]
        let names = (0..<40).map { "layer\($0).weight" }
        for name in names { first[name] = try SafeTensor([Float(name.count)], shape: [1]) }
        for name in names.reversed() { second[name] = try SafeTensor([Float(name.count)], shape: [1]) }
        let metadata = Dictionary(uniqueKeysWithValues: names.map { ($0, "v") })
        #expect(try SafeTensorsFile(tensors: first, metadata: metadata).serialized()
                == SafeTensorsFile(tensors: second, metadata: metadata).serialized())
    }

    @Test func headerIsPaddedWithSpacesToAMultipleOfEight() throws {
        for length in 0..<17 {
            let name = String(repeating: "n", count: length)
            let bytes = try SafeTensorsFile(tensors: [name: try SafeTensor([UInt8(1)], shape: [1])]).serialized()
            let header = headerText(bytes)
            #expect(header.utf8.count % 8 == 0, "name length \(length)")
            #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
            #expect(bytes.count == 8 + header.utf8.count + 1)
        }
    }

    @Test func writesAndReadsFilesAtomically() throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("model.safetensors")
            let file = SafeTensorsFile(tensors: ["w": try SafeTensor([Float(1), 2, 3], shape: [3])], metadata: ["format": "pt"])
            try file.write(to: path)
            #expect(try SafeTensorsFile(contentsOf: path) == file)
            #expect(try directory.contents() == ["model.safetensors"])
            let bad = SafeTensorsFile(tensors: ["__metadata__": try SafeTensor([Float(1)], shape: [1])])
            let error = try #require(throws: RunFileError.self) { try bad.write(to: path) }
            #expect(error.source == path && error.message.contains("reserved"))
            #expect(try SafeTensorsFile(contentsOf: path) == file)
            let missing = try #require(throws: RunFileError.self) { try SafeTensorsFile(contentsOf: directory.file("none")) }
            #expect(missing.errorNumber == ENOENT && missing.source == directory.file("none"))
        }
    }

    @Test func accessorsNameTheProblem() throws {
        let file = try SafeTensorsFile(bytes: try SafeTensorsVectorFile.bytes("single_f32.safetensors"), source: "s.safetensors")
        let wrongType = try #require(throws: RunFileError.self) { try file.doubles("weight") }
        #expect(wrongType.description == "s.safetensors: tensor 'weight': the tensor is F32, not F64")
        let missing = try #require(throws: RunFileError.self) { try file.floats("bias") }
        #expect(missing.description == "s.safetensors: tensor 'bias': no such tensor (the file has 1: 'weight')")
        #expect(throws: RunFileError.self) { try file.tensor("weight").values(as: Int32.self) }
    }

    @Test func tensorConstructionChecksShapes() throws {
        let count = try #require(throws: RunFileError.self) { try SafeTensor([Float(1), 2, 3], shape: [2, 2]) }
        #expect(count.message == "shape [2, 2] does not hold 3 values")
        #expect(throws: RunFileError.self) { try SafeTensor([Float](), shape: [-1]) }
        let bytes = try #require(throws: RunFileError.self) { try SafeTensor(dtype: .float32, shape: [2], bytes: [0, 0, 0]) }
        #expect(bytes.message == "shape [2] of F32 needs 2 × 4 bytes, got 3")
        #expect(throws: RunFileError.self) { try SafeTensor(dtype: .uint8, shape: [Int.max, 2], bytes: []) }
    }
}
