#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// One ziggurat's three tables as raw pointers, so that hot loops read them without bounds checks
/// or reference counting: `bounds` (numpy `k…`), `widths` (`w…`) and `densities` (`f…`).
///
/// The pointers are only valid inside the closure that ``ZigguratTables`` hands them to.
@usableFromInline
struct Ziggurat<Bound: FixedWidthInteger, Value: BinaryFloatingPoint> {
    @usableFromInline let bounds: UnsafePointer<Bound>
    @usableFromInline let widths: UnsafePointer<Value>
    @usableFromInline let densities: UnsafePointer<Value>

    @inlinable
    static func with<Result>(
        _ bounds: [Bound], _ widths: [Value], _ densities: [Value], _ body: (Ziggurat) -> Result
    ) -> Result {
        bounds.withUnsafeBufferPointer { k in
            widths.withUnsafeBufferPointer { w in
                densities.withUnsafeBufferPointer { f in
                    body(Ziggurat(bounds: k.baseAddress!, widths: w.baseAddress!, densities: f.baseAddress!))
                }
            }
        }
    }

    @inlinable
    init(bounds: UnsafePointer<Bound>, widths: UnsafePointer<Value>, densities: UnsafePointer<Value>) {
        self.bounds = bounds
        self.widths = widths
        self.densities = densities
    }
}

extension ZigguratTables {
    /// numpy's `ki_double`, `wi_double`, `fi_double`.
    @inlinable
    static func normalDouble<Result>(_ body: (Ziggurat<UInt64, Double>) -> Result) -> Result {
        Ziggurat.with(kiDouble, wiDouble, fiDouble, body)
    }

    /// numpy's `ki_float`, `wi_float`, `fi_float`.
    @inlinable
    static func normalFloat<Result>(_ body: (Ziggurat<UInt32, Float>) -> Result) -> Result {
        Ziggurat.with(kiFloat, wiFloat, fiFloat, body)
    }

    /// numpy's `ke_double`, `we_double`, `fe_double`.
    @inlinable
    static func exponentialDouble<Result>(_ body: (Ziggurat<UInt64, Double>) -> Result) -> Result {
        Ziggurat.with(keDouble, weDouble, feDouble, body)
    }

    /// numpy's `ke_float`, `we_float`, `fe_float`.
    @inlinable
    static func exponentialFloat<Result>(_ body: (Ziggurat<UInt32, Float>) -> Result) -> Result {
        Ziggurat.with(keFloat, weFloat, feFloat, body)
    }
}

/// The C math library functions numpy's ziggurats call on their rare paths (`exp`, `expf`,
/// `npy_log1p`, `npy_log1pf`). Calling the platform's libm, as numpy does, is what makes those draws
/// match numpy bit for bit.
@usableFromInline func cExp(_ x: Double) -> Double { exp(x) }
@usableFromInline func cExpf(_ x: Float) -> Float { expf(x) }
@usableFromInline func cLog1p(_ x: Double) -> Double { log1p(x) }
@usableFromInline func cLog1pf(_ x: Float) -> Float { log1pf(x) }
