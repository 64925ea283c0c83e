"""Checks `repro audit -- python train_torch.py` against PyTorch itself (run with the torch venv's Python:
/work/torchvenv/bin/python scripts/audit/check_audit.py [--repro PATH]).

The audit runs the committed PyTorch script (train_torch.py, CPU, with its TensorBoard output) once
per factor. It must name the intra-op thread count as the factor that changes the bits, at the step
and with the values that this script finds on its own from the outputs the audit kept (numpy,
safetensors and tensorboard's EventAccumulator read them, not Repro), and find every other factor
identical. Which thread count differs depends on PyTorch's default here (asked from torch in a fresh
process): the setting that is not the default.

Not part of `swift test` (it needs PyTorch); prints what it checked, exits 1 on a mismatch.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from safetensors.numpy import load_file
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def default_repro() -> str:
    for kind in ("release", "debug"):
        path = os.path.join(ROOT, ".build", kind, "repro")
        if os.access(path, os.X_OK):
            return path
    sys.exit("no .build/release/repro or .build/debug/repro: build repro first (swift build -c release)")


def first_loss_difference(a: str, b: str):
    """(step, loss A text, loss B text) of the first differing row of two step,loss logs, or None."""
    rows = [open(path).read().splitlines()[1:] for path in (a, b)]
    for row_a, row_b in zip(*rows):
        if row_a != row_b:
            step, loss_a = row_a.split(",")
            return int(step), loss_a, row_b.split(",")[1]
    return None


def first_scalar_difference(a: str, b: str):
    """(step, value A, value B) of the first step whose `loss` scalar differs between two TensorBoard
    directories, as tensorboard's EventAccumulator reads them, or None."""
    series = []
    for path in (a, b):
        accumulator = EventAccumulator(path)
        accumulator.Reload()
        series.append({event.step: event.value for event in accumulator.Scalars("loss")})
    for step in sorted(series[0]):
        if series[0][step] != series[1].get(step):
            return step, series[0][step], series[1].get(step)
    return None


def first_tensor_difference(a: str, b: str):
    """(name, differing count, element count) of the first tensor by name whose bits differ, or None."""
    x, y = load_file(a), load_file(b)
    for name in sorted(x):
        u, v = x[name].view(np.uint32), y[name].view(np.uint32)
        differing = int((u != v).sum())
        if differing:
            return name, differing, u.size
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repro", default=None, help="the repro executable (default .build/release or .build/debug)")
    parser.add_argument("--steps", type=int, default=30, help="steps of train_torch.py")
    args = parser.parse_args()
    repro = args.repro or default_repro()

    clean = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES + ("PYTHONHASHSEED",)}
    default = int(subprocess.run([sys.executable, "-c", "import torch; print(torch.get_num_threads())"], env=clean,
                                 check=True, capture_output=True, text=True).stdout)
    print(f"PyTorch's default intra-op thread count here: {default}")
    changing = "1" if default != 1 else "2"

    with tempfile.TemporaryDirectory(prefix="check-audit-") as scratch:
        out = os.path.join(scratch, "audit")
        command = [repro, "audit", "--workdir", HERE, "--output", "loss.csv", "--output", "weights.safetensors", "--output", "tb",
                   "--out", out, "--", sys.executable, "train_torch.py", "--steps", str(args.steps), "--tensorboard"]
        print("$ " + " ".join(command))
        result = subprocess.run(command, capture_output=True, text=True)
        print(result.stdout, end="")
        failures = []
        if result.returncode != 1:
            failures.append(f"exit status {result.returncode}, expected 1 (a factor changed the outputs); stderr: {result.stderr}")
        rows = [line for line in result.stdout.splitlines() if line.startswith("--  ")]
        if len(rows) != 6:
            failures.append(f"{len(rows)} factor rows, expected 6")
        runs = os.path.join(out, "runs")
        for row in rows:
            threads = re.search(r"OPENBLAS_NUM_THREADS=(\d)", row)
            if threads is None or threads.group(1) != changing:
                if not row.endswith(": identical"):
                    failures.append(f"a factor other than {THREAD_VARIABLES[0]}={changing} changed the outputs: {row}")
                continue
            # The thread count that is not PyTorch's default: the audit must say where, as found here.
            run = os.path.join(runs, f"threads-{changing}")
            step = first_loss_difference(os.path.join(runs, "reference", "loss.csv"), os.path.join(run, "loss.csv"))
            tensor = first_tensor_difference(os.path.join(runs, "reference", "weights.safetensors"),
                                             os.path.join(run, "weights.safetensors"))
            scalar = first_scalar_difference(os.path.join(runs, "reference", "tb"), os.path.join(run, "tb"))
            print(f"found here: loss.csv first differs at {step}; weights: first differing tensor {tensor}; "
                  f"TensorBoard loss (EventAccumulator): first differs at {scalar}")
            if step is None or tensor is None or scalar is None:
                failures.append(f"{THREAD_VARIABLES[0]}={changing} did not change the outputs here: make the model larger")
                continue
            expected = [f"loss.csv: step {step[0]}: loss {step[1]} vs {step[2]}",
                        f"weights.safetensors: tensor '{tensor[0]}' differs in {tensor[1]:,} of {tensor[2]:,} values",
                        f"tb: step {scalar[0]}: loss "]
            for text in expected:
                if text not in row:
                    failures.append(f"the thread-count row does not say '{text}': {row}")
        if not any(re.search(rf"OPENBLAS_NUM_THREADS={changing} .*DIFFERS", row) for row in rows):
            failures.append(f"no row names {THREAD_VARIABLES[0]}={changing} as changing the outputs")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"check_audit: OK (the audit names the thread count, {THREAD_VARIABLES[0]}={changing}, and every other factor is identical)")


if __name__ == "__main__":
    main()
