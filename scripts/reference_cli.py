#!/usr/bin/env python3
"""Reference text for the `repro` command line, from numpy and CPython.

Writes, under Tests/ReproRandomTests/Vectors:
- repr.json: doubles and their Python repr(), float32 values and numpy's str(np.float32(x)) — the
  formats `repro rng` prints. Values span every decimal exponent range, subnormals, integers and the
  positional/scientific boundaries.
- cli.json: `repro rng` argument lists and the exact text numpy or CPython prints for them, for every
  algorithm and draw.
"""
import json
import pathlib
import random
import struct

import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_rng_cli import DRAWS, NUMPY, expected

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproRandomTests" / "Vectors"


def dbits(x):
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def fbits(x):
    return "0x%08x" % struct.unpack("<I", struct.pack("<f", x))[0]


def main():
    rng = random.Random(20261126)
    doubles = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1e-4, 9.999999999999999e-05, 1e-5, 1e16, 9999999999999998.0,
               1e15, 123456789012345678.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               float("inf"), float("-inf"), float("nan"), 0.30000000000000004, 100.0, 1e22, 1e23, 2.0**53, 2.0**63,
               0.7739560485559633, 0.09417734788764953, -1.9510351886538364, 3.0e-5, 12345.678]
    for _ in range(400):
        doubles.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
        doubles.append(rng.random() * 10 ** rng.randrange(-8, 20))
    floats = [np.float32(x) for x in [0.0, -0.0, 1.0, 0.1, 1e-4, 1e-5, 1e16, 3.4028235e38, 1e-45, 16777216.0,
                                       0.5, 0.7739560485559633, 123456.7, float("inf"), float("nan")]]
    for _ in range(400):
        floats.append(np.frombuffer(struct.pack("<I", rng.getrandbits(32)), dtype=np.float32)[0])
        floats.append(np.float32(rng.random() * 10 ** rng.randrange(-8, 20)))
    data = {
        "doubles": [{"bits": dbits(x), "repr": repr(x)} for x in doubles],
        "floats": [{"bits": fbits(float(x)), "str": str(x)} for x in floats],
    }
    (OUT / "repr.json").write_text(json.dumps(data, indent=0) + "\n")

    commands = []
    for algorithm in list(NUMPY) + ["randomstate", "python"]:
        for draw in DRAWS["numpy" if algorithm in NUMPY else algorithm]:
            for seed in ([42, 2**64 + 3] if algorithm != "randomstate" else [42, 2**32 - 1]):
                low, high, extra = None, None, []
                if draw == "integers":
                    low, high = -7, 2**40
                    extra = [f"--low={low}", f"--high={high}"]
                elif draw == "uniform":
                    low, high = -2.5, 1e6
                    extra = [f"--low={low!r}", f"--high={high!r}"]
                count = 12
                args = ["rng", algorithm, "--seed", str(seed), "--draw", draw, "--count", str(count)] + extra
                commands.append({"args": args, "stdout": expected(algorithm, seed, draw, count, low, high, False)})
    (OUT / "cli.json").write_text(json.dumps({"numpy": np.__version__, "commands": commands}, indent=0) + "\n")


if __name__ == "__main__":
    main()
