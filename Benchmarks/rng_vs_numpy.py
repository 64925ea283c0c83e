#!/usr/bin/env python3
"""Times Repro's generators and numpy's filling 10^7 values, in the same run, and prints the ratio.

    python3 Benchmarks/rng_vs_numpy.py [--count N] [--repeats R] [--rounds K] [--generic]

Builds Benchmarks/ in release mode for the host CPU (`-target-cpu native`, what the README's build
uses; --generic builds for baseline x86-64 instead, as a dependency would be by default), runs it, then times numpy on the same cases
(preallocated `out=` buffers where numpy has them), alternating the two K times and keeping the
best of all repeats. Writes the table to
Benchmarks/results/rng.md. ratio = numpy time / Repro time: above 1 means Repro is faster.
"""
import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchlib import best, cpu_model  # noqa: E402


def numpy_times(count, repeats):
    out = {}
    doubles = np.empty(count)
    floats = np.empty(count, dtype=np.float32)
    for name, cls in [("PCG64", np.random.PCG64), ("Philox", np.random.Philox)]:
        g = np.random.Generator(cls(42))
        out[(name, "raw")] = best(lambda: g.bit_generator.random_raw(count), repeats)
        out[(name, "random")] = best(lambda: g.random(out=doubles), repeats)
        out[(name, "integers(0,1000)")] = best(lambda: g.integers(0, 1000, size=count), repeats)
        out[(name, "standard_normal")] = best(lambda: g.standard_normal(out=doubles), repeats)
        out[(name, "standard_normal float32")] = best(lambda: g.standard_normal(dtype=np.float32, out=floats), repeats)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10**7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="alternate Repro and numpy this many times")
    parser.add_argument("--generic", action="store_true", help="build for baseline x86-64, not the host CPU")
    args = parser.parse_args()
    # Repro's Package.swift picks the CPU for its own targets (REPRO_TARGET_CPU); the flags cover this
    # package, where Repro's inlinable generic code is specialised.
    cpu = "x86-64" if args.generic else "native"
    scratch = HERE / (".build-generic" if args.generic else ".build")
    subprocess.run(["swift", "build", "-c", "release", "--package-path", str(HERE), "--scratch-path", str(scratch),
                    "-Xswiftc", "-target-cpu", "-Xswiftc", cpu], check=True, env={**os.environ, "REPRO_TARGET_CPU": cpu})
    binary = scratch / "release" / "repro-bench"
    # Alternate the two so that a noisy stretch of the machine does not favour either; keep the best.
    repro, theirs = {}, {}
    for _ in range(args.rounds):
        lines = subprocess.run([str(binary), str(args.count), str(args.repeats)], check=True, capture_output=True,
                               text=True).stdout.splitlines()
        for r in map(json.loads, lines):
            key = (r["algorithm"], r["case"])
            repro[key] = min(repro.get(key, float("inf")), r["seconds"])
        for key, seconds in numpy_times(args.count, args.repeats).items():
            theirs[key] = min(theirs.get(key, float("inf")), seconds)

    build = "generic x86-64" if args.generic else "-target-cpu native"
    rows = [f"# Repro vs numpy {np.__version__}: filling {args.count:,} values "
            f"(best of {args.rounds} alternating rounds x {args.repeats} repeats)", "",
            f"Machine: {platform.processor() or platform.machine()}, {cpu_model()}; Repro built with {build}.",
            "", "| generator | draw | Repro ns/value | numpy ns/value | ratio (numpy/Repro) |", "|---|---|---|---|---|"]
    worst = float("inf")
    for key, seconds in repro.items():
        ratio = theirs[key] / seconds
        worst = min(worst, ratio)
        rows.append(f"| {key[0]} | {key[1]} | {seconds * 1e9 / args.count:.2f} | "
                    f"{theirs[key] * 1e9 / args.count:.2f} | {ratio:.2f} |")
    rows += ["", f"Slowest row: Repro at {worst:.2f}x numpy's speed ({'goal met' if worst >= 1 else 'goal: >= 1.00'})."]
    text = "\n".join(rows) + "\n"
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / ("rng-generic.md" if args.generic else "rng.md")).write_text(text)


if __name__ == "__main__":
    sys.exit(main())
