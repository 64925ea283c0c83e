#!/usr/bin/env python3
"""Reference vectors for numpy's legacy RandomState and CPython's random module.

Writes into Tests/ReproRandomTests/Vectors/:
  legacy_randomstate.json  numpy RandomState streams, states and rejected seeds
  legacy_stability.json    FNV-1a of the first 10,000 outputs per method and seed (numpy)
  python_random.json       CPython random.Random streams, getstate() tuples and rejected arguments
  python_stability.json    FNV-1a of the first 10,000 outputs per method and seed (CPython)
  python_sha512.json       hashlib.sha512 digests of messages around the block boundaries

and prints the stability rows pinned in Tests/ReproRandomTests/LegacyStabilityTests.swift.

Encoding (see Tests/ReproRandomTests/Support/Vectors.swift): 64-bit words and doubles as hex strings
of their bits, signed 64-bit integers as decimal strings, 32-bit state words as JSON numbers.
Run with numpy 2.x and CPython 3.11: python3 scripts/reference_legacy.py
"""
import hashlib
import json
import pathlib
import random
import struct
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproRandomTests" / "Vectors"
MASK64 = 2**64 - 1


def hex64(v):
    return "0x%016x" % (int(v) & MASK64)


def dbits(x):
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def dec(v):
    return str(int(v))


def fnv1a(words):
    """FNV-1a 64 over 64-bit words as little-endian bytes (StreamHash in the Swift tests)."""
    h = 0xCBF29CE484222325
    for w in words:
        for byte in (int(w) & MASK64).to_bytes(8, "little"):
            h = ((h ^ byte) * 0x100000001B3) & MASK64
    return h


def double_words(values):
    return [struct.unpack("<Q", struct.pack("<d", float(x)))[0] for x in values]


def error_text(call):
    try:
        call()
    except (ValueError, IndexError, TypeError) as e:
        return f"{type(e).__name__}: {e}"
    raise AssertionError("expected the call to be rejected")


# ---------------------------------------------------------------- numpy RandomState

LEGACY_INT_SEEDS = [0, 1, 42, 12345, 2**32 - 1]
# Python lists go through init_by_array (a one-element numpy *array* would be squeezed to a scalar).
LEGACY_ARRAY_SEEDS = [[0], [42], [1, 2, 3], [2**32 - 1, 0, 12345], list(range(1, 701))]
RANDINT_RANGES = [
    (0, 1), (0, 2), (0, 3), (0, 1000), (-500, 500), (0, 2**31), (0, 2**32 - 1), (0, 2**32),
    (0, 2**32 + 1), (-2**31, 2**31), (0, 2**62), (-2**62, 2**62), (-2**63, 2**63 - 1), (2**63 - 2, 2**63 - 1),
    (-2**63, -2**63 + 3),
]
LENGTHS = [0, 1, 2, 10, 1000]


def legacy_state(rs):
    name, key, pos, has_gauss, gauss = rs.get_state()
    assert name == "MT19937"
    return {"key": [int(w) for w in key], "position": int(pos), "hasGauss": bool(has_gauss), "gauss": dbits(gauss)}


def legacy_case(label, seed):
    rs = np.random.RandomState(seed)
    case = {"label": label}
    if isinstance(seed, list):
        case["seedArray"] = seed
    else:
        case["seed"] = dec(seed)
    case["randomSample"] = [dbits(x) for x in rs.random_sample(12)]
    # An odd count leaves the second polar value cached; randint and rand must not touch the cache.
    case["standardNormal"] = [dbits(x) for x in rs.standard_normal(25)]
    case["randint"] = [{"low": dec(lo), "high": dec(hi), "values": [dec(v) for v in rs.randint(lo, hi, size=9)]}
                       for lo, hi in RANDINT_RANGES]
    case["randomSampleAfterRandint"] = [dbits(x) for x in rs.random_sample(3)]
    case["standardNormalAfterCache"] = [dbits(x) for x in rs.standard_normal(4)]
    case["permutation"] = [{"n": n, "values": [int(v) for v in rs.permutation(n)]} for n in LENGTHS]
    shuffles = []
    for n in LENGTHS:
        items = [3 * i + 1 for i in range(n)]  # a Python list: numpy's untyped shuffle path
        rs.shuffle(items)
        shuffles.append({"n": n, "values": items})
    case["shuffle"] = shuffles
    case["standardNormalEnd"] = [dbits(x) for x in rs.standard_normal(2)]  # 31 in all: a value stays cached
    case["finalState"] = legacy_state(rs)
    # After set_state, a restored generator continues the stream, cache included.
    case["afterFinalState"] = [dbits(x) for x in rs.standard_normal(3)]
    return case


