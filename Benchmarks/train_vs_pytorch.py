#!/usr/bin/env python3
"""Training speed, Repro vs PyTorch (CPU), in the same session: issue 5's speed section.

    /path/to/venv-with-torch/bin/python Benchmarks/train_vs_pytorch.py [--rounds K] [--seconds S]
        [--threads 1,2] [--runs N] [--no-profile]

Builds Benchmarks/ (train-bench) in release mode for the host CPU and the root package's `repro`
(release; the root manifest adds -target-cpu native itself), then:

1. steps per second of the digits recipe's training step and of a 784-1024-1024-10 MLP at batch 256
   (see Sources/train-bench/main.swift and pytorch_models.py for exactly what a step is), for
   Repro under DeterminismSettings.strict and .fast and for PyTorch, at each thread count. One Repro
   worker (threads set per request with Parallel.withThreadCount) and one PyTorch worker per thread
   count (torch.set_num_threads, OMP_NUM_THREADS and MKL_NUM_THREADS set before torch loads) answer
   one case at a time; K rounds alternate them case by case so a noisy stretch of a shared machine
   hits both sides alike, with a 0.25 s pause after each multi-threaded case. Each answer is the
   rate over about S seconds after S/5 seconds of warm-up; the table keeps the best round.
2. checkpoint write time of the digits model: Repro's Checkpoint(...).write(to:) (safetensors,
   sha256, temporary file, fsync, rename, directory fsync) into a temporary directory, median of 30
   writes per round; torch.save + fsync of the same model's state for reference.
3. end to end: wall time of `.build/release/repro train --seed 42 --out TMP --quiet` (the default
   run: 10 epochs, evaluation each epoch, checkpoints every 100 steps and at each epoch's end,
   final model and manifest), N runs per round, default threads and --threads 1.
4. a `perf record -g` profile of train-bench's digits steps and of its MLP steps (strict, 1 thread):
   the top 15 symbols by self time.

Writes Benchmarks/results/train.md. ratio = Repro steps/s / PyTorch steps/s (above 1: Repro is faster).
"""
import argparse
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from benchlib import ask, cpu_model, profile, uptime  # noqa: E402

MODELS = ["digits", "mlp"]
PAIRS = 6  # paired short blocks against PyTorch per round, model and thread count


