#!/usr/bin/env python3
"""Writes Tests/ReproTensorTests/Vectors/matmul.json: numpy's float32 matrix products and the two
gradient products, for MatmulTests.swift.

Each case holds a shape (m, n, k), inputs drawn from numpy's `Generator(PCG64(seed))`
(`standard_normal(dtype=np.float32)`: A m×k, then B k×n, then dC m×n) and numpy's results:
    c  = np.matmul(a, b)      (m×n)
    da = np.matmul(dc, b.T)   (m×k)
    db = np.matmul(a.T, dc)   (k×n)
numpy's BLAS sums in its own blocked order, so the Swift test compares with a tolerance, relative
to the sum of |products| of each element.

Encoding: every float as its IEEE bit pattern, "0x%08x", so nothing is lost in JSON.

Usage: python3 scripts/reference_matmul.py   (numpy 2.4 was used)
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproTensorTests" / "Vectors"

# (m, n, k, seed): a scalar product, ragged small shapes, and one spanning several register tiles.
CASES = [(1, 1, 1, 1), (2, 3, 4, 2), (17, 33, 31, 3), (9, 40, 35, 4)]


def hexes(x):
    return ["0x%08x" % int(w) for w in np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).ravel()]


def main():
    cases = []
    for m, n, k, seed in CASES:
        g = np.random.Generator(np.random.PCG64(seed))
        a = g.standard_normal((m, k), dtype=np.float32)
        b = g.standard_normal((k, n), dtype=np.float32)
        dc = g.standard_normal((m, n), dtype=np.float32)
        cases.append({
            "m": m, "n": n, "k": k, "seed": seed,
            "a": hexes(a), "b": hexes(b), "dc": hexes(dc),
            "c": hexes(np.matmul(a, b)), "da": hexes(np.matmul(dc, b.T)), "db": hexes(np.matmul(a.T, dc)),
        })
    OUT.mkdir(parents=True, exist_ok=True)
    # Sorted keys, one case per line.
    lines = ",\n".join(json.dumps(case, sort_keys=True) for case in cases)
    (OUT / "matmul.json").write_text(f'{{"cases": [\n{lines}\n], "numpy": {json.dumps(np.__version__)}}}\n')
    print(f"wrote {OUT / 'matmul.json'} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
