#!/usr/bin/env python3
"""Reference vectors for SeedSequence and the bit generators, from numpy's own C functions.

Writes Tests/ReproRandomTests/Vectors/bitgen.json and seedsequence.json. Words are read through
numpy's ctypes interface (next_uint64, next_uint32, next_double), so every value is numpy's.
Encoding (see Tests/ReproRandomTests/Support/Vectors.swift): 64-bit words and doubles as hex
strings of their bits.
"""
import json
import pathlib
import struct

import numpy as np
from numpy.random import MT19937, PCG64, PCG64DXSM, SFC64, Philox, SeedSequence

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproRandomTests" / "Vectors"

SEEDS = [0, 1, 42, 2**32 - 1, 2**32, 2**64 - 1, 2**127 + 2**64 + 12345]
BIT_GENERATORS = {"pcg64": PCG64, "pcg64dxsm": PCG64DXSM, "philox": Philox, "sfc64": SFC64, "mt19937": MT19937}
# A call pattern that interleaves buffered 32-bit draws with 64-bit and double draws.
PATTERN = "44 6 4 d 4 4 4 6 d 6 4 d d 4 6 6 4".split()


def words32(n):
    """An integer's 32-bit words, least significant first (numpy _int_to_uint32_array)."""
    out = [n & 0xFFFFFFFF]
    n >>= 32
    while n:
        out.append(n & 0xFFFFFFFF)
        n >>= 32
    return out


def hex64(v):
    return "0x%016x" % int(v)


def dbits(x):
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def fnv1a(words):
    """FNV-1a 64 over 64-bit words as little-endian bytes (StreamHash in the Swift tests)."""
    h = 0xCBF29CE484222325
    for w in words:
        for byte in int(w).to_bytes(8, "little"):
            h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def stability_hashes():
    """FNV-1a of the first 10,000 next_uint64 and next_uint32 words for seeds 0, 42 and 2^64-1."""
    out = []
    for name, cls in BIT_GENERATORS.items():
        for seed in [0, 42, 2**64 - 1]:
            bg = cls(seed)
            c = bg.ctypes
            h64 = fnv1a(c.next_uint64(c.state) for _ in range(10000))
            h32 = fnv1a(c.next_uint32(c.state) for _ in range(10000))
            out.append({"algorithm": name, "seed": str(seed), "next64": hex64(h64), "next32": hex64(h32)})
    return out


def draws(bg, n64=1000, n32=1000, nd=1000):
    c = bg.ctypes
    u64 = [hex64(c.next_uint64(c.state)) for _ in range(n64)]
    u32 = [hex64(c.next_uint32(c.state)) for _ in range(n32)]
    dbl = [dbits(c.next_double(c.state)) for _ in range(nd)]
    mixed = []
    for step in PATTERN:
        if step == "4":
            mixed.append(hex64(c.next_uint32(c.state)))
        elif step == "6":
            mixed.append(hex64(c.next_uint64(c.state)))
        else:
            mixed.append(dbits(c.next_double(c.state)))
    return {"next64": u64, "next32": u32, "double": dbl, "pattern": PATTERN, "mixed": mixed}


