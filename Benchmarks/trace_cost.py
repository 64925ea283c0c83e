#!/usr/bin/env python3
"""The cost of `repro train --trace` per optimizer step, on the digits recipe (`repro train`'s
default) and on the charlm recipe (`--recipe charlm`), release build.

Runs are interleaved (untraced, traced, short untraced, in turn), so load on the machine falls on
all of them alike. For each recipe:

    step time       = (median T(N steps) - median T(N/2 steps)) / (N - N/2)   untraced: no start-up,
                                                                              data or evaluation cost
    trace cost/step = median over rounds of (T_traced(N) - T_untraced(N)) / N

    swift build -c release --product repro
    python3 Benchmarks/trace_cost.py [--rounds 5] [--charlm-steps 60]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from benchlib import cpu_model, uptime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPRO = os.path.join(ROOT, ".build", "release", "repro")


def timed(args, out):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([REPRO, "train", "--seed", "7", "--quiet", "--out", out] + args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(name, args, steps, rounds, scratch):
    full, traced, half, costs = [], [], [], []
    for round_ in range(rounds):
        plain = timed(args + ["--max-steps", str(steps)], f"{scratch}/{name}-plain")
        trace = timed(args + ["--max-steps", str(steps), "--trace"], f"{scratch}/{name}-trace")
        short = timed(args + ["--max-steps", str(steps // 2)], f"{scratch}/{name}-half")
        full.append(plain)
        traced.append(trace)
        half.append(short)
        costs.append((trace - plain) / steps)
    step = (statistics.median(full) - statistics.median(half)) / (steps - steps // 2)
    cost = statistics.median(costs)
    size = os.path.getsize(f"{scratch}/{name}-trace/trace.bin")
    print(f"| {name} | {steps} | {statistics.median(full):.2f} s | {statistics.median(traced):.2f} s | "
          f"{step * 1e3:.3f} ms | {cost * 1e3:.3f} ms | {100 * cost / step:.1f} % | {size / steps:.0f} B |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--digits-steps", type=int, default=1000)
    parser.add_argument("--charlm-steps", type=int, default=60)
    parser.add_argument("--scratch", default=None,
                        help="where the runs go (default: the system's temporary directory; /dev/shm leaves out the fsyncs)")
    options = parser.parse_args()
    print(f"{cpu_model()}, {os.cpu_count()} logical cores; {uptime()}")
    print("| recipe | steps | untraced run | traced run | step | trace cost per step | cost | trace per step |")
    print("|---|---|---|---|---|---|---|---|")
    scratch = tempfile.mkdtemp(prefix="repro-trace-cost-", dir=options.scratch)
    try:
        measure("digits", ["--epochs", "100"], options.digits_steps, options.rounds, scratch)
        if options.charlm_steps > 0:
            measure("charlm", ["--recipe", "charlm"], options.charlm_steps, options.rounds, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
