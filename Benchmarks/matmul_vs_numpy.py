#!/usr/bin/env python3
"""Times Repro's float32 matrix products and numpy's `matmul` on the same shapes, in the same run.

    python3 Benchmarks/matmul_vs_numpy.py [--rounds K] [--repeats R] [--threads 1,2]

Builds Benchmarks/ in release mode for the host CPU (`-target-cpu native`, what the README's build
uses) and starts, per thread count, a Repro worker (`matmul-bench`, threads set with the API) and a
numpy worker (this script with --numpy-worker, in a subprocess whose OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS are the thread count: BLAS reads them when numpy loads, and
threadpoolctl is not installed here). K rounds then alternate the two case by case, so that a
noisy stretch of a shared machine hits both sides alike; after each multi-threaded case the driver
pauses 0.25 s so that BLAS threads still spinning do not steal the other side's cores. Each side
reports the best time per call over R timings of about 5 ms each; the table keeps the best over
the rounds. Writes Benchmarks/results/matmul.md.

Shapes: squares 64..1024 (C = A·B), a 32×32 weight gradient over a batch of 16384 (where split-K
can pay), and the three products of an MLP layer Y = X·W with X batch×in and W in×out: forward
X·W (m=batch, n=out, k=in), input gradient dY·Wᵀ (m=batch, n=in, k=out, B transposed) and weight
gradient Xᵀ·dY (m=in, n=out, k=batch, A transposed). numpy gets the same operands, transposes as
views (`b.T`), so its BLAS sees the same layouts, and writes into `out=`.

"tiled" is `matmulTiled`, the deterministic kernel every op uses by default; "autotuned" is `matmul`
with `DeterminismSettings.fast` (benchmark mode) after its first, tuning call.
ratio = numpy time / Repro time: above 1 means Repro is faster.
"""
import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchlib import cpu_model  # noqa: E402
SQUARES = [64, 128, 256, 512, 1024]
# (batch, in, out)
LAYERS = [(32, 64, 64), (32, 256, 256), (32, 1024, 1024), (64, 512, 512), (128, 784, 256), (256, 64, 64),
          (256, 1024, 1024)]


def cases():
    """(label, product, m, n, k, transposeA, transposeB)."""
    out = [(f"{s}³", "A·B", s, s, s, 0, 0) for s in SQUARES]
    # A small weight gradient over a long batch: one output tile, so only split-K (autotuned) can
    # use a second thread.
    out.append(("32×32, batch 16384", "Xᵀ·dY", 32, 32, 16384, 1, 0))
    for batch, fan_in, fan_out in LAYERS:
        label = f"{batch}×{fan_in}→{fan_out}"
        out.append((label, "X·W", batch, fan_out, fan_in, 0, 0))
        out.append((label, "dY·Wᵀ", batch, fan_in, fan_out, 0, 1))
        out.append((label, "Xᵀ·dY", fan_in, fan_out, batch, 1, 0))
    return out


def key(m, n, k, ta, tb):
    return f"{m},{n},{k},{int(ta)},{int(tb)}"