def seed_sequences():
    """(label, entropy words, spawn key, numpy SeedSequence)."""
    cases = [(f"int {s}", words32(s), [], SeedSequence(s)) for s in SEEDS]
    cases.append(("list [1, 2, 3]", [1, 2, 3], [], SeedSequence([1, 2, 3])))
    cases.append(("list of 6 words", [7, 0, 5, 2**32 - 1, 9, 11], [], SeedSequence([7, 0, 5, 2**32 - 1, 9, 11])))
    parent = SeedSequence(42)
    children = parent.spawn(3)
    cases.append(("42 child 2", [42], [2], children[2]))
    grandchild = children[1].spawn(2)[1]
    cases.append(("42 child 1 child 1", [42], [1, 1], grandchild))
    cases.append(("big spawn key", [42], [2**40 + 3], SeedSequence(42, spawn_key=(2**40 + 3,))))
    big = SeedSequence(2**127 + 2**64 + 12345)
    cases.append(("128-bit child 0", words32(2**127 + 2**64 + 12345), [0], big.spawn(1)[0]))
    return cases


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    seqs = []
    for label, words, key, ss in seed_sequences():
        seqs.append({
            "label": label, "words": words, "spawnKey": key,
            "pool": [int(w) for w in ss.pool],
            "state32": [int(w) for w in ss.generate_state(8, np.uint32)],
            "state64": [hex64(w) for w in ss.generate_state(4, np.uint64)],
            "spawnedChild1": [int(w) for w in ss.spawn(2)[1].generate_state(4, np.uint32)],
        })
    (OUT / "seedsequence.json").write_text(json.dumps({"numpy": np.__version__, "cases": seqs}, indent=1) + "\n")

    streams = []
    for name, cls in BIT_GENERATORS.items():
        for label, words, key, ss in seed_sequences():
            assert list(SeedSequence(words, spawn_key=tuple(key)).pool) == list(ss.pool)
            # A list of 32-bit words seeds exactly as the integer they spell (numpy coerces both alike).
            bg = cls(SeedSequence(words, spawn_key=tuple(key)))
            n = 1000 if label == "int 42" else 40
            streams.append({"algorithm": name, "label": label, "words": words, "spawnKey": key,
                            **draws(bg, n, n, n)})
    # MT19937 legacy seedings (np.random.seed): init_genrand and init_by_array.
    for seed in [0, 1, 42, 5489, 2**32 - 1]:
        bg = MT19937()
        bg._legacy_seeding(seed)
        streams.append({"algorithm": "mt19937-init-genrand", "label": str(seed), "words": [seed], "spawnKey": [],
                        **draws(bg, 700, 700, 40)})
    # One-element arrays are squeezed to a scalar by numpy (init_genrand), so keys have two or more words.
    for key in [[0, 0], [42, 7], [1, 2, 3], list(range(1, 700))]:
        bg = MT19937()
        bg._legacy_seeding(np.array(key, dtype=np.uint32))
        streams.append({"algorithm": "mt19937-init-by-array", "label": str(key[:4]), "words": key, "spawnKey": [],
                        **draws(bg, 40, 40, 40)})

    jumps = []
    for name, cls in [("pcg64", PCG64), ("pcg64dxsm", PCG64DXSM)]:
        for op, arg in [("advance", 12345), ("advance", 2**100 + 7), ("advance", 2**128 - 1), ("jumped", 1), ("jumped", 3)]:
            bg = cls(42)
            c = bg.ctypes
            c.next_uint32(c.state)  # leave a half word in the buffer: advance must clear it
            bg = bg.jumped(arg) if op == "jumped" else bg.advance(arg)
            st = bg.state["state"]
            jumps.append({"algorithm": name, "op": op, "delta": str(arg), "state": str(st["state"]),
                          "increment": str(st["inc"]), **draws(bg, 8, 8, 8)})
    for op, arg, counter in [("advance", 5, [0, 0, 0, 0]), ("advance", 2**64 + 5, [0, 0, 0, 0]),
                             ("advance", 1, [2**64 - 1, 2**64 - 1, 0, 0]),
                             ("advance", 2**64 + 1, [2**64 - 1, 2**64 - 1, 2**64 - 1, 0]),
                             ("advance", 2**255 + 2**128 + 3, [2**64 - 2, 3, 2**64 - 1, 5]),
                             ("jumped", 1, [0, 0, 0, 0]), ("jumped", 2, [7, 0, 2**64 - 1, 0])]:
        bg = Philox(key=np.array([42, 43], dtype=np.uint64), counter=np.array(counter, dtype=np.uint64))
        c = bg.ctypes
        c.next_uint64(c.state)
        c.next_uint32(c.state)
        bg = bg.jumped(arg) if op == "jumped" else bg.advance(arg)
        jumps.append({"algorithm": "philox", "op": op, "delta": str(arg),
                      "startCounter": [hex64(w) for w in counter],
                      "counter": [hex64(w) for w in bg.state["state"]["counter"]], **draws(bg, 8, 8, 8)})

    print("Pinned rows for Tests/ReproRandomTests/BitGeneratorStabilityTests.swift:")
    for row in stability_hashes():
        print(f'        ("{row["algorithm"]}", {row["seed"]}, {row["next64"]}, {row["next32"]}),')
    (OUT / "bitgen.json").write_text(json.dumps({"numpy": np.__version__, "streams": streams, "jumps": jumps}) + "\n")


if __name__ == "__main__":
    main()