def torch_worker(threads):
    """Answers `digits|digits-batched|mlp THREADS SETTINGS SECONDS` or `checkpoint COUNT` per line."""
    import torch
    torch.set_num_threads(threads)
    import pytorch_models as models

    cases = {}

    def model(name):
        if name not in cases:
            cases[name] = {"digits": models.DigitsRecipe, "digits-batched": models.DigitsBatchedNoise,
                           "mlp": models.LargeMLP}[name]()
        return cases[name]

    scratch = tempfile.mkdtemp(prefix="train-bench-torch-")
    try:
        while line := sys.stdin.readline().strip():
            words = line.split()
            if words[0] == "checkpoint":
                recipe = model("digits")
                recipe.step()
                times = []
                for i in range(int(words[1])):
                    start = time.perf_counter()
                    models.checkpoint_write(recipe, os.path.join(scratch, f"step-{i:08d}.pt"))
                    times.append((time.perf_counter() - start) * 1e3)
                print(json.dumps({"case": "checkpoint", "framework": "pytorch", "writes": len(times),
                                  "median_ms": statistics.median(times), "min_ms": min(times)}), flush=True)
                continue
            name, budget = words[0], float(words[3])
            case = model(name)
            start = time.perf_counter()
            while time.perf_counter() - start < budget / 5:
                case.step()
            steps, start = 0, time.perf_counter()
            elapsed = 0.0
            while elapsed < budget or steps < 3:
                case.step()
                steps += 1
                elapsed = time.perf_counter() - start
            print(json.dumps({"case": name, "framework": "pytorch", "threads": threads, "settings": "default",
                              "steps": steps, "steps_per_second": steps / elapsed}), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def build():
    scratch = HERE / ".build"
    subprocess.run(["swift", "build", "-c", "release", "--package-path", str(HERE), "--scratch-path", str(scratch),
                    "--product", "train-bench", "-Xswiftc", "-target-cpu", "-Xswiftc", "native"], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--package-path", str(ROOT), "--product", "repro"], check=True)
    return scratch / "release" / "train-bench", ROOT / ".build" / "release" / "repro"


def end_to_end(repro, threads):
    """Seconds of one default `repro train` run (fresh run directory)."""
    directory = tempfile.mkdtemp(prefix="train-bench-run-")
    try:
        command = [str(repro), "train", "--seed", "42", "--out", os.path.join(directory, "run"), "--quiet"]
        if threads:
            command += ["--threads", str(threads)]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
        return seconds, result.stdout.strip()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="timed seconds per answer")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=1, help="end-to-end runs per round and thread setting")
    parser.add_argument("--checkpoints", type=int, default=30, help="checkpoint writes per round")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--torch-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        return torch_worker(args.torch_worker)

    import torch
    train_bench, repro = build()
    thread_counts = [int(t) for t in args.threads.split(",")]
    load_before = uptime()
    pipes = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    swift = subprocess.Popen([str(train_bench), "--worker"], **pipes)
    # (threads, label) -> worker. With several threads, PyTorch also runs with OMP_WAIT_POLICY=PASSIVE: on a
    # shared machine libgomp's default spin-waiting loses whole time slices at every parallel region's
    # barrier (measured here: digits at 2 threads 14 steps/s spinning, 98 passive), and the comparison
    # keeps PyTorch's better setting.
    torches = {}
    for threads in thread_counts:
        env = {**os.environ, **{name: str(threads) for name in ["OMP_NUM_THREADS", "MKL_NUM_THREADS"]}}
        env.pop("OMP_WAIT_POLICY", None)
        policies = [("pytorch", {})] + ([("pytorch-passive", {"OMP_WAIT_POLICY": "PASSIVE"})] if threads > 1 else [])
        for label, extra in policies:
            torches[(threads, label)] = subprocess.Popen([sys.executable, __file__, "--torch-worker", str(threads)],
                                                         **pipes, env={**env, **extra})

    rates = {}  # (model, threads, framework/setting) -> [steps/s per round]
    paired = {}  # (model, threads) -> [strict/fast - 1 in percent, one per pair of blocks]
    versus = {}  # (model, threads) -> [Repro strict / PyTorch's better policy, one per pair of short blocks]
    checkpoints = {"repro": [], "pytorch": [], "repro_build": [], "bytes": 0}
    runs = {}  # threads (None: default) -> [seconds]
    outputs = set()
    for round_ in range(args.rounds):
        for model in MODELS:
            for threads in thread_counts:
                for setting in ["strict", "fast"]:
                    r = ask(swift, f"{model} {threads} {setting} {args.seconds}")
                    rates.setdefault((model, threads, setting), []).append(r["steps_per_second"])
                    if threads > 1:
                        time.sleep(0.25)
                names = [model] + (["digits-batched"] if model == "digits" else [])
                for (worker_threads, label), worker in torches.items():
                    if worker_threads != threads:
                        continue
                    for name in names:
                        r = ask(worker, f"{name} {threads} default {args.seconds}")
                        rates.setdefault((name, threads, label), []).append(r["steps_per_second"])
                        if threads > 1:
                            time.sleep(0.25)
        for model in MODELS:
            for threads in thread_counts:
                r = ask(swift, f"paired {model} {threads} {2 * args.seconds} 10")
                paired.setdefault((model, threads), []).extend(r["paired_overheads_percent"])
                # Repro against PyTorch in short blocks seconds apart, order alternating: the ratio
                # of each pair sees about the same load on both sides.
                theirs = [worker for (worker_threads, _), worker in torches.items() if worker_threads == threads]
                for pair in range(PAIRS):
                    order = [swift] + theirs if pair % 2 == 0 else theirs + [swift]
                    answers = {id(worker): ask(worker, f"{model} {threads} {'strict' if worker is swift else 'default'} "
                                                       f"{args.seconds / 2}")["steps_per_second"]
                               for worker in order}
                    versus.setdefault((model, threads), []).append(
                        answers[id(swift)] / max(answers[id(worker)] for worker in theirs))
        r = ask(swift, f"checkpoint {args.checkpoints}")
        checkpoints["repro"].append(r["median_ms"])
        checkpoints["repro_build"].append(r["build_median_ms"])
        checkpoints["bytes"] = r["bytes"]
        r = ask(torches[(thread_counts[0], "pytorch")], f"checkpoint {args.checkpoints}")
        checkpoints["pytorch"].append(r["median_ms"])
        for threads in [None, 1]:
            for _ in range(args.runs):
                seconds, output = end_to_end(repro, threads)
                runs.setdefault(threads, []).append(seconds)
                outputs.add(re.sub(r"/tmp/\S+", "RUN", output))
        print(f"round {round_ + 1}/{args.rounds} done ({uptime()})", file=sys.stderr, flush=True)
    for worker in [swift, *torches.values()]:
        worker.stdin.close()
        if worker.wait() != 0:
            raise SystemExit(f"worker {worker.args} failed")
    load_after = uptime()
    top = {} if args.no_profile else {model: profile(train_bench, model) for model in MODELS}

    command = "python Benchmarks/train_vs_pytorch.py " + " ".join(sys.argv[1:])
    text = report(args, thread_counts, rates, paired, versus, checkpoints, runs, outputs, top, load_before,
                  load_after, torch.__version__, command.strip())
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "train.md").write_text(text)


