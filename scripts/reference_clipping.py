#!/usr/bin/env python3
"""Reference vectors for ReproNN's clipGradNorm: torch.nn.utils.clip_grad_norm_ (norm_type 2), by numpy.

Writes Tests/ReproNNTests/Vectors/clipping.json. Floats are IEEE bit patterns ("0x%08x" for float32,
"0x%016x" for float64) so JSON loses nothing; a gradient of null is a parameter without one.

    python3 scripts/reference_clipping.py                       # numpy only
    /path/to/venv-with-torch/bin/python scripts/reference_clipping.py

`expected` is PyTorch's algorithm in numpy float32, with each sum of squares in the blocked order of
Repro's Reduce kernels (blocks of 4096 terms, 64 lane accumulators, a fixed fold, blocks combined
pairwise), so Repro must match it bit for bit:

    norm_i = sqrt(sum_of_squares(g_i))            per parameter with a gradient, in order
    total  = sqrt(sum_of_squares([norm_i ...]))
    coef   = float32(1) / (total + float32(1e-6)) * float32(max_norm)   # Tensor.__rtruediv__ is reciprocal()*x
    coef   = min(coef, 1) (NaN stays NaN);  g_i = g_i * coef

`torch` is what torch.nn.utils.clip_grad_norm_ itself returned (CPU, its default foreach path): PyTorch
sums squares in its own order, so its norms can differ in the last bits; the Swift test compares them
with a tolerance. When torch is not importable, the torch values already in the file are kept. The
script also checks, on many totals, that torch's `max_norm / (total + 1e-6)` followed by
`clamp(max=1.0)` is bit for bit the coefficient formula above.
"""
import json
import pathlib
import struct

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproNNTests" / "Vectors" / "clipping.json"
F32 = np.float32
BLOCK = 4096


def bits32(array):
    return ["0x%08x" % v for v in np.asarray(array, np.float32).ravel().view(np.uint32)]


def bits64(value):
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", float(value)))[0]


def blocked_sum(x):
    """Reduce.sum's order: per block of 4096, term i into lane i % 64; (v0 + v1) + (v2 + v3) over the four
    16-lane vectors, halves folded; block sums combined pairwise level by level, an odd last one carried."""
    x = np.asarray(x, np.float32).ravel()
    blocks = []
    for start in range(0, len(x), BLOCK):
        chunk = x[start:start + BLOCK]
        rows = np.concatenate([chunk, np.zeros((-len(chunk)) % 64, np.float32)]).reshape(-1, 64)
        lanes = np.zeros(64, np.float32)
        for row in rows:
            lanes = lanes + row
        v = (lanes[0:16] + lanes[16:32]) + (lanes[32:48] + lanes[48:64])
        while len(v) > 1:
            half = len(v) // 2
            v = v[:half] + v[half:]
        blocks.append(v[0])
    while len(blocks) > 1:
        blocks = [blocks[i] + blocks[i + 1] if i + 1 < len(blocks) else blocks[i] for i in range(0, len(blocks), 2)]
    return blocks[0] if blocks else F32(0)


def sum_of_squares(x):
    x = np.asarray(x, np.float32).ravel()
    with np.errstate(over="ignore", invalid="ignore"):
        return blocked_sum(x * x)


def clip(grads, max_norm):
    """Returns (total, clipped grads) by the documented recipe."""
    present = [g for g in grads if g is not None]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        norms = np.array([np.sqrt(sum_of_squares(g)) for g in present], np.float32)
        total = np.sqrt(sum_of_squares(norms)) if len(present) else F32(0)
        if not present:
            return total, grads
        coef = (F32(1) / (total + F32(1e-6))) * F32(max_norm)
        coef = F32(1) if coef > 1 else coef
        return total, [None if g is None else g * coef for g in grads]


