#!/usr/bin/env python3
"""Hostile-input acceptance cases of issue 11 ("Nothing lost, nothing falsely called identical").

    python3 scripts/hostile/hostile_inputs.py REPRO [--only NAME…] [--keep] [--jobs J] [--list]

Each case runs in its own temporary directory with a timeout (a hang is a failure) and checks the
exit status, the message (a regular expression over stderr and stdout), and where it matters that
every existing file is unchanged (a hash of the tree before and after) or that a run reached the
uninterrupted digest. A crash (a Swift trap: SIGILL/SIGTRAP, exit 132/133; SIGABRT 134; SIGSEGV 139)
always fails a case. One line per case (PASS/FAIL and why), a summary, exit status 1 when any case
fails. `--only` takes case names or prefixes (`--only lock_ fifo_metrics`); `--list` prints the
names; `--keep` keeps the temporary directories (their paths are printed).

The datasets (small CSV and IDX files) are written by the script; trainings are short (the digits
recipe with `--epochs 2 --hidden 16`, 46 steps). Every child runs under an address-space cap
(`--memory-gib`, default 2) so that a binary reading /dev/zero or allocating a huge model fails
inside the cap instead of exhausting a shared machine. The `--out ""` and `--out /` cases run the
binary as the user `nobody` when this script runs as root, so a binary that still writes a run into
`/` is refused by the file system instead of littering the machine (and the case fails either way).
"""

import argparse
import os
import pwd
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import (count_rows, crash_reason, crash_summary, describe_rc, file_sha256,  # noqa: E402
                            kill_group, limit_memory, quiet_backtraces, run, run_digest, snapshot, snapshot_diff)

# The short recipe every run fixture uses: 23 steps per epoch on digits (1437 training samples,
# batch 64), so 46 steps; checkpoints at 10, 20, 23 (epoch end), 30, 40.
FLAGS = ["--seed", "42", "--epochs", "2", "--hidden", "16", "--checkpoint-every", "10", "--quiet"]
STEPS = 46
CE23_FLAGS = ["--seed", "42", "--epochs", "2", "--hidden", "16", "--checkpoint-every", "23", "--quiet"]
DEFAULT_TIMEOUT = 60
FIFO_TIMEOUT = 10
MEMORY_GIB = [2.0]  # set from --memory-gib


