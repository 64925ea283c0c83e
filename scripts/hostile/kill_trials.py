#!/usr/bin/env python3
"""Random `kill -9` trials: every interrupted and resumed run must reach the uninterrupted digest.

    python3 scripts/hostile/kill_trials.py REPRO --trials N [--seed S] [--jobs J] [--quick] [--keep]

Configurations: the digits recipe `--seed 42 --epochs 3 --hidden 16` (23 steps per epoch, 69 in
all) with `--checkpoint-every` 1, 3, 23 (divides each epoch's last step, so that step's checkpoint
is written twice) and the default (100: epoch ends only). For each, the uninterrupted digest is
computed once (and checked to be the same with the fault pause, which must not change any bit).

A trial picks a configuration and, sometimes, `REPRO_FAULT_PAUSE_BEFORE_RENAME_MS` (2, 5 or 30 ms,
so kills land inside the atomic-write windows more often); starts `repro train --out D …` and kills
it (SIGKILL to its process group) after a random delay, or (with a pause, half the time) at an
event: the n-th rename window seen (a checkpoint's temporary file exists) or the moment eval.csv
gains a row (at an epoch's end, between the row and the epoch's checkpoint); then 0–3 more times starts the next command
(`repro train --resume D`, or `repro train --out D …` again while there is no run.json: a kill before
run.json exists must leave a directory that the same command restarts) and kills it too; then runs
the next command without a kill, up to 3 times, until the run is finished. The trial passes when
the run is finished, its digest (recomputed here from the files) equals the uninterrupted one, and
manifest.json records that digest. Kill delays are drawn from the measured duration of the command
so that kills spread over the whole run (before run.json, mid-epoch, at checkpoints, at the end).

Prints each failing trial (configuration, every command with its delay and outcome, the last stderr)
and "K of N reached the uninterrupted digest"; exit status 1 if any did not.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import (crash_reason, crash_summary, describe_rc, kill_group, limit_memory,  # noqa: E402
                            quiet_backtraces, run, run_digest)

BASE = ["--seed", "42", "--epochs", "3", "--hidden", "16", "--quiet"]
CONFIGS = {
    "ce1": ["--checkpoint-every", "1"],
    "ce3": ["--checkpoint-every", "3"],
    "ce23": ["--checkpoint-every", "23"],
    "default": [],
}
PAUSES = [None, None, 2, 5, 30]  # ms; None: no fault pause (30: most of a run is spent inside rename windows)


def flags(config):
    return BASE + CONFIGS[config]


def pause_env(pause):
    env = dict(os.environ)
    env.pop("REPRO_FAULT_PAUSE_BEFORE_RENAME_MS", None)
    if pause is not None:
        env["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS"] = str(pause)
    return env


class Reference:
    """Digest and durations of the uninterrupted runs."""

    def __init__(self, binary, root):
        self.digest = {}
        self.duration = {}  # (config, pause) -> seconds of an uninterrupted `train`
        self.startup = 0.0
        for config in CONFIGS:
            for pause in sorted(set(PAUSES), key=lambda p: -1 if p is None else p):
                out = os.path.join(root, "reference-%s-%s" % (config, pause))
                started = time.monotonic()
                res = run([binary, "train", "--out", out] + flags(config), timeout=300, env=pause_env(pause))
                elapsed = time.monotonic() - started
                if res.rc != 0:
                    sys.exit("the uninterrupted run %s (pause %s) failed: %s: %s"
                             % (config, pause, res.describe(), res.last_err()))
                digest = run_digest(out)
                if config not in self.digest:
                    self.digest[config] = digest
                elif digest != self.digest[config]:
                    sys.exit("the fault pause changed the digest of %s: %s vs %s" % (config, digest, self.digest[config]))
                self.duration[(config, pause)] = elapsed
                shutil.rmtree(out, ignore_errors=True)
        started = time.monotonic()
        run([binary, "--help"], timeout=30)
        self.startup = time.monotonic() - started


def temporary_checkpoint(run_dir):
    """The name of a checkpoint's temporary file (an atomic write before its rename), or None."""
    try:
        return next((n for n in os.listdir(os.path.join(run_dir, "checkpoints")) if ".tmp-" in n), None)
    except OSError:
        return None


