"""Shared helpers of the hostile-input scripts (stdlib only).

- `run`: a child process with a timeout, in its own process group (a timeout kills the group,
  so a hung `sweep` takes its children with it), output captured;
- `crash_reason`: whether an exit status is a crash (a Swift runtime trap is SIGILL or SIGTRAP,
  a fatal error SIGABRT, a bad access SIGSEGV/SIGBUS) rather than an exit code;
- `run_digest`: a run's digest computed from its files, exactly as `RunDigest` in
  Sources/ReproRuns/RunManifest.swift documents it;
- `snapshot` / `snapshot_diff`: every file under a directory (type and sha256; symbolic links and
  FIFOs are recorded, never opened or followed), to check that a failed command left every
  existing file as it was;
- `limit_memory`: caps the address space of this process and so of every child (a binary that
  reads /dev/zero until memory runs out, or allocates a 1 TiB model, then fails inside the cap
  instead of pushing a shared machine into the OOM killer).
"""

import hashlib
import os
import resource
import signal
import subprocess
import time

CRASH_SIGNALS = {signal.SIGILL, signal.SIGTRAP, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE}
RUN_DIGEST_FILES = ["model.safetensors", "metrics.csv", "eval.csv"]


def limit_memory(gib):
    """Caps this process's address space (and so its children's) at `gib` GiB; 0 leaves it."""
    if gib and gib > 0:
        cap = int(gib * (1 << 30))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


class Result:
    """What a child did: `rc` (negative: killed by that signal), `out`, `err` (text), `timed_out`."""

    def __init__(self, argv, rc, out, err, timed_out, elapsed):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        self.timed_out, self.elapsed = timed_out, elapsed

    @property
    def text(self):
        return (self.out or "") + (self.err or "")

    def describe(self):
        if self.timed_out:
            return "timed out after %.0f s (killed)" % self.elapsed
        return describe_rc(self.rc)

    def last_err(self, n=300):
        text = (self.err or "").strip() or (self.out or "").strip()
        return text[-n:].replace("\n", " | ")


def describe_rc(rc):
    if rc is None:
        return "no exit status"
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = "signal %d" % -rc
        return "killed by %s%s" % (name, " (crash)" if -rc in CRASH_SIGNALS else "")
    if rc > 128 and (rc - 128) in CRASH_SIGNALS:
        return "exit %d (= 128 + %s: crash)" % (rc, signal.Signals(rc - 128).name)
    return "exit %d" % rc


def crash_summary(err):
    """The telling line of a crash's stderr ("Fatal error: …", "Swift runtime failure: …") and the
    first source location of the backtrace, else the first line."""
    import re
    lines = [line.strip().strip("*").strip() for line in (err or "").splitlines() if line.strip()]
    pattern = r"Fatal error|Precondition failed|Assertion failed|Swift runtime failure|fatal error"
    message = next((line for line in lines if re.match(r"(\S+:\d+: )?(%s)" % pattern, line)), None)
    if message is None:  # only in a backtrace frame: "… Swift runtime failure: … in repro at …"
        for line in lines:
            m = re.search(r"((%s).*?)( in \S+ at |$)" % pattern, line)
            if m:
                message = m.group(1)
                break
    where = None
    for line in lines:
        m = re.search(r" at (/\S+\.swift:\d+)", line)
        if m:
            where = m.group(1).split("/Sources/")[-1]
            break
    if message is None:
        message = next((line for line in lines if "crashed" in line), lines[0] if lines else "(nothing on stderr)")
    return message[:300] + (" [%s]" % where if where else "")


def quiet_backtraces():
    """Children print a short Swift backtrace on a crash (the crashed thread's first frames, no
    registers or images: about a second instead of several in a debug build); the exit status
    (SIGILL/SIGTRAP/SIGABRT) and the runtime's message stay."""
    os.environ.setdefault("SWIFT_BACKTRACE", "limit=4,top=0,registers=none,images=none,threads=crashed")


def crash_reason(rc):
    """A description when `rc` is a crash (trap, abort, bad access), else None."""
    if rc is None:
        return None
    if rc < 0 and -rc in CRASH_SIGNALS:
        return describe_rc(rc)
    if rc > 128 and (rc - 128) in CRASH_SIGNALS:
        return describe_rc(rc)
    return None


def run(argv, timeout=60, cwd=None, env=None, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, user=None, extra_env=None):
    """Runs `argv`; returns a `Result`. On timeout the child's whole process group is killed."""
    if extra_env:
        env = dict(os.environ if env is None else env)
        env.update(extra_env)
    started = time.monotonic()
    kwargs = {}
    if user is not None:  # a pwd entry's name: run as that user and its primary group
        import pwd
        entry = pwd.getpwnam(user)
        kwargs["user"] = entry.pw_uid
        kwargs["group"] = entry.pw_gid
        kwargs["extra_groups"] = []
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=stderr,
                            start_new_session=True, **kwargs)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc)
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            out, err = b"", b""
    elapsed = time.monotonic() - started
    return Result(argv, proc.returncode, _text(out), _text(err), timed_out, elapsed)


def kill_group(proc):
    """SIGKILL to the process group of `proc` (started with start_new_session=True)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except (ProcessLookupError, OSError):
        pass


def _text(data):
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data


def run_digest(directory):
    """The run's digest from its files (RunDigest in RunManifest.swift), or None if one is missing."""
    h = hashlib.sha256()
    for name in RUN_DIGEST_FILES:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            data = f.read()
        h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def snapshot(root):
    """{relative path: description} for everything under `root` (root itself included as '.').

    Regular files are hashed; symbolic links give their target (never followed); FIFOs, sockets
    and devices give their type (never opened)."""
    result = {}

    def describe(path):
        st = os.lstat(path)
        mode = st.st_mode
        import stat as S
        if S.S_ISLNK(mode):
            return "link -> " + os.readlink(path)
        if S.S_ISDIR(mode):
            return "dir"
        if S.S_ISREG(mode):
            return "file sha256 " + file_sha256(path)
        if S.S_ISFIFO(mode):
            return "fifo"
        return "special %o" % mode

    if not os.path.lexists(root):
        return result
    result["."] = describe(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            result[rel] = describe(path)
    return result


def snapshot_diff(before, after, limit=6):
    """A list of human-readable differences between two snapshots (empty when equal)."""
    changes = []
    for rel in sorted(set(before) | set(after)):
        a, b = before.get(rel), after.get(rel)
        if a == b:
            continue
        if a is None:
            changes.append("added " + rel)
        elif b is None:
            changes.append("removed " + rel)
        else:
            changes.append("changed " + rel)
    if len(changes) > limit:
        changes = changes[:limit] + ["… %d more" % (len(changes) - limit)]
    return changes


def count_rows(path):
    """Data rows (lines after the header) of a log file."""
    with open(path, "rb") as f:
        return max(0, f.read().count(b"\n") - 1)
