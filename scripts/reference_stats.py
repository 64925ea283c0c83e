#!/usr/bin/env python3
"""Writes Tests/ReproRunsTests/Vectors/stats.json: reference values for `repro stats`, computed by
SciPy and mpmath (`pip install numpy scipy mpmath`), which ReproRuns' StudentT, SampleSummary,
WelchTest, PairedTTest, EffectSize and Correlation must match to 1e-9 relative.

- Student's t: the distribution function, its complement and the quantile function over integer
  and fractional degrees of freedom (Welch's are fractional), into both tails, computed with
  mpmath at 50 digits (the regularized incomplete beta function; the quantile by root finding) and
  checked against `scipy.stats.t.cdf`, `t.sf`, `t.ppf`. mpmath is the reference because SciPy 1.17
  is off by up to 3e-9 relative near t = 0 for small ν (`t.cdf(1e-8, 1)` is 0.5000000047, the
  exact value 0.5 + atan(1e-8)/π = 0.5000000032); the script prints every such disagreement.
  P-values and intervals below use the mpmath functions too, after the same check.
- Samples: fixed arrays (hand-written accuracies and losses, and draws from numpy's PCG64 with fixed
  seeds): mean, `std(ddof=1)`, min, max, the 95 % and 99 % confidence intervals of the mean
  (`scipy.stats.t.interval` with `loc=mean, scale=sem`).
- Two-sample cases: Welch's test (`scipy.stats.ttest_ind(a, b, equal_var=False)`: t, df, p), the
  paired test (`scipy.stats.ttest_rel`), Cohen's d with the pooled standard deviation, Hedges' g
  with the exact correction `J = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2))` (via `scipy.special.gammaln`), and
  Pearson's r (`numpy.corrcoef`).

The inputs are fixed, so running the script again writes the same file for the same SciPy version
(recorded in the file).
"""
import json
import pathlib

import mpmath
import numpy as np
import scipy
from scipy import special, stats

mpmath.mp.dps = 50

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproRunsTests" / "Vectors" / "stats.json"

DFS = [1, 2, 3, 4.5, 5, 7, 9.73, 10, 29, 99, 1000, 10000]
PROBABILITIES = [1e-12, 1e-6, 0.001, 0.025, 0.05, 0.1, 0.3, 0.4999999, 0.5, 0.6, 0.9, 0.95, 0.975,
                 0.995, 0.9995, 0.999999]
TS = [-200.0, -30.0, -5.0, -2.5, -1.0, -0.1, 0.0, 1e-8, 0.3, 1.0, 1.96, 3.0, 10.0, 50.0, 1000.0]


def t_sf(t, df):
    """P(T > t) at 50 digits: I_x(df/2, 1/2) / 2 with x = df / (df + t^2), for t > 0."""
    t, df = mpmath.mpf(t), mpmath.mpf(df)
    if t == 0:
        return mpmath.mpf(1) / 2
    if t < 0:
        return 1 - t_sf(-t, df)
    return mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2


def t_ppf(p, df):
    """The t with P(T <= t) = p, by root finding on the upper tail at 50 digits."""
    if p == 0.5:
        return mpmath.mpf(0)
    tail = mpmath.mpf(min(p, 1 - p))
    start = abs(stats.t.ppf(p, df))
    root = mpmath.findroot(lambda t: mpmath.log(t_sf(t, df)) - mpmath.log(tail), mpmath.mpf(start))
    return root if p > 0.5 else -root


def checked(reference, scipy_value, what, tolerance=1e-12):
    """`reference` as a float, after printing where SciPy disagrees by more than `tolerance` relative."""
    value = float(reference)
    if value != scipy_value and abs(value - scipy_value) > tolerance * abs(value):
        print(f"SciPy disagrees on {what}: {scipy_value!r}, mpmath {value!r}")
    return value


def two_sided_p(t, df):
    return 2 * t_sf(abs(t), df)


def sample(seed, n, loc, scale):
    return (np.random.Generator(np.random.PCG64(seed)).normal(loc, scale, n)).tolist()