def round_ratio(rates, model, theirs, threads):
    """The median over rounds of Repro strict / PyTorch (its better wait policy in that round)."""
    ours = rates[(model, threads, "strict")]
    policies = [rates[key] for key in [(theirs, threads, "pytorch"), (theirs, threads, "pytorch-passive")] if key in rates]
    return statistics.median(mine / max(values) for mine, *values in zip(ours, *policies))


def report(args, thread_counts, rates, paired, versus, checkpoints, runs, outputs, top, load_before, load_after,
           torch_version, command):
    best = {key: max(values) for key, values in rates.items()}
    for (name, threads, label) in list(best):  # PyTorch's better wait policy
        if label == "pytorch-passive":
            best[(name, threads, "pytorch-default")] = best[(name, threads, "pytorch")]
            best[(name, threads, "pytorch")] = max(best[(name, threads, "pytorch")], best[(name, threads, label)])
    rows = [f"# Training speed: Repro vs PyTorch {torch_version} (CPU)", "",
            f"Command: `{command}` (run with the Python of a virtual environment that has torch; "
            f"{args.rounds} rounds alternating Repro and PyTorch case by case, each answer the steps/s over "
            f"about {args.seconds:g} s after a warm-up; tables keep the best round).", "",
            f"Machine: {platform.processor() or platform.machine()}, {cpu_model()}, {os.cpu_count()} cores, "
            f"shared with other agents' builds and tests while measured, so the numbers are noisy "
            f"(best of rounds is the least disturbed). Load (`uptime`) before: `{load_before}`; "
            f"after: `{load_after}`.", "",
            "Repro: train-bench (Benchmarks/Sources/train-bench), built with -target-cpu native; like Trainer.run it "
            "calls AllocatorTuning.keepFreedMemory() first (glibc keeps freed memory for the next step instead of "
            "faulting it in again; PyTorch runs with glibc's defaults, which measured no faster with the same settings "
            "through MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_). "
            "PyTorch: Benchmarks/pytorch_models.py, torch.set_num_threads(T) and OMP/MKL_NUM_THREADS=T.", "",
            "- **digits**: the default `repro train` recipe's step as Trainer runs it: loader batch of 64 "
            "(Gaussian pixel noise σ 0.5, global standardisation), cosine learning rate, zeroGrad, forward "
            "(64→128→ReLU→Dropout 0.1→128→ReLU→Dropout 0.1→10, training mode), cross-entropy, loss read, "
            "backward, SGD momentum 0.9 step; no evaluation, checkpoints or logging. PyTorch: the same with a "
            "`DataLoader(num_workers=0)` whose Dataset adds the noise and standardises per sample, as Repro's "
            "loader does.",
            "- **digits, batched noise** (PyTorch only, for reference): the augmentation on the whole batch "
            "as tensor ops, no DataLoader: what a PyTorch user tuning for speed would write.",
            "- **mlp**: 784→1024→ReLU→1024→ReLU→10, batch 256, fixed random inputs and labels, SGD lr 0.01 "
            "momentum 0.9.", "",
            "## Steps per second", "",
            "ratio = Repro (strict, the default) / PyTorch: above 1 means Repro is faster. PyTorch is the "
            "better of its default OpenMP wait policy and OMP_WAIT_POLICY=PASSIVE (with 2 threads on this "
            "shared machine, the default's spin-waiting lost most of its time; both are listed below).", "",
            "The last column is the median over rounds of each round's ratio (both sides of a round ran "
            "seconds apart, under about the same load).", "",
            "| model | threads | Repro strict | Repro fast | PyTorch | ratio (strict / PyTorch) | median of per-round ratios |",
            "|---|---|---|---|---|---|---|"]
    for model in MODELS:
        for threads in thread_counts:
            strict, fast = best[(model, threads, "strict")], best[(model, threads, "fast")]
            theirs = best[(model, threads, "pytorch")]
            rows.append(f"| {model} | {threads} | {strict:.1f} ({1e3 / strict:.3f} ms) | {fast:.1f} | "
                        f"{theirs:.1f} ({1e3 / theirs:.3f} ms) | {strict / theirs:.2f} | "
                        f"{round_ratio(rates, model, model, threads):.2f} |")
        if model == "digits":
            for threads in thread_counts:
                theirs = best[("digits-batched", threads, "pytorch")]
                rows.append(f"| digits, batched noise (PyTorch only) | {threads} | | | {theirs:.1f} "
                            f"({1e3 / theirs:.3f} ms) | {best[('digits', threads, 'strict')] / theirs:.2f} | "
                            f"{round_ratio(rates, 'digits', 'digits-batched', threads):.2f} |")
    rows += ["", f"Paired short blocks: each round also runs {PAIRS} pairs of about {args.seconds / 2:g} s blocks per "
             "model and thread count, Repro then PyTorch (each policy) or the reverse, alternating; the ratio of "
             "each pair (Repro / PyTorch's better policy in that pair) saw about the same load on both sides, so "
             "their median is the least noisy estimate.", "",
             "| model | threads | median ratio | quartiles | pairs |", "|---|---|---|---|---|"]
    for model in MODELS:
        for threads in thread_counts:
            values = versus[(model, threads)]
            q = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
            rows.append(f"| {model} | {threads} | {q[1]:.2f} | {q[0]:.2f} … {q[2]:.2f} | {len(values)} |")
    rows += ["", "All rounds (steps/s, in order):", ""]
    for key in sorted(rates):
        rows.append(f"- {key[0]}, {key[1]} thread(s), {key[2]}: " + ", ".join(f"{v:.1f}" for v in rates[key]))

    rows += ["", "## Deterministic vs nondeterministic (Repro)", "",
             "overhead = strict time per step / fast time per step − 1; `fast` is DeterminismSettings.fast "
             "(nondeterministic paths allowed, autotuned matmul after its tuning calls). Two estimates: from the "
             "best rounds above, and paired: each round also runs 10 pairs of short back-to-back blocks of strict "
             "and fast steps (order alternating; about "
             f"{args.seconds / 10:g} s per block), so both sides of a pair see the same load; the median over "
             "all pairs of all rounds, with the quartiles, is the estimate the goal is judged by.", "",
             "| model | threads | strict steps/s (best) | fast steps/s (best) | overhead, best rounds | "
             "overhead, paired median | paired quartiles | pairs |", "|---|---|---|---|---|---|---|---|"]
    overheads = []
    for model in MODELS:
        for threads in thread_counts:
            strict, fast = best[(model, threads, "strict")], best[(model, threads, "fast")]
            pairs = sorted(paired[(model, threads)])
            quartiles = statistics.quantiles(pairs, n=4) if len(pairs) > 1 else [pairs[0]] * 3
            overheads.append(quartiles[1])
            rows.append(f"| {model} | {threads} | {strict:.1f} | {fast:.1f} | {(fast / strict - 1) * 100:+.1f} % | "
                        f"{quartiles[1]:+.1f} % | {quartiles[0]:+.1f} % … {quartiles[2]:+.1f} % | {len(pairs)} |")

    repro_ckpt = statistics.median(checkpoints["repro"])
    rows += ["", "## Checkpoint write (digits model)", "",
             f"Repro `Checkpoint(...).write(to:)` of the digits model with its momentum buffers "
             f"({checkpoints['bytes']} bytes: parameters and momentum buffers as float32, header JSON, sha256), "
             f"temporary file + fsync + rename + directory fsync, into a temporary directory on the same "
             f"ext4 disk as the repository; {args.checkpoints} writes per round.", "",
             "| | median of round medians | best round's median | round medians |", "|---|---|---|---|",
             f"| Repro write | {repro_ckpt:.2f} ms | {min(checkpoints['repro']):.2f} ms | "
             + ", ".join(f"{v:.2f}" for v in checkpoints["repro"]) + " |",
             f"| Repro building the file in memory (no I/O) | {statistics.median(checkpoints['repro_build']):.2f} ms | "
             f"{min(checkpoints['repro_build']):.2f} ms | "
             + ", ".join(f"{v:.2f}" for v in checkpoints["repro_build"]) + " |",
             f"| PyTorch torch.save + fsync (reference) | {statistics.median(checkpoints['pytorch']):.2f} ms | "
             f"{min(checkpoints['pytorch']):.2f} ms | " + ", ".join(f"{v:.2f}" for v in checkpoints["pytorch"]) + " |"]

    rows += ["", "## End to end: `repro train --seed 42` (default run)", "",
             "Wall time of the release binary `.build/release/repro train --seed 42 --out TMP --quiet` "
             "(230 steps; evaluation at each epoch's end; checkpoints every 100 steps and at epoch ends; final "
             "model, digest and manifest), process start to exit.", "",
             "| threads | best | median | all |", "|---|---|---|---|"]
    for threads, values in runs.items():
        rows.append(f"| {threads or 'default (' + str(os.cpu_count()) + ')'} | {min(values):.3f} s | "
                    f"{statistics.median(values):.3f} s | " + ", ".join(f"{v:.3f}" for v in values) + " |")
    rows += ["", "Its output: " + " / ".join(f"`{o}`" for o in sorted(outputs))]

    def verdict(goal, *estimates):
        met = [value >= goal for value in estimates]
        return "met by every estimate" if all(met) else "not met by any estimate" if not any(met) \
            else f"met by {sum(met)} of {len(met)} estimates"

    ratios = {model: (min(best[(model, t, "strict")] / best[(model, t, "pytorch")] for t in thread_counts),
                      min(round_ratio(rates, model, model, t) for t in thread_counts),
                      min(statistics.median(versus[(model, t)]) for t in thread_counts)) for model in MODELS}
    worst_overhead = max(overheads)
    rows += ["", "## Goals (issue 5)", "",
             f"- ≥ 3× PyTorch on the digits recipe: worst ratio over thread counts {ratios['digits'][0]:.2f} on the "
             f"best rounds, {ratios['digits'][1]:.2f} as the median of per-round ratios, {ratios['digits'][2]:.2f} "
             f"as the median of paired short blocks ({verdict(3, *ratios['digits'])})",
             f"- ≥ parity with PyTorch on the large MLP: worst ratio over thread counts {ratios['mlp'][0]:.2f} on the "
             f"best rounds, {ratios['mlp'][1]:.2f} as the median of per-round ratios, {ratios['mlp'][2]:.2f} as the "
             f"median of paired short blocks ({verdict(1, *ratios['mlp'])})",
             f"- checkpoint write < 10 ms: median {repro_ckpt:.2f} ms ({'met' if repro_ckpt < 10 else 'not met'}; "
             f"round medians {min(checkpoints['repro']):.2f}–{max(checkpoints['repro']):.2f} ms, of which "
             f"{statistics.median(checkpoints['repro_build']):.2f} ms is building the file, the rest the fsyncs "
             "on a shared disk)",
             f"- deterministic within 3 % of nondeterministic: worst paired median overhead {worst_overhead:+.1f} % "
             f"({'met' if worst_overhead <= 3 else 'not met'})"]

    for model, (symbols, record) in top.items():
        if symbols is None:
            rows += ["", f"## Profile of the {model} step", "", f"Not profiled: {record}."]
            continue
        rows += ["", f"## Profile of the {model} step", "",
                 f"`{record}` ({model} steps only, strict, 1 thread; the process's start and the model's "
                 "construction are included but take well under 1 %), then `perf report --no-children "
                 "--sort dso,symbol`: self time, top 15, names demangled (`swift demangle --simplified`).", "",
                 "| share | object | symbol |", "|---|---|---|"]
        for share, dso, name in symbols:
            rows.append(f"| {share:.2f} % | {dso} | `{name.replace('|', '¦')}` |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
