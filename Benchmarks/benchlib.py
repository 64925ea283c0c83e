"""Helpers shared by the benchmark scripts in this folder."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time


def best(fn, repeats):
    """The fastest of `repeats` wall-clock timings of `fn()`, in seconds."""
    fastest = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def cpu_model():
    """The CPU's model name from /proc/cpuinfo."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def ask(worker, line):
    worker.stdin.write(line + "\n")
    worker.stdin.flush()
    answer = worker.stdout.readline()
    if not answer:
        raise SystemExit(f"worker {worker.args} ended without answering {line!r}")
    return json.loads(answer)


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def demangle(names):
    try:
        result = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                                capture_output=True, text=True, check=True)
        out = result.stdout.splitlines()
        return out if len(out) == len(names) else names
    except (OSError, subprocess.CalledProcessError):
        return names


def perf_rows(report, top):
    """The first `top` (share, object, symbol) rows of `perf report --stdio` output, demangled."""
    rows = []
    for line in report.splitlines():
        # --children adds a second percentage (the self time) after the first.
        match = re.match(r"\s*([\d.]+)%\s+(?:[\d.]+%\s+)?(\S+)\s+\[[.k]\]\s+(.*)$", line)
        if match:
            # perf prints empty IPC columns ("-  -") after the symbol.
            name = re.sub(r"(\s+-)+\s*$", "", match.group(3)).strip()
            rows.append((float(match.group(1)), match.group(2), name))
    rows = rows[:top]
    names = demangle([r[2] for r in rows])
    return [(share, dso, name) for (share, dso, _), name in zip(rows, names)]


def profile(binary, model, seconds=8, top=15, inclusive=0):
    """Top `top` self-time symbols of `binary --profile model seconds` (a benchmark executable's
    steps of one model) under perf record -g: ([(share, object, demangled symbol)], the command shown).
    With `inclusive` > 0, also the top `inclusive` symbols by time including callees, leaving out
    those above 90 % (main and the benchmark's loop): ([...], command, [...])."""
    if not shutil.which("perf"):
        return (None, "perf not found") + (([],) if inclusive else ())
    scratch = tempfile.mkdtemp(prefix="bench-perf-")
    data = os.path.join(scratch, "perf.data")
    try:
        record = ["perf", "record", "-g", "-F", "2000", "-o", data, "--", str(binary), "--profile", model,
                  str(seconds)]
        subprocess.run(record, check=True, capture_output=True)

        def report(*options):
            return subprocess.run(["perf", "report", "-i", data, "--sort", "dso,symbol", "--stdio", "-g", "none",
                                   "--percent-limit", "0.3", *options], check=True, capture_output=True,
                                  text=True).stdout
        rows = perf_rows(report("--no-children"), top)
        shown = ["perf", "record", "-g", "-F", "2000", "--", f"Benchmarks/.build/release/{pathlib.Path(binary).name}",
                 "--profile", model, str(seconds)]
        if not inclusive:
            return rows, " ".join(shown)
        # Entries are sorted by inclusive share; partial-application thunks repeat their closure's share.
        below = [row for row in perf_rows(report("--children"), 10_000) if row[0] <= 90
                 and not row[2].startswith("partial apply")]
        return rows, " ".join(shown), below[:inclusive]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