def legacy_vectors():
    cases = [legacy_case(f"seed {s}", s) for s in LEGACY_INT_SEEDS]
    cases += [legacy_case(f"array {a[:4]} ({len(a)} words)", a) for a in LEGACY_ARRAY_SEEDS]
    bad_seeds = [-1, 2**32, 2**63 - 1, -2**63, 10**30]
    seed_errors = [{"seed": dec(s), "error": error_text(lambda s=s: np.random.RandomState(s))} for s in bad_seeds]
    randint_errors = [{"low": dec(lo), "high": dec(hi), "error": error_text(lambda lo=lo, hi=hi: np.random.RandomState(0).randint(lo, hi))}
                      for lo, hi in [(0, 0), (5, 4), (2**63 - 1, -2**63)]]
    return {
        "numpy": np.__version__,
        "cases": cases,
        "seedErrors": seed_errors,
        "emptyArraySeedError": error_text(lambda: np.random.RandomState([])),
        "randintErrors": randint_errors,
    }


LEGACY_STABILITY_SEEDS = [0, 42, 2**32 - 1]
LEGACY_STABILITY_RANDINT = [(0, 1000), (-2**40, 2**40)]


def legacy_stability():
    rows = []
    for seed in LEGACY_STABILITY_SEEDS:
        def stream(method):
            rs = np.random.RandomState(seed)
            if method == "randomSample":
                return double_words(rs.random_sample(10000))
            if method == "standardNormal":
                return double_words(rs.standard_normal(10000))
            if method.startswith("randint"):
                lo, hi = LEGACY_STABILITY_RANDINT[int(method[-1])]
                return [int(v) for v in rs.randint(lo, hi, size=10000)]
            assert method == "permutation"
            return [int(v) for v in rs.permutation(10000)]
        for method in ["randomSample", "standardNormal", "randint0", "randint1", "permutation"]:
            rows.append({"method": method, "seed": dec(seed), "hash": hex64(fnv1a(stream(method)))})
    return rows


# ---------------------------------------------------------------- CPython random

PY_INT_SEEDS = [0, 1, 42, 2**32 - 1, 2**32, 2**64 - 1, 2**127 + 2**64 + 12345, -1, -42, -(2**100)]
PY_STR_SEEDS = ["", "a", "hello", "repro", "héllo wörld ✓ 🎲", "x" * 200]
RANDRANGE_CASES = [
    (0, 1, 1), (0, 2, 1), (0, 3, 1), (0, 1000, 1), (-5, 5, 1), (0, 2**31, 1), (0, 2**32 - 1, 1), (0, 2**32, 1),
    (0, 2**32 + 1, 1), (0, 2**53, 1), (0, 2**53 + 1, 1), (-2**62, 2**62, 1), (0, 2**63 - 1, 1),
    (-2**63, 2**63 - 1, 1), (-2**63, 0, 1),
    (0, 100, 7), (10, -10, -3), (-2**63, 2**63 - 1, 3), (2**63 - 1, -2**63, -5), (0, 10, 20), (5, 0, -1),
    (1, 2**62, 2**40 + 1), (-2**63, 2**63 - 1, 2**63 - 1), (0, -1, -2**63),
]
RANDRANGE_STOPS = [1, 2, 10, 2**32, 2**63 - 1]
RANDINT_CASES = [(0, 0), (-3, 3), (0, 2**32 - 1), (-2**63, 2**63 - 1), (2**63 - 2, 2**63 - 1), (-2**63, -2**63 + 1)]
GETRANDBITS_KS = [0, 1, 31, 32, 33, 63, 64, 65, 100, 128]
CHOICE_LENGTHS = [1, 2, 7, 1000]
UNIFORM_CASES = [(0.0, 1.0), (-3.5, 2.25), (5.0, -5.0), (1e300, -1e300)]
GAUSS_CASES = [(0.0, 1.0, 25), (10.0, 0.5, 5), (-1.0, 3.0, 5)]  # 35 in all: gauss_next stays set


