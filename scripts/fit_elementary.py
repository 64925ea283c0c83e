#!/usr/bin/env python3
"""Derives the polynomial coefficients of ReproMath's exp, log and tanh (Sources/ReproTensor/Math).

    python3 scripts/fit_elementary.py

Needs mpmath only. Each polynomial is a minimax fit (Remez exchange, 60 significant digits) of the
*relative* error of the function it serves, over the interval its range reduction leaves, with the
leading terms fixed to the exact Taylor terms so they cost no rounding:

    exp:   e^r      = 1 + r + r^2 * E(r),       |r| <= ln2/2 (+ margin for the rounded reduction)
    log:   log1p(f) = f + f^2 * L(f),           f = m - 1, m in [2/3, 4/3)
    tanh:  tanh(x)  = x + x^3 * T(x^2),         |x| < 0.625 (beyond it tanh goes through exp)

The coefficients are then rounded to Float32 and the error of the *rounded* polynomial is measured
again in high precision on a dense grid. The script prints both errors, in units of 2^-24 relative
(about one Float32 ulp at the bottom of a binade), and the Swift literals that the sources hold. The
rounding error of evaluating the polynomial in Float32 comes on top; the ulp sweep
(Benchmarks/ulp-sweep) measures the whole function.
"""
import mpmath as mp

mp.mp.dps = 60
GRID = 3000  # even  # error samples per fit and check


def remez(g, weight, lo, hi, powers, iterations=30):
    """Coefficients c of sum c_k x^powers[k] minimising max |weight(x) * (g(x) - sum ...)| on [lo, hi]."""
    n = len(powers)
    # Chebyshev extremal points as the first reference, nudged off the centre, where a relative
    # weight can vanish. The grid (an even count of points) does not hold the centre either.
    ref = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (n - i) / n) for i in range(n + 1)]
    ref = [x + (hi - lo) * mp.mpf("1e-3") if 0 < i < n else x for i, x in enumerate(ref)]
    grid = [lo + (hi - lo) * i / (GRID - 1) for i in range(GRID)]
    gw = [(x, g(x), weight(x)) for x in grid]
    best, best_err = None, mp.inf
    for _ in range(iterations):
        # Solve sum c_k x_i^p_k + (-1)^i E / w(x_i) = g(x_i) for c and E.
        rows = [[x**p for p in powers] + [(-1) ** i / weight(x)] for i, x in enumerate(ref)]
        sol = mp.lu_solve(mp.matrix(rows), mp.matrix([g(x) for x in ref]))
        coeffs = [sol[k] for k in range(n)]
        err = [(x, w * (gx - sum(c * x**p for c, p in zip(coeffs, powers)))) for x, gx, w in gw]
        # The exchange can cycle when the error left by fixed coefficients dominates (the greedy
        # rounding below): keep the best iterate.
        worst = max(abs(e) for _, e in err)
        if worst < best_err:
            best, best_err = coeffs, worst
        new_ref = alternating_extrema(err, n + 1)
        if new_ref is None:
            break
        if max(abs(a - b) for a, b in zip(new_ref, ref)) < (hi - lo) * mp.mpf(10) ** -12:
            break
        ref = new_ref
    return best


def float32_minimax(g, weight, lo, hi, degree):
    """Float32 coefficients of degree `degree`, fixed one at a time from the lowest power: each is
    rounded to Float32 and the higher ones are refitted around it (a greedy form of Sollya's
    fpminimax), which usually recovers most of what plain rounding of the minimax coefficients
    loses. `fit` keeps whichever of the two is better."""
    fixed = []
    for k in range(degree + 1):
        def rest(x, fixed=tuple(fixed)):
            return g(x) - sum(c * x**p for p, c in enumerate(fixed))
        coeffs = remez(rest, weight, lo, hi, list(range(k, degree + 1)))
        fixed.append(to_float32(coeffs[0]))
    return fixed


def alternating_extrema(err, count):
    """count points of alternating sign including the largest |error|, or None if there are fewer."""
    runs = []  # (x, e) with the largest |e| of each run of one sign
    for x, e in err:
        if runs and mp.sign(e) == mp.sign(runs[-1][1]):
            if abs(e) > abs(runs[-1][1]):
                runs[-1] = (x, e)
        else:
            runs.append((x, e))
    if len(runs) < count:
        return None
    while len(runs) > count:
        # Drop whichever end holds the smaller error; the alternation is kept.
        runs.pop(0 if abs(runs[0][1]) < abs(runs[-1][1]) else -1)
    return [x for x, _ in runs]