def best_time(fn, repeats):
    fn()
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    calls = max(1, int(0.005 / max(once, 1e-9)))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def numpy_worker(threads, repeats):
    """Answers one case per line of standard input, like matmul-bench."""
    import numpy as np

    g = np.random.default_rng(42)
    while spec := sys.stdin.readline().strip():
        m, n, k, ta, tb = map(int, spec.split(","))
        a = g.random((k, m) if ta else (m, k), dtype=np.float32)
        b = g.random((n, k) if tb else (k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        left, right = (a.T if ta else a), (b.T if tb else b)
        seconds = best_time(lambda: np.matmul(left, right, out=c), repeats)
        print(json.dumps({"m": m, "n": n, "k": k, "transposeA": bool(ta), "transposeB": bool(tb),
                          "threads": threads, "kernel": "numpy", "seconds": seconds}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="alternate Repro and numpy this many times")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--numpy-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.numpy_worker:
        return numpy_worker(*map(int, args.numpy_worker))

    import numpy as np

    scratch = HERE / ".build"
    subprocess.run(["swift", "build", "-c", "release", "--package-path", str(HERE), "--scratch-path", str(scratch),
                    "--product", "matmul-bench", "-Xswiftc", "-target-cpu", "-Xswiftc", "native"], check=True,
                   env={**os.environ, "REPRO_TARGET_CPU": "native"})
    binary = scratch / "release" / "matmul-bench"
    thread_counts = [int(t) for t in args.threads.split(",")]
    table = cases()
    specs = sorted({key(*c[2:]) for c in table}, key=lambda s: [int(x) for x in s.split(",")])
    load_before = os.getloadavg()
    # (threads, lines per answer, process): Repro answers for two kernels, numpy for one.
    workers = []
    for threads in thread_counts:
        blas = {name: str(threads) for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"]}
        pipes = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        workers.append((threads, 2, subprocess.Popen([str(binary), str(threads), str(args.repeats)], **pipes)))
        workers.append((threads, 1, subprocess.Popen(
            [sys.executable, __file__, "--numpy-worker", str(threads), str(args.repeats)], **pipes,
            env={**os.environ, **blas})))
    best = {}
    for _ in range(args.rounds):
        for spec in specs:
            for threads, lines, worker in workers:
                worker.stdin.write(spec + "\n")
                worker.stdin.flush()
                for _ in range(lines):
                    r = json.loads(worker.stdout.readline())
                    k = (key(r["m"], r["n"], r["k"], r["transposeA"], r["transposeB"]), r["threads"], r["kernel"])
                    best[k] = min(best.get(k, float("inf")), r["seconds"])
                if threads > 1:
                    time.sleep(0.25)
    for _, _, worker in workers:
        worker.stdin.close()
        if worker.wait() != 0:
            raise SystemExit(f"worker {worker.args} failed")
    load_after = os.getloadavg()

    rows = [f"# Repro vs numpy {np.__version__}: float32 matrix products, GFLOPS "
            f"(best of {args.rounds} alternating rounds x {args.repeats} timings)", "",
            f"Machine: {platform.processor() or platform.machine()}, {cpu_model()}, {os.cpu_count()} cores; "
            f"Repro built with -target-cpu native; numpy's BLAS: {blas_name(np)}, threads set with "
            f"OPENBLAS_NUM_THREADS/OMP_NUM_THREADS in a subprocess. Load average before/after: "
            f"{load_before[0]:.2f}/{load_after[0]:.2f}.", "",
            "GFLOPS = 2·m·n·k / time. ratio = numpy time / Repro tiled time: above 1 means Repro is faster.", "",
            "| shape | product | m×n×k | threads | Repro tiled | Repro autotuned | numpy | ratio |",
            "|---|---|---|---|---|---|---|---|"]
    ratios = {}
    for label, product, m, n, k, ta, tb in table:
        spec = key(m, n, k, ta, tb)
        for threads in thread_counts:
            flops = 2 * m * n * k
            tiled, tuned, theirs = (best[(spec, threads, kernel)] for kernel in ("tiled", "autotuned", "numpy"))
            ratios[(label, product, threads)] = theirs / tiled
            rows.append(f"| {label} | {product} | {m}×{n}×{k} | {threads} | {flops / tiled / 1e9:.1f} | "
                        f"{flops / tuned / 1e9:.1f} | {flops / theirs / 1e9:.1f} | {theirs / tiled:.2f} |")
    rows += ["", "Goals (tiled kernel):"]
    if 2 in thread_counts:
        large = [ratios[(f"{s}³", "A·B", 2)] for s in SQUARES if s >= 512]
        rows.append(f"- 512³ and 1024³ with 2 threads at >= 0.60 of numpy's speed: worst {min(large):.2f} "
                    f"({'met' if min(large) >= 0.6 else 'not met'})")
    small = [ratios[(f"{s}³", "A·B", t)] for s in SQUARES if s <= 128 for t in thread_counts]
    rows.append(f"- 64³ and 128³ faster than numpy: worst ratio {min(small):.2f} "
                f"({'met' if min(small) > 1 else 'not met'})")
    text = "\n".join(rows) + "\n"
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "matmul.md").write_text(text)


def blas_name(np):
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas['name']} {blas.get('version', '')}".strip()
    except Exception:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
