import Foundation
import ReproRandom
import Testing
@testable import ReproTensor

/// ReproMath against the platform's double-precision functions (within 2^-28 of a Float ulp), on
/// a dense sample; the exhaustive sweep over all 2^32 inputs is `Benchmarks/ulp-sweep`.
@Suite struct ElementaryTests {
    struct Function: CustomStringConvertible, Sendable {
        let name: String
        let scalar: @Sendable (Float) -> Float
        let vector: @Sendable (SIMD16<Float>) -> SIMD16<Float>
        let reference: @Sendable (Double) -> Double
        /// The bound documented on the function, in ulps (ReproMath.swift).
        let bound: Double
        /// Where the function is not constant to Float precision: sampled densely.
        let range: ClosedRange<Float>
        /// Inputs where the algorithm switches paths or the result changes binade or range.
        let edges: [Float]
        var description: String { name }
    }

    static let functions = [
        Function(name: "exp", scalar: ReproMath.exp, vector: ReproMath.exp, reference: { Foundation.exp($0) },
                 bound: 0.78, range: -104...89,
                 edges: [88.72283, 88.72284, -87.33654, -87.33655, -103.97208, -103.97209, 0.3465736, -0.3465736, 0x1p-30]),
        Function(name: "log", scalar: ReproMath.log, vector: ReproMath.log, reference: { Foundation.log($0) },
                 bound: 0.82, range: 0...4,
                 edges: [1, Float(2) / 3, Float(4) / 3, 0.6666666, 1.3333334, 0x1p-126, 0x1p-127, .leastNonzeroMagnitude,
                         .greatestFiniteMagnitude, 1 + .ulpOfOne, 1 - .ulpOfOne / 2]),
        Function(name: "tanh", scalar: ReproMath.tanh, vector: ReproMath.tanh, reference: { Foundation.tanh($0) },
                 bound: 0.72, range: -10...10,
                 edges: [0.625, Float(0.625).nextDown, -0.625, 9.010913, 0x1p-12, .leastNonzeroMagnitude]),
        Function(name: "sigmoid", scalar: ReproMath.sigmoid, vector: ReproMath.sigmoid, reference: { x in
                     x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
                 },
                 bound: 0.81, range: -110...20, edges: [-87.33654, -103.27893, -88.7, 16.635532, 0x1p-25]),
    ]

    /// One Float ulp at the exact value `y` (2^(k−23) for |y| in [2^k, 2^(k+1)), 2^−149 below 2^−126).
    static func ulp(_ y: Double) -> Double {
        let a = abs(y)
        return a < 0x1p-126 ? 0x1p-149 : Double(sign: .plus, exponent: a.exponent - 23, significand: 1)
    }

    /// The error of `f(x)` in ulps; infinity where a NaN or an infinite result is not the reference's.
    static func error(_ f: Function, _ x: Float) -> Double {
        let y = f.scalar(x)
        let reference = f.reference(Double(x))
        let rounded = Float(reference)
        if reference.isNaN || rounded.isInfinite || y.isNaN || y.isInfinite {
            return y == rounded || (y.isNaN && rounded.isNaN) ? 0 : .infinity
        }
        return abs(Double(y) - reference) / ulp(reference)
    }