def inputs(seed, shapes, scale, without, overrides):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(s, dtype=np.float32) * F32(scale) for s in shapes]
    for param, index, value in overrides:
        grads[param].ravel()[index] = F32(value)
    return [None if i in without else g for i, g in enumerate(grads)]


CASES = [
    # name, seed, shapes, scale, max_norm, parameters without a gradient, (parameter, flat index, value) set
    ("clipped", 800, [[3, 4], [4], [2, 3, 5]], 1.0, 1.0, [], []),
    ("below the limit", 801, [[3, 4], [4], [2, 3, 5]], 1.0, 100.0, [], []),
    ("a parameter without a gradient", 802, [[3, 4], [4], [5]], 1.0, 0.5, [1], []),
    ("several blocks", 803, [[33, 128], [7]], 0.01, 0.25, [], []),
    ("a norm equal to max norm", 804, [[2]], 1.0, 5.0, [], [(0, 0, 3.0), (0, 1, -4.0)]),
    ("max norm zero", 805, [[2, 2]], 1.0, 0.0, [], []),
    ("an infinite gradient", 806, [[2, 3], [3]], 1.0, 1.0, [], [(0, 4, np.inf)]),
    ("a NaN gradient", 807, [[2, 3], [3]], 1.0, 1.0, [], [(1, 0, np.nan)]),
    ("squares that overflow", 808, [[4]], 1e20, 1.0, [], []),
    ("no gradients", 809, [[2], [3]], 1.0, 1.0, [0, 1], []),
]


def torch_clip(torch, shapes, grads, max_norm):
    params = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = None if g is None else torch.from_numpy(g.copy())
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return F32(total.item()), [None if p.grad is None else p.grad.numpy().copy() for p in params]


def check_coefficient(torch):
    """torch's max_norm / (total + 1e-6), clamped, against the documented formula, bit for bit."""
    rng = np.random.default_rng(1)
    totals = np.concatenate([rng.random(20000, dtype=np.float32) * F32(10),
                             np.exp(rng.uniform(-30, 30, 20000)).astype(np.float32),
                             np.array([0, 1e-6, 5, np.inf, np.nan], np.float32)])
    for max_norm in [1.0, 0.25, 5.0, 0.1, 3.3]:
        t = torch.from_numpy(totals.copy())
        got = torch.clamp(max_norm / (t + 1e-6), max=1.0).numpy()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            want = (F32(1) / (totals + F32(1e-6))) * F32(max_norm)
        want = np.where(want > 1, F32(1), want)
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), max_norm
    print("  coefficient: torch's max_norm / (total + 1e-6) is reciprocal then multiply, bit for bit")


def main():
    try:
        import torch
        torch.set_num_threads(1)
        print(f"cross-checking against torch {torch.__version__}")
        check_coefficient(torch)
    except ImportError:
        torch = None
        print("torch not importable: keeping the torch values already in the file")
    previous = {}
    if OUT.exists():
        previous = {case["name"]: case.get("torch") for case in json.loads(OUT.read_text())["cases"]}

    cases = []
    for name, seed, shapes, scale, max_norm, without, overrides in CASES:
        grads = inputs(seed, shapes, scale, without, overrides)
        total, clipped = clip(grads, max_norm)
        case = {
            "name": name, "shapes": shapes, "maxNorm": bits64(max_norm),
            "grads": [None if g is None else bits32(g) for g in grads],
            "expected": {"total": bits32([total])[0], "grads": [None if g is None else bits32(g) for g in clipped]},
        }
        if torch is not None:
            torch_total, torch_grads = torch_clip(torch, shapes, grads, max_norm)
            case["torch"] = {"total": bits32([torch_total])[0],
                             "grads": [None if g is None else bits32(g) for g in torch_grads]}
            same = bits32([torch_total]) == bits32([total])
            print(f"  {name}: total {total} (torch {torch_total}{', identical' if same else ''})")
        elif previous.get(name) is not None:
            case["torch"] = previous[name]
        cases.append(case)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"cases": cases}, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
