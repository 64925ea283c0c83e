/// Copies operand slices into the panel layout the micro-kernel reads: for each reduction step
/// `p`, `width` consecutive lanes (`dst[p*width + lane]`), lanes past `lanes` set to zero.
///
/// Which function packs a panel depends on how the operand is stored: lanes contiguous in memory
/// (A transposed, B as is) or reduction steps contiguous (A as is, B transposed).
enum MatmulPacking {
    /// Packs consecutive panels whose lanes are contiguous in the source: lane `l` (counting across
    /// the panels) of step `p` is `src[p*stepStride + l]`, for `l < lanes`. Panel `q` goes to
    /// `dst + q*width*depth`. Reads the source row by row.
    static func packContiguous(_ src: UnsafePointer<Float>, stepStride: Int, lanes: Int, width: Int, depth: Int,
                               into dst: UnsafeMutablePointer<Float>) {
        precondition(width % 8 == 0, "panel width \(width) is not a multiple of 8")
        let full = lanes / width, ragged = lanes % width
        for p in 0..<depth {
            let row = src + p * stepStride
            for panel in 0..<full {
                let from = UnsafeRawPointer(row + panel * width)
                let to = UnsafeMutableRawPointer(dst + (panel * depth + p) * width)
                for offset in stride(from: 0, to: width * 4, by: 32) {
                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                                  toByteOffset: offset, as: SIMD8<Float>.self)
                }
            }
            if ragged > 0 {
                let to = dst + (full * depth + p) * width
                to.update(from: row + full * width, count: ragged)
                (to + ragged).update(repeating: 0, count: width - ragged)
            }
        }
    }

    /// Packs a panel whose reduction steps are contiguous: lane `l` of step `p` is
    /// `src[l*laneStride + p]`. Transposes 8×8 blocks in registers; the ragged rest goes one by one.
    static func packTransposing(_ src: UnsafePointer<Float>, laneStride: Int, lanes: Int, width: Int, depth: Int,
                                into dst: UnsafeMutablePointer<Float>) {
        let fullGroups = lanes / 8
        let fullSteps = depth / 8 * 8
        for group in 0..<fullGroups {
            for p in stride(from: 0, to: fullSteps, by: 8) {
                transpose8x8(src + group * 8 * laneStride + p, stride: laneStride, into: dst + p * width + group * 8,
                             stride: width)
            }
            for p in fullSteps..<depth {
                for lane in group * 8..<group * 8 + 8 { dst[p * width + lane] = src[lane * laneStride + p] }
            }
        }
        for p in 0..<depth {
            for lane in fullGroups * 8..<lanes { dst[p * width + lane] = src[lane * laneStride + p] }
            (dst + p * width + lanes).update(repeating: 0, count: width - lanes)
        }
    }

    /// Writes the transpose of the 8×8 block at `src` (rows `stride` apart) to `dst` (rows
    /// `dstStride` apart): `dst[j*dstStride + i] = src[i*stride + j]`.
    @inline(__always)
    static func transpose8x8(_ src: UnsafePointer<Float>, stride: Int, into dst: UnsafeMutablePointer<Float>,
                             stride dstStride: Int) {
        @inline(__always) func row(_ i: Int) -> SIMD8<Float> {
            UnsafeRawPointer(src + i * stride).loadUnaligned(as: SIMD8<Float>.self)
        }
        @inline(__always) func store(_ j: Int, _ v: SIMD8<Float>) {
            UnsafeMutableRawPointer(dst + j * dstStride).storeBytes(of: v, as: SIMD8<Float>.self)
        }
        let t = transpose((row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7)))
        store(0, t.0); store(1, t.1); store(2, t.2); store(3, t.3)
        store(4, t.4); store(5, t.5); store(6, t.6); store(7, t.7)
    }

    typealias Block = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                       SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

    /// Transposes an 8×8 block held as 8 rows. Three perfect unshuffles: reading the block as one
    /// 64-element vector with index `8*row + col`, each unshuffle rotates the index's six bits right
    /// by one, so three of them turn `8*row + col` into `8*col + row`.
    @inline(__always)
    static func transpose(_ rows: Block) -> Block {
        unshuffle(unshuffle(unshuffle(rows)))
    }

    /// The even elements of the 64-element vector, then the odd ones.
    @inline(__always)
    static func unshuffle(_ x: Block) -> Block {
        let p0 = SIMD16(lowHalf: x.0, highHalf: x.1), p1 = SIMD16(lowHalf: x.2, highHalf: x.3)
        let p2 = SIMD16(lowHalf: x.4, highHalf: x.5), p3 = SIMD16(lowHalf: x.6, highHalf: x.7)
        return (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf, p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
    }
}
