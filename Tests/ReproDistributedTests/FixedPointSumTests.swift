import Foundation
import ReproDistributed
import ReproRandom
import Testing

/// ``FixedPointSum`` against Python's exact integer implementation of the same recipe
/// (`scripts/reference_fixed_point_sum.py`), and its promise: the same bits for any split of the
/// shards among processes and any order of the integer additions.
@Suite struct FixedPointSumTests {
    struct Case: Decodable {
        let shards: [[Float]]
        let fixedPointSum: [Float]
        let exactSum: [Float]
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/fixed_point_sum.json")
        do { return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    @Test func matchesPythonsExactIntegerRecipe() throws {
        for (number, testCase) in Self.cases.enumerated() {
            let sum = try FixedPointSum.sum(testCase.shards)
            #expect(sum.map(\.bitPattern) == testCase.fixedPointSum.map(\.bitPattern), "case \(number)")
            // Close to the exactly rounded sum: within one Float32 ulp of the largest element, or equal.
            let largest = testCase.shards.flatMap { $0 }.map(\.magnitude).max() ?? 0
            for (ours, exact) in zip(sum, testCase.exactSum) {
                #expect((ours - exact).magnitude <= largest.ulp, "case \(number): \(ours) vs exact \(exact)")
            }
        }
    }

    /// K simulated processes, each accumulating a contiguous or strided share of the shards into
    /// its own integers, then the K arrays added in a shuffled order (as MPI_SUM may): the bits of
    /// the one-process sum, for every K dividing the shard count.
    @Test func anySplitAndOrderGivesTheSameBits() throws {
        var generator = Generator(PCG64(seed: 7))
        let shardCount = 12, count = 257
        let shards: [[Float]] = try (0..<shardCount).map { _ in
            try (0..<count).map { _ in Float(generator.standardNormal()) * Float(pow(2.0, Double(try generator.integers(-40, 8)))) }
        }
        let reference = try FixedPointSum.sum(shards)
        var exponent = Int32.min
        for shard in shards { exponent = max(exponent, try shard.withUnsafeBufferPointer { try FixedPointSum.exponent(of: $0) }) }
        for processes in [1, 2, 3, 4, 6, 12] {
            for strided in [false, true] {
                var partial = [[Int64]](repeating: [Int64](repeating: 0, count: count), count: processes)
                for shard in 0..<shardCount {
                    let process = strided ? shard % processes : shard / (shardCount / processes)
                    partial[process].withUnsafeMutableBufferPointer { sums in
                        shards[shard].withUnsafeBufferPointer {
                            FixedPointSum.accumulate($0, exponent: exponent, shardCount: shardCount, into: sums)
                        }
                    }
                }
                var order = Array(0..<processes)
                generator.shuffle(&order)
                var total = [Int64](repeating: 0, count: count)
                for process in order { for index in 0..<count { total[index] &+= partial[process][index] } }
                var result = [Float](repeating: .nan, count: count)
                total.withUnsafeBufferPointer { sums in
                    result.withUnsafeMutableBufferPointer {
                        FixedPointSum.values(of: sums, exponent: exponent, shardCount: shardCount, into: $0)
                    }
                }
                #expect(result.map(\.bitPattern) == reference.map(\.bitPattern), "\(processes) processes, strided \(strided)")
            }
        }
    }

    @Test func nonFiniteValuesAreNamed() {
        #expect(throws: NonFiniteValue(index: 2, value: .infinity)) { try FixedPointSum.sum([[1, 2, .infinity], [0, 0, 0]]) }
        #expect(throws: NonFiniteValue.self) { try FixedPointSum.sum([[1], [.nan]]) }
        #expect((try? FixedPointSum.sum([[0, 0], [0, -0.0]])) == [0, 0])
    }
}
