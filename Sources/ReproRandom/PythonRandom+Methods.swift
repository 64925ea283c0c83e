import Foundation

/// CPython 3.11's `random.Random` methods. Integer methods draw through `_randbelow(n)`:
/// `getrandbits(n.bit_length())`, redrawn until below `n`.
extension PythonRandom {
    /// `random()`: a double in [0, 1) from two 32-bit words, `(a >> 5, b >> 6)` over 2^53.
    public mutating func random() -> Double {
        mt.nextDouble()
    }

    /// `getrandbits(k)` for `k` in 0...64: one word for `k <= 32` (its high `k` bits), otherwise
    /// words least significant first, the last one keeping its high bits. `k == 0` draws nothing.
    ///
    /// - Throws: ``RandomArgumentError`` when `k` is negative (as CPython) or above 64 (use
    ///   ``getrandbitsWords(_:)``).
    public mutating func getrandbits(_ k: Int) throws -> UInt64 {
        guard k >= 0 else { throw Self.negativeBitCount(k) }
        guard k <= 64 else {
            throw RandomArgumentError("getrandbits", "k must be in 0...64 for a UInt64 result, got \(k); "
                + "getrandbitsWords(_:) returns any number of bits")
        }
        return bits(k)
    }

    /// `getrandbits(k)` for any `k >= 0`, as `ceil(k / 32)` little-endian 32-bit words (the
    /// integer is `sum(words[i] << (32 * i))`; `k == 0` gives no words).
    ///
    /// - Throws: ``RandomArgumentError`` when `k` is negative or above `Int32.max` (CPython:
    ///   `OverflowError`).
    public mutating func getrandbitsWords(_ k: Int) throws -> [UInt32] {
        guard k >= 0 else { throw Self.negativeBitCount(k) }
        guard k <= Int32.max else {
            throw RandomArgumentError("getrandbits", "k must be at most \(Int32.max) (CPython's getrandbits takes a C int), "
                + "got \(k)")
        }
        if k <= 32 { return k == 0 ? [] : [mt.nextUInt32() >> (32 - k)] }
        var remaining = k
        var words: [UInt32] = []
        words.reserveCapacity((k + 31) / 32)
        while remaining > 0 {
            let word = mt.nextUInt32()
            words.append(remaining < 32 ? word >> (32 - remaining) : word)
            remaining -= 32
        }
        return words
    }

    /// `randrange(stop)`: an integer in `0..<stop`.
    ///
    /// - Throws: ``RandomArgumentError`` unless `stop > 0` (CPython: `empty range for randrange()`).
    public mutating func randrange(_ stop: Int) throws -> Int {
        guard stop > 0 else {
            throw RandomArgumentError("randrange", "empty range for randrange(): stop must be positive, got \(stop)")
        }
        return Int(randbelow(maxValue: UInt64(stop - 1)))
    }

    /// `randrange(start, stop, step)`: a uniform choice from `stride(from: start, to: stop, by: step)`,
    /// as `start + step * _randbelow(n)` with `n` the stride's length. Any `Int` bounds work, up to
    /// the full width 2^64 − 1.
    ///
    /// - Throws: ``RandomArgumentError`` when `step` is 0 (CPython: `zero step for randrange()`) or
    ///   the stride is empty (CPython: `empty range for randrange()`).
    public mutating func randrange(_ start: Int, _ stop: Int, step: Int = 1) throws -> Int {
        // Unsigned wrapping arithmetic: widths reach 2^64 - 1, and the result lies in the range.
        let width = UInt64(bitPattern: Int64(stop)) &- UInt64(bitPattern: Int64(start))
        if step == 1 {
            guard start < stop else {
                // CPython prints the width stop - start, here 0 or negative.
                let width = start == stop ? "0" : "-\(0 &- width)"
                throw RandomArgumentError("randrange", "empty range for randrange() (\(start), \(stop), \(width)): "
                    + "stop must be greater than start")
            }
            return start.adding(randbelow(maxValue: width - 1), times: 1)
        }
        guard step != 0 else {
            throw RandomArgumentError("randrange", "zero step for randrange(): step must be nonzero")
        }
        guard step > 0 ? start < stop : start > stop else {
            throw RandomArgumentError("randrange", "empty range for randrange(): with step \(step), stop must be "
                + "\(step > 0 ? "greater" : "less") than start; got start=\(start), stop=\(stop)")
        }
        let span = step > 0 ? width : 0 &- width
        let n = (span - 1) / UInt64(step.magnitude) + 1
        return start.adding(randbelow(maxValue: n - 1), times: step)
    }

