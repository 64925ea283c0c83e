#!/usr/bin/env python3
"""Writes Tests/ReproNNTests/Vectors/trace_hash.json: the hashes a Repro training trace records
(docs/ARCHITECTURE.md §7, "Traces"), computed with the `xxhash` package (PyPI) and numpy.

A tensor's hash is XXH64 of its Float32 elements (little-endian, row-major) seeded with XXH64
(seed 0) of its shape as little-endian int64s; dataset indices hash as XXH64 (seed 0) of the
indices as little-endian int64s.

    /work/torchvenv/bin/pip install xxhash
    /work/torchvenv/bin/python scripts/reference_trace_hash.py
"""
import json
import os

import numpy as np
import xxhash


def tensor_hash(a):
    shape = xxhash.xxh64(np.asarray(a.shape, "<i8").tobytes()).intdigest()
    return xxhash.xxh64(np.ascontiguousarray(a, "<f4").tobytes(), seed=shape).intdigest()


def indices_hash(indices):
    return xxhash.xxh64(np.asarray(indices, "<i8").tobytes()).intdigest()


def bits(a):
    return ["0x%08x" % b for b in np.ascontiguousarray(a, "<f4").view("<u4").ravel()]


rng = np.random.default_rng(20261203)
tensors = [
    np.float32(1.5).reshape(()),
    np.array([1.5], np.float32),
    np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45], np.float32),
    rng.standard_normal((2, 3)).astype(np.float32),
    rng.standard_normal((3, 2)).astype(np.float32),
    rng.standard_normal((5, 7)).astype(np.float32),  # 140 bytes: stripes, 8-byte and 4-byte tails
    rng.standard_normal((2, 3, 4, 5)).astype(np.float32),
    np.zeros((0, 4), np.float32),
]
cases = [{"shape": list(t.shape), "bits": bits(t), "hash": "0x%016x" % tensor_hash(t)} for t in tensors]
index_cases = [{"indices": list(map(int, i)), "hash": "0x%016x" % indices_hash(i)}
               for i in ([], [0], [3, 1, 4, 1, 5, 9, 2, 6], list(rng.permutation(100)[:37]))]
# XXH64 itself on byte strings of every length 0..40 (each byte i is i*7+3 mod 256), seeds 0 and 2^64-1.
raw = bytes((i * 7 + 3) % 256 for i in range(40))
xxh = [{"length": n, "seed": str(seed), "hash": "0x%016x" % xxhash.xxh64(raw[:n], seed=seed).intdigest()}
       for n in range(41) for seed in (0, 2**64 - 1)]
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "ReproNNTests", "Vectors", "trace_hash.json")
with open(out, "w") as f:
    json.dump({"tensors": cases, "indices": index_cases, "xxh64": xxh}, f, indent=1)
    f.write("\n")
