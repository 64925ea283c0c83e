// Fills preallocated buffers of 10^7 values and prints one JSON line per case:
// {"case": ..., "algorithm": ..., "seconds": best of N repeats, "ns_per_value": ...}.
// Driven by Benchmarks/rng_vs_numpy.py, which times numpy on the same cases in the same run.
import Foundation
import ReproRandom

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 10_000_000
let repeats = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 5

/// Best wall time of `repeats` runs of `body`, in seconds.
func best(_ body: () -> Void) -> Double {
    var fastest = Double.infinity
    for _ in 0..<repeats {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        fastest = min(fastest, seconds)
    }
    return fastest
}

func report(_ name: String, _ algorithm: String, _ seconds: Double, checksum: Double) {
    let ns = seconds * 1e9 / Double(count)
    print(#"{"case": "\#(name)", "algorithm": "\#(algorithm)", "seconds": \#(seconds), "ns_per_value": \#(ns), "checksum": \#(checksum)}"#)
}

func run<Bits: BitGenerator>(_ algorithm: String, _ make: () -> Bits) {
    let words = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: count)
    let doubles = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
    let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    let ints = UnsafeMutableBufferPointer<Int64>.allocate(capacity: count)
    defer { words.deallocate(); doubles.deallocate(); floats.deallocate(); ints.deallocate() }

    var bits = make()
    report("raw", algorithm, best { for i in 0..<count { words[i] = bits.next() } }, checksum: Double(words[count - 1] >> 11))
    var generator = Generator(make())
    report("random", algorithm, best { generator.fillRandom(doubles) }, checksum: doubles.reduce(0, +))
    report("integers(0,1000)", algorithm, best { try! generator.fillIntegers(ints, low: 0, high: 1000) },
           checksum: Double(ints.reduce(0, &+)))
    report("standard_normal", algorithm, best { generator.fillStandardNormal(doubles) }, checksum: doubles.reduce(0, +))
    report("standard_normal float32", algorithm, best { generator.fillStandardNormalFloat(floats) },
           checksum: Double(floats.reduce(0, +)))
}

run("PCG64") { PCG64(seed: 42) }
run("Philox") { Philox(seed: 42) }