    /// 2^17 random bit patterns (every binade, NaNs, infinities), 2^17 uniform in the function's
    /// range, and its edges with their neighbours.
    static func sample(_ f: Function, seed: UInt64) -> [Float] {
        var bits = PCG64(seed: seed)
        var g = Generator(PCG64(seed: seed + 1))
        var xs = (0..<(1 << 17)).map { _ in Float(bitPattern: bits.nextUInt32()) }
        let width = f.range.upperBound - f.range.lowerBound
        xs += (0..<(1 << 17)).map { _ in f.range.lowerBound + g.randomFloat() * width }
        for edge in f.edges {
            var x = edge
            for _ in 0..<8 { x = x.nextDown }
            for _ in 0..<16 {
                xs += [x, -x]
                x = x.nextUp
            }
        }
        return xs + [0, -0, .infinity, -.infinity, .nan, -.nan, .signalingNaN, .leastNormalMagnitude,
                     .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
    }

    @Test(arguments: functions)
    func errorWithinTheDocumentedBound(_ f: Function) {
        var worst = (error: 0.0, x: Float(0))
        for x in Self.sample(f, seed: 11) {
            let e = Self.error(f, x)
            if e > worst.error { worst = (e, x) }
        }
        #expect(worst.error <= f.bound, "\(f.name)(\(worst.x)) is off by \(worst.error) ulp")
    }

    @Test(arguments: functions)
    func vectorGivesTheScalarBits(_ f: Function) {
        let xs = Self.sample(f, seed: 23)
        var mismatches: [Float] = []
        for start in stride(from: 0, to: xs.count - 15, by: 16) {
            let v = f.vector(SIMD16(xs[start..<start + 16]))
            for lane in 0..<16 where v[lane].bitPattern != f.scalar(xs[start + lane]).bitPattern {
                mismatches.append(xs[start + lane])
            }
        }
        #expect(mismatches.isEmpty, "\(f.name): SIMD16 and scalar differ at \(mismatches.prefix(5))")
    }

    @Test func specialValues() {
        let (inf, nan) = (Float.infinity, Float.nan)
        let cases: [(String, (Float) -> Float, Float, Float)] = [
            ("exp", ReproMath.exp, 0, 1), ("exp", ReproMath.exp, -0.0, 1), ("exp", ReproMath.exp, inf, inf),
            ("exp", ReproMath.exp, -inf, 0), ("exp", ReproMath.exp, 89, inf), ("exp", ReproMath.exp, -104, 0),
            ("exp", ReproMath.exp, -103.9, .leastNonzeroMagnitude), ("exp", ReproMath.exp, nan, nan),
            ("log", ReproMath.log, 1, 0), ("log", ReproMath.log, 0, -inf), ("log", ReproMath.log, -0.0, -inf),
            ("log", ReproMath.log, -1, nan), ("log", ReproMath.log, -inf, nan), ("log", ReproMath.log, inf, inf),
            ("log", ReproMath.log, nan, nan), ("log", ReproMath.log, .leastNonzeroMagnitude, -103.27893),
            ("tanh", ReproMath.tanh, 0, 0), ("tanh", ReproMath.tanh, inf, 1), ("tanh", ReproMath.tanh, -inf, -1),
            ("tanh", ReproMath.tanh, 10, 1), ("tanh", ReproMath.tanh, nan, nan),
            ("tanh", ReproMath.tanh, .leastNonzeroMagnitude, .leastNonzeroMagnitude),
            ("sigmoid", ReproMath.sigmoid, 0, 0.5), ("sigmoid", ReproMath.sigmoid, -0.0, 0.5),
            ("sigmoid", ReproMath.sigmoid, inf, 1), ("sigmoid", ReproMath.sigmoid, -inf, 0),
            ("sigmoid", ReproMath.sigmoid, nan, nan), ("sigmoid", ReproMath.sigmoid, 20, 1),
        ]
        for (name, f, x, expected) in cases {
            let y = f(x)
            #expect(y == expected || (y.isNaN && expected.isNaN), "\(name)(\(x)) = \(y), expected \(expected)")
        }
        #expect(ReproMath.tanh(-0.0).sign == .minus, "tanh(-0) keeps the sign")
        #expect(ReproMath.log(1).sign == .plus, "log(1) is +0")
        #expect(ReproMath.sigmoid(-100) > 0, "sigmoid(-100) = e^-100 does not flush to zero")
        #expect(ReproMath.exp(-100) == Float(Foundation.exp(-100.0)), "subnormal result")
    }

    @Test func agreesWithNumpyFloat64() {
        let v = KernelVectors.shared.elementary
        let x = floats(v.x)
        for (name, f, reference) in [("exp", ReproMath.exp as (Float) -> Float, floats(v.exp)),
                                     ("tanh", ReproMath.tanh, floats(v.tanh)),
                                     ("sigmoid", ReproMath.sigmoid, floats(v.sigmoid))] {
            for (xi, ri) in zip(x, reference) {
                let y = f(xi)
                #expect(y == ri || abs(y - ri) <= ri.ulp, "\(name)(\(xi)) = \(y), numpy \(ri)")
            }
        }
        for (xi, ri) in zip(floats(v.log_x), floats(v.log)) {
            let y = ReproMath.log(xi)
            #expect(y == ri || abs(y - ri) <= ri.ulp, "log(\(xi)) = \(y), numpy \(ri)")
        }
    }

    /// The bits themselves are pinned: the same on every machine, in debug and release builds (G6,
    /// G7). FNV-1a over the result bits for the bit patterns 0, 65537, 2·65537, … (every binade,
    /// both signs, NaNs and infinities; any NaN result counts as the default NaN). A change here
    /// changes training results.
    @Test(arguments: zip(functions, [0x6dfc_7382_6b76_2aa5, 0x6348_b83e_a8de_6f29, 0x69fe_126f_f4d1_5cf2, 0x46e0_62ce_87f6_5ea8] as [UInt64]))
    func resultsArePinned(_ f: Function, _ expected: UInt64) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<65536 {
            let y = f.scalar(Float(bitPattern: UInt32(k) &* 65537))
            var word = y.isNaN ? Float.nan.bitPattern : y.bitPattern  // NaN payloads are not specified
            for _ in 0..<4 {
                hash = (hash ^ UInt64(word & 0xff)) &* 0x0000_0100_0000_01b3
                word >>= 8
            }
        }
        #expect(hash == expected, "\(f.name): 0x\(String(hash, radix: 16))")
    }
}
