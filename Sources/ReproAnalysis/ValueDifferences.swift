/// A tolerance for comparing two runs' values, with numpy's `isclose(a, b, rtol, atol)` semantics:
/// `|a − b| ≤ atol + rtol · |b|`, `b` being the second run's value. NaN is never close to anything
/// (numpy's `equal_nan=False`), an infinity only to the same infinity.
public struct Tolerance: Sendable, Hashable, CustomStringConvertible {
    /// `rtol`, non-negative.
    public let relative: Double
    /// `atol`, non-negative.
    public let absolute: Double

    /// A tolerance of `relative` (rtol) and `absolute` (atol).
    ///
    /// - Precondition: both are non-negative and finite.
    public init(relative: Double = 0, absolute: Double = 0) {
        precondition(relative >= 0 && relative.isFinite && absolute >= 0 && absolute.isFinite,
                     "Tolerance: rtol and atol must be non-negative and finite, got \(relative), \(absolute)")
        self.relative = relative
        self.absolute = absolute
    }

    /// Whether `a` is close to `b`: `|a − b| ≤ atol + rtol · |b|` (numpy's `isclose(a, b)`).
    func isClose(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return false }
        if a.isInfinite || b.isInfinite { return a == b }
        return abs(a - b) <= absolute + relative * abs(b)
    }

    /// `rtol X, atol Y`.
    public var description: String { "rtol \(relative), atol \(absolute)" }
}

/// What differs between two series of values (a log column, a tensor, or all of a run's weights):
/// how many differ in their bits, the largest absolute and relative differences and where, and
/// how many lie outside a tolerance.
///
/// The relative difference is `|a − b| / |b|` (numpy's `assert_allclose` report): infinite where
/// `b` is 0 and `a` is not. Pairs with a NaN or an infinity count as differing (unless both are the
/// same text or bits) and as outside any tolerance, but take no part in the largest differences;
/// `nonFinite` counts them.
struct DifferenceSummary: Sendable, Hashable {
    /// One difference and where it is.
    struct Extreme: Sendable, Hashable {
        /// The absolute or relative difference.
        let difference: Double
        /// Where: a step (`17`) or a tensor element (`3.weight[12, 7]`).
        let location: String
        /// The first run's value.
        let a: Double
        /// The second run's value.
        let b: Double
    }

    /// The number of pairs compared.
    private(set) var compared = 0
    /// The pairs whose bits (or logged texts) differ.
    private(set) var differing = 0
    /// The pairs in which a value is NaN or infinite.
    private(set) var nonFinite = 0
    /// The largest `|a − b|`; nil when no finite pair differs.
    private(set) var largestAbsolute: Extreme?
    /// The largest `|a − b| / |b|`; nil when no finite pair differs.
    private(set) var largestRelative: Extreme?
    /// The pairs that are not close under the tolerance given to `add` (0 without one).
    private(set) var outsideTolerance = 0
    /// The first pair outside the tolerance.
    private(set) var firstOutsideTolerance: Extreme?

    /// An empty summary.
    init() {}

    /// Adds the pair (`a`, `b`), whose texts or bits are the same exactly when `identical`.
    /// `location` is evaluated only when the pair becomes one of the extremes.
    mutating func add(_ a: Double, _ b: Double, identical: Bool, tolerance: Tolerance?,
                             location: () -> String) {
        compared += 1
        let finite = a.isFinite && b.isFinite
        if !finite { nonFinite += 1 }
        if let tolerance, !tolerance.isClose(a, b) {
            outsideTolerance += 1
            if firstOutsideTolerance == nil {
                firstOutsideTolerance = Extreme(difference: abs(a - b), location: location(), a: a, b: b)
            }
        }
        if identical { return }
        differing += 1
        guard finite else { return }
        let absolute = abs(a - b)
        let relative = b == 0 ? (a == 0 ? 0 : .infinity) : absolute / abs(b)
        if absolute > (largestAbsolute?.difference ?? -1) {
            largestAbsolute = Extreme(difference: absolute, location: location(), a: a, b: b)
        }
        if relative > (largestRelative?.difference ?? -1) {
            largestRelative = Extreme(difference: relative, location: location(), a: a, b: b)
        }
    }

    /// Adds a pair whose values cannot be compared as numbers (a tensor of integers or 8-bit floats):
    /// it differs, and is outside any tolerance, unless `identical`.
    mutating func addUncompared(identical: Bool, tolerance: Tolerance?, location: () -> String) {
        compared += 1
        if identical { return }
        differing += 1
        if tolerance != nil {
            outsideTolerance += 1
            if firstOutsideTolerance == nil {
                firstOutsideTolerance = Extreme(difference: .nan, location: location(), a: .nan, b: .nan)
            }
        }
    }

    /// Adds every pair of `other` (summaries of parts combined into one of the whole).
    mutating func merge(_ other: DifferenceSummary) {
        compared += other.compared
        differing += other.differing
        nonFinite += other.nonFinite
        outsideTolerance += other.outsideTolerance
        if firstOutsideTolerance == nil { firstOutsideTolerance = other.firstOutsideTolerance }
        if let extreme = other.largestAbsolute, extreme.difference > (largestAbsolute?.difference ?? -1) {
            largestAbsolute = extreme
        }
        if let extreme = other.largestRelative, extreme.difference > (largestRelative?.difference ?? -1) {
            largestRelative = extreme
        }
    }
}