def words_hex(v):
    return "0x%x" % v


def python_state(r):
    version, internal, gauss_next = r.getstate()
    assert version == 3 and len(internal) == 625
    return {"version": version, "key": list(internal[:624]), "index": internal[624],
            "gaussNext": None if gauss_next is None else dbits(gauss_next)}


def python_case(label, seed):
    r = random.Random(seed)
    case = {"label": label}
    if isinstance(seed, str):
        case["seedString"] = seed
    else:
        case["seed"] = dec(seed)
    case["random"] = [dbits(r.random()) for _ in range(12)]
    case["getrandbits"] = [{"k": k, "values": [words_hex(r.getrandbits(k)) for _ in range(5)]} for k in GETRANDBITS_KS]
    case["randrange"] = [{"start": dec(a), "stop": dec(b), "step": dec(s), "values": [dec(r.randrange(a, b, s)) for _ in range(7)]}
                         for a, b, s in RANDRANGE_CASES]
    case["randrangeStop"] = [{"stop": dec(b), "values": [dec(r.randrange(b)) for _ in range(7)]} for b in RANDRANGE_STOPS]
    case["randint"] = [{"a": dec(a), "b": dec(b), "values": [dec(r.randint(a, b)) for _ in range(7)]} for a, b in RANDINT_CASES]
    case["choice"] = [{"n": n, "values": [r.choice(list(range(n))) for _ in range(7)]} for n in CHOICE_LENGTHS]
    shuffles = []
    for n in LENGTHS:
        items = list(range(n))
        r.shuffle(items)
        shuffles.append({"n": n, "values": items})
    case["shuffle"] = shuffles
    case["uniform"] = [{"a": dbits(a), "b": dbits(b), "values": [dbits(r.uniform(a, b)) for _ in range(5)]} for a, b in UNIFORM_CASES]
    case["gauss"] = [{"mu": dbits(m), "sigma": dbits(s), "values": [dbits(r.gauss(m, s)) for _ in range(n)]} for m, s, n in GAUSS_CASES]
    case["finalState"] = python_state(r)
    case["afterFinalState"] = [dbits(r.gauss()), dbits(r.random()), dbits(r.gauss())]
    return case


def python_errors():
    r = random.Random(0)
    rows = []
    for a, b, s in [(5, 5, 1), (5, 4, 1), (0, 10, 0), (0, 10, -1), (10, 0, 2), (3, 3, -1), (-2**63, -2**63, 5)]:
        rows.append({"call": "randrange", "args": [dec(a), dec(b), dec(s)], "error": error_text(lambda: r.randrange(a, b, s))})
    for b in [0, -1, -2**63]:
        rows.append({"call": "randrangeStop", "args": [dec(b)], "error": error_text(lambda: r.randrange(b))})
    for a, b in [(1, 0), (2**63 - 1, -2**63)]:
        rows.append({"call": "randint", "args": [dec(a), dec(b)], "error": error_text(lambda: r.randint(a, b))})
    rows.append({"call": "choice", "args": [], "error": error_text(lambda: r.choice([]))})
    rows.append({"call": "getrandbits", "args": ["-1"], "error": error_text(lambda: r.getrandbits(-1))})
    state = r.getstate()
    rows.append({"call": "setstateVersion", "args": ["4"], "error": error_text(lambda: r.setstate((4,) + state[1:]))})
    rows.append({"call": "setstateSize", "args": ["623"], "error": error_text(lambda: r.setstate((3, state[1][1:], None)))})
    rows.append({"call": "setstateIndex", "args": ["625"], "error": error_text(lambda: r.setstate((3, state[1][:624] + (625,), None)))})
    rows.append({"call": "setstateIndex", "args": ["-1"], "error": error_text(lambda: r.setstate((3, state[1][:624] + (-1,), None)))})
    return rows


