import Foundation
import Testing
@testable import repro

/// `repro rng` prints doubles as Python's `repr` and float32 values as numpy's `str`; the expected
/// text comes from Python itself (`scripts/reference_cli.py`).
@Suite struct PythonReprTests {
    struct Double_: Decodable { let bits: String; let repr: String }
    struct Float_: Decodable { let bits: String; let str: String }
    struct File: Decodable { let doubles: [Double_]; let floats: [Float_] }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ReproRandomTests/Vectors/repr.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    @Test func doublesPrintAsPythonRepr() {
        for case_ in Self.file.doubles {
            let value = Double(bitPattern: UInt64(case_.bits.dropFirst(2), radix: 16)!)
            #expect(PythonRepr.format(value) == case_.repr, "bits \(case_.bits)")
        }
    }

    @Test func floatsPrintAsNumpyStr() {
        for case_ in Self.file.floats {
            let value = Float(bitPattern: UInt32(case_.bits.dropFirst(2), radix: 16)!)
            #expect(PythonRepr.format(value) == case_.str, "bits \(case_.bits)")
        }
    }
}
