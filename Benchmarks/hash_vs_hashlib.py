"""SHA-256 throughput: ReproFiles' SHA256 (hash-bench) against Python's hashlib (OpenSSL), interleaved.

Builds the benchmark package in release mode, then alternates ROUNDS rounds of hash-bench and
hashlib on the same 64 MiB buffer, checks that all digests agree, and writes results/hash.md with
the median of each. Usage: python3 Benchmarks/hash_vs_hashlib.py [--rounds 5]
"""
import argparse
import hashlib
import json
import pathlib
import statistics
import subprocess
import time

from benchlib import best, cpu_model, uptime

here = pathlib.Path(__file__).resolve().parent
parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--mebibytes", type=int, default=64)
args = parser.parse_args()

subprocess.run(["swift", "build", "-c", "release", "--package-path", str(here), "--product", "hash-bench"], check=True)
binary = subprocess.run(["swift", "build", "-c", "release", "--package-path", str(here), "--show-bin-path"],
                        capture_output=True, text=True, check=True).stdout.strip() + "/hash-bench"

data = bytes((i * 31 + 7) % 256 for i in range(args.mebibytes << 20))
reference = hashlib.sha256(data).hexdigest()
rates = {"fastest": [], "portable": [], "hashlib": []}
hardware = None
for _ in range(args.rounds):
    for line in subprocess.run([binary, str(args.mebibytes), "3"], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        row = json.loads(line)
        if row["digest"] != reference:
            raise SystemExit(f"{row['implementation']}: digest {row['digest']} is not hashlib's {reference}")
        rates[row["implementation"]].append(row["mb_per_s"])
        hardware = row["hardware"]
    rates["hashlib"].append(len(data) / best(lambda: hashlib.sha256(data).digest(), 3) / 1e6)

median = {name: statistics.median(values) for name, values in rates.items()}
lines = [
    "# SHA-256 throughput",
    "",
    f"`python3 Benchmarks/hash_vs_hashlib.py --rounds {args.rounds}` on {cpu_model()}, "
    f"{time.strftime('%Y-%m-%d')}; load: `{uptime()}`.",
    f"{args.mebibytes} MiB in one update; each round runs hash-bench (best of 3 per implementation) and then "
    "hashlib (best of 3); the table shows the medians over rounds. All digests equal hashlib's.",
    f"SHA extensions used by `.fastest`: {'yes' if hardware else 'no (it is the portable code)'}.",
    "",
    "| implementation | MB/s (median) | rounds | vs hashlib |",
    "|---|---:|---|---:|",
]
for name, label in [("fastest", "ReproFiles SHA256 (.fastest)"), ("portable", "ReproFiles SHA256 (.portable)"),
                    ("hashlib", "Python hashlib (OpenSSL)")]:
    values = ", ".join(f"{v:.0f}" for v in rates[name])
    lines.append(f"| {label} | {median[name]:.0f} | {values} | {median[name] / median['hashlib']:.2f}x |")
out = here / "results" / "hash.md"
out.write_text("\n".join(lines) + "\n")
print(out.read_text())
