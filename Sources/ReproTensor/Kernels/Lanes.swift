// Loads, stores and loops shared by the kernels: 16 floats at a time, the tail through a
// zero-padded vector, so the tail runs the same per-lane operations as the body.

/// The vector the kernels compute with. Its width is a constant of the algorithms (it fixes the
/// lane count of horizontal reductions), not of the hardware.
typealias Lanes = SIMD16<Float>

extension UnsafePointer where Pointee == Float {
    /// `self[i..<i + 16]`.
    @inline(__always)
    func lanes(at i: Int) -> Lanes {
        UnsafeRawPointer(self + i).loadUnaligned(as: Lanes.self)
    }

    /// `self[i..<i + count]` (count ≤ 16; none read when count ≤ 0) in the first lanes, `padding`
    /// in the rest.
    @inline(__always)
    func lanes(at i: Int, count: Int, padding: Float = 0) -> Lanes {
        if count == Lanes.scalarCount { return lanes(at: i) }
        var v = Lanes(repeating: padding)
        for lane in 0..<Swift.max(0, count) { v[lane] = self[i + lane] }
        return v
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Writes the first `count` lanes of `v` (count ≤ 16) to `self[i..<i + count]`.
    @inline(__always)
    func store(_ v: Lanes, at i: Int, count: Int = Lanes.scalarCount) {
        if count == Lanes.scalarCount {
            UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: Lanes.self)
        } else {
            for lane in 0..<count { self[i + lane] = v[lane] }
        }
    }
}

/// Runs `body(start, count)` for consecutive pieces of `range` of at most 16 elements: full
/// vectors first, then the tail.
@inline(__always)
func forEachLanes(_ range: Range<Int>, _ body: (_ start: Int, _ count: Int) -> Void) {
    var i = range.lowerBound
    while i + Lanes.scalarCount <= range.upperBound {
        body(i, Lanes.scalarCount)
        i += Lanes.scalarCount
    }
    if i < range.upperBound { body(i, range.upperBound - i) }
}

/// Splits `0..<count` into chunks of `grain` elements (the last one shorter) and runs `body` on each
/// in parallel. The chunks depend on `count` and `grain` only.
@inline(__always)
func forEachChunk(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    Parallel.forEach(chunks: Parallel.chunkCount(work: count, grain: grain)) { chunk in
        body(chunk * grain..<Swift.min(count, (chunk + 1) * grain))
    }
}