def poly(coeffs, x):
    acc = mp.mpf(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


def to_float32(x):
    """x rounded to the nearest Float32 (ties to even), as an mpf."""
    x = mp.mpf(x)
    if x == 0:
        return x
    m, e = mp.frexp(x)  # x = m * 2^e, 0.5 <= |m| < 1
    return mp.ldexp(mp.nint(mp.ldexp(m, 24)), e - 24)


def swift_hex(x):
    """The Float32 x as a Swift hexadecimal float literal (exact)."""
    mantissa, exponent = float(x).hex().split("p")
    return mantissa.rstrip("0").rstrip(".") + "p" + exponent


def fit(name, g, weight, lo, hi, degree, full):
    """Fits, rounds to Float32, and reports the relative error of the whole approximation `full`."""
    coeffs = remez(g, weight, lo, hi, list(range(degree + 1)))
    scale = mp.mpf(2) ** -24
    grid = [lo + (hi - lo) * i / (4 * GRID - 1) for i in range(4 * GRID)]

    def error(c):
        return max(abs(full(c, x)) for x in grid) / scale

    exact_err = error(coeffs)
    rounded, rounded_err = min(((c, error(c)) for c in ([to_float32(c) for c in coeffs],
                                                          float32_minimax(g, weight, lo, hi, degree))),
                               key=lambda pair: pair[1])
    print(f"// {name}: degree {degree} on [{mp.nstr(lo, 8)}, {mp.nstr(hi, 8)}]; relative error "
          f"{mp.nstr(exact_err, 3)} x 2^-24 (minimax), {mp.nstr(rounded_err, 3)} x 2^-24 (Float32 coefficients)")
    for k, c in enumerate(rounded):
        print(f"//   c{k} = {swift_hex(c)}")
    return rounded


def constants():
    """The range-reduction constants: ln 2 split Cody-Waite style, and log2(e)."""
    ln2 = mp.log(2)
    # 16 significant bits: n * ln2Hi is exact for |n| <= 255, and x - n * ln2Hi is then exact too.
    hi = mp.ldexp(mp.nint(mp.ldexp(ln2, 16)), -16)
    print(f"// ln2Hi = {swift_hex(hi)}, ln2Lo = {swift_hex(to_float32(ln2 - hi))}, "
          f"log2e = {swift_hex(to_float32(1 / ln2))}")


def main():
    constants()
    # exp: the reduction r = x - n*ln2 uses n = round(x * log2(e) in Float32), so |r| can exceed
    # ln2/2 by a few ulps of x*log2(e) (|x| <= 104): 1e-4 of margin covers it.
    a = mp.log(2) / 2 + mp.mpf("1e-4")

    def exp_g(r):
        return mp.mpf(1) / 2 if r == 0 else (mp.exp(r) - 1 - r) / r**2

    def exp_full(c, r):
        return (1 + r + r**2 * poly(c, r)) / mp.exp(r) - 1

    fit("exp E(r)", exp_g, lambda r: r**2 / mp.exp(r), -a, a, 4, exp_full)

    # log: m = x / 2^e in [2/3, 4/3), as the reduction takes the exponent from bits(x) - bits(2/3).
    lo, hi = mp.mpf(2) / 3 - 1 - mp.mpf("1e-7"), mp.mpf(4) / 3 - 1 + mp.mpf("1e-7")

    def log_g(f):
        return mp.mpf(-1) / 2 if f == 0 else (mp.log1p(f) - f) / f**2

    def log_w(f):
        return f**2 / abs(mp.log1p(f))

    def log_full(c, f):
        return 0 if f == 0 else (f + f**2 * poly(c, f)) / mp.log1p(f) - 1

    fit("log L(f)", log_g, log_w, lo, hi, 8, log_full)

    # tanh below the threshold, in z = x^2.
    threshold = mp.mpf("0.625")

    def tanh_g(z):
        if z == 0:
            return mp.mpf(-1) / 3
        x = mp.sqrt(z)
        return (mp.tanh(x) - x) / x**3

    def tanh_w(z):
        x = mp.sqrt(z)
        return x**3 / mp.tanh(x)

    def tanh_full(c, z):
        if z == 0:
            return 0
        x = mp.sqrt(z)
        return (x + x**3 * poly(c, z)) / mp.tanh(x) - 1

    fit("tanh T(z), z = x^2", tanh_g, tanh_w, mp.mpf("1e-12"), threshold**2, 5, tanh_full)


if __name__ == "__main__":
    main()
