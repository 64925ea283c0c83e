// Times ReproTensor's kernels on preallocated buffers and prints one JSON line per case:
// {"case": ..., "threads": ..., "seconds": best of R repeats, "ns_per_value": ..., "checksum": ...}.
//
//     kernels-bench [COUNT] [REPEATS]
//
// Driven by Benchmarks/kernels_vs_numpy.py, which times numpy on the same inputs in the same run.
// Each case runs with 1 thread (numpy's ufuncs and np.sum use one) and with every core.
import Foundation
import ReproRandom
import ReproTensor

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 1_000_000
let repeats = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 20

/// Best wall time of `repeats` runs of `body`, in seconds.
func best(_ body: () -> Void) -> Double {
    var fastest = Double.infinity
    for _ in 0..<repeats {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return fastest
}

// The inputs the numpy side builds too: 3·N(0, 1) from PCG64(42), and |that| + 0.1 for log.
var generator = Generator(PCG64(seed: 42))
let x = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
generator.fillStandardNormalFloat(x)
for i in 0..<count { x[i] *= 3 }
let positive = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
for i in 0..<count { positive[i] = abs(x[i]) + 0.1 }
let y = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
y.initialize(repeating: 0)

let cores = ProcessInfo.processInfo.activeProcessorCount
for threads in Set([1, cores]).sorted() {
    Parallel.threadCount = threads
    let unary: [(String, Elementwise.UnaryOp, UnsafeMutableBufferPointer<Float>)] = [
        ("exp", .exp, x), ("log", .log, positive), ("tanh", .tanh, x), ("sigmoid", .sigmoid, x), ("gelu", .gelu, x),
    ]
    for (name, op, input) in unary {
        let seconds = best { Elementwise.unary(op, input.baseAddress!, into: y.baseAddress!, count: count) }
        report(name, threads, seconds, checksum: Double(y[count / 2]))
    }
    var total: Float = 0
    let seconds = best { total = Reduce.sum(x.baseAddress!, count: count) }
    report("sum", threads, seconds, checksum: Double(total))
}

func report(_ name: String, _ threads: Int, _ seconds: Double, checksum: Double) {
    let ns = seconds * 1e9 / Double(count)
    print(#"{"case": "\#(name)", "threads": \#(threads), "seconds": \#(seconds), "ns_per_value": \#(ns), "checksum": \#(checksum)}"#)
}