def eval_row_count(run_dir):
    try:
        with open(os.path.join(run_dir, "eval.csv"), "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return None


def next_command(binary, run_dir, config):
    """What continues the run: None when finished, else the argv."""
    if os.path.exists(os.path.join(run_dir, "manifest.json")):
        return None
    if os.path.exists(os.path.join(run_dir, "run.json")):
        return [binary, "train", "--resume", run_dir, "--quiet"]
    return [binary, "train", "--out", run_dir] + flags(config)


def short(argv):
    text = " ".join(argv[1:])
    return text.replace(" --seed 42 --epochs 3 --hidden 16 --quiet", " …")


def trial(binary, root, reference, index, seed, load_factor):
    rng = random.Random("%d-%d" % (seed, index))
    config = rng.choice(list(CONFIGS))
    pause = rng.choice(PAUSES)
    env = pause_env(pause)
    run_dir = os.path.join(root, "trial-%04d" % index, "run")
    os.makedirs(os.path.dirname(run_dir))
    kills = 1 + rng.choice([0, 0, 1, 1, 2, 3])
    duration = reference.duration[(config, pause)] * load_factor
    steps = []
    where = {"before run.json": 0, "during training": 0, "after manifest.json": 0}
    last_err = ""
    problem = None
    # Kill phase.
    for k in range(kills):
        argv = next_command(binary, run_dir, config)
        if argv is None:
            break
        # the first kill spreads over the whole run; later ones over what is left (at most the whole)
        delay = rng.uniform(0, duration * (1.1 if k == 0 else rng.choice([0.3, 1.1])))
        # some kills wait for an event instead (the delay stays as a fallback): the n-th rename
        # window seen (a checkpoint's temporary file exists), or the moment eval.csv gains a row
        event = rng.choice([None, None, "rename", "eval"]) if pause else None
        nth = rng.randint(1, 30)
        err_path = os.path.join(os.path.dirname(run_dir), "stderr-%d" % len(steps))
        with open(err_path, "w+") as err:
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, start_new_session=True)
            started = time.monotonic()
            deadline = started + (delay if event is None else duration * 1.5)
            seen, last_tmp, eval_rows = 0, None, eval_row_count(run_dir)
            while time.monotonic() < deadline and proc.poll() is None:
                if event == "rename":
                    tmp = temporary_checkpoint(run_dir)
                    if tmp and tmp != last_tmp:
                        seen += 1
                        last_tmp = tmp
                        if seen >= nth:
                            break
                elif event == "eval":
                    rows = eval_row_count(run_dir)
                    if rows is not None and eval_rows is not None and rows > eval_rows:
                        break
                    eval_rows = rows if eval_rows is None else eval_rows
                time.sleep(0.001 if event else min(0.005, max(0, deadline - time.monotonic())))
            delay = time.monotonic() - started
            if proc.poll() is None:
                kill_group(proc)
                proc.wait()
                outcome = "killed"
            else:
                outcome = describe_rc(proc.returncode)
            err.seek(0)
            text = err.read().strip()
        if outcome == "killed":
            if not os.path.exists(os.path.join(run_dir, "run.json")):
                where["before run.json"] += 1
            elif not os.path.exists(os.path.join(run_dir, "manifest.json")):
                where["during training"] += 1
            else:
                where["after manifest.json"] += 1
        how = {"rename": "at rename window %d" % nth, "eval": "when eval.csv gained a row"}.get(event, "")
        steps.append("%s  (kill %safter %.3f s: %s)" % (short(argv), how + " " if how else "", delay, outcome))
        if text:
            last_err = text
        if outcome != "killed" and proc.returncode != 0:
            problem = "%s without a kill: %s" % (short(argv), text[-300:])
            break
    # Finish phase: the next command until the run is finished (at most 3 times).
    if problem is None:
        for _ in range(3):
            argv = next_command(binary, run_dir, config)
            if argv is None:
                break
            res = run(argv, timeout=max(120, duration * 20), env=env)
            steps.append("%s  (no kill: %s)" % (short(argv), res.describe()))
            if res.err.strip():
                last_err = res.err.strip()
            if res.rc != 0:
                problem = "%s failed: %s" % (short(argv), res.last_err())
                if crash_reason(res.rc):
                    problem += " [crash: %s]" % crash_summary(res.err)
                break
    digest = None
    if problem is None:
        if not os.path.exists(os.path.join(run_dir, "manifest.json")):
            problem = "not finished after 3 continuations"
        else:
            digest = run_digest(run_dir)
            with open(os.path.join(run_dir, "manifest.json")) as f:
                stored = json.load(f).get("digest")
            if digest != reference.digest[config]:
                problem = "finished with digest %s, the uninterrupted run has %s" % (digest[:16], reference.digest[config][:16])
            elif stored != digest:
                problem = "manifest.json records digest %s but the files give %s" % (str(stored)[:16], digest[:16])
    return {"index": index, "config": config, "pause": pause, "steps": steps, "problem": problem,
            "last_err": last_err[-400:], "dir": run_dir, "kills": sum("killed" in s for s in steps), "where": where}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repro")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1, help="seed of the trial plans (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="trials in parallel (default 2)")
    parser.add_argument("--quick", action="store_true", help="CI: 60 trials unless --trials is given")
    parser.add_argument("--keep", action="store_true", help="keep the directories of failing trials")
    parser.add_argument("--memory-gib", type=float, default=2, help="address-space cap of every child in GiB (0: none)")
    args = parser.parse_args()
    if args.quick and "--trials" not in sys.argv:
        args.trials = 60
    binary = os.path.abspath(args.repro)
    limit_memory(args.memory_gib)
    quiet_backtraces()
    root = tempfile.mkdtemp(prefix="repro-kill-trials-")
    started = time.monotonic()
    try:
        reference = Reference(binary, root)
        print("uninterrupted digests: " + ", ".join("%s %s…" % (c, d[:12]) for c, d in reference.digest.items()))
        print("uninterrupted durations (s): " + ", ".join(
            "%s/%s %.2f" % (c, p, t) for (c, p), t in sorted(reference.duration.items(), key=lambda x: (x[0][0], x[0][1] or 0))))
        # with J parallel trials on fewer cores every command runs slower: stretch the kill delays
        load_factor = max(1.0, args.jobs / max(1, os.cpu_count() or 1))
        results = []
        lock = threading.Lock()
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(trial, binary, root, reference, i, args.seed, load_factor) for i in range(args.trials)]
            for future in as_completed(futures):
                r = future.result()
                with lock:
                    results.append(r)
                    if r["problem"]:
                        print("FAIL trial %d (config %s %s, fault pause %s ms):" % (
                            r["index"], r["config"], " ".join(CONFIGS[r["config"]]) or "(default checkpoints)", r["pause"]))
                        for s in r["steps"]:
                            print("    " + s)
                        print("    problem: " + r["problem"])
                        if r["last_err"]:
                            print("    last stderr: " + r["last_err"].replace("\n", "\n                 "))
                        if args.keep:
                            print("    kept: " + r["dir"])
                    elif not args.keep:
                        shutil.rmtree(os.path.dirname(r["dir"]), ignore_errors=True)
                    done = len(results)
                    if done % 50 == 0:
                        print("… %d trials done" % done, flush=True)
        ok = [r for r in results if not r["problem"]]
        by_config = {}
        for r in results:
            t = by_config.setdefault(r["config"], [0, 0])
            t[1] += 1
            t[0] += 0 if r["problem"] else 1
        kills = sum(r["kills"] for r in results)
        where = {}
        for r in results:
            for k, v in r["where"].items():
                where[k] = where.get(k, 0) + v
        print("per configuration: " + ", ".join("%s %d/%d" % (c, t[0], t[1]) for c, t in sorted(by_config.items())))
        print("%d kills in all (%s); %.0f s" % (kills, ", ".join("%d %s" % (v, k) for k, v in where.items()),
                                                  time.monotonic() - started))
        print("%d of %d reached the uninterrupted digest" % (len(ok), len(results)))
        return 0 if len(ok) == len(results) else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept " + root)


if __name__ == "__main__":
    sys.exit(main())
