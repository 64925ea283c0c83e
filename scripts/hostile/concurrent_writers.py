#!/usr/bin/env python3
"""Pairs of concurrent writers on one run directory: the run must never be corrupted.

    python3 scripts/hostile/concurrent_writers.py REPRO --pairs N [--seed S] [--quick] [--keep]

The run is the digits recipe `--seed 42 --epochs 3 --hidden 16 --checkpoint-every 1` (69 steps, a
checkpoint after each: many atomic writes for the two processes to interleave).
Kinds of pairs, in turn:

  resume+resume   two `repro train --resume D` of a run interrupted at step 10 (--stop-after-step)
  train+resume    `repro train --out D …` and `repro train --resume D`
  train+train     two `repro train --out D …` with the same flags

The second process starts after a random stagger: for resume+resume 0 to 0.3 of a run; for
train+resume once run.json exists plus 0 to 0.3 of a run (a resume before that only finds no run);
for train+train either at once (0 to 0.05 of a run: both create the directory) or once run.json
exists. Both processes run with `REPRO_FAULT_PAUSE_BEFORE_RENAME_MS` (5–20 ms before every rename) so
that they overlap for longer and the rename windows are wide; the summary says how many pairs really overlapped (the first still
running when the second started). Afterwards the run is
finished with `repro train --resume D` if needed (or `repro train --out D …` while it has no
run.json), and the pair is intact when

  - the run's digest (recomputed here) is the uninterrupted digest, manifest.json records it, and
    `repro compare D REFERENCE` exits 0 (every log intact);
  - no process crashed, and not both reported success (exit 0), unless one of them found the run
    already finished;
  - a process that did not do the work exited 2 with a message naming the process that holds the
    lock (its pid), or saying the run is already finished (it came after), or — for a resume that
    started before the other process wrote run.json — saying there is no run to resume yet.

Prints each failing pair and "K of N pairs intact" (corruption: wrong digest, broken logs, a crash,
two successes) and the pairs whose refusals broke the rules; exit status 1 on any failure.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import (crash_reason, crash_summary, describe_rc, kill_group, limit_memory,  # noqa: E402
                            quiet_backtraces, run, run_digest)

FLAGS = ["--seed", "42", "--epochs", "3", "--hidden", "16", "--checkpoint-every", "1", "--quiet"]
KINDS = ["resume+resume", "train+resume", "train+train"]


def env_with(pause):
    env = dict(os.environ)
    env.pop("REPRO_FAULT_PAUSE_BEFORE_RENAME_MS", None)
    if pause:
        env["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS"] = str(pause)
    return env


def start(argv, env, log_dir, name):
    out = open(os.path.join(log_dir, name + ".out"), "w+")
    err = open(os.path.join(log_dir, name + ".err"), "w+")
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    proc.files = (out, err)
    return proc


def finish(proc, timeout):
    try:
        rc = proc.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        rc = proc.wait()
        timed_out = True
    texts = []
    for f in proc.files:
        f.seek(0)
        texts.append(f.read())
        f.close()
    return {"pid": proc.pid, "rc": rc, "out": texts[0], "err": texts[1], "timed_out": timed_out}


def one_pair(binary, root, reference_dir, reference_digest, stopped_dir, duration, index, rng):
    kind = KINDS[index % len(KINDS)]
    pause = rng.choice([5, 10, 20])
    # about 75 atomic writes (a checkpoint per step, the logs' creation, run.json, model, manifest)
    # each wait `pause` ms before their rename
    expected = duration + 0.075 * pause
    after_run_json = kind == "train+resume" or (kind == "train+train" and rng.random() < 0.5)
    stagger = rng.uniform(0, expected * (0.05 if kind == "train+train" and not after_run_json else 0.3))
    pair_dir = os.path.join(root, "pair-%03d" % index)
    os.makedirs(pair_dir)
    run_dir = os.path.join(pair_dir, "run")
    env = env_with(pause)
    train = [binary, "train", "--out", run_dir] + FLAGS
    resume = [binary, "train", "--resume", run_dir, "--quiet"]
    if kind == "resume+resume":
        shutil.copytree(stopped_dir, run_dir, symlinks=True)
        commands = [resume, resume]
    elif kind == "train+resume":
        commands = [train, resume]
    else:
        commands = [train, train]
    first = start(commands[0], env, pair_dir, "first")
    if after_run_json:
        deadline = time.monotonic() + max(10, duration * 5)
        while not os.path.exists(os.path.join(run_dir, "run.json")) and first.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.001)
    time.sleep(stagger)
    overlapped = first.poll() is None
    second = start(commands[1], env, pair_dir, "second")
    timeout = max(120, duration * 30)
    a, b = finish(first, timeout), finish(second, timeout)
    procs = [("first", commands[0], a), ("second", commands[1], b)]
    problems, rule_problems = [], []
    for name, argv, p in procs:
        if p["timed_out"]:
            problems.append("%s hung (killed after %d s)" % (name, timeout))
        reason = crash_reason(p["rc"])
        if reason:
            problems.append("%s crashed: %s: %s" % (name, reason, crash_summary(p["err"])))
    successes = [(name, p) for name, _, p in procs if p["rc"] == 0]
    already = lambda p: re.search(r"already finished|nothing to (do|resume)", p["out"] + p["err"], re.I)  # noqa: E731
    if len(successes) == 2 and not any(already(p) for _, p in successes):
        problems.append("both processes exited 0 (both wrote the run)")
    for name, p in successes:
        m = re.search(r"digest ([0-9a-f]{64})", p["out"])
        if m and m.group(1) != reference_digest:
            problems.append("%s reported digest %s…, the uninterrupted one is %s…" % (name, m.group(1)[:12], reference_digest[:12]))
    outcome = "both exited 0" if len(successes) == 2 else None
    for (name, argv, p), (_, _, other) in ((procs[0], procs[1]), (procs[1], procs[0])):
        if p["rc"] == 0 or p["timed_out"] or crash_reason(p["rc"]):
            continue
        text = p["out"] + p["err"]
        if re.search(r"\b%d\b|lock|being written|another process" % other["pid"], text, re.I):
            outcome = outcome or "refused by the lock"
        elif re.search(r"(?<!un)finished run|already finished|is finished|nothing to resume", text, re.I):
            outcome = outcome or "came after the run finished"
        elif "--resume" in argv and re.search(r"run\.json|not a Repro run|not started|no run", text, re.I):
            outcome = outcome or "resume found no run yet"
        else:
            outcome = outcome or "other refusal"
        named_holder = re.search(r"\b%d\b" % other["pid"], text)
        # it came after the other had finished ("already holds a finished run"; not "unfinished")
        found_finished = re.search(r"(?<!un)finished run|already finished|is finished|nothing to resume", text, re.I)
        no_run_yet = "--resume" in argv and re.search(r"run\.json|not a Repro run|not started|no run", text, re.I)
        if p["rc"] != 2:
            rule_problems.append("%s (%s) exited %s: %s" % (name, " ".join(argv[1:3]), describe_rc(p["rc"]), text.strip()[-250:]))
        elif not (named_holder or found_finished or no_run_yet):
            rule_problems.append("%s (%s) refused without naming the lock holder (pid %d): %s"
                                 % (name, " ".join(argv[1:3]), other["pid"], text.strip()[-250:]))
    # Finish the run if neither did.
    continuation = []
    for _ in range(3):
        if os.path.exists(os.path.join(run_dir, "manifest.json")):
            break
        argv = resume if os.path.exists(os.path.join(run_dir, "run.json")) else train
        res = run(argv, timeout=timeout)
        continuation.append("%s: %s" % (" ".join(argv[1:3]), res.describe()))
        if res.rc != 0:
            problems.append("finishing with %s failed: %s: %s" % (" ".join(argv[1:3]), res.describe(), res.last_err()))
            break
    if os.path.exists(os.path.join(run_dir, "manifest.json")):
        digest = run_digest(run_dir)
        if digest != reference_digest:
            problems.append("the run's digest is %s…, the uninterrupted one is %s…" % ((digest or "?")[:12], reference_digest[:12]))
        try:
            with open(os.path.join(run_dir, "manifest.json")) as f:
                stored = json.load(f).get("digest")
        except (OSError, ValueError) as e:
            stored = "unreadable (%s)" % e
        if stored != digest:
            problems.append("manifest.json records %s…, the files give %s…" % (str(stored)[:12], (digest or "?")[:12]))
        cmp = run([binary, "compare", run_dir, reference_dir], timeout=120)
        if cmp.rc != 0:
            problems.append("repro compare with the reference: %s: %s" % (cmp.describe(), cmp.last_err(300)))
    elif not problems:
        problems.append("the run is not finished")
    return {"index": index, "kind": kind, "pause": pause, "stagger": stagger, "procs": procs,
            "overlapped": overlapped, "after_run_json": after_run_json, "outcome": outcome or "other",
            "continuation": continuation, "problems": problems, "rule_problems": rule_problems, "dir": pair_dir}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repro")
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="CI: 18 pairs unless --pairs is given")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every pair, not only failing ones")
    parser.add_argument("--memory-gib", type=float, default=2, help="address-space cap of every child in GiB (0: none)")
    args = parser.parse_args()
    if args.quick and "--pairs" not in sys.argv:
        args.pairs = 18
    binary = os.path.abspath(args.repro)
    limit_memory(args.memory_gib)
    quiet_backtraces()
    root = tempfile.mkdtemp(prefix="repro-concurrent-")
    started = time.monotonic()
    try:
        reference_dir = os.path.join(root, "reference")
        t0 = time.monotonic()
        res = run([binary, "train", "--out", reference_dir] + FLAGS, timeout=300)
        duration = time.monotonic() - t0
        if res.rc != 0:
            sys.exit("the reference run failed: %s: %s" % (res.describe(), res.last_err()))
        reference_digest = run_digest(reference_dir)
        stopped_dir = os.path.join(root, "stopped")
        res = run([binary, "train", "--out", stopped_dir] + FLAGS + ["--stop-after-step", "10"], timeout=300)
        if res.rc != 0:
            sys.exit("the interrupted run failed: %s: %s" % (res.describe(), res.last_err()))
        print("reference digest %s… (%.2f s uninterrupted)" % (reference_digest[:16], duration), flush=True)
        rng = random.Random(args.seed)
        intact, rules_ok, total, overlapping = 0, 0, 0, 0
        outcomes = {}
        counts = {k: [0, 0] for k in KINDS}
        for index in range(args.pairs):
            r = one_pair(binary, root, reference_dir, reference_digest, stopped_dir, duration, index, rng)
            total += 1
            overlapping += 1 if r["overlapped"] else 0
            outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
            counts[r["kind"]][1] += 1
            if not r["problems"]:
                intact += 1
                counts[r["kind"]][0] += 1
            if not r["rule_problems"]:
                rules_ok += 1
            if r["problems"] or r["rule_problems"] or args.verbose:
                print("%s pair" % ("FAIL" if r["problems"] or r["rule_problems"] else "ok"), end="")
                print(" %d (%s, second started %s%.3f s later%s, fault pause %s ms):" % (
                    r["index"], r["kind"], "once run.json existed + " if r["after_run_json"] else "", r["stagger"],
                    "" if r["overlapped"] else ", after the first had ended", r["pause"]) + " " + r["outcome"])
                for name, argv, p in r["procs"]:
                    digest = re.search(r"digest ([0-9a-f]{12})", p["out"])
                    print("    %s pid %d: %s: %s%s" % (name, p["pid"], " ".join(argv[1:3]), describe_rc(p["rc"]),
                                                       (" (digest %s…)" % digest.group(1)) if digest else ""))
                    if p["err"].strip():
                        print("        stderr: " + p["err"].strip()[-250:].replace("\n", " | "))
                for c in r["continuation"]:
                    print("    then " + c)
                for p in r["problems"]:
                    print("    CORRUPTION: " + p)
                for p in r["rule_problems"]:
                    print("    REFUSAL: " + p)
                if args.keep:
                    print("    kept " + r["dir"])
            if not args.keep or not (r["problems"] or r["rule_problems"]):
                shutil.rmtree(r["dir"], ignore_errors=True)
        print("per kind (intact): " + ", ".join("%s %d/%d" % (k, c[0], c[1]) for k, c in counts.items()))
        print("%d of %d pairs overlapped (the first still running when the second started); outcomes: %s"
              % (overlapping, total, ", ".join("%s %d" % kv for kv in sorted(outcomes.items(), key=lambda kv: -kv[1]))))
        print("%d of %d pairs with refusals by the rules (exit 2 naming the lock holder)" % (rules_ok, total))
        print("%d of %d pairs intact (%.0f s)" % (intact, total, time.monotonic() - started))
        return 0 if intact == total and rules_ok == total else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept " + root)


if __name__ == "__main__":
    sys.exit(main())
