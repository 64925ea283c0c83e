#!/usr/bin/env python3
"""Reference outputs of ReproTensor ops, computed by numpy.

Inputs are regenerated identically in Swift: input i of a case is
`np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)` with the case's seed, which
Repro's `Generator(PCG64(seed: seed)).standardNormalFloat()` reproduces bit for bit. Outputs are
computed in float64 from those float32 inputs and rounded once to float32, and stored as IEEE bit
patterns ("0x%08x") so JSON loses nothing. Writes Tests/ReproTensorTests/Vectors/tensor_ops.json.
"""
import json
import math
import pathlib
import struct

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproTensorTests" / "Vectors"


def inputs(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape, dtype=np.float32).astype(np.float64) for shape in shapes]


def bits(array):
    return ["0x%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in np.asarray(array, np.float32).ravel()]


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def gelu(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


LABELS = [3, 0, 4, 4, 1, 2]
CASES = [
    ("add", [[3, 4], [3, 4]], lambda a, b: a + b),
    ("add", [[3, 4], [4]], lambda a, b: a + b),
    ("add", [[2, 3, 4], [3, 1]], lambda a, b: a + b),
    ("sub", [[3, 4], [1, 4]], lambda a, b: a - b),
    ("mul", [[2, 1, 4], [3, 1]], lambda a, b: a * b),
    ("div", [[3, 4], [3, 4]], lambda a, b: a / (np.abs(b) + 0.5)),
    ("relu", [[5, 7]], lambda a: np.maximum(a, 0)),
    ("tanh", [[5, 7]], np.tanh),
    ("sigmoid", [[5, 7]], lambda a: 1 / (1 + np.exp(-a))),
    ("gelu", [[5, 7]], gelu),
    ("exp", [[5, 7]], np.exp),
    ("log", [[5, 7]], lambda a: np.log(np.abs(a) + 0.1)),
    ("sum", [[4, 5]], lambda a: a.sum()),
    ("mean", [[4, 5]], lambda a: a.mean()),
    ("sum_axis0", [[3, 4, 5]], lambda a: a.sum(axis=0)),
    ("sum_axis1", [[3, 4, 5]], lambda a: a.sum(axis=1)),
    ("mean_axis_last", [[3, 4, 5]], lambda a: a.mean(axis=-1)),
    ("amax", [[6, 5]], lambda a: a.max(axis=-1)),
    ("softmax", [[6, 5]], softmax),
    ("log_softmax", [[6, 5]], log_softmax),
    ("cross_entropy", [[6, 5]], lambda a: -log_softmax(a)[np.arange(6), LABELS].mean()),
    ("mse", [[4, 3], [4, 3]], lambda a, b: ((a - b) ** 2).mean()),
    ("matmul", [[5, 7], [7, 3]], lambda a, b: a @ b),
    ("transpose", [[5, 7]], lambda a: a.T),
    ("gather", [[5, 3]], lambda a: a[[4, 0, 4, 2]]),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for seed, (op, shapes, f) in enumerate(CASES, start=100):
        xs = inputs(seed, *shapes)
        y = np.asarray(f(*xs))
        cases.append({"op": op, "seed": seed, "shapes": shapes, "outShape": list(y.shape), "out": bits(y)})
    (OUT / "tensor_ops.json").write_text(json.dumps({"numpy": np.__version__, "labels": LABELS, "cases": cases},
                                                    indent=0) + "\n")


if __name__ == "__main__":
    main()
