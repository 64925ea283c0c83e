/// The operations ReproMath's functions are written in, for one `Float` or a vector of them.
///
/// Each elementary function is written once, generic over `FloatLanes`, and instantiated for
/// `Float` and `SIMD16<Float>`. Both conformances map every operation to the same IEEE operation on
/// each lane (+ − × ÷ correctly rounded, `addingProduct` a fused multiply-add, selections and bit
/// operations exact), and the algorithms select instead of branching, so the vector instantiation
/// gives the scalar one's bits lane by lane, on every machine.
protocol FloatLanes {
    associatedtype Bits: IntLanes
    associatedtype Mask

    static func splat(_ value: Float) -> Self
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    /// `self + a * b`, rounded once.
    func addingProduct(_ a: Self, _ b: Self) -> Self

    /// The IEEE bit patterns, as signed 32-bit integers.
    var bits: Bits { get }
    init(bits: Bits)

    static func .< (lhs: Self, rhs: Self) -> Mask
    static func .<= (lhs: Self, rhs: Self) -> Mask
    static func .== (lhs: Self, rhs: Self) -> Mask
    static func .!= (lhs: Self, rhs: Self) -> Mask
    /// `other` where `mask` is set, `self` elsewhere.
    func replacing(with other: Self, where mask: Mask) -> Self
}

/// Wrapping integer operations on the bit patterns of ``FloatLanes``: `Int32` or `SIMD16<Int32>`,
/// whose own `&+`, `&-`, `&`, `|`, `&<<` and `&>>` (arithmetic) these forward to.
protocol IntLanes {
    static func splat(_ value: Int32) -> Self
    func adding(_ other: Self) -> Self
    func subtracting(_ other: Self) -> Self
    func and(_ other: Self) -> Self
    func or(_ other: Self) -> Self
    func xor(_ other: Self) -> Self
    func shiftedLeft(_ count: Int32) -> Self
    /// Arithmetic (sign-extending) shift.
    func shiftedRight(_ count: Int32) -> Self
}

extension FloatLanes {
    /// `|self|`, by clearing the sign bit.
    @inline(__always)
    var absolute: Self { Self(bits: bits.and(.splat(0x7fff_ffff))) }

    /// `−self`: the sign bit flipped, as IEEE negation (the stdlib's SIMD prefix minus computes
    /// `0 − self`, which gives +0 for +0).
    @inline(__always)
    var negated: Self { Self(bits: bits.xor(.splat(Int32.min))) }

    /// `self` with the sign bit of `sign` (set, never cleared: `self` must be non-negative).
    @inline(__always)
    func withSign(of sign: Self) -> Self { Self(bits: bits.or(sign.bits.and(.splat(Int32.min)))) }

    /// The integers in `n` (|n| < 2^22) as floats, exactly: the bits of 1.5·2^23 + n, less 1.5·2^23.
    @inline(__always)
    static func converting(_ n: Bits) -> Self {
        Self(bits: n.adding(Self.splat(roundingShifter).bits)) - .splat(roundingShifter)
    }
}

/// Adding 1.5·2^23 to a float of magnitude below 2^22 rounds it to an integer (ties to even), and
/// leaves that integer in the low bits of the sum's bit pattern.
let roundingShifter: Float = 0x1.8p23

extension Float: FloatLanes {
    typealias Bits = Int32
    typealias Mask = Bool

    @inline(__always) static func splat(_ value: Float) -> Float { value }
    @inline(__always) var bits: Int32 { Int32(bitPattern: bitPattern) }
    @inline(__always) init(bits: Int32) { self.init(bitPattern: UInt32(bitPattern: bits)) }
    @inline(__always) static func .< (lhs: Float, rhs: Float) -> Bool { lhs < rhs }
    @inline(__always) static func .<= (lhs: Float, rhs: Float) -> Bool { lhs <= rhs }
    @inline(__always) static func .== (lhs: Float, rhs: Float) -> Bool { lhs == rhs }
    @inline(__always) static func .!= (lhs: Float, rhs: Float) -> Bool { lhs != rhs }
    @inline(__always) func replacing(with other: Float, where mask: Bool) -> Float { mask ? other : self }
}

extension Int32: IntLanes {
    @inline(__always) static func splat(_ value: Int32) -> Int32 { value }
    @inline(__always) func adding(_ other: Int32) -> Int32 { self &+ other }
    @inline(__always) func subtracting(_ other: Int32) -> Int32 { self &- other }
    @inline(__always) func and(_ other: Int32) -> Int32 { self & other }
    @inline(__always) func or(_ other: Int32) -> Int32 { self | other }
    @inline(__always) func xor(_ other: Int32) -> Int32 { self ^ other }
    @inline(__always) func shiftedLeft(_ count: Int32) -> Int32 { self &<< count }
    @inline(__always) func shiftedRight(_ count: Int32) -> Int32 { self &>> count }
}

extension SIMD16: FloatLanes where Scalar == Float {
    typealias Bits = SIMD16<Int32>
    typealias Mask = SIMDMask<SIMD16<Int32>>

    @inline(__always) static func splat(_ value: Float) -> Self { Self(repeating: value) }
    @inline(__always) var bits: SIMD16<Int32> { unsafeBitCast(self, to: SIMD16<Int32>.self) }
    @inline(__always) init(bits: SIMD16<Int32>) { self = unsafeBitCast(bits, to: Self.self) }
}

extension SIMD16: IntLanes where Scalar == Int32 {
    @inline(__always) static func splat(_ value: Int32) -> Self { Self(repeating: value) }
    @inline(__always) func adding(_ other: Self) -> Self { self &+ other }
    @inline(__always) func subtracting(_ other: Self) -> Self { self &- other }
    @inline(__always) func and(_ other: Self) -> Self { self & other }
    @inline(__always) func or(_ other: Self) -> Self { self | other }
    @inline(__always) func xor(_ other: Self) -> Self { self ^ other }
    @inline(__always) func shiftedLeft(_ count: Int32) -> Self { self &<< count }
    @inline(__always) func shiftedRight(_ count: Int32) -> Self { self &>> count }
}
