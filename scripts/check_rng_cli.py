#!/usr/bin/env python3
"""Compares `repro rng` with numpy and CPython on random seeds, draws and arguments.

    python3 scripts/check_rng_cli.py .build/release/repro [--cases N] [--seed S]

Every case is drawn from a generator seeded with S (printed, so a failure can be replayed with
--seed S). Seeds range from 0 to 200-bit integers, integer ranges from width 1 to the full int64
range. Exits 1 on the first mismatch, printing the command and both outputs.
"""
import argparse
import random
import subprocess
import sys

import numpy as np

NUMPY = {"pcg64": np.random.PCG64, "pcg64dxsm": np.random.PCG64DXSM, "philox": np.random.Philox,
         "sfc64": np.random.SFC64, "mt19937": np.random.MT19937}
DRAWS = {
    "numpy": ["raw", "random", "float32", "uniform", "integers", "normal", "normal32", "exponential",
              "permutation", "shuffle"],
    "randomstate": ["raw", "random", "integers", "normal", "permutation", "shuffle"],
    "python": ["raw", "random", "uniform", "integers", "normal", "shuffle"],
}
WIDTHS = [1, 2, 3, 1000, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**62]


def pick_seed(rng, algorithm):
    if algorithm == "randomstate":
        return rng.choice([0, 1, rng.randrange(2**32)])
    bits = rng.choice([4, 32, 33, 64, 128, 200])
    seed = rng.randrange(2**bits)
    if algorithm == "python" and rng.random() < 0.3:
        seed = -seed
    return seed


def pick_bounds(rng, algorithm, endpoint):
    width = rng.choice(WIDTHS + [rng.randrange(1, 2**63)])
    if algorithm in NUMPY and endpoint and rng.random() < 0.2:
        return -(2**63), 2**63 - 1
    low = rng.randrange(-(2**62), 2**62 - width) if rng.random() < 0.7 else rng.randrange(-1000, 1000)
    high = low + width - (1 if endpoint else 0)
    return low, high


def expected(algorithm, seed, draw, count, low, high, endpoint):
    if algorithm in NUMPY:
        g = np.random.Generator(NUMPY[algorithm](seed))
        values = {
            "raw": lambda: g.bit_generator.random_raw(count),
            "random": lambda: g.random(count),
            "float32": lambda: g.random(count, dtype=np.float32),
            "uniform": lambda: g.uniform(low, high, count),
            "integers": lambda: g.integers(low, high, count, endpoint=endpoint),
            "normal": lambda: g.standard_normal(count),
            "normal32": lambda: g.standard_normal(count, dtype=np.float32),
            "exponential": lambda: g.standard_exponential(count),
            "permutation": lambda: g.permutation(count),
            "shuffle": lambda: shuffled(g.shuffle, np.arange(count)),
        }[draw]()
    elif algorithm == "randomstate":
        r = np.random.RandomState(seed)
        values = {
            "raw": lambda: r._bit_generator.random_raw(count),
            "random": lambda: r.random_sample(count),
            "integers": lambda: r.randint(low, high, count, dtype=np.int64),
            "normal": lambda: r.standard_normal(count),
            "permutation": lambda: r.permutation(count),
            "shuffle": lambda: shuffled(r.shuffle, np.arange(count)),
        }[draw]()
    else:
        r = random.Random(seed)
        values = {
            "raw": lambda: [r.getrandbits(32) for _ in range(count)],
            "random": lambda: [r.random() for _ in range(count)],
            "uniform": lambda: [r.uniform(low, high) for _ in range(count)],
            "integers": lambda: [r.randrange(low, high) for _ in range(count)],
            "normal": lambda: [r.gauss(0.0, 1.0) for _ in range(count)],
            "shuffle": lambda: shuffled(r.shuffle, list(range(count))),
        }[draw]()
    return "".join(text(v) + "\n" for v in values)


def shuffled(shuffle, values):
    shuffle(values)
    return values


def text(value):
    if isinstance(value, np.float32):
        return str(value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(int(value))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("repro")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(2**32))
    args = parser.parse_args()
    print(f"check_rng_cli: {args.cases} cases, --seed {args.seed}")
    rng = random.Random(args.seed)
    algorithms = list(NUMPY) + ["randomstate", "python"]
    for case in range(args.cases):
        algorithm = rng.choice(algorithms)
        draw = rng.choice(DRAWS["numpy" if algorithm in NUMPY else algorithm])
        seed = pick_seed(rng, algorithm)
        count = rng.randrange(0, 2000) if draw in ("permutation", "shuffle") else rng.randrange(0, 60)
        command = [args.repro, "rng", algorithm, "--seed", str(seed), "--draw", draw, "--count", str(count)]
        endpoint = draw == "integers" and algorithm in NUMPY and rng.random() < 0.5
        low = high = None
        if draw == "integers":
            low, high = pick_bounds(rng, algorithm, endpoint)
            command += [f"--low={low}", f"--high={high}"] + (["--endpoint"] if endpoint else [])
        elif draw == "uniform":
            low, high = sorted(rng.uniform(-1e6, 1e6) for _ in range(2))
            command += [f"--low={low!r}", f"--high={high!r}"]
        want = expected(algorithm, seed, draw, count, low, high, endpoint)
        got = subprocess.run(command, capture_output=True, text=True)
        if got.returncode != 0 or got.stdout != want:
            print(f"MISMATCH in case {case} (replay with --seed {args.seed}):\n  {' '.join(command)}")
            print(f"  exit {got.returncode}, stderr: {got.stderr.strip()}")
            for i, (a, b) in enumerate(zip(got.stdout.splitlines(), want.splitlines())):
                if a != b:
                    print(f"  line {i}: repro {a}  reference {b}")
                    break
            print(f"  lines: repro {len(got.stdout.splitlines())}, reference {len(want.splitlines())}")
            sys.exit(1)
    print(f"check_rng_cli: all {args.cases} cases match numpy {np.__version__} and CPython {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
