"""Reference vectors for FixedPointSum (Sources/ReproDistributed/FixedPointSum.swift), computed
independently with Python's exact integers and fractions:

    m = frexp exponent of the largest magnitude over all shards
    B = 62 - ceil(log2 S)
    q = round_half_even(g * 2**(B - m))          (exact rational arithmetic)
    result = float32(float64(sum q) * 2**(m - B))

and, for the accuracy check, the exactly rounded true sum (fractions) as float32.

    python3 scripts/reference_fixed_point_sum.py > Tests/ReproDistributedTests/Vectors/fixed_point_sum.json
"""
import json
import math
from fractions import Fraction

import numpy as np


def fixed_point_sum(shards):
    S = len(shards)
    largest = max(float(abs(v)) for shard in shards for v in shard)
    if largest == 0:
        return [0.0] * len(shards[0])
    m = math.frexp(largest)[1]
    B = 62 - math.ceil(math.log2(S)) if S > 1 else 62
    sums = [0] * len(shards[0])
    for shard in shards:
        for i, v in enumerate(shard):
            sums[i] += round(Fraction(float(v)) * Fraction(2) ** (B - m))  # round() on Fraction: half to even
    unit = math.ldexp(1.0, m - B)
    return [float(np.float32(float(s) * unit)) for s in sums]


def exact_sum(shards):
    return [float(np.float32(float(sum(Fraction(float(shard[i])) for shard in shards))))
            for i in range(len(shards[0]))]


rng = np.random.default_rng(20261203)
cases = []
for case, (S, n) in enumerate([(1, 7), (2, 16), (3, 33), (4, 64), (6, 50), (12, 40), (5, 9)]):
    magnitudes = rng.uniform(-75, 5, size=(S, n))   # wider than the grid: low bits round
    values = (rng.standard_normal((S, n)) * np.exp2(magnitudes)).astype(np.float32)
    values[:, 0] = 0                                     # a column of zeros
    if n > 3:
        values[0, 1] = np.float32(1e-45)                 # a subnormal
        values[-1, 2] = -values[0, 2]                    # cancellation
    shards = [[float(v) for v in row] for row in values]
    cases.append({"shards": [[v.item() for v in row] for row in values],
                  "fixedPointSum": fixed_point_sum(values.tolist()),
                  "exactSum": exact_sum(values.tolist())})
cases.append({"shards": [[0.0, -0.0], [0.0, 0.0]], "fixedPointSum": [0.0, 0.0], "exactSum": [0.0, 0.0]})
json.dump({"generator": "scripts/reference_fixed_point_sum.py", "cases": cases}, __import__("sys").stdout)
