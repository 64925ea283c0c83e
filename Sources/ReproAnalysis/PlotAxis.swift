import Foundation

/// One axis of a figure: its domain in data units, its scale, and its ticks.
///
/// Linear axes use "nice" steps (1, 2 or 5 × 10ⁿ) and extend the domain to whole steps; logarithmic
/// axes extend it to whole decades and put a labelled tick at each power of ten (with unlabelled
/// minor ticks at 2…9 × 10ⁿ when there are few decades).
struct PlotAxis: Sendable, Equatable {
    /// How data values map to positions.
    enum Scale: Sendable, Equatable {
        /// Positions proportional to values.
        case linear
        /// Positions proportional to `log10` of values; only positive values can be placed.
        case logarithmic
    }

    /// One tick mark: where, and its label (empty for a minor tick).
    struct Tick: Sendable, Equatable {
        /// The tick's value in data units.
        let value: Double
        /// The label written at it; empty for a minor tick.
        let label: String
        /// Whether it is a major (labelled, gridline) tick.
        var isMajor: Bool { !label.isEmpty }
    }

    /// The scale.
    let scale: Scale
    /// The smallest value shown (at the axis start).
    let lower: Double
    /// The largest value shown (at the axis end).
    let upper: Double
    /// The ticks, in increasing order of value.
    let ticks: [Tick]

    /// A linear axis covering `[minimum, maximum]`, widened by `padding` × its width on each side,
    /// with about `targetTicks` nice ticks; with `includeZero` the domain reaches 0. An empty or
    /// one-point range is widened around its value.
    static func linear(minimum: Double, maximum: Double, includeZero: Bool = false, padding: Double = 0,
                              targetTicks: Int = 6) -> PlotAxis {
        var low = minimum.isFinite ? minimum : 0
        var high = maximum.isFinite ? maximum : 1
        if low > high { swap(&low, &high) }
        let pad = (high - low) * padding
        low -= pad
        high += pad
        if includeZero { low = min(low, 0); high = max(high, 0) }
        if high - low < 1e-12 * max(1, abs(high)) {
            let pad = high == 0 ? 1 : abs(high) * 0.05
            low -= pad
            high += pad
        }
        let step = niceNumber((high - low) / Double(max(1, targetTicks - 1)), round: true)
        let first = (low / step + 1e-9).rounded(.down)
        let last = (high / step - 1e-9).rounded(.up)
        let decimals = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
        var ticks: [Tick] = []
        var index = first
        while index <= last + 0.5 {
            let value = index * step
            ticks.append(Tick(value: value, label: PlotNumber.fixed(value, decimals)))
            index += 1
        }
        return PlotAxis(scale: .linear, lower: first * step, upper: last * step, ticks: ticks)
    }

    /// A logarithmic axis covering `[minimum, maximum]` (both positive) with a margin of a factor
    /// 1.2 on each side: labelled ticks at the powers of ten inside (at most about eight labels;
    /// with more decades only every second, third, … is labelled) and minor ticks at 2…9 × 10ⁿ
    /// when it spans at most five decades. A range holding fewer than two powers of ten is
    /// extended down to the power below it (and, if that is not enough, up to the one above), so
    /// there are always at least two labelled ticks.
    static func logarithmic(minimum: Double, maximum: Double) -> PlotAxis {
        let low = minimum > 0 && minimum.isFinite ? minimum : 1
        let high = maximum > 0 && maximum.isFinite ? max(maximum, low) : low
        var lower = low / 1.2
        var upper = high * 1.2
        var lowExponent = Int(log10(lower).rounded(.up))
        var highExponent = Int(log10(upper).rounded(.down))
        if power(lowExponent) < lower { lowExponent += 1 }  // log10 rounding at exact powers
        if power(highExponent) > upper { highExponent -= 1 }
        if highExponent <= lowExponent {  // fewer than two powers of ten: reach down to the one below
            lowExponent = min(lowExponent, Int(log10(low).rounded(.down)))
            lower = power(lowExponent)
        }
        if highExponent <= lowExponent {  // still fewer: and up to the one above
            highExponent = max(Int(log10(high).rounded(.up)), lowExponent + 1)
            upper = power(highExponent)
        }
        let decades = highExponent - lowExponent
        let labelEvery = max(1, (decades + 7) / 8)
        var ticks: [Tick] = []
        for exponent in (lowExponent - 1)...highExponent {
            if exponent >= lowExponent {
                let labelled = (exponent - lowExponent) % labelEvery == 0
                ticks.append(Tick(value: power(exponent), label: labelled ? powerLabel(exponent) : ""))
            }
            if decades <= 5 {
                for multiple in 2...9 {
                    let value = Double(multiple) * power(exponent)
                    if value > lower && value < upper { ticks.append(Tick(value: value, label: "")) }
                }
            }
        }
        return PlotAxis(scale: .logarithmic, lower: lower, upper: upper, ticks: ticks)
    }

    /// Where `value` falls along the axis, 0 at `lower` and 1 at `upper` (outside for values outside
    /// the domain); nil when it cannot be placed (not finite, or not positive on a log axis).
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// 10 to the power `exponent`, exactly as the decimal literal `1e<exponent>` reads.
    static func power(_ exponent: Int) -> Double { Double("1e\(exponent)")! }

    /// `10ⁿ` as text: decimal from 0.0001 to 10000 (`0.01`, `1`, `100`), else `1e-5`, `1e6`.
    static func powerLabel(_ exponent: Int) -> String {
        switch exponent {
        case 0...4: return "1" + String(repeating: "0", count: exponent)
        case -4..<0: return "0." + String(repeating: "0", count: -exponent - 1) + "1"
        default: return "1e\(exponent)"
        }
    }

    /// The nice number (1, 2, 5 or 10 × 10ⁿ) nearest `value` (`round`) or at least `value`.
    static func niceNumber(_ value: Double, round: Bool) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let exponent = log10(value).rounded(.down)
        let base = pow(10, exponent)
        let fraction = value / base
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * base
    }
}