    /// `randint(a, b)`: an integer in `a...b`, as `randrange(a, b + 1)` (so `randint(.min, .max)`
    /// works, drawing from 2^64 values).
    ///
    /// - Throws: ``RandomArgumentError`` unless `a <= b` (CPython: `empty range for randrange()`).
    public mutating func randint(_ a: Int, _ b: Int) throws -> Int {
        guard a <= b else {
            // CPython reports the randrange(a, b + 1) it calls, with the width b + 1 - a (0 or negative).
            let width = UInt64(bitPattern: Int64(a)) &- UInt64(bitPattern: Int64(b)) &- 1
            throw RandomArgumentError("randint", "empty range for randrange() (\(a), \(b + 1), \(width == 0 ? "" : "-")"
                + "\(width)): randint needs a <= b, got a=\(a), b=\(b)")
        }
        return a.adding(randbelow(maxValue: UInt64(bitPattern: Int64(b)) &- UInt64(bitPattern: Int64(a))), times: 1)
    }

    /// `choice(seq)`: `seq[_randbelow(len(seq))]`.
    ///
    /// - Throws: ``RandomArgumentError`` for an empty collection (CPython's `IndexError`).
    public mutating func choice<C: Collection>(_ elements: C) throws -> C.Element {
        guard !elements.isEmpty else {
            throw RandomArgumentError("choice", "Cannot choose from an empty sequence: choice needs at least one "
                + "element")
        }
        let offset = Int(randbelow(maxValue: UInt64(elements.count - 1)))
        return elements[elements.index(elements.startIndex, offsetBy: offset)]
    }

    /// `shuffle(x)`: Fisher–Yates from the back, swapping element `i` with element
    /// `_randbelow(i + 1)` for `i = n-1 ... 1`.
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ elements: inout C) {
        let count = elements.count
        guard count > 1 else { return }
        for i in stride(from: count - 1, through: 1, by: -1) {
            let j = Int(randbelow(maxValue: UInt64(i)))
            elements.swapAt(elements.index(elements.startIndex, offsetBy: i),
                            elements.index(elements.startIndex, offsetBy: j))
        }
    }

    /// `uniform(a, b)`: `a + (b - a) * random()`, a double between `a` and `b` (either order).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * random()
    }

    /// `gauss(mu, sigma)`: Box–Muller. A fresh pair costs two `random()` draws,
    /// `cos(2πx)·√(−2·log(1−y))` is used now and the `sin` partner is kept in `gauss_next` (part of
    /// the state) for the next call, whatever its `mu` and `sigma`.
    public mutating func gauss(mu: Double = 0.0, sigma: Double = 1.0) -> Double {
        var z: Double
        if let cached = gaussNext {
            z = cached
            gaussNext = nil
        } else {
            let x2pi = random() * (2.0 * Double.pi)
            let g2rad = (-2.0 * log(1.0 - random())).squareRoot()
            z = cos(x2pi) * g2rad
            gaussNext = sin(x2pi) * g2rad
        }
        return mu + z * sigma
    }

    /// CPython's `_randbelow_with_getrandbits(n)` for `n = maxValue + 1` (so n = 2^64 fits):
    /// `k = n.bit_length()`, then `getrandbits(k)` until the draw is below `n`. Even `n == 1`
    /// draws (a 1-bit word, redrawn until 0), as CPython does.
    mutating func randbelow(maxValue: UInt64) -> UInt64 {
        guard maxValue != .max else {
            // n = 2^64, k = 65: three words, accepted when the 65th bit is clear.
            while true {
                let low = UInt64(mt.nextUInt32())
                let high = UInt64(mt.nextUInt32())
                if mt.nextUInt32() >> 31 == 0 { return high << 32 | low }
            }
        }
        let k = UInt64.bitWidth - (maxValue + 1).leadingZeroBitCount
        while true {
            let r = bits(k)
            if r <= maxValue { return r }
        }
    }

    /// `getrandbits(k)` for `k` in 0...64.
    private mutating func bits(_ k: Int) -> UInt64 {
        if k <= 32 { return k == 0 ? 0 : UInt64(mt.nextUInt32() >> (32 - k)) }
        let low = UInt64(mt.nextUInt32())
        return UInt64(mt.nextUInt32() >> (64 - k)) << 32 | low
    }

    private static func negativeBitCount(_ k: Int) -> RandomArgumentError {
        RandomArgumentError("getrandbits", "number of bits must be non-negative, got \(k)")
    }
}

private extension Int {
    /// `self + step * r` for a result known to be an `Int`, computed modulo 2^64 so the
    /// intermediate product may exceed `Int`.
    func adding(_ r: UInt64, times step: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(bitPattern: Int64(self)) &+ UInt64(bitPattern: Int64(step)) &* r)
    }
}