class Fail(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Fail(message)


# ---------------------------------------------------------------------------------------------
# Data files


def write_csv(path, rows, classes=3, features=4, seed=0, labels=None, header=True):
    """A numeric CSV (label last): `rows` rows, labels cycling through `classes` unless `labels`."""
    import random
    rng = random.Random(seed)
    lines = []
    if header:
        lines.append(",".join(["f%d" % i for i in range(features)] + ["label"]))
    for i in range(rows):
        label = labels[i] if labels is not None else i % classes
        values = ["%.3f" % (rng.gauss(0, 1) + label) for _ in range(features)]
        lines.append(",".join(values + [str(label)]))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


IDX_TYPES = {"u8": (0x08, ">B"), "i32": (0x0C, ">i"), "f32": (0x0D, ">f"), "f64": (0x0E, ">d")}


def write_idx(path, kind, shape, values):
    code, fmt = IDX_TYPES[kind]
    data = bytearray(struct.pack(">BBBB", 0, 0, code, len(shape)))
    for dim in shape:
        data += struct.pack(">I", dim)
    for value in values:
        data += struct.pack(fmt, value)
    with open(path, "wb") as f:
        f.write(bytes(data))


def write_idx_dataset(directory, labels, kind="f32", count=60):
    """IDX images (u8, count×8×8) and labels of type `kind`; returns the --dataset value."""
    import random
    rng = random.Random(1)
    images = os.path.join(directory, "train-images-idx3-ubyte")
    label_file = os.path.join(directory, "train-labels-idx1-ubyte")
    write_idx(images, "u8", [count, 8, 8], [rng.randrange(256) for _ in range(count * 64)])
    write_idx(label_file, kind, [count], labels)
    return images + "," + label_file


# ---------------------------------------------------------------------------------------------
# Fixtures: runs trained once and copied into each case's directory


class Fixtures:
    """Runs trained once per suite (lazily, thread-safe), copied into cases."""

    def __init__(self, suite):
        self.suite = suite
        self.root = os.path.join(suite.root, "fixtures")
        os.makedirs(self.root, exist_ok=True)
        self.lock = threading.Lock()
        self.built = {}

    def get(self, name):
        with self.lock:
            if name not in self.built:
                self.built[name] = getattr(self, "_build_" + name)()
            return self.built[name]

    def _train(self, name, args, extra_env=None):
        path = os.path.join(self.root, name)
        res = self.suite.repro(["train", "--out", path] + args, cwd=self.root, extra_env=extra_env)
        if res.rc != 0:
            raise RuntimeError("fixture %s: repro train failed (%s): %s" % (name, res.describe(), res.last_err()))
        return path

    def _build_stopped3_ce1(self):
        """FLAGS with --checkpoint-every 1, stopped after step 3: a run a slowed resume continues
        (every step's checkpoint pauses before its rename)."""
        return self._train("stopped3_ce1", slow_flags() + ["--stop-after-step", "3"])

    def _build_finished(self):
        """The reference run: FLAGS, uninterrupted."""
        path = self._train("finished", FLAGS)
        return path, run_digest(path)

    def _build_stopped35(self):
        """FLAGS stopped after step 35: checkpoints 10, 20, 23, 30; 35 metrics rows, 1 eval row."""
        return self._train("stopped35", FLAGS + ["--stop-after-step", "35"])

    def _build_ce23_finished(self):
        """--checkpoint-every 23 (divides the epoch's last step 23), uninterrupted."""
        path = self._train("ce23_finished", CE23_FLAGS)
        return path, run_digest(path)


# ---------------------------------------------------------------------------------------------
# The case context


class Case:
    def __init__(self, name, func, group, timeout=DEFAULT_TIMEOUT):
        self.name, self.func, self.group, self.timeout = name, func, group, timeout


class Ctx:
    """What a case function gets: its directory, the binary, the fixtures and helpers."""

    def __init__(self, suite, case):
        self.suite, self.case = suite, case
        self.dir = os.path.join(suite.root, "cases", case.name)
        os.makedirs(self.dir)
        self.timeout = case.timeout
        self.notes = []

    def repro(self, args, timeout=None, cwd=None, **kw):
        return self.suite.repro(args, timeout=timeout or self.timeout, cwd=cwd or self.dir, **kw)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def copy_fixture(self, name, dest_name):
        fixture = self.suite.fixtures.get(name)
        src = fixture[0] if isinstance(fixture, tuple) else fixture
        dest = self.path(dest_name)
        shutil.copytree(src, dest, symlinks=True)
        return dest

    def reference_digest(self, name="finished"):
        return self.suite.fixtures.get(name)[1]


def no_crash(res, what="repro"):
    """Fails on a timeout or a crash."""
    if res.timed_out:
        raise Fail("%s hung: %s (a hang is a failure)" % (what, res.describe()))
    reason = crash_reason(res.rc)
    if reason:
        summary = crash_summary(res.err)
        if "failed to allocate" in summary:
            summary += " (inside this suite's %g GiB address-space cap; without it, until the machine's memory runs out)" % MEMORY_GIB[0]
        elif summary == "(nothing on stderr)":
            summary += ": a Swift runtime trap such as an integer overflow" if -res.rc in (4, 5) or res.rc in (132, 133) else ""
        raise Fail("%s crashed: %s: %s" % (what, reason, summary))


def expect_error(res, pattern, rc=2, forbid=None, what="repro"):
    """Exit `rc` and a message matching `pattern` (case-insensitive, over stderr+stdout)."""
    no_crash(res, what)
    if res.rc != rc:
        raise Fail("%s: expected exit %d, got %s; output: %s" % (what, rc, describe_rc(res.rc), res.last_err()))
    if pattern and not re.search(pattern, res.text, re.I | re.S):
        raise Fail("%s: exit %d but the message does not match /%s/: %s" % (what, rc, pattern, res.last_err()))
    if forbid and re.search(forbid, res.text, re.I | re.S):
        raise Fail("%s: the message contains /%s/: %s" % (what, forbid, res.last_err()))


def expect_unchanged(before, after, what="the files", res=None, ctx=None):
    """Every file of `before` as it was. With `ctx`, files that were only added (say a run directory
    a failed `train` created before it failed) are a note on the case, not a failure."""
    diff = snapshot_diff(before, after, limit=1000)
    added = [d for d in diff if d.startswith("added ")]
    if ctx is not None:
        diff = [d for d in diff if not d.startswith("added ")]
        if added:
            ctx.notes.append("note: the failed command left new files: %s" % short_list(added))
    if diff:
        raise Fail("%s changed%s: %s" % (what, (" by the failed command (%s: %s)" % (res.describe(), res.last_err(150)))
                                         if res is not None else "", short_list(diff)))


def short_list(items, limit=5):
    items = [i.replace("added ", "", 1) if i.startswith("added ") else i for i in items]
    return ", ".join(items[:limit]) + (" … %d more" % (len(items) - limit) if len(items) > limit else "")


def expect_finished(ctx, run_dir, digest, what="the run"):
    check(os.path.exists(os.path.join(run_dir, "manifest.json")), "%s is not finished (no manifest.json)" % what)
    got = run_digest(run_dir)
    check(got == digest, "%s finished with digest %s, the uninterrupted run has %s" % (what, (got or "?")[:16], digest[:16]))


def relpath(ctx, path):
    return os.path.relpath(path, ctx.dir)


def esc(text):
    return re.escape(text)


# ---------------------------------------------------------------------------------------------
# Cases

CASES = []


def case(name, group, timeout=DEFAULT_TIMEOUT):
    def register(func):
        CASES.append(Case(name, func, group, timeout))
        return func
    return register


def add_case(name, group, func, timeout=DEFAULT_TIMEOUT):
    CASES.append(Case(name, func, group, timeout))


# ---- 1. Run-directory lock -------------------------------------------------------------------

SLOW_ENV = {"REPRO_FAULT_PAUSE_BEFORE_RENAME_MS": "120"}  # with --checkpoint-every 1: ~120 ms per step


def start_slow(ctx, args):
    """A writer slowed down by the fault pause (every atomic write sleeps before its rename)."""
    env = dict(os.environ)
    env.update(SLOW_ENV)
    log = open(ctx.path("slow-%d.err" % len(os.listdir(ctx.dir))), "w+")
    proc = subprocess.Popen([ctx.suite.binary] + args, cwd=ctx.dir, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    proc.log = log
    return proc


def writing_step(run_dir, step):
    """Whether a writer with --checkpoint-every 1 has got to `step` (its checkpoint, or the
    temporary file of it, exists): a fresh sign of progress even in a copied run."""
    try:
        names = os.listdir(os.path.join(run_dir, "checkpoints"))
    except OSError:
        return False
    return any("step-%08d" % s in name for name in names for s in range(step, step + 40))


def wait_for(predicate, timeout=20, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            return predicate()
        time.sleep(0.02)
    return False


def finish_slow(proc, timeout=120):
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.wait()
        raise Fail("the first writer did not finish in %d s" % timeout)
    proc.log.seek(0)
    err = proc.log.read()
    proc.log.close()
    return rc, err


def slow_flags():
    flags = list(FLAGS)
    flags[flags.index("--checkpoint-every") + 1] = "1"
    return flags


def lock_case(second, setup="train"):
    """A slow first writer; `second(ctx, run, pid)` runs while it writes and must be refused."""
    def func(ctx):
        digest = ctx.reference_digest()
        run_dir = ctx.path("run")
        if setup == "train":
            first = start_slow(ctx, ["train", "--out", run_dir] + slow_flags())
        else:  # resume of an interrupted run (slow_flags, stopped after step 3)
            run_dir = ctx.copy_fixture("stopped3_ce1", "run")
            first = start_slow(ctx, ["train", "--resume", run_dir, "--quiet"])
        try:
            check(wait_for(lambda: writing_step(run_dir, 5), proc=first),
                  "the first writer did not get to step 5 (%s)" % describe_rc(first.poll()))
            check(first.poll() is None, "the first writer ended too early: %s" % describe_rc(first.poll()))
            res = second(ctx, run_dir, first.pid)
            still_running = first.poll() is None
        except BaseException:
            kill_group(first)
            first.wait()
            raise
        rc, err = finish_slow(first)
        if res.rc == 0 or rc != 0:
            raise Fail("the second writer was not refused: %s (%s); the first writer then %s%s"
                       % (res.describe(), res.last_err(120), describe_rc(rc),
                          (": " + err.strip()[-200:].replace("\n", " | ")) if rc != 0 else ""))
        expect_error(res, r"\b%d\b" % first.pid, what="the second writer")
        check(still_running or res.rc == 2, "the first writer ended before the second was refused")
        expect_finished(ctx, run_dir, digest)
    return func


add_case("lock_train_then_resume", "lock", lock_case(
    lambda ctx, run_dir, pid: ctx.repro(["train", "--resume", run_dir, "--quiet"])))
add_case("lock_train_then_train_same_out", "lock", lock_case(
    lambda ctx, run_dir, pid: ctx.repro(["train", "--out", run_dir] + slow_flags())))
add_case("lock_resume_then_resume", "lock", lock_case(
    lambda ctx, run_dir, pid: ctx.repro(["train", "--resume", run_dir, "--quiet"]), setup="resume"))


def _lock_sweep(ctx, run_dir, pid):
    # run_dir is SWEEP/seed-42 of a sweep directory (see below), trained with slow_flags(): the
    # sweep gives the same flags, so that only the lock can refuse it (other flags are refused first)
    sweep = os.path.dirname(run_dir)
    flags = slow_flags()
    del flags[flags.index("--seed"):flags.index("--seed") + 2]
    flags.remove("--quiet")
    return ctx.repro(["sweep", "--seeds", "42..42", "--out", sweep] + flags)


@case("lock_sweep_while_resume", "lock")
def _(ctx):
    """`repro sweep` must not resume a run another process is resuming."""
    digest = ctx.reference_digest()
    sweep = ctx.path("sweep")
    os.mkdir(sweep)
    run_dir = os.path.join(sweep, "seed-42")
    shutil.copytree(ctx.suite.fixtures.get("stopped3_ce1"), run_dir, symlinks=True)
    first = start_slow(ctx, ["train", "--resume", run_dir, "--quiet"])
    try:
        check(wait_for(lambda: writing_step(run_dir, 5), proc=first),
              "the resume did not get to step 5 (%s)" % describe_rc(first.poll()))
        res = _lock_sweep(ctx, run_dir, first.pid)
    except BaseException:
        kill_group(first)
        first.wait()
        raise
    rc, err = finish_slow(first)
    if res.rc == 0 or rc != 0:
        raise Fail("the sweep was not refused: %s (%s); the resume it raced then %s%s"
                   % (res.describe(), res.last_err(120), describe_rc(rc),
                      (": " + err.strip()[-200:].replace("\n", " | ")) if rc != 0 else ""))
    expect_error(res, r"\b%d\b" % first.pid, what="the sweep")
    expect_finished(ctx, run_dir, digest)


@case("lock_released_by_kill", "lock")
def _(ctx):
    """kill -9 of a writer leaves no stale lock: a resume right after it works."""
    digest = ctx.reference_digest()
    run_dir = ctx.path("run")
    first = start_slow(ctx, ["train", "--out", run_dir] + slow_flags())
    ok = wait_for(lambda: os.path.exists(os.path.join(run_dir, "metrics.csv"))
                  and count_rows(os.path.join(run_dir, "metrics.csv")) >= 3, proc=first)
    kill_group(first)
    first.wait()
    first.log.close()
    check(ok, "the writer did not get to step 3")
    res = ctx.repro(["train", "--resume", run_dir, "--quiet"])
    expect_error(res, None, rc=0, what="the resume after kill -9")
    expect_finished(ctx, run_dir, digest)


@case("lock_readers_during_write", "lock")
def _(ctx):
    """Read-only tools on a run being written: a clear refusal (unfinished run), never a crash or hang."""
    run_dir = ctx.path("run")
    ref = ctx.copy_fixture("finished", "ref")
    first = start_slow(ctx, ["train", "--out", run_dir] + slow_flags())
    problems = []
    try:
        check(wait_for(lambda: os.path.exists(os.path.join(run_dir, "metrics.csv"))
                       and count_rows(os.path.join(run_dir, "metrics.csv")) >= 2, proc=first),
              "the writer did not get going")
        for args in (["compare", ref, run_dir], ["stats", run_dir], ["plot", run_dir], ["report", run_dir],
                     ["doctor", run_dir]):
            res = ctx.repro(args, timeout=FIFO_TIMEOUT)
            try:
                no_crash(res, "repro " + args[0])
                if args[0] == "doctor":
                    check(res.rc in (0, 1), "repro doctor on a run being written: %s: %s" % (res.describe(), res.last_err()))
                else:
                    expect_error(res, r"unfinished|not finished|in progress|being written|\b%d\b" % first.pid,
                                 what="repro " + args[0])
            except Fail as e:
                problems.append(str(e))
    finally:
        kill_group(first)
        first.wait()
        first.log.close()
    check(not problems, "; ".join(problems))


# ---- 2. Verdicts recomputed from the files ---------------------------------------------------


def damaged_pair(ctx, damage):
    """Copies of the reference run as A and B; `damage(B)` applied to B."""
    a = ctx.copy_fixture("finished", "A")
    b = ctx.copy_fixture("finished", "B")
    damage(b)
    return a, b


def change_log_row(run_dir, name="metrics.csv", step=10):
    """Changes the last digit of the loss in the row of `step` (the file's line step+1)."""
    path = os.path.join(run_dir, name)
    with open(path) as f:
        lines = f.read().split("\n")
    fields = lines[step].split(",")
    check(fields[0] == str(step), "fixture: line %d of %s is not step %d" % (step + 1, name, step))
    value = fields[2]
    last = value[-1]
    fields[2] = value[:-1] + ("1" if last != "1" else "2")
    lines[step] = ",".join(fields)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return step + 1  # the line number


def edit_manifest_digest(run_dir):
    path = os.path.join(run_dir, "manifest.json")
    with open(path) as f:
        text = f.read()
    digest = run_digest(run_dir)
    check(digest in text, "fixture: the manifest does not hold the run's digest")
    edited = ("0" if digest[0] != "0" else "1") + digest[1:]
    with open(path, "w") as f:
        f.write(text.replace(digest, edited))


DAMAGE_NAMED = {
    "changed_log_row": (lambda b: change_log_row(b), r"metrics\.csv"),
    "edited_stored_digest": (edit_manifest_digest, r"manifest\.json"),
}
DAMAGE_WORDS = r"damaged|changed|does not match|do not match|disagree|mismatch|tamper|modified|corrupt"


def verdict_case(tool, damage_name):
    damage, file_pattern = DAMAGE_NAMED[damage_name]

    def func(ctx):
        a, b = damaged_pair(ctx, damage)
        before = snapshot(ctx.dir)
        out_file = ctx.path("out", "report.html" if tool == "report" else "plot.svg")
        os.makedirs(os.path.dirname(out_file))
        if tool in ("report", "plot"):
            res = ctx.repro([tool, a, b, "--out", out_file])
        elif tool == "stats":
            res = ctx.repro(["stats", a, b])
        else:
            res = ctx.repro(["compare", a, b])
        no_crash(res, "repro " + tool)
        produced = ""
        if os.path.exists(out_file):
            with open(out_file, errors="replace") as f:
                produced = f.read()
        everything = res.text + produced
        # What must never be said.
        if damage_name == "changed_log_row":
            lies = [r"All 2 runs are bitwise identical", r"bitwise identical \(same digest\)", r"identical to A\b",
                    r"^verdict: bitwise identical"]
        else:
            lies = [r"different digests?\b", r"not identical", r"^verdict: (?!bitwise identical)"]
        for lie in lies:
            m = re.search(lie, everything, re.M)
            if m and res.rc in (0, 1):
                raise Fail("repro %s (%s) says %r although B's %s; output: %s"
                           % (tool, describe_rc(res.rc), m.group(0),
                              "metrics.csv was changed after it finished" if damage_name == "changed_log_row"
                              else "manifest.json's digest was edited (the files are intact)",
                              res.last_err(200)))
        # What must be said: B is damaged, naming the file.
        pattern = r"(%s).{0,200}(%s)|(%s).{0,200}(%s)" % (file_pattern, DAMAGE_WORDS, DAMAGE_WORDS, file_pattern)
        if tool == "compare" and damage_name == "changed_log_row":
            # compare recomputes: a difference (exit 1) with the note naming the changed file
            check(res.rc == 1, "repro compare: expected exit 1 (the logs differ), got %s" % describe_rc(res.rc))
        else:
            check(res.rc in (0, 1, 2), "repro %s: %s" % (tool, describe_rc(res.rc)))
        if not re.search(pattern, everything, re.I | re.S):
            raise Fail("repro %s (%s) does not report B as damaged naming %s: %s"
                       % (tool, describe_rc(res.rc), file_pattern, res.last_err(200)))
        after = snapshot(ctx.dir)
        for rel in list(after):
            if rel.startswith("out"):
                after.pop(rel)
                before.pop(rel, None)
        expect_unchanged(before, after, "the runs")
    return func


for _tool in ("report", "plot", "stats", "compare"):
    for _damage in DAMAGE_NAMED:
        add_case("verdict_%s_%s" % (_tool, _damage), "verdict", verdict_case(_tool, _damage))


# ---- 3. Exact resume -------------------------------------------------------------------------


@case("resume_checkpoint_every_divides_epoch_end", "resume")
def _(ctx):
    """--checkpoint-every 23 divides the epoch's last step 23, whose checkpoint the base code writes
    twice. Killed (kill -9) after eval.csv's row for step 23 is flushed and while a checkpoint's
    temporary file waits to be renamed (REPRO_FAULT_PAUSE_BEFORE_RENAME_MS widens the window), the
    run must resume to the uninterrupted digest."""
    ref_dir, digest = ctx.suite.fixtures.get("ce23_finished")
    run_dir = ctx.path("run")
    env = dict(os.environ)
    env["REPRO_FAULT_PAUSE_BEFORE_RENAME_MS"] = "700"
    proc = subprocess.Popen([ctx.suite.binary, "train", "--out", run_dir] + CE23_FLAGS, cwd=ctx.dir, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    eval_file = os.path.join(run_dir, "eval.csv")
    ckpt_dir = os.path.join(run_dir, "checkpoints")

    def in_window():
        try:
            if count_rows(eval_file) < 1:
                return False
            return any(".tmp-" in name for name in os.listdir(ckpt_dir))
        except OSError:
            return False

    hit = wait_for(in_window, timeout=40, proc=proc)
    kill_group(proc)
    proc.wait()
    check(os.path.exists(os.path.join(run_dir, "run.json")), "the run did not start")
    if not hit:
        ctx.notes.append("the window (eval row flushed, checkpoint not yet renamed) was not seen; killed at the end")
    check(not os.path.exists(os.path.join(run_dir, "manifest.json")), "the run finished before the kill")
    res = ctx.repro(["train", "--resume", run_dir, "--quiet"])
    if res.rc == 2 and re.search(r"eval\.csv.*rows", res.err):
        raise Fail("the run cannot be resumed: %s" % res.last_err())
    expect_error(res, None, rc=0, what="the resume")
    expect_finished(ctx, run_dir, digest)


def damaged_log_case(file_name, step, mutate, label):
    def func(ctx):
        run_dir = ctx.copy_fixture("stopped35", "run")
        path = os.path.join(run_dir, file_name)
        with open(path) as f:
            lines = f.read().split("\n")
        index = next(i for i, line in enumerate(lines) if line.split(",")[0] == str(step))
        fields = lines[index].split(",")
        fields[2] = mutate(fields[2])
        lines[index] = ",".join(fields)
        with open(path, "w") as f:
            f.write("\n".join(lines))
        line_no = index + 1
        before = snapshot(run_dir)
        res = ctx.repro(["train", "--resume", run_dir, "--quiet"])
        if res.rc == 0:
            raise Fail("the resume accepted %s's %s at line %d (step %d, before the checkpoint at step 30) "
                       "and finished (exit 0)" % (file_name, label, line_no, step))
        expect_error(res, r"%s.{0,80}(line |:)%d\b" % (esc(file_name), line_no), what="the resume")
        expect_unchanged(before, snapshot(run_dir), res=res)
    return func


def _changed_digits(value):
    return value[:-2] + ("98" if value[-2:] != "98" else "97")


add_case("resume_log_nan_before_checkpoint", "resume",
         damaged_log_case("metrics.csv", 5, lambda v: "nan", "loss changed to nan"))
add_case("resume_log_changed_digits_before_checkpoint", "resume",
         damaged_log_case("metrics.csv", 12, _changed_digits, "loss with changed digits"))
add_case("resume_eval_changed_digits_before_checkpoint", "resume",
         damaged_log_case("eval.csv", 23, _changed_digits, "validation loss with changed digits"))


def dataset_edit_case(kind):
    def func(ctx):
        if kind == "csv":
            data = ctx.path("data.csv")
            write_csv(data, 120, classes=3)
            dataset = data
        else:
            labels = [i % 3 for i in range(60)]
            dataset = write_idx_dataset(ctx.dir, labels, kind="u8")
        run_dir = ctx.path("run")
        args = ["train", "--seed", "1", "--epochs", "3", "--batch-size", "16", "--hidden", "8",
                "--checkpoint-every", "2", "--quiet", "--dataset", dataset, "--out", run_dir]
        res = ctx.repro(args + ["--stop-after-step", "5"])
        expect_error(res, None, rc=0, what="the first part of the run")
        # same rows, same classes, two labels swapped
        if kind == "csv":
            with open(data) as f:
                lines = f.read().splitlines()
            a, b = lines[1].split(","), lines[2].split(",")
            check(a[-1] != b[-1], "fixture: rows 1 and 2 have one label")
            a[-1], b[-1] = b[-1], a[-1]
            lines[1], lines[2] = ",".join(a), ",".join(b)
            with open(data, "w") as f:
                f.write("\n".join(lines) + "\n")
            named = os.path.basename(data)
        else:
            labels[0], labels[1] = labels[1], labels[0]
            write_idx(dataset.split(",")[1], "u8", [60], labels)
            named = r"(train-labels-idx1-ubyte|train-images-idx3-ubyte)"
        before = snapshot(run_dir)
        res = ctx.repro(["train", "--resume", run_dir, "--quiet"])
        if res.rc == 0:
            raise Fail("the resume trained on the edited dataset silently (exit 0)")
        expect_error(res, r"%s" % named, what="the resume")
        expect_unchanged(before, snapshot(run_dir), "the run", res=res)
    return func


add_case("resume_dataset_csv_edited", "resume", dataset_edit_case("csv"))
add_case("resume_dataset_idx_edited", "resume", dataset_edit_case("idx"))


@case("resume_before_run_json_hint", "resume")
def _(ctx):
    """A kill before run.json exists leaves checkpoints/, metrics.csv and eval.csv (headers only):
    --resume must not call it 'not a Repro run directory' with the hint to pass an --out directory."""
    run_dir = ctx.path("run")
    os.makedirs(os.path.join(run_dir, "checkpoints"))
    with open(os.path.join(run_dir, "metrics.csv"), "w") as f:
        f.write("step,epoch,loss,learning_rate\n")
    with open(os.path.join(run_dir, "eval.csv"), "w") as f:
        f.write("step,epoch,validation_loss,validation_accuracy\n")
    before = snapshot(run_dir)
    res = ctx.repro(["train", "--resume", run_dir, "--quiet"])
    expect_error(res, r"before .{0,40}run\.json|never started|not started|did not start|start it again|"
                      r"repro train --out|interrupted before",
                 forbid=r"--resume takes the --out directory", what="the resume")
    expect_unchanged(before, snapshot(run_dir), res=res)
    # and `repro train --out` with the run's flags starts it
    res = ctx.repro(["train", "--out", run_dir] + FLAGS)
    expect_error(res, None, rc=0, what="repro train --out on the directory")
    expect_finished(ctx, run_dir, ctx.reference_digest())


# ---- 4. Outputs never overwrite or land inside a run ------------------------------------------


def root_listing():
    return sorted(os.listdir("/"))


def as_nobody(ctx):
    """Runs the child as nobody when we are root (so a write into / fails); the case dir is opened up."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return None
    path = ctx.dir
    while path not in ("/", ""):
        os.chmod(path, os.stat(path).st_mode | 0o755)
        path = os.path.dirname(path)
    os.chmod(ctx.dir, 0o777)
    return "nobody"


def into_root_case(args, pattern):
    def func(ctx):
        user = as_nobody(ctx)
        before_root = root_listing()
        before = snapshot(ctx.dir)
        res = ctx.repro(args, user=user)
        added = sorted(set(root_listing()) - set(before_root))
        check(not added, "wrote into / : %s" % ", ".join(added))
        expect_error(res, pattern, forbid=r"NSCocoaErrorDomain")
        expect_unchanged(before, snapshot(ctx.dir), "the working directory")
    return func


add_case("out_empty_train", "outputs", into_root_case(["train", "--out", ""] + FLAGS, r"--out|empty"))
add_case("out_root_train", "outputs", into_root_case(["train", "--out", "/"] + FLAGS, r"--out|/"))
add_case("out_empty_sweep", "outputs", into_root_case(
    ["sweep", "--seeds", "1..1", "--out", "", "--epochs", "1", "--hidden", "16"], r"--out|empty"))
def _plot_empty(ctx):
    run_dir = ctx.copy_fixture("finished", "A")
    user = as_nobody(ctx)
    before_root = root_listing()
    before = snapshot(ctx.dir)
    for tool in ("plot", "report"):
        res = ctx.repro([tool, run_dir, "--out", ""], user=user)
        expect_error(res, r"--out|empty|not a file", forbid=r"NSCocoaErrorDomain", what="repro " + tool)
    check(not (set(root_listing()) - set(before_root)), "wrote into /")
    expect_unchanged(before, snapshot(ctx.dir))


add_case("out_empty_plot_report", "outputs", _plot_empty)


@case("stats_per_step_overwrites_run_log", "outputs")
def _(ctx):
    run_dir = ctx.copy_fixture("finished", "run")
    before = snapshot(ctx.dir)
    res = ctx.repro(["stats", run_dir, "--per-step", os.path.join(run_dir, "metrics.csv")])
    after = snapshot(ctx.dir)
    if res.rc == 0:
        raise Fail("exit 0 and the run's metrics.csv %s" % ("was overwritten" if before != after else "kept"))
    expect_error(res, r"metrics\.csv|inside|run")
    expect_unchanged(before, after)


def per_step_inside_case(target):
    def func(ctx):
        sweep = ctx.path("sweep")
        os.mkdir(sweep)
        for seed in ("seed-1", "seed-2"):
            shutil.copytree(ctx.suite.fixtures.get("finished")[0], os.path.join(sweep, seed), symlinks=True)
        before = snapshot(ctx.dir)
        res = ctx.repro(["stats", sweep, "--per-step", os.path.join(sweep, target)])
        expect_error(res, r"inside|run|%s" % esc(target))
        expect_unchanged(before, snapshot(ctx.dir))
    return func


add_case("stats_per_step_new_file_inside_run", "outputs", per_step_inside_case("seed-1/per-step.csv"))
add_case("stats_per_step_into_checkpoints", "outputs", per_step_inside_case("seed-2/checkpoints/x.csv"))


def sweep_out_case(fixture):
    def func(ctx):
        run_dir = ctx.copy_fixture(fixture, "run")
        before = snapshot(ctx.dir)
        res = ctx.repro(["sweep", "--seeds", "1..2", "--out", run_dir, "--epochs", "1", "--hidden", "16"])
        after = snapshot(ctx.dir)
        if res.rc == 0:
            raise Fail("exit 0: the sweep wrote %s" % "; ".join(snapshot_diff(before, after)))
        expect_error(res, r"run|%s" % esc(os.path.basename(run_dir)))
        expect_unchanged(before, after)
    return func


add_case("sweep_out_finished_run", "outputs", sweep_out_case("finished"))
add_case("sweep_out_unfinished_run", "outputs", sweep_out_case("stopped35"))


@case("sweep_out_inside_run", "outputs")
def _(ctx):
    run_dir = ctx.copy_fixture("finished", "run")
    before = snapshot(ctx.dir)
    res = ctx.repro(["sweep", "--seeds", "1..1", "--out", os.path.join(run_dir, "sub"), "--epochs", "1", "--hidden", "16"])
    after = snapshot(ctx.dir)
    if res.rc == 0:
        raise Fail("exit 0: the sweep wrote %s" % "; ".join(snapshot_diff(before, after)))
    expect_error(res, r"inside|run")
    expect_unchanged(before, after)


@case("train_out_inside_run", "outputs")
def _(ctx):
    run_dir = ctx.copy_fixture("finished", "run")
    before = snapshot(ctx.dir)
    res = ctx.repro(["train", "--out", os.path.join(run_dir, "checkpoints", "sub")] + FLAGS)
    after = snapshot(ctx.dir)
    if res.rc == 0:
        raise Fail("exit 0: trained a run inside a run (%s)" % "; ".join(snapshot_diff(before, after)))
    expect_error(res, r"inside|run")
    expect_unchanged(before, after)


def tool_out_case(tool, target, given="run"):
    """plot/report --out `target` (relative to the case dir); `given`: which runs are the inputs."""
    def func(ctx):
        run_dir = ctx.copy_fixture("finished", "run")
        other = ctx.copy_fixture("finished", "other")
        os.symlink(run_dir, ctx.path("link-to-run"))
        inputs = [run_dir] if given == "run" else [other]
        before = snapshot(ctx.dir)
        res = ctx.repro([tool] + inputs + ["--out", ctx.path(target)])
        after = snapshot(ctx.dir)
        if res.rc == 0:
            raise Fail("exit 0: repro %s wrote %s" % (tool, "; ".join(snapshot_diff(before, after))))
        expect_error(res, r"inside|run", what="repro " + tool)
        expect_unchanged(before, after)
    return func


for _tool, _ext in (("plot", "svg"), ("report", "html")):
    add_case("%s_out_inside_run" % _tool, "outputs", tool_out_case(_tool, "run/x.%s" % _ext))
    add_case("%s_out_overwrites_run_log" % _tool, "outputs", tool_out_case(_tool, "run/metrics.csv"))
    add_case("%s_out_in_checkpoints" % _tool, "outputs", tool_out_case(_tool, "run/checkpoints/x.%s" % _ext))
    add_case("%s_out_via_symlink_into_run" % _tool, "outputs", tool_out_case(_tool, "link-to-run/x.%s" % _ext))
    add_case("%s_out_inside_other_run" % _tool, "outputs", tool_out_case(_tool, "run/x.%s" % _ext, given="other"))


@case("resume_missing_checkpoints_dir", "outputs")
def _(ctx):
    """checkpoints/ removed from a run stopped at step 35: a resume either restarts from step 0 and
    reaches the uninterrupted digest, or fails leaving metrics.csv (35 rows) and eval.csv as they were."""
    run_dir = ctx.copy_fixture("stopped35", "run")
    shutil.rmtree(os.path.join(run_dir, "checkpoints"))
    before = snapshot(run_dir)
    res = ctx.repro(["train", "--resume", run_dir, "--quiet"])
    no_crash(res)
    if res.rc == 0:
        expect_finished(ctx, run_dir, ctx.reference_digest())
        return
    after = snapshot(run_dir)
    rows = count_rows(os.path.join(run_dir, "metrics.csv")) if os.path.exists(os.path.join(run_dir, "metrics.csv")) else None
    check(not snapshot_diff(before, after), "the failed resume (%s: %s) changed files: %s; metrics.csv now has %s rows (was 35)"
          % (describe_rc(res.rc), res.last_err(150), "; ".join(snapshot_diff(before, after)), rows))
    expect_error(res, r"checkpoints")


def early_stop_case(stop):
    def func(ctx):
        run_dir = ctx.copy_fixture("stopped35", "run")
        before = snapshot(run_dir)
        res = ctx.repro(["train", "--resume", run_dir, "--quiet", "--stop-after-step", str(stop)])
        after = snapshot(run_dir)
        rows = count_rows(os.path.join(run_dir, "metrics.csv"))
        check(not snapshot_diff(before, after), "the refused resume (%s: %s) changed files: %s; metrics.csv has %d rows (was 35)"
              % (describe_rc(res.rc), res.last_err(150), "; ".join(snapshot_diff(before, after)), rows))
        expect_error(res, r"--stop-after-step")
    return func


add_case("resume_early_stop_after_step_5", "outputs", early_stop_case(5))
add_case("resume_stop_after_step_at_checkpoint_30", "outputs", early_stop_case(30))


# ---- 5. No crashes -----------------------------------------------------------------------------


def error_case(args, pattern, allow_success=False, forbid=None, dataset=None, names_file=False):
    """`repro ARGS` must exit 2 with a message matching `pattern` (or, with allow_success, finish);
    the case directory is left as it was (apart from a finished run with allow_success)."""
    def func(ctx):
        argv = list(args)
        file_pattern = None
        if dataset:
            value = dataset(ctx)
            argv += ["--dataset", value]
            file_pattern = "|".join(esc(os.path.basename(part)) for part in value.split(","))
        argv = [a.replace("{dir}", ctx.dir) for a in argv]
        before = snapshot(ctx.dir)
        res = ctx.repro(argv)
        no_crash(res)
        if allow_success and res.rc == 0:
            return
        pat = pattern
        if names_file and file_pattern:
            pat = r"(?=.*(%s))(?=.*(%s))" % (file_pattern, pattern)
        expect_error(res, pat, forbid=forbid)
        expect_unchanged(before, snapshot(ctx.dir), res=res, ctx=ctx)
    return func


TRAIN_SHORT = ["train", "--seed", "1", "--hidden", "16", "--quiet", "--out", "{dir}/run"]
BIG = {"2^63-1": "9223372036854775807", "2^62": "4611686018427387904"}
for _label, _value in BIG.items():
    add_case("epochs_%s" % _label, "crash", error_case(TRAIN_SHORT + ["--epochs", _value], r"--epochs|epochs"))
    add_case("epochs_%s_with_max_steps" % _label, "crash",
             error_case(TRAIN_SHORT + ["--epochs", _value, "--max-steps", "5"], r"--epochs|epochs", allow_success=True))
    # a shift beyond the image is meaningless but not impossible: a clear error or a finished run
    add_case("augment_shift_%s" % _label, "crash",
             error_case(TRAIN_SHORT + ["--epochs", "1", "--max-steps", "5", "--augment-shift", _value], r"--augment-shift|shift",
                        allow_success=_label != "2^63-1"))
for _label, _value in list(BIG.items()) + [("2^57", "144115188075855872")]:
    add_case("hidden_%s" % _label, "crash",
             error_case(TRAIN_SHORT + ["--epochs", "1", "--max-steps", "5", "--hidden", _value], r"--hidden|hidden"))
add_case("hidden_16_and_2^63-1", "crash",
         error_case(TRAIN_SHORT + ["--epochs", "1", "--max-steps", "5", "--hidden", "16,9223372036854775807"], r"--hidden|hidden"))
add_case("hidden_100000000", "crash",
         error_case(TRAIN_SHORT + ["--epochs", "1", "--max-steps", "5", "--hidden", "100000000"], r"--hidden|hidden"))
add_case("max_steps_2^63-1", "crash",
         error_case(TRAIN_SHORT + ["--epochs", "1", "--max-steps", "9223372036854775807"], r"--max-steps|steps", allow_success=True))
add_case("checkpoint_every_2^63-1", "crash",
         error_case(TRAIN_SHORT + ["--epochs", "1", "--checkpoint-every", "9223372036854775807"], r"--checkpoint-every",
                    allow_success=True))
add_case("batch_size_2^63-1", "crash",
         error_case(TRAIN_SHORT + ["--epochs", "1", "--batch-size", "9223372036854775807"], r"--batch-size|batch", allow_success=True))


def _csv_with_label(value, rows=30):
    def make(ctx):
        path = ctx.path("data.csv")
        labels = [i % 3 for i in range(rows)]
        labels[7] = value
        write_csv(path, rows, labels=labels)
        return path
    return make


TRAIN_DATA = ["train", "--seed", "1", "--epochs", "1", "--max-steps", "3", "--hidden", "8", "--quiet", "--out", "{dir}/run"]
add_case("csv_label_2147483647", "crash", error_case(TRAIN_DATA, r"label|class", dataset=_csv_with_label(2147483647), names_file=True))
add_case("csv_label_1000000", "messages", error_case(TRAIN_DATA, r"class", dataset=_csv_with_label(1000000), names_file=True))


def _idx_labels(value, kind):
    def make(ctx):
        labels = [i % 3 for i in range(60)]
        labels[5] = value
        return write_idx_dataset(ctx.dir, labels, kind=kind)
    return make


for _name, _value, _kind in (("f32_-inf", float("-inf"), "f32"), ("f32_inf", float("inf"), "f32"),
                             ("f32_nan", float("nan"), "f32"), ("f64_-inf", float("-inf"), "f64"),
                             ("f64_-1e300", -1e300, "f64"), ("f32_-3e9", -3e9, "f32")):
    add_case("idx_label_%s" % _name, "crash",
             error_case(TRAIN_DATA, r"label", dataset=_idx_labels(_value, _kind), names_file=True))


def resealed_with(mutate):
    """A copy of the reference run with `mutate(run)` applied and manifest.json's digest and file
    hashes updated to match (a consistent run holding an odd value)."""
    def make(ctx, name="run"):
        run_dir = ctx.copy_fixture("finished", name)
        old_digest = run_digest(run_dir)
        old = {n: file_sha256(os.path.join(run_dir, n)) for n in ("metrics.csv", "eval.csv")}
        mutate(run_dir)
        new = {n: file_sha256(os.path.join(run_dir, n)) for n in ("metrics.csv", "eval.csv")}
        path = os.path.join(run_dir, "manifest.json")
        with open(path) as f:
            text = f.read()
        text = text.replace(old_digest, run_digest(run_dir))
        for n in old:
            text = text.replace(old[n], new[n])
        with open(path, "w") as f:
            f.write(text)
        return run_dir
    return make


def set_log_value(file_name, step, column, value):
    def mutate(run_dir):
        path = os.path.join(run_dir, file_name)
        with open(path) as f:
            lines = f.read().split("\n")
        index = next(i for i, line in enumerate(lines) if line.split(",")[0] == str(step))
        fields = lines[index].split(",")
        fields[column] = value
        lines[index] = ",".join(fields)
        with open(path, "w") as f:
            f.write("\n".join(lines))
    return mutate


def odd_value_case(tool, file_name, step, column, value, resealed=True):
    def func(ctx):
        mutate = set_log_value(file_name, step, column, value)
        if resealed:
            run_dir = resealed_with(mutate)(ctx)
        else:
            run_dir = ctx.copy_fixture("finished", "run")
            mutate(run_dir)
        other = ctx.copy_fixture("finished", "other")
        os.mkdir(ctx.path("out"))
        before = snapshot(ctx.dir)
        if tool == "stats":
            args = ["stats", run_dir, other]
        elif tool == "compare":
            args = ["compare", run_dir, other]
        else:
            args = [tool, run_dir, other, "--out", ctx.path("out", "x." + ("svg" if tool == "plot" else "html"))]
        res = ctx.repro(args)
        no_crash(res, "repro " + tool)
        check(res.rc in (0, 1, 2), "repro %s: %s" % (tool, describe_rc(res.rc)))
        if res.rc == 2:
            expect_error(res, esc(file_name), what="repro " + tool)
        after = snapshot(ctx.dir)
        for rel in list(after):
            if rel.startswith("out"):
                after.pop(rel)
                before.pop(rel, None)
        expect_unchanged(before, after, "the runs", res=res)
    return func


for _tool in ("stats", "plot", "report", "compare"):
    add_case("%s_log_1e999" % _tool, "crash", odd_value_case(_tool, "metrics.csv", 12, 2, "1e999"))
    add_case("%s_log_-1e999_eval" % _tool, "crash", odd_value_case(_tool, "eval.csv", 23, 2, "-1e999"))
add_case("stats_log_1e999_not_resealed", "crash", odd_value_case("stats", "metrics.csv", 12, 2, "1e999", resealed=False))
add_case("stats_log_1e400_accuracy", "crash", odd_value_case("stats", "eval.csv", 23, 3, "1e400"))


# Run files replaced by a symbolic link to /dev/zero, or by a FIFO: every tool, every file.

FINISHED_FILES = ["run.json", "manifest.json", "metrics.csv", "eval.csv", "model.safetensors"]
UNFINISHED_FILES = ["run.json", "metrics.csv", "eval.csv", "checkpoints/step-00000030.safetensors", "resumes.log"]
TOOLS = ["compare", "stats", "plot", "report", "doctor"]


def special_file_case(kind, tool, file_name):
    """`file_name` of a run replaced by `kind` (zero: a link to /dev/zero; fifo: a named pipe)."""
    def func(ctx):
        fixture = "stopped35" if tool == "resume" else "finished"
        run_dir = ctx.copy_fixture(fixture, "run")
        path = os.path.join(run_dir, file_name)
        if os.path.exists(path):
            os.remove(path)
        if kind == "zero":
            os.symlink("/dev/zero", path)
        else:
            os.mkfifo(path)
        other = ctx.copy_fixture("finished", "other") if tool == "compare" else None
        os.mkdir(ctx.path("out"))
        before = snapshot(ctx.dir)
        if tool == "resume":
            args = ["train", "--resume", run_dir, "--quiet"]
        elif tool == "compare":
            args = ["compare", run_dir, other]
        elif tool in ("plot", "report"):
            args = [tool, run_dir, "--out", ctx.path("out", "x")]
        else:
            args = [tool, run_dir]
        res = ctx.repro(args)
        no_crash(res, "repro " + args[0])
        base = esc(os.path.basename(file_name))
        if tool == "resume" and file_name.startswith("checkpoints/") and res.rc == 0:
            # skipping the unreadable newest checkpoint is fine if the run then finishes right
            expect_finished(ctx, run_dir, ctx.reference_digest())
            return
        if tool == "doctor" and res.rc in (0, 1) and file_name != "manifest.json":
            return  # doctor reads a finished run's configuration from manifest.json only
        if tool != "resume" and file_name == "run.json" and res.rc in (0, 1):
            return  # a finished run's verdicts need manifest.json and the digest's files, not run.json
        if res.rc in (0, 1) and file_name in ("model.safetensors", "metrics.csv", "eval.csv"):
            raise Fail("repro %s: %s without noticing that %s is not a regular file: the digest was not "
                       "recomputed from the files" % (args[0], describe_rc(res.rc), file_name))
        expect_error(res, base, what="repro " + args[0])
        after = snapshot(ctx.dir)
        for rel in list(after):
            if rel.startswith("out"):
                after.pop(rel)
                before.pop(rel, None)
        expect_unchanged(before, after, "the run", res=res)
    return func


for _kind in ("zero", "fifo"):
    for _tool in TOOLS:
        for _file in FINISHED_FILES:
            add_case("%s_%s_%s" % (_kind, _tool, _file.replace("/", "_")), "special-files",
                     special_file_case(_kind, _tool, _file), timeout=FIFO_TIMEOUT if _kind == "fifo" else DEFAULT_TIMEOUT)
    for _file in UNFINISHED_FILES:
        add_case("%s_resume_%s" % (_kind, _file.replace("checkpoints/", "").replace("/", "_")), "special-files",
                 special_file_case(_kind, "resume", _file), timeout=FIFO_TIMEOUT if _kind == "fifo" else DEFAULT_TIMEOUT)


# Output errors: a full or closed stdout/stderr.

def output_case(stream, target, quiet):
    """`repro train` with `stream` (stdout/stderr) on /dev/full or a pipe whose reader has gone."""
    def func(ctx):
        run_dir = ctx.path("run")
        args = ["train", "--out", run_dir] + [f for f in FLAGS if f != "--quiet" or quiet]
        read_end = write_end = None
        if target == "full":
            handle = open("/dev/full", "w")
        else:
            read_end, write_end = os.pipe()
            os.close(read_end)  # the reader is gone before anything is written
            handle = write_end
        kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        kwargs[stream] = handle
        try:
            res = ctx.repro(args, **kwargs)
        finally:
            if target == "full":
                handle.close()
            else:
                os.close(write_end)
        no_crash(res)
        finished = os.path.exists(os.path.join(run_dir, "manifest.json"))
        if target == "closed":
            # the reader closing early must not kill training
            check(finished, "training did not finish with a closed %s: %s; stderr: %s"
                  % (stream, res.describe(), res.last_err()))
            expect_finished(ctx, run_dir, ctx.reference_digest())
            check(res.rc >= 0 or res.rc == -signal.SIGPIPE, "%s" % res.describe())
            if res.rc < 0:
                ctx.notes.append("finished, then %s at the final output" % res.describe())
            return
        if res.rc == 0:
            check(finished, "exit 0 but the run is not finished")
            expect_finished(ctx, run_dir, ctx.reference_digest())
            if stream == "stdout":
                raise Fail("exit 0 although the final report (digest) could not be written to stdout (/dev/full)")
            return
        check(res.rc in (1, 2), "expected exit 0, 1 or 2 (an output error), got %s" % res.describe())
        if stream == "stdout":
            check(re.search(r"stdout|standard output|space|write", res.err, re.I),
                  "exit %d but stderr does not say that stdout could not be written: %r" % (res.rc, res.err[-200:]))
    return func


add_case("train_stderr_dev_full", "crash", output_case("stderr", "full", quiet=False))
add_case("train_stderr_dev_full_quiet", "crash", output_case("stderr", "full", quiet=True))
add_case("train_stdout_dev_full", "crash", output_case("stdout", "full", quiet=True))
add_case("train_stdout_closed", "crash", output_case("stdout", "closed", quiet=True))
add_case("train_stderr_closed", "crash", output_case("stderr", "closed", quiet=False))


def rng_full_case(count, draw="random"):
    def func(ctx):
        with open("/dev/full", "w") as full:
            res = ctx.repro(["rng", "pcg64", "--seed", "1", "--draw", draw, "--count", str(count)], stdout=full)
        no_crash(res)
        check(res.rc != 0, "exit 0 although nothing could be written (stdout is /dev/full)")
        check(res.rc in (1, 2), "expected exit 1 or 2, got %s" % res.describe())
        check(re.search(r"stdout|standard output|space|write", res.err, re.I),
              "exit %d but no message on stderr about the failed write: %r" % (res.rc, res.err[-200:]))
    return func


add_case("rng_stdout_dev_full_10", "crash", rng_full_case(10))
add_case("rng_stdout_dev_full_200000", "crash", rng_full_case(200000))


@case("rng_stdout_closed", "crash")
def _(ctx):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        res = ctx.repro(["rng", "pcg64", "--seed", "1", "--draw", "random", "--count", "200000"], stdout=write_end)
    finally:
        os.close(write_end)
    no_crash(res)
    check(res.rc != 0, "exit 0 although stdout was closed")


@case("rng_permutation_2e9", "crash")
def _(ctx):
    with open(os.devnull, "w") as null:
        res = ctx.repro(["rng", "pcg64", "--seed", "1", "--draw", "permutation", "--count", "2000000000"], stdout=null)
    no_crash(res)
    if res.rc == 0:
        return
    expect_error(res, r"--count|count")


@case("rng_shuffle_2e9", "crash")
def _(ctx):
    with open(os.devnull, "w") as null:
        res = ctx.repro(["rng", "pcg64", "--seed", "1", "--draw", "shuffle", "--count", "2000000000"], stdout=null)
    no_crash(res)
    if res.rc == 0:
        return
    expect_error(res, r"--count|count")


@case("sweep_child_stderr_flood", "crash")
def _(ctx):
    """A sweep's child writing more than a pipe's worth to stderr (a warning per damaged checkpoint)
    must not deadlock the sweep (ChildProcess reads stdout to the end before stderr)."""
    sweep = ctx.path("sweep")
    os.mkdir(sweep)
    run_dir = os.path.join(sweep, "seed-42")
    shutil.copytree(ctx.suite.fixtures.get("stopped35"), run_dir, symlinks=True)
    for step in range(1000, 3000):
        with open(os.path.join(run_dir, "checkpoints", "step-%08d.safetensors" % step), "wb") as f:
            f.write(b"not a checkpoint")
    res = ctx.repro(["sweep", "--seeds", "42..42", "--out", sweep, "--epochs", "2", "--hidden", "16",
                     "--checkpoint-every", "10"])
    no_crash(res, "repro sweep")
    check(res.rc in (0, 2), "repro sweep: %s" % res.describe())
    if res.rc == 0:
        expect_finished(ctx, run_dir, ctx.reference_digest())


# ---- 6. Messages -------------------------------------------------------------------------------

add_case("lr_-1", "messages", error_case(TRAIN_SHORT + ["--epochs", "1", "--lr", "-1"], r"lr.{0,40}positive",
                                          forbid=r"Missing value"))
add_case("lr_=-1", "messages", error_case(TRAIN_SHORT + ["--epochs", "1", "--lr=-1"], r"lr.{0,40}positive",
                                           forbid=r"Missing value"))


def afile_case(argv_builder):
    def func(ctx):
        with open(ctx.path("afile"), "w") as f:
            f.write("a plain file\n")
        argv = argv_builder(ctx)
        before = snapshot(ctx.dir)
        res = ctx.repro(argv)
        expect_error(res, r"afile", forbid=r"NSCocoaErrorDomain|error 512|Error Domain")
        expect_unchanged(before, snapshot(ctx.dir), res=res, ctx=ctx)
    return func


add_case("out_afile_sub_train", "messages", afile_case(lambda ctx: ["train", "--out", ctx.path("afile", "sub")] + FLAGS))
add_case("out_afile_sub_sweep", "messages", afile_case(
    lambda ctx: ["sweep", "--seeds", "1..1", "--out", ctx.path("afile", "sub"), "--epochs", "1", "--hidden", "16"]))


def _afile_plot(ctx):
    run_dir = ctx.copy_fixture("finished", "run")
    return ["plot", run_dir, "--out", ctx.path("afile", "sub", "x.svg")]


add_case("out_afile_sub_plot", "messages", afile_case(_afile_plot))


def _afile_stats(ctx):
    run_dir = ctx.copy_fixture("finished", "run")
    return ["stats", run_dir, "--per-step", ctx.path("afile", "x.csv")]


add_case("out_afile_stats_per_step", "messages", afile_case(_afile_stats))


def _csv_rows(rows, classes=3):
    def make(ctx):
        path = ctx.path("tiny-%d.csv" % rows)
        write_csv(path, rows, classes=classes)
        return path
    return make


add_case("dataset_1_row", "messages", error_case(TRAIN_DATA, r".", dataset=_csv_rows(1), names_file=True))
add_case("dataset_2_rows", "messages", error_case(TRAIN_DATA, r".", dataset=_csv_rows(2), names_file=True))
add_case("dataset_one_class", "messages", error_case(TRAIN_DATA, r"class", dataset=_csv_rows(40, classes=1), names_file=True))


def _idx_one_class(ctx):
    return write_idx_dataset(ctx.dir, [0] * 60, kind="u8")


add_case("dataset_idx_one_class", "messages", error_case(TRAIN_DATA, r"class", dataset=_idx_one_class, names_file=True))


# ---------------------------------------------------------------------------------------------
# The suite


class Suite:
    def __init__(self, binary, root, memory_gib):
        self.binary = binary
        self.root = root
        self.memory_gib = memory_gib
        os.makedirs(os.path.join(root, "cases"))
        self.fixtures = Fixtures(self)

    def repro(self, args, timeout=DEFAULT_TIMEOUT, cwd=None, **kw):
        return run([self.binary] + list(args), timeout=timeout, cwd=cwd, **kw)


def run_case(suite, c):
    started = time.monotonic()
    ctx = None
    try:
        ctx = Ctx(suite, c)
        c.func(ctx)
        status, reason = "PASS", "; ".join(ctx.notes)
    except Fail as e:
        status, reason = "FAIL", str(e)
    except Exception as e:  # a bug of the script or a fixture failure: reported as an error
        status, reason = "ERROR", "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc(limit=3))
    return c, status, reason, time.monotonic() - started, ctx


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repro", help="the repro binary")
    parser.add_argument("--only", nargs="+", default=None, help="case names or prefixes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.add_argument("--jobs", type=int, default=4, help="cases in parallel (default 4; most cases wait rather than compute)")
    parser.add_argument("--memory-gib", type=float, default=2, help="address-space cap of every child in GiB (default 2; 0: none)")
    parser.add_argument("--list", action="store_true", help="list the case names and exit")
    parser.add_argument("--quick", action="store_true", help="accepted for symmetry with the other scripts (the suite is already short)")
    args = parser.parse_args()

    selected = CASES
    if args.only:
        selected = [c for c in CASES if any(c.name == o or c.name.startswith(o) for o in args.only)]
        if not selected:
            sys.exit("no case matches %s (see --list)" % " ".join(args.only))
    if args.list:
        for c in selected:
            print("%-50s %s" % (c.name, c.group))
        return 0
    binary = os.path.abspath(args.repro)
    if not os.access(binary, os.X_OK):
        sys.exit("%s is not an executable" % args.repro)
    limit_memory(args.memory_gib)
    MEMORY_GIB[0] = args.memory_gib
    quiet_backtraces()
    root = tempfile.mkdtemp(prefix="repro-hostile-")
    os.chmod(root, 0o755)
    suite = Suite(binary, root, args.memory_gib)
    print("repro: %s\ncases: %d, temporary directory %s" % (binary, len(selected), root), flush=True)
    started = time.monotonic()
    results = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_case, suite, c) for c in selected]
        for future in as_completed(futures):
            c, status, reason, elapsed, ctx = future.result()
            results.append((c, status, reason))
            line = "%s %-48s %5.1fs" % (status, c.name, elapsed)
            if reason:
                line += "  " + reason.strip().replace("\n", "\n      ")
            print(line, flush=True)
    order = {c.name: i for i, c in enumerate(CASES)}
    failed = sorted([r for r in results if r[1] != "PASS"], key=lambda r: order[r[0].name])
    print("\n%d of %d cases passed in %.0f s" % (len(results) - len(failed), len(results), time.monotonic() - started))
    if failed:
        by_group = {}
        for c, status, _ in failed:
            by_group.setdefault(c.group, []).append(c.name + ("" if status == "FAIL" else " (script ERROR)"))
        for group, names in by_group.items():
            print("  %s: %s" % (group, ", ".join(names)))
    if args.keep:
        print("kept %s" % root)
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
