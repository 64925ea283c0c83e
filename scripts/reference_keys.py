#!/usr/bin/env python3
"""Reference vectors for the counter-based block functions and ThreefryKey, from Random123 and JAX.

Writes Tests/ReproRandomTests/Vectors/keys_blocks.json and keys_jax.json, and prints the stream
hashes that KeyStabilityTests.swift pins as literals. Needs `pip install jax` (CPU wheels);
written against JAX 0.10.2, whose default keys are partitionable threefry keys
(`jax_threefry_partitionable` on, `jax_enable_x64` off). Sections marked x64 run under
`jax.enable_x64(True)`.

Encoding (see Tests/ReproRandomTests/Support/Vectors.swift): words and float bit patterns as hex
strings ("0x%08x" for 32-bit words and floats, "0x%016x" for 64-bit words and doubles).

Random123's known answers (tests/kat_vectors, also pinned in CounterKeyTests.swift) are checked
against JAX's own Threefry2x32 and Philox4x32 hashes before JAX is used for anything else.
"""
import json
import pathlib

import jax
import jax.extend.random as jex
import jax.numpy as jnp
import numpy as np
from jax._src.random.philox4x32 import philox4x32_p  # JAX-internal; JAX's Philox4x32-10 hash

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproRandomTests" / "Vectors"

# Random123 tests/kat_vectors, "name rounds counter... key... -> output...".
KAT = """
threefry2x32 20 00000000 00000000 00000000 00000000   6b200159 99ba4efe
threefry2x32 20 ffffffff ffffffff ffffffff ffffffff   1cb996fc bb002be7
threefry2x32 20 243f6a88 85a308d3 13198a2e 03707344   c4923a9c 483df7a0
philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
"""

SEEDS = [0, 1, 42, 2**32 - 1, 2**32, 2**32 + 5, 2**63 - 1]
LENGTHS = [0, 1, 2, 3, 7]
LONG = 1000  # one long draw of each kind, for the keys in LONG_KEYS, with bounds (-3.7, 11.3)
LONG_KEYS = [0, 3, 5]
BOUNDS32 = [(0.0, 1.0), (-3.7, 11.3), (1e-3, 5e4), (-1.0, 1.0), (5.0, -2.0), (2.5, 2.5),
            (0.0, float("inf")), (float("-inf"), float("inf")), (0.0, float("nan"))]
BOUNDS64 = [(0.0, 1.0), (-3.7, 11.3), (1e-3, 5e4), (5.0, -2.0)]
STABILITY_COUNT = 10_000


def h32(v):
    return "0x%08x" % int(v)


def h64(v):
    return "0x%016x" % int(v)


def f32(x):
    return h32(np.float32(x).view(np.uint32))


def f64(x):
    return h64(np.float64(x).view(np.uint64))


def words(key):
    """A typed JAX key's data as two hex words."""
    return [h32(w) for w in np.asarray(jax.random.key_data(key))]


def wrap(data):
    return jax.random.wrap_key_data(jnp.asarray(data, dtype=jnp.uint32))


def threefry(counter, key):
    x = jex.threefry_2x32(jnp.asarray(key, jnp.uint32), jnp.asarray(counter, jnp.uint32))
    return [int(w) for w in np.asarray(x)]


def philox(counter, key):
    k = [jnp.uint32(w) for w in key]
    x = [jnp.asarray([w], jnp.uint32) for w in counter]
    return [int(np.asarray(w)[0]) for w in philox4x32_p.bind(*k, *x)]


def blocks():
    """JAX's hashes, checked against Random123's known answers, on pseudo-random counters and keys."""
    for line in KAT.strip().splitlines():
        name, _, *hexes = line.split()
        values = [int(h, 16) for h in hexes]
        if name == "threefry2x32":
            assert threefry(values[0:2], values[2:4]) == values[4:6], line
        else:
            assert philox(values[0:4], values[4:6]) == values[6:10], line
    rng = np.random.default_rng(20_240_917)
    out = {"threefry2x32": [], "philox4x32": []}
    for _ in range(100):
        for name, hash_, width in [("threefry2x32", threefry, 2), ("philox4x32", philox, 4)]:
            counter, key = rng.integers(0, 2**32, width).tolist(), rng.integers(0, 2**32, 2).tolist()
            out[name].append({"counter": [h32(v) for v in counter], "key": [h32(v) for v in key],
                              "output": [h32(v) for v in hash_(counter, key)]})
    return out


def derivations(key, chain):
    """Applies a chain of ("split", n, i), ("split2", i) and ("fold_in", d) steps."""
    steps = []
    for step in chain:
        if step[0] == "split":
            _, n, i = step
            key = jax.random.split(key, n)[i]
            steps.append({"op": "split", "n": n, "index": i})
        elif step[0] == "split2":
            key = jax.random.split(key)[step[1]]
            steps.append({"op": "split", "n": None, "index": step[1]})
        else:
            key = jax.random.fold_in(key, step[1])
            steps.append({"op": "fold_in", "data": h32(step[1])})
    return steps, words(key)


def sample_keys():
    """Keys that the draws are taken from: seeds, a derived key, and raw key data."""
    return [
        jax.random.key(0),
        jax.random.key(42),
        jax.random.key(2**32 - 1),
        jax.random.fold_in(jax.random.fold_in(jax.random.key(7), 3), 1234),
        wrap([0xDEADBEEF, 0x01234567]),
        wrap([0xFFFFFFFF, 0xFFFFFFFF]),
    ]