def python_vectors():
    cases = [python_case(f"seed {s}", s) for s in PY_INT_SEEDS]
    cases += [python_case(f"str {s[:20]!r}", s) for s in PY_STR_SEEDS]
    return {"python": sys.version.split()[0], "cases": cases, "errors": python_errors()}


PY_STABILITY_SEEDS = [0, 42, "repro"]


def python_stability():
    rows = []
    for seed in PY_STABILITY_SEEDS:
        def stream(method):
            r = random.Random(seed)
            n = 10000
            if method == "random":
                return double_words(r.random() for _ in range(n))
            if method == "getrandbits64":
                return [r.getrandbits(64) for _ in range(n)]
            if method == "randrange":
                return [r.randrange(10**6) for _ in range(n)]
            if method == "randrangeStep":
                return [r.randrange(-2**62, 2**62, 7) for _ in range(n)]
            if method == "randint":
                return [r.randint(-1000, 1000) for _ in range(n)]
            if method == "choice":
                return [r.choice(range(37)) for _ in range(n)]
            if method == "shuffle":
                items = list(range(n))
                r.shuffle(items)
                return items
            if method == "uniform":
                return double_words(r.uniform(-3.5, 2.25) for _ in range(n))
            assert method == "gauss"
            return double_words(r.gauss() for _ in range(n))
        for method in ["random", "getrandbits64", "randrange", "randrangeStep", "randint", "choice", "shuffle",
                       "uniform", "gauss"]:
            rows.append({"method": method, "seed": str(seed), "hash": hex64(fnv1a(stream(method)))})
    return rows


def sha512_vectors():
    def message(n):
        return bytes((i * 7 + 3) % 256 for i in range(n))
    rows = [{"message": m.hex(), "digest": hashlib.sha512(m).hexdigest()}
            for m in [b"", b"abc", b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"]]
    rows += [{"message": message(n).hex(), "digest": hashlib.sha512(message(n)).hexdigest()}
             for n in [1, 55, 56, 63, 64, 111, 112, 113, 127, 128, 129, 239, 240, 255, 256, 1000]]
    rows.append({"message": "héllo wörld ✓ 🎲".encode().hex(), "digest": hashlib.sha512("héllo wörld ✓ 🎲".encode()).hexdigest()})
    return {"python": sys.version.split()[0], "cases": rows,
            "millionA": hashlib.sha512(b"a" * 1_000_000).hexdigest()}


def write(name, obj):
    (OUT / name).write_text(json.dumps(obj, ensure_ascii=False) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write("legacy_randomstate.json", legacy_vectors())
    write("python_random.json", python_vectors())
    write("python_sha512.json", sha512_vectors())
    legacy_rows = legacy_stability()
    python_rows = python_stability()
    write("legacy_stability.json", {"numpy": np.__version__, "rows": legacy_rows})
    write("python_stability.json", {"python": sys.version.split()[0], "rows": python_rows})
    print("Pinned rows for Tests/ReproRandomTests/LegacyStabilityTests.swift:")
    for row in legacy_rows:
        print(f'        ("{row["method"]}", {row["seed"]}, {row["hash"]}),')
    for row in python_rows:
        print(f'        ("{row["method"]}", "{row["seed"]}", {row["hash"]}),')


if __name__ == "__main__":
    main()