SAMPLES = {
    "accuracy8": [0.9805013927576601, 0.9749303621169917, 0.9777158774373259, 0.9832869080779945,
                  0.9721448467966574, 0.9805013927576601, 0.9777158774373259, 0.9860724233983287],
    "accuracy8_adam": [0.9749303621169917, 0.9693593314763231, 0.9777158774373259, 0.9721448467966574,
                       0.9665738161559888, 0.9749303621169917, 0.9721448467966574, 0.9805013927576601],
    "two": [0.5, 0.75],
    "three": [1.0, 2.0, 4.0],
    "loss5": [0.07141716, 0.0689, 0.0752, 0.0703, 0.0731],
    "normal20": sample(1, 20, 0.97, 0.004),
    "normal12": sample(2, 12, 0.965, 0.006),
    "normal100": sample(3, 100, 0.1, 0.02),
    "normal100b": sample(4, 100, 0.1005, 0.025),
    "wide": [-1e3, 5.0, 1e3, 250.5, -7.25, 42.0],
}
PAIRS = [("accuracy8", "accuracy8_adam"), ("normal20", "normal12"), ("two", "three"), ("normal100", "normal100b"),
         ("loss5", "three"), ("wide", "normal12")]
PAIRED = [("accuracy8", "accuracy8_adam"), ("normal100", "normal100b"), ("loss5", "wide")]


def summary(values):
    a = np.array(values)
    n = len(a)
    mean = float(a.mean())
    sd = float(a.std(ddof=1))
    sem = sd / np.sqrt(n)
    out = {"values": values, "mean": mean, "sd": sd, "min": float(a.min()), "max": float(a.max())}
    for level in (0.95, 0.99):
        low, high = stats.t.interval(level, n - 1, loc=mean, scale=sem)
        half = checked(t_ppf((1 + level) / 2, n - 1), float(stats.t.ppf((1 + level) / 2, n - 1)), f"ppf for CI n={n}") * sem
        out[f"ci{round(level * 100)}"] = [checked(mean - half, float(low), "CI low"),
                                          checked(mean + half, float(high), "CI high")]
    return out


def hedges(d, nu):
    return float(d * np.exp(special.gammaln(nu / 2) - special.gammaln((nu - 1) / 2)) / np.sqrt(nu / 2))


def two_sample(name_a, name_b):
    a, b = np.array(SAMPLES[name_a]), np.array(SAMPLES[name_b])
    welch = stats.ttest_ind(a, b, equal_var=False)
    va, vb = a.var(ddof=1), b.var(ddof=1)
    ea, eb = va / len(a), vb / len(b)
    df = (ea + eb) ** 2 / (ea ** 2 / (len(a) - 1) + eb ** 2 / (len(b) - 1))
    nu = len(a) + len(b) - 2
    pooled = np.sqrt(((len(a) - 1) * va + (len(b) - 1) * vb) / nu)
    d = (a.mean() - b.mean()) / pooled
    return {"a": name_a, "b": name_b, "welch_t": float(welch.statistic), "welch_df": float(df),
            "welch_p": checked(two_sided_p(welch.statistic, df), float(welch.pvalue), f"Welch p {name_a}/{name_b}"), "pooled_sd": float(pooled), "cohens_d": float(d),
            "hedges_g": hedges(d, nu)}


def paired(name_a, name_b):
    a, b = np.array(SAMPLES[name_a]), np.array(SAMPLES[name_b])
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    test = stats.ttest_rel(a, b)
    p = checked(two_sided_p(test.statistic, n - 1), float(test.pvalue), f"paired p {name_a}/{name_b}")
    return {"a": name_a, "b": name_b, "count": n, "t": float(test.statistic), "df": n - 1, "p": p,
            "pearson": float(np.corrcoef(a, b)[0, 1])}


def main():
    ppf = [{"df": df, "p": p, "t": checked(t_ppf(p, df), float(stats.t.ppf(p, df)), f"t.ppf({p}, {df})")}
           for df in DFS for p in PROBABILITIES]
    cdf = [{"df": df, "t": t, "cdf": checked(t_sf(-t, df), float(stats.t.cdf(t, df)), f"t.cdf({t}, {df})"),
            "sf": checked(t_sf(t, df), float(stats.t.sf(t, df)), f"t.sf({t}, {df})")}
           for df in DFS for t in TS]
    data = {
        "generator": f"scripts/reference_stats.py with numpy {np.__version__}, scipy {scipy.__version__}, mpmath {mpmath.__version__}",
        "quantiles": ppf,
        "distribution": cdf,
        "samples": {name: summary(values) for name, values in SAMPLES.items()},
        "two_sample": [two_sample(a, b) for a, b in PAIRS],
        "paired": [paired(a, b) for a, b in PAIRED],
    }
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}: {len(ppf)} quantiles, {len(cdf)} distribution values, {len(SAMPLES)} samples")


if __name__ == "__main__":
    main()
