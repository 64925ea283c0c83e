#!/usr/bin/env python3
"""Reference outputs and gradients of ReproTensor's conv2d, max_pool2d and embedding, by numpy.

Inputs are regenerated identically in Swift: the inputs of a case are drawn in order from
`np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)`, one shape after another,
which Repro's `normalInputs(seed:_:)` reproduces bit for bit. The last input of every case is the
upstream gradient (the gradient of some loss with respect to the op's output).

Everything is computed explicitly in float64 from those float32 inputs (conv2d and max_pool2d over
sliding windows, the embedding gradient with `np.add.at`) and rounded once to float32, then stored as
IEEE bit patterns ("0x%08x") so JSON loses nothing. Writes Tests/ReproTensorTests/Vectors/convops.json.
"""
import json
import pathlib
import struct

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproTensorTests" / "Vectors"


def inputs(seed, shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape, dtype=np.float32).astype(np.float64) for shape in shapes]


def bits(array):
    return ["0x%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in np.asarray(array, np.float32).ravel()]


def windows(x, kernel, stride, out_size):
    """[n, c, out_h, out_w, kh, kw]: the window of x under each output position."""
    (kh, kw), (sy, sx), (ho, wo) = kernel, stride, out_size
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx][:, :, :ho, :wo]


def conv2d(x, w, b, g, stride, padding):
    """PyTorch F.conv2d and its gradients with respect to x, w and b for upstream gradient g."""
    (sy, sx), (py, px) = stride, padding
    _, _, h, wd = x.shape
    _, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (py, py), (px, px)))
    ho, wo = (h + 2 * py - kh) // sy + 1, (wd + 2 * px - kw) // sx + 1
    win = windows(xp, (kh, kw), stride, (ho, wo))
    y = np.einsum("nchwij,ocij->nohw", win, w)
    if b is not None:
        y = y + b[None, :, None, None]
    dw = np.einsum("nchwij,nohw->ocij", win, g)
    dxp = np.zeros_like(xp)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i:i + sy * ho:sy, j:j + sx * wo:sx] += np.einsum("nohw,oc->nchw", g, w[:, :, i, j])
    dx = dxp[:, :, py:py + h, px:px + wd]
    db = g.sum(axis=(0, 2, 3)) if b is not None else None
    return y, dx, dw, db


def max_pool2d(x, g, kernel, stride):
    """PyTorch F.max_pool2d (no padding; the first maximum of a window wins) and its gradient."""
    (kh, kw), (sy, sx) = kernel, stride
    n, c, h, wd = x.shape
    ho, wo = (h - kh) // sy + 1, (wd - kw) // sx + 1
    win = windows(x, kernel, stride, (ho, wo)).reshape(n, c, ho, wo, kh * kw)
    first = win.argmax(axis=-1)
    y = np.take_along_axis(win, first[..., None], axis=-1)[..., 0]
    rows = np.arange(ho)[:, None] * sy + first // kw
    cols = np.arange(wo)[None, :] * sx + first % kw
    dx = np.zeros_like(x)
    ni, ci = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    np.add.at(dx, (ni[:, :, None, None], ci[:, :, None, None], rows, cols), g)
    return y, dx


# (seed, x shape, weight shape, bias?, stride (y, x), padding (y, x))
CONV_CASES = [
    (300, [1, 1, 5, 5], [1, 1, 3, 3], True, (1, 1), (0, 0)),
    (301, [2, 3, 6, 5], [4, 3, 3, 3], True, (1, 1), (1, 1)),
    (302, [2, 2, 7, 7], [3, 2, 3, 3], True, (2, 2), (0, 0)),
    (303, [3, 2, 6, 8], [2, 2, 2, 3], False, (2, 2), (1, 1)),
    (304, [2, 3, 7, 6], [2, 3, 3, 2], True, (2, 1), (1, 0)),
    (305, [1, 2, 4, 4], [5, 2, 1, 1], False, (1, 1), (0, 0)),
    (306, [1, 1, 2, 2], [2, 1, 3, 3], True, (2, 2), (1, 1)),
    (307, [2, 4, 9, 9], [3, 4, 5, 5], True, (2, 2), (2, 2)),
]

# (seed, x shape, kernel (y, x), stride (y, x))
POOL_CASES = [
    (400, [2, 3, 6, 6], (2, 2), (2, 2)),
    (401, [1, 2, 7, 5], (3, 3), (2, 2)),
    (402, [2, 1, 5, 7], (2, 3), (1, 2)),
    (403, [1, 2, 4, 5], (2, 2), (1, 1)),
]

# (seed, table shape, indices)
EMBEDDING_CASES = [
    (500, [7, 4], [3, 0, 6, 3, 3, 1]),
    (501, [3, 5], [2, 2, 2, 2, 0]),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    conv = []
    for seed, xs, ws, has_bias, stride, padding in CONV_CASES:
        n, o = xs[0], ws[0]
        ho = (xs[2] + 2 * padding[0] - ws[2]) // stride[0] + 1
        wo = (xs[3] + 2 * padding[1] - ws[3]) // stride[1] + 1
        shapes = [xs, ws] + ([[o]] if has_bias else []) + [[n, o, ho, wo]]
        values = inputs(seed, shapes)
        x, w, g = values[0], values[1], values[-1]
        b = values[2] if has_bias else None
        y, dx, dw, db = conv2d(x, w, b, g, stride, padding)
        conv.append({"seed": seed, "shapes": shapes, "bias": has_bias, "stride": list(stride),
                     "padding": list(padding), "outShape": list(y.shape), "out": bits(y),
                     "gradInput": bits(dx), "gradWeight": bits(dw), "gradBias": bits(db) if has_bias else []})
    pool = []
    for seed, xs, kernel, stride in POOL_CASES:
        ho, wo = (xs[2] - kernel[0]) // stride[0] + 1, (xs[3] - kernel[1]) // stride[1] + 1
        shapes = [xs, [xs[0], xs[1], ho, wo]]
        x, g = inputs(seed, shapes)
        y, dx = max_pool2d(x, g, kernel, stride)
        pool.append({"seed": seed, "shapes": shapes, "kernel": list(kernel), "stride": list(stride),
                     "outShape": list(y.shape), "out": bits(y), "gradInput": bits(dx)})
    embedding = []
    for seed, table_shape, indices in EMBEDDING_CASES:
        shapes = [table_shape, [len(indices), table_shape[1]]]
        table, g = inputs(seed, shapes)
        grad = np.zeros_like(table)
        np.add.at(grad, indices, g)
        embedding.append({"seed": seed, "shapes": shapes, "indices": indices, "out": bits(table[indices]),
                          "gradTable": bits(grad)})
    document = {"numpy": np.__version__, "conv2d": conv, "maxPool2d": pool, "embedding": embedding}
    (OUT / "convops.json").write_text(json.dumps(document, indent=0) + "\n")


if __name__ == "__main__":
    main()
