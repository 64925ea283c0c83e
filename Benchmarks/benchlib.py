"""Helpers shared by the benchmark scripts in this folder."""
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
