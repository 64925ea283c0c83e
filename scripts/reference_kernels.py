#!/usr/bin/env python3
"""Reference vectors for ReproTensor's kernels, from numpy in float64.

Writes Tests/ReproTensorTests/Vectors/kernels.json, read by ElementaryTests, ElementwiseKernelTests and
ReduceKernelTests. Inputs are float32 (numpy's default_rng); every reference is computed in float64
from those float32 inputs with the textbook formula, then rounded once to float32. So the vectors
check the math (formulas, constants, stability), and the tests compare with a tolerance: Repro
computes in float32.

Encoding (as Tests/ReproRandomTests/Support/Vectors.swift): floats as their bit patterns, "0x%08x".
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproTensorTests" / "Vectors" / "kernels.json"


def hexes(a):
    return ["0x%08x" % v for v in np.asarray(a, dtype=np.float32).ravel().view(np.uint32)]


def f64(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def gelu_tanh(x):
    """torch.nn.functional.gelu(x, approximate="tanh") and its derivative, in float64."""
    beta, kappa = np.sqrt(2 / np.pi), 0.044715
    inner = beta * (x + kappa * x**3)
    t = np.tanh(inner)
    y = 0.5 * x * (1 + t)
    dy = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * beta * (1 + 3 * kappa * x * x)
    return y, dy


def main():
    rng = np.random.default_rng(20240611)
    out = {}

    # Elementary functions over a spread of magnitudes.
    x = np.concatenate([rng.standard_normal(64) * 4, rng.uniform(-90, 90, 32), [0.5, 1.0, 2.0, 10.0, 20.0]])
    x = x.astype(np.float32)
    xd = f64(x)
    positive = np.abs(x) + np.float32(1e-3)
    with np.errstate(over="ignore"):
        out["elementary"] = {
            "x": hexes(x),
            "exp": hexes(np.exp(xd)),
            "tanh": hexes(np.tanh(xd)),
            "sigmoid": hexes(np.where(xd >= 0, 1 / (1 + np.exp(-xd)), np.exp(xd) / (1 + np.exp(xd)))),
            "log_x": hexes(positive),
            "log": hexes(np.log(f64(positive))),
        }

    # GELU (tanh approximation) and its gradient for an upstream gradient g.
    x = (rng.standard_normal(67) * 3).astype(np.float32)
    g = rng.standard_normal(67).astype(np.float32)
    y, dy = gelu_tanh(f64(x))
    out["gelu"] = {"x": hexes(x), "g": hexes(g), "y": hexes(y), "grad": hexes(f64(g) * dy)}

    # Row-wise softmax and log-softmax, with large offsets per row (stability), and their gradients.
    rows, cols = 5, 37
    x = (rng.standard_normal((rows, cols)) * 3 + np.array([0, 80, -80, 1000, -1000])[:, None]).astype(np.float32)
    g = rng.standard_normal((rows, cols)).astype(np.float32)
    xd, gd = f64(x), f64(g)
    shifted = xd - xd.max(axis=1, keepdims=True)
    log_y = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    y = np.exp(log_y)
    # The backward kernels take the float32 forward outputs, as autograd would.
    y32, log_y32 = f64(y.astype(np.float32)), f64(log_y.astype(np.float32))
    out["softmax"] = {
        "rows": rows, "cols": cols, "x": hexes(x), "g": hexes(g), "softmax": hexes(y), "log_softmax": hexes(log_y),
        "softmax_grad": hexes(y32 * (gd - (gd * y32).sum(axis=1, keepdims=True))),
        "log_softmax_grad": hexes(gd - np.exp(log_y32) * gd.sum(axis=1, keepdims=True)),
    }

    # Sums and means along each axis of a [outer, axis, inner] view, and of everything.
    shape = (3, 50, 7)
    x = rng.standard_normal(shape).astype(np.float32)
    xd = f64(x)
    out["sum"] = {
        "shape": list(shape), "x": hexes(x), "sum_axis1": hexes(xd.sum(axis=1)), "mean_axis1": hexes(xd.mean(axis=1)),
        "sum_all": hexes(xd.sum()), "mean_all": hexes(xd.mean()),
    }

    # max / argmax along the last axis, with ties, -inf and NaN (numpy's argmax: first NaN, else
    # first maximum).
    x = rng.integers(-3, 4, (6, 9)).astype(np.float32)
    x[1, :] = -np.inf
    x[2, 4] = np.nan
    x[2, 7] = np.nan
    x[3, :] = 2.0
    out["max"] = {"rows": 6, "cols": 9, "x": hexes(x), "values": hexes(np.max(x, axis=1)),
                  "indices": [int(i) for i in np.argmax(x, axis=1)]}

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(OUT.parents[3])}")


if __name__ == "__main__":
    main()
