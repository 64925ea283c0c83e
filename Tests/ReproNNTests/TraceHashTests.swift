import Foundation
@testable import ReproTensor
import Testing

/// The hashes of a training trace against `Vectors/trace_hash.json`, which
/// `scripts/reference_trace_hash.py` computes with Python's `xxhash` package and numpy.
@Suite struct TraceHashTests {
    struct HashVectors: Decodable {
        struct TensorCase: Decodable {
            let shape: [Int]
            let bits: [String]
            let hash: String
        }

        struct IndicesCase: Decodable {
            let indices: [Int]
            let hash: String
        }

        struct XXH64Case: Decodable {
            let length: Int
            let seed: String
            let hash: String
        }

        let tensors: [TensorCase]
        let indices: [IndicesCase]
        let xxh64: [XXH64Case]
    }

    static let vectors = Result { try Vectors.load("trace_hash", as: HashVectors.self) }

    static func hex(_ text: String) -> UInt64 { UInt64(text.dropFirst(2), radix: 16)! }

    @Test func xxh64MatchesTheReferenceForEveryTailLength() throws {
        let bytes = (0..<40).map { UInt8(($0 * 7 + 3) % 256) }
        for vector in try Self.vectors.get().xxh64 {
            let hash = Array(bytes[..<vector.length]).withUnsafeBytes { TraceHash.xxh64($0, seed: UInt64(vector.seed)!) }
            #expect(hash == Self.hex(vector.hash), "length \(vector.length), seed \(vector.seed)")
        }
    }

    @Test func tensorHashesMatchTheReference() throws {
        for vector in try Self.vectors.get().tensors {
            let scalars = vector.bits.map { Float(bitPattern: UInt32($0.dropFirst(2), radix: 16)!) }
            let tensor = try Tensor(shape: vector.shape, scalars: scalars)
            #expect(TraceHash.hash(tensor) == Self.hex(vector.hash), "shape \(vector.shape)")
        }
    }

    @Test func indexHashesMatchTheReference() throws {
        for vector in try Self.vectors.get().indices {
            #expect(TraceHash.hash(indices: vector.indices) == Self.hex(vector.hash), "\(vector.indices)")
        }
    }

    /// What the trace's resolution promises: any single changed bit, and the shape, change the hash.
    @Test func aChangedBitOrShapeChangesTheHash() throws {
        let scalars = (0..<37).map { Float($0) * 0.37 - 3 }
        let reference = TraceHash.hash(scalars, shape: [37])
        #expect(TraceHash.hash(scalars, shape: [1, 37]) != reference)
        for index in [0, 17, 36] {
            for bit in [0, 22, 31] {
                var changed = scalars
                changed[index] = Float(bitPattern: changed[index].bitPattern ^ (1 << UInt32(bit)))
                #expect(TraceHash.hash(changed, shape: [37]) != reference, "element \(index), bit \(bit)")
            }
        }
    }
}
