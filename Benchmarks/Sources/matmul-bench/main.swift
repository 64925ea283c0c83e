// Times Repro's matrix products and prints one JSON line per case and kernel:
// {"m", "n", "k", "transposeA", "transposeB", "threads", "kernel", "seconds": best time of one call}.
// Driven by Benchmarks/matmul_vs_numpy.py, which times numpy on the same cases in the same run.
//
// Usage: matmul-bench THREADS REPEATS [m,n,k,transposeA,transposeB ...]   (transposes as 0 or 1)
// Without cases on the command line, reads one case per line from standard input and answers each
// as soon as it is timed (so the driver can alternate Repro and numpy case by case).
// Kernels: "tiled" (matmulTiled, the deterministic path) and "autotuned" (matmul with the
// process-wide settings DeterminismSettings.fast; the first call, which tunes, is not timed).
import Foundation
import ReproRandom
import ReproTensor

let arguments = CommandLine.arguments
guard arguments.count >= 3, let threads = Int(arguments[1]), let repeats = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: matmul-bench THREADS REPEATS [m,n,k,transposeA,transposeB ...]\n".utf8))
    exit(2)
}

/// Seconds per call of `body`: the best of `repeats` timings, each of enough calls to last about
/// 5 ms (at least one). Many short timings find the quiet moments of a shared machine.
func bestTime(_ body: () -> Void) -> Double {
    body()  // warm-up: page in the buffers, fill the scratch pool
    let clock = ContinuousClock()
    let once = clock.measure(body)
    let calls = max(1, Int(0.005 / max(seconds(once), 1e-9)))
    var best = Double.infinity
    for _ in 0..<repeats {
        let elapsed = clock.measure { for _ in 0..<calls { body() } }
        best = min(best, seconds(elapsed) / Double(calls))
    }
    return best
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

var generator = Generator(PCG64(seed: 42))

@MainActor func run(_ text: String) {
    let fields = text.split(separator: ",").compactMap { Int($0) }
    guard fields.count == 5 else { fatalError("bad case '\(text)': want m,n,k,transposeA,transposeB") }
    let (m, n, k, transposeA, transposeB) = (fields[0], fields[1], fields[2], fields[3] == 1, fields[4] == 1)
    let a = UnsafeMutableBufferPointer<Float>.allocate(capacity: m * k)
    let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: k * n)
    let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: m * n)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    generator.fillRandomFloat(a)
    generator.fillRandomFloat(b)
    c.initialize(repeating: 0)
    let kernels: [(String, DeterminismSettings, () -> Void)] = [
        ("tiled", .strict, {
            matmulTiled(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k,
                        transposeA: transposeA, transposeB: transposeB)
        }),
        ("autotuned", .fast, {
            try! matmul(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k,
                        transposeA: transposeA, transposeB: transposeB)
        }),
    ]
    for (name, settings, body) in kernels {
        Determinism.settings = settings
        let time = bestTime(body)
        // Unbuffered, so that a driver reading the pipe gets each line at once.
        FileHandle.standardOutput.write(Data((#"{"m": \#(m), "n": \#(n), "k": \#(k), "transposeA": \#(transposeA), "#
            + #""transposeB": \#(transposeB), "threads": \#(threads), "kernel": "\#(name)", "seconds": \#(time)}"#
            + "\n").utf8))
    }
}

Parallel.threadCount = threads
if arguments.count > 3 {
    arguments.dropFirst(3).forEach(run)
} else {
    while let line = readLine() { run(line) }
}