def jax_vectors():
    out = {"jax_version": jax.__version__, "seeds": [], "splits": [], "chains": [],
           "bits": [], "uniform": [], "bits64": [], "uniform64": []}
    assert jax.config.jax_threefry_partitionable and not jax.config.jax_enable_x64
    for seed in SEEDS:
        out["seeds"].append({"seed": h64(seed), "x64": False, "key": words(jax.random.key(seed))})
        assert words(jax.random.PRNGKey(seed)) == words(jax.random.key(seed))
    for key in [jax.random.key(0), jax.random.key(42), wrap([0xDEADBEEF, 0x01234567])]:
        for n in [0, 1, 2, 3, 7, 100]:
            out["splits"].append({"key": words(key), "n": n, "keys": [words(k) for k in jax.random.split(key, n)]})
        out["splits"].append({"key": words(key), "n": None, "keys": [words(k) for k in jax.random.split(key)]})
    chains = [
        [("fold_in", 0)],
        [("fold_in", 1), ("fold_in", 2), ("fold_in", 3)],
        [("fold_in", 0xFFFFFFFF), ("split", 5, 4), ("fold_in", 77)],
        [("split2", 0), ("split2", 1), ("split", 3, 2), ("fold_in", 12345), ("split2", 0)],
        [("fold_in", 2), ("fold_in", 9), ("fold_in", 31415)],
    ]
    for seed in [0, 42, 2**32 - 1]:
        for chain in chains:
            steps, result = derivations(jax.random.key(seed), chain)
            out["chains"].append({"key": words(jax.random.key(seed)), "steps": steps, "result": result})
    for which, key in enumerate(sample_keys()):
        long = [LONG] if which in LONG_KEYS else []
        for n in LENGTHS + long:
            out["bits"].append({"key": words(key), "count": n,
                                "values": [h32(v) for v in np.asarray(jax.random.bits(key, (n,), jnp.uint32))]})
        for n in [1, 3, 7] + long:
            for lo, hi in BOUNDS32[1:2] if n == LONG else BOUNDS32:
                values = np.asarray(jax.random.uniform(key, (n,), jnp.float32, lo, hi))
                out["uniform"].append({"key": words(key), "count": n, "low": f32(lo), "high": f32(hi),
                                       "values": [f32(v) for v in values]})
        # JAX's (3, 5)-shaped draw is the 15-value draw in row-major order.
        assert (np.asarray(jax.random.bits(key, (3, 5))).ravel() == np.asarray(jax.random.bits(key, (15,)))).all()

    default_bits = {json.dumps(e["key"] + [e["count"]]): e["values"] for e in out["bits"]}
    with jax.enable_x64(True):
        for seed in SEEDS + [2**64 - 1]:
            key = jax.random.key(np.uint64(seed)) if seed >= 2**63 else jax.random.key(seed)
            out["seeds"].append({"seed": h64(seed), "x64": True, "key": words(key)})
        out["seeds"].append({"seed": h64(2**64 - 1), "x64": True, "key": words(jax.random.key(-1))})
        for which, key in enumerate(sample_keys() + [jax.random.key(2**63 - 1)]):
            long = [LONG] if which in LONG_KEYS else []
            for n in LENGTHS + long:
                values = np.asarray(jax.random.bits(key, (n,), jnp.uint64))
                out["bits64"].append({"key": words(key), "count": n, "values": [h64(v) for v in values]})
                # 32-bit draws do not depend on jax_enable_x64.
                if json.dumps(words(key) + [n]) in default_bits:
                    same = [h32(v) for v in np.asarray(jax.random.bits(key, (n,), jnp.uint32))]
                    assert same == default_bits[json.dumps(words(key) + [n])]
            for n in [1, 3, 7] + long:
                for lo, hi in BOUNDS64[1:2] if n == LONG else BOUNDS64:
                    values = np.asarray(jax.random.uniform(key, (n,), jnp.float64, lo, hi))
                    out["uniform64"].append({"key": words(key), "count": n, "low": f64(lo), "high": f64(hi),
                                             "values": [f64(v) for v in values]})
    return out


def fnv1a(words64):
    """StreamHash in Support/Vectors.swift: FNV-1a 64 over little-endian 64-bit words."""
    h = 0xCBF29CE484222325
    for w in words64:
        w = int(w)
        for _ in range(8):
            h ^= w & 0xFF
            h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
            w >>= 8
    return h


def stability_hashes():
    """Hashes of the first STABILITY_COUNT values of each stream, as Swift literals."""
    lines = []
    n = STABILITY_COUNT
    with jax.enable_x64(True):
        for name, key in [("seed0", jax.random.key(0)), ("seed42", jax.random.key(42)),
                          ("chain", jax.random.fold_in(jax.random.fold_in(jax.random.key(7), 3), 1234))]:
            streams = {
                "bits": np.asarray(jax.random.bits(key, (n,), jnp.uint32)),
                "bits64": np.asarray(jax.random.bits(key, (n,), jnp.uint64)),
                "uniform": np.asarray(jax.random.uniform(key, (n,), jnp.float32, -1.0, 1.0)).view(np.uint32),
                "uniformDouble": np.asarray(jax.random.uniform(key, (n,), jnp.float64)).view(np.uint64),
            }
            for stream, values in streams.items():
                lines.append(f"{name} {words(key)} {stream}: 0x{fnv1a(values):016x}")
    return lines


def dump(data):
    """JSON with one line per vector, so that a change shows as a readable diff."""
    def item(value):
        if isinstance(value, list):
            return "[\n  " + ",\n  ".join(json.dumps(v) for v in value) + "\n ]" if value else "[]"
        return json.dumps(value)
    return "{\n" + ",\n".join(f" {json.dumps(k)}: {item(v)}" for k, v in data.items()) + "\n}\n"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in [("keys_blocks", blocks()), ("keys_jax", jax_vectors())]:
        (OUT / f"{name}.json").write_text(dump(data))
        print(f"wrote {OUT / name}.json")
    print("\n".join(stability_hashes()))


if __name__ == "__main__":
    main()
