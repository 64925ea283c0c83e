// Measures ReproMath's error over every one of the 2^32 Float inputs and prints a Markdown table
// (the one in Benchmarks/results/ulp.md):
//
//     swift run -c release --package-path Benchmarks ulp-sweep [--step N] [exp log tanh sigmoid]
//
// --step N tests one batch of 16 consecutive bit patterns in every N (a quick look; default 1: all).
//
// For each input, the function runs twice — scalar, and in a SIMD16 batch — and the two results
// must have the same bits. The error is measured against the platform's double-precision function
// (glibc's exp, log and tanh are within 1 ulp of double precision, 2^-29 of a Float ulp), without
// rounding the reference to Float: the table shows the fractional ulps, and separately how many
// results equal the reference rounded to Float (correctly rounded, but for the rare input whose
// exact value lies within 2^-29 ulp of a rounding boundary).
import Dispatch
import Foundation
import ReproTensor

struct Function: Sendable {
    let name: String
    let scalar: @Sendable (Float) -> Float
    let vector: @Sendable (SIMD16<Float>) -> SIMD16<Float>
    let reference: @Sendable (Double) -> Double
}

let functions = [
    Function(name: "exp", scalar: ReproMath.exp, vector: ReproMath.exp, reference: { Foundation.exp($0) }),
    Function(name: "log", scalar: ReproMath.log, vector: ReproMath.log, reference: { Foundation.log($0) }),
    Function(name: "tanh", scalar: ReproMath.tanh, vector: ReproMath.tanh, reference: { Foundation.tanh($0) }),
    Function(name: "sigmoid", scalar: ReproMath.sigmoid, vector: ReproMath.sigmoid, reference: { x in
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }),
]

/// One Float ulp at the exact value `y` (2^(k-23) for |y| in [2^k, 2^(k+1)), 2^-149 below 2^-126).
func ulp(_ y: Double) -> Double {
    let a = Swift.abs(y)
    return a < 0x1p-126 ? 0x1p-149 : Double(sign: .plus, exponent: a.exponent - 23, significand: 1)
}

struct Stats {
    var maxErrorNormal = 0.0   // where the exact result is at least 2^-126 in magnitude
    var maxError = 0.0
    var worstInput: Float = 0
    var worstResult: Float = 0
    var tested = 0
    var correctlyRounded = 0
    var specialMismatches = 0  // NaN, infinite or overflowing results that differ from the reference
    var lanesDiffer = 0        // SIMD16 and scalar bits differ

    mutating func merge(_ other: Stats) {
        if other.maxError > maxError || (other.maxError == maxError && other.worstInput.bitPattern < worstInput.bitPattern) {
            maxError = other.maxError
            worstInput = other.worstInput
            worstResult = other.worstResult
        }
        maxErrorNormal = max(maxErrorNormal, other.maxErrorNormal)
        tested += other.tested
        correctlyRounded += other.correctlyRounded
        specialMismatches += other.specialMismatches
        lanesDiffer += other.lanesDiffer
    }
}

/// Every bit pattern in [start, start + 2^20), or one batch of 16 in every `step`.
func sweep(_ f: Function, start: UInt32, step: Int) -> Stats {
    var stats = Stats()
    var bits = start
    for _ in stride(from: 0, to: 1 << 16, by: step) {
        var x = SIMD16<Float>()
        for lane in 0..<16 { x[lane] = Float(bitPattern: bits &+ UInt32(lane)) }
        let vector = f.vector(x)
        for lane in 0..<16 {
            let input = x[lane]
            let y = f.scalar(input)
            if y.bitPattern != vector[lane].bitPattern { stats.lanesDiffer += 1 }
            stats.tested += 1
            let reference = f.reference(Double(input))
            let rounded = Float(reference)
            if y.bitPattern == rounded.bitPattern || (y.isNaN && rounded.isNaN) { stats.correctlyRounded += 1 }
            if reference.isNaN || rounded.isInfinite || y.isNaN || y.isInfinite {
                if !(y == rounded || (y.isNaN && rounded.isNaN)) { stats.specialMismatches += 1 }
                continue
            }
            let error = Swift.abs(Double(y) - reference) / ulp(reference)
            if Swift.abs(reference) >= 0x1p-126 { stats.maxErrorNormal = max(stats.maxErrorNormal, error) }
            if error > stats.maxError {
                stats.maxError = error
                stats.worstInput = input
                stats.worstResult = y
            }
        }
        bits &+= 16 &* UInt32(step)
    }
    return stats
}

var arguments = Array(CommandLine.arguments.dropFirst())
let step: Int
if let i = arguments.firstIndex(of: "--step"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n >= 1 {
    step = n
    arguments.removeSubrange(i...i + 1)
} else {
    step = 1
}
let chosen = arguments.isEmpty ? functions : functions.filter { arguments.contains($0.name) }
FileHandle.standardOutput.write(Data(("| function | max error (ulp) | worst input | result there | max error, normal results "
    + "| correctly rounded | special-value mismatches | SIMD16 ≠ scalar | seconds |\n|---|---|---|---|---|---|---|---|---|\n").utf8))
for f in chosen {
    let start = ContinuousClock.now
    let chunks = 1 << 12
    // Each chunk writes its own slot.
    nonisolated(unsafe) let partial = UnsafeMutableBufferPointer<Stats>.allocate(capacity: chunks)
    partial.initialize(repeating: Stats())
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        partial[chunk] = sweep(f, start: UInt32(chunk) << 20, step: step)
    }
    var total = Stats()
    for s in partial { total.merge(s) }
    partial.deallocate()
    let seconds = (ContinuousClock.now - start).components.seconds
    let rounded = 100 * Double(total.correctlyRounded) / Double(total.tested)
    let worst = String(format: "%a", Double(total.worstInput)) + " (\(total.worstInput))"
    // Unbuffered, so that each row shows as soon as its sweep ends.
    FileHandle.standardOutput.write(Data(("| \(f.name) | \(String(format: "%.4f", total.maxError)) | \(worst) | "
        + "\(total.worstResult) | \(String(format: "%.4f", total.maxErrorNormal)) | "
        + "\(String(format: "%.4f", rounded)) % | \(total.specialMismatches) | \(total.lanesDiffer) | \(seconds) |\n").utf8))
}
