#!/usr/bin/env python3
"""Writes Tests/ReproRandomTests/Vectors/generator_*.json: numpy `Generator` reference streams.

Every case names a bit generator (numpy's PCG64, PCG64DXSM, Philox, SFC64, MT19937 under
`np.random.Generator`), a seed (SeedSequence entropy as a decimal string plus a spawn key), and a
sequence of calls made in order on one generator, so that interleaved calls (and numpy's buffered
32-bit half words) are covered. Each step records numpy's outputs, or, for long streams, their
FNV-1a hash (the `StreamHash` of Tests/ReproRandomTests/Support/Vectors.swift). generator_edges.json
starts from explicit PCG64 states instead, just before draws where numpy's floating-point precision
decides the value.

Encoding (Support/Vectors.swift): doubles and floats as hex bit patterns ("0x" + 16 or 8 digits),
int64 as decimal strings; double arguments as hex bit patterns too.

The script checks, and stops with an error otherwise, that numpy's bulk calls (`size=n`) give the same values
as n scalar calls, that the long normal/exponential streams reach the ziggurat tails many times, and
that SeedSequence(42).spawn(3)[2] is SeedSequence(42, spawn_key=(2,)).

It also prints the stability-guard hashes (10,000 outputs per bit generator x distribution x seed)
as Swift literals for Tests/ReproRandomTests/GeneratorStabilityTests.swift; those literals are
pinned by hand and must never change (stream stability is a promise).

Usage: python3 scripts/reference_generator.py   (numpy 2.4 required)
"""

import json
import pathlib
import struct
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "ReproRandomTests" / "Vectors"

BIT_GENERATORS = {
    "PCG64": np.random.PCG64,
    "PCG64DXSM": np.random.PCG64DXSM,
    "Philox": np.random.Philox,
    "SFC64": np.random.SFC64,
    "MT19937": np.random.MT19937,
}

SEED_128 = 0x3034C61A9AE04FF8CB62AB8EC2C4B501
SEEDS = [(0, []), (1, []), (42, []), (2**32 - 1, []), (2**32, []), (2**64 - 1, []), (SEED_128, []), (42, [2])]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
NORMAL_R = 3.6541528853610087963519472518
NORMAL_R_F = float(np.float32(3.6541528853610087963519472518))
EXPONENTIAL_R = 7.6971174701310497140446280481
EXPONENTIAL_R_F = float(np.float32(7.6971174701310497140446280481))


# ---------------------------------------------------------------- encoding and hashing

def double_bits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def hex_double(x):
    return f"0x{double_bits(x):016x}"


def encode(kind, words):
    if kind == "f64":
        return [f"0x{w:016x}" for w in words]
    if kind == "f32":
        return [f"0x{w:08x}" for w in words]
    return [str(w - 2**64 if w >= 2**63 else w) for w in words]


def stream_hash(words):
    """FNV-1a (64-bit) over 64-bit words, little-endian bytes: Support/Vectors.swift `StreamHash`."""
    value = 0xCBF29CE484222325
    for byte in np.asarray(words, dtype=np.uint64).astype("<u8").tobytes():
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def words_f64(values):
    return [int(w) for w in np.asarray(values, dtype=np.float64).view(np.uint64)]


def words_f32(values):
    return [int(w) for w in np.asarray(values, dtype=np.float32).view(np.uint32)]


def words_i64(values):
    return [int(w) for w in np.asarray(values, dtype=np.int64).view(np.uint64)]


# ---------------------------------------------------------------- generators and calls

def make_generator(name, entropy, spawn_key):
    return np.random.Generator(BIT_GENERATORS[name](np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))))


def case_generator(case):
    """The case's generator: seeded, or (edge cases) a PCG64 put in an explicit state."""
    if "pcg64" in case:
        state = case["pcg64"]
        bit_generator = np.random.PCG64()
        bit_generator.state = {
            "bit_generator": "PCG64", "state": {"state": int(state["state"]), "inc": int(state["increment"])},
            "has_uint32": int(state["hasUInt32"]), "uinteger": state["uinteger"],
        }
        return np.random.Generator(bit_generator)
    return make_generator(case["bitGenerator"], int(case["entropy"]), case["spawnKey"])


def arg_double(step, key):
    return struct.unpack("<d", struct.pack("<Q", int(step[key], 16)))[0]


def run_step(g, step, scalar):
    """numpy's outputs for one step, as (kind, 64-bit hash words); bulk calls, or one call per value."""
    method = step["method"]
    n = step.get("count")
    many = (lambda call: [call() for _ in range(n)]) if scalar else None
    if method == "random":
        return "f64", words_f64(many(g.random) if scalar else g.random(n))
    if method == "randomFloat":
        f32 = np.float32
        return "f32", words_f32(many(lambda: g.random(dtype=f32)) if scalar else g.random(n, dtype=f32))
    if method == "uniform":
        low, high = arg_double(step, "low"), arg_double(step, "high")
        return "f64", words_f64(many(lambda: g.uniform(low, high)) if scalar else g.uniform(low, high, n))
    if method == "integers":
        low, high, endpoint = int(step["low"]), int(step["high"]), step["endpoint"]
        if scalar:
            return "i64", words_i64(many(lambda: g.integers(low, high, endpoint=endpoint)))
        return "i64", words_i64(g.integers(low, high, n, endpoint=endpoint))
    if method == "standardNormal":
        return "f64", words_f64(many(g.standard_normal) if scalar else g.standard_normal(n))
    if method == "standardNormalFloat":
        f32 = np.float32
        values = many(lambda: g.standard_normal(dtype=f32)) if scalar else g.standard_normal(n, dtype=f32)
        return "f32", words_f32(values)
    if method == "normal":
        mean, sd = arg_double(step, "mean"), arg_double(step, "standardDeviation")
        return "f64", words_f64(many(lambda: g.normal(mean, sd)) if scalar else g.normal(mean, sd, n))
    if method == "standardExponential":
        return "f64", words_f64(many(g.standard_exponential) if scalar else g.standard_exponential(n))
    if method == "standardExponentialFloat":
        f32 = np.float32
        values = many(lambda: g.standard_exponential(dtype=f32)) if scalar else g.standard_exponential(n, dtype=f32)
        return "f32", words_f32(values)
    if method == "exponential":
        scale = arg_double(step, "scale")
        return "f64", words_f64(many(lambda: g.exponential(scale)) if scalar else g.exponential(scale, n))
    if method == "permutation":
        return "i64", words_i64(g.permutation(step["n"]))
    if method == "shuffle":
        # numpy's list path and its 1-d array fast path move the same positions.
        values = np.arange(step["n"]) if scalar else list(range(step["n"]))
        g.shuffle(values)
        return "i64", words_i64(values)
    if method in ("choice", "choiceFrom"):
        population, size = step["populationSize"], step["size"]
        a = population if method == "choice" else np.arange(population, dtype=np.int64) * 7 - 3
        if scalar and step["replace"]:
            return "i64", words_i64([g.choice(a) for _ in range(size)])
        return "i64", words_i64(g.choice(a, size, replace=step["replace"], shuffle=step["shuffle"]))
    raise ValueError(f"unknown method {method}")


def run_case(case, scalar):
    g = case_generator(case)
    return [run_step(g, step, scalar) for step in case["steps"]]


def make_case(name, entropy, spawn_key, steps, hashed=False, extra=None):
    """Runs the steps (bulk and scalar, which must agree) and stores values, or hashes when `hashed`."""
    steps = [dict(step) for step in steps]
    case = {"bitGenerator": name, "entropy": str(entropy), "spawnKey": list(spawn_key), **(extra or {}),
            "steps": steps}
    bulk, scalar = run_case(case, scalar=False), run_case(case, scalar=True)
    for step, (kind, words), (_, scalar_words) in zip(steps, bulk, scalar):
        assert words == scalar_words, f"numpy bulk and scalar calls differ: {name} {step}"
        if hashed:
            step["hash"] = f"0x{stream_hash(words):016x}"
        else:
            step["values"] = encode(kind, words)
    return case


# ---------------------------------------------------------------- step constructors

def draws(method, count, **arguments):
    return {"method": method, "count": count, **arguments}


def integers(low, high, count, endpoint=False):
    return {"method": "integers", "low": str(low), "high": str(high), "endpoint": endpoint, "count": count}


def choice(population, size, replace=True, shuffle=True, method="choice"):
    return {"method": method, "populationSize": population, "size": size, "replace": replace, "shuffle": shuffle}


PROBE = [draws("randomFloat", 1), draws("random", 1)]  # reveals the buffered half word and the position


# ---------------------------------------------------------------- vector files

def seeds_file():
    steps = lambda: [
        draws("random", 4), draws("randomFloat", 3), integers(0, 1000, 5), draws("standardNormal", 4),
        draws("standardNormalFloat", 3), draws("standardExponential", 3), draws("standardExponentialFloat", 3),
        {"method": "permutation", "n": 10}, choice(100, 5, replace=False),
        draws("uniform", 2, low=hex_double(-1), high=hex_double(1)),
    ]
    return [make_case(name, entropy, key, steps()) for name in BIT_GENERATORS for entropy, key in SEEDS]


def uniform_file():
    cases = []
    for name in BIT_GENERATORS:
        cases.append(make_case(name, 42, [], [
            draws("random", 1000), draws("randomFloat", 1001), *PROBE,
            draws("uniform", 200, low=hex_double(-3.5), high=hex_double(11.25)),
            draws("uniform", 3, low=hex_double(5), high=hex_double(5)),
            draws("uniform", 5, low=hex_double(-1e300), high=hex_double(1e300)),
            draws("uniform", 5, low=hex_double(-0.0), high=hex_double(0.0)),
        ]))
    return cases


INTEGER_WIDTHS = [1, 2, 3, 1000, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**62, 2**64]


def integer_ranges(width):
    """(low, high, endpoint) triples of the given width: low 0, a negative low, the int64 edges."""
    ranges = []
    for low in (0, -(width // 2) - 3, INT64_MIN, INT64_MAX - width + 1):
        for endpoint in (False, True):
            high = low + width - 1 if endpoint else low + width
            if INT64_MIN <= low and high <= INT64_MAX and (low, high, endpoint) not in ranges:
                ranges.append((low, high, endpoint))
    return ranges


def integers_file():
    cases = []
    for name in BIT_GENERATORS:
        count = 60 if name == "PCG64" else 20
        steps = []
        for width in INTEGER_WIDTHS:
            for low, high, endpoint in integer_ranges(width):
                steps += [integers(low, high, count, endpoint), *PROBE]
        cases.append(make_case(name, 42, [], steps))
    return cases


def normal_file():
    cases = []
    for name in BIT_GENERATORS:
        cases.append(make_case(name, 42, [], [
            draws("standardNormal", 1000), draws("standardNormalFloat", 1001), *PROBE,
            draws("normal", 100, mean=hex_double(2.5), standardDeviation=hex_double(0.75)),
            draws("normal", 3, mean=hex_double(-1), standardDeviation=hex_double(0)),
        ]))
    return cases


def exponential_file():
    cases = []
    for name in BIT_GENERATORS:
        cases.append(make_case(name, 42, [], [
            draws("standardExponential", 1000), draws("standardExponentialFloat", 1001), *PROBE,
            draws("exponential", 100, scale=hex_double(3.5)),
            draws("exponential", 2, scale=hex_double(0)),
        ]))
    return cases


def shuffle_file():
    cases = []
    for name in BIT_GENERATORS:
        steps = []
        for n in (0, 1, 2, 10, 1000):
            steps += [{"method": "permutation", "n": n}, *PROBE, {"method": "shuffle", "n": n}, *PROBE]
        cases.append(make_case(name, 42, [], steps))
    return cases


def choice_file():
    cases = []
    for name in BIT_GENERATORS:
        steps = [
            choice(10, 20), choice(1000, 50), choice(2**40, 5), *PROBE,
            choice(10, 10, replace=False), choice(100, 7, replace=False, shuffle=False), *PROBE,
            choice(20000, 1000, replace=False), *PROBE,                  # partial shuffle (shuffle=True)
            choice(20000, 1500, replace=False, shuffle=False), *PROBE,   # partial shuffle (shuffle=False)
            choice(20000, 400, replace=False), *PROBE,                   # Floyd at the cutoff, shuffled
            choice(20000, 1000, replace=False, shuffle=False), *PROBE,   # Floyd at the cutoff
            choice(10001, 10001 if name == "PCG64" else 300, replace=False), *PROBE,
            choice(2**32 + 5, 10, replace=False), *PROBE,                # Floyd across a width of 2^32
            choice(0, 0), choice(0, 0, replace=False), choice(5, 0, replace=False), *PROBE,
            choice(50, 10, replace=False, method="choiceFrom"), choice(50, 10, method="choiceFrom"), *PROBE,
        ]
        cases.append(make_case(name, 42, [], steps))
    return cases


def mixed_file():
    pattern = [
        integers(0, 10, 1), draws("random", 1), integers(0, 10, 1), draws("randomFloat", 1),
        draws("standardNormal", 1), draws("standardNormalFloat", 1), integers(0, 2**40, 1), draws("randomFloat", 1),
        integers(0, 2**32, 1), draws("standardExponentialFloat", 1), {"method": "permutation", "n": 5},
        draws("random", 1), choice(50, 3, replace=False), integers(-5, 5, 3, endpoint=True),
        draws("standardNormalFloat", 3), draws("randomFloat", 1), draws("standardExponential", 1),
        integers(INT64_MIN, INT64_MAX, 2, endpoint=True), draws("randomFloat", 1),
    ]
    return [make_case(name, entropy, [], pattern * 3)
            for name in BIT_GENERATORS for entropy in (1, 42)]


def long_file():
    """50,000-draw ziggurat streams, hashed; each must reach its tail many times."""
    cases = []
    tails = {
        "standardNormal": lambda v: np.abs(v) >= NORMAL_R,
        "standardNormalFloat": lambda v: np.abs(v) >= NORMAL_R_F,
        "standardExponential": lambda v: v >= EXPONENTIAL_R,
        "standardExponentialFloat": lambda v: v >= EXPONENTIAL_R_F,
    }
    for name in BIT_GENERATORS:
        steps = [draws(method, 50000) for method in tails]
        case = make_case(name, 42, [], steps, hashed=True)
        g = make_generator(name, 42, [])
        values = [g.standard_normal(50000), g.standard_normal(50000, dtype=np.float32),
                  g.standard_exponential(50000), g.standard_exponential(50000, dtype=np.float32)]
        for step, (method, is_tail), v in zip(case["steps"], tails.items(), values):
            step["tailHits"] = int(np.count_nonzero(is_tail(v)))
            assert step["tailHits"] >= 5, f"{name} {method}: only {step['tailHits']} tail draws"
        cases.append(case)
    return cases


def edges_file():
    """PCG64 states just before draws where numpy's choice of floating-point precision decides the
    outcome, so that a port computing in the other precision fails here (found by running such a
    mutated port against numpy over 20,000,000-draw streams of PCG64(123)):
    - the float32 normal's wedge test compares in double (`exp(-0.5 * x * x)` of the promoted float);
    - the float32 exponential's wedge test compares in single precision (`expf(-x)`)."""
    chunk = 1_000_000

    def skip(g, call, count):
        for start in range(0, count, chunk):
            call(g, min(chunk, count - start))

    normal64 = lambda g, n: g.standard_normal(n)
    normal32 = lambda g, n: g.standard_normal(n, dtype=np.float32)
    exponential64 = lambda g, n: g.standard_exponential(n)
    exponential32 = lambda g, n: g.standard_exponential(n, dtype=np.float32)
    plans = [
        ("standardNormalFloat", [(normal64, 20_000_000), (normal32, 10_203_025)]),
        ("standardExponentialFloat",
         [(normal64, 20_000_000), (normal32, 20_000_000), (exponential64, 20_000_000), (exponential32, 6_864_140)]),
    ]
    cases = []
    for method, skips in plans:
        g = make_generator("PCG64", 123, [])
        for call, count in skips:
            skip(g, call, count)
        state = g.bit_generator.state
        pcg64 = {"state": str(state["state"]["state"]), "increment": str(state["state"]["inc"]),
                 "hasUInt32": bool(state["has_uint32"]), "uinteger": int(state["uinteger"])}
        cases.append(make_case("PCG64", 123, [], [draws(method, 3), *PROBE], extra={"pcg64": pcg64}))
    return cases


# ---------------------------------------------------------------- stability guard

STABILITY_SEEDS = [0, 42, 2**64 - 1]
STABILITY_COUNT = 10_000
STABILITY_DISTRIBUTIONS = {
    # name: numpy call producing 10,000 outputs, and their kind
    "random": (lambda g: g.random(STABILITY_COUNT), "f64"),
    "randomFloat": (lambda g: g.random(STABILITY_COUNT, dtype=np.float32), "f32"),
    "uniform(-3, 5)": (lambda g: g.uniform(-3, 5, STABILITY_COUNT), "f64"),
    "integers(0, 1000)": (lambda g: g.integers(0, 1000, STABILITY_COUNT), "i64"),
    "integers(-2^40, 2^40)": (lambda g: g.integers(-(2**40), 2**40, STABILITY_COUNT), "i64"),
    "integers(full, endpoint)": (lambda g: g.integers(INT64_MIN, INT64_MAX, STABILITY_COUNT, endpoint=True), "i64"),
    "standardNormal": (lambda g: g.standard_normal(STABILITY_COUNT), "f64"),
    "standardNormalFloat": (lambda g: g.standard_normal(STABILITY_COUNT, dtype=np.float32), "f32"),
    "normal(10, 2.5)": (lambda g: g.normal(10, 2.5, STABILITY_COUNT), "f64"),
    "standardExponential": (lambda g: g.standard_exponential(STABILITY_COUNT), "f64"),
    "standardExponentialFloat": (lambda g: g.standard_exponential(STABILITY_COUNT, dtype=np.float32), "f32"),
    "exponential(0.5)": (lambda g: g.exponential(0.5, STABILITY_COUNT), "f64"),
    "permutation(10000)": (lambda g: g.permutation(STABILITY_COUNT), "i64"),
    "shuffle(10000)": (lambda g: shuffled(g, STABILITY_COUNT), "i64"),
    "choice(1000000, 10000)": (lambda g: g.choice(1_000_000, STABILITY_COUNT), "i64"),
    "choice(20000, 10000, replace: false)": (lambda g: g.choice(20000, STABILITY_COUNT, replace=False), "i64"),
    "choice(1000000, 10000, replace: false)": (lambda g: g.choice(1_000_000, STABILITY_COUNT, replace=False), "i64"),
}


def shuffled(g, n):
    values = np.arange(n)
    g.shuffle(values)
    return values


def stability_entries():
    entries = []
    for name, bit_generator in BIT_GENERATORS.items():
        for distribution, (call, kind) in STABILITY_DISTRIBUTIONS.items():
            hashes = []
            for seed in STABILITY_SEEDS:
                values = call(np.random.Generator(bit_generator(seed)))
                words = {"f64": words_f64, "f32": words_f32, "i64": words_i64}[kind](values)
                assert len(words) == STABILITY_COUNT
                hashes.append(f"0x{stream_hash(words):016x}")
            entries.append({"bitGenerator": name, "distribution": distribution, "hashes": hashes})
    return entries


def swift_literals(entries):
    """The entries as the Swift table pinned in GeneratorStabilityTests.swift."""
    def literal(text):
        digits = text[2:]
        return "0x" + "_".join(digits[i:i + 4] for i in range(0, 16, 4))
    lines = []
    for entry in entries:
        hashes = ", ".join(literal(h) for h in entry["hashes"])
        lines.append(f'        ("{entry["bitGenerator"]}", "{entry["distribution"]}", [{hashes}]),')
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def to_json(value, indent=""):
    """JSON with one key per line and flat lists wrapped to about 100 columns (readable diffs)."""
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}" if items else "{}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + to_json(v, inner) for v in value) + "\n" + indent + "]"
    if isinstance(value, list) and value:
        lines, line = [], []
        for text in map(json.dumps, value):
            if line and len(inner) + sum(len(t) + 2 for t in line) + len(text) > 100:
                lines.append(", ".join(line))
                line = []
            line.append(text)
        lines.append(", ".join(line))
        return "[\n" + ",\n".join(inner + l for l in lines) + "\n" + indent + "]"
    return json.dumps(value)


def write(name, content):
    path = OUT / f"generator_{name}.json"
    path.write_text(to_json(content) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)", file=sys.stderr)


def main():
    assert np.__version__.startswith("2.4"), f"vectors are numpy 2.4's; found numpy {np.__version__}"
    spawned = np.random.SeedSequence(42).spawn(3)[2]
    assert spawned.entropy == 42 and spawned.spawn_key == (2,)
    assert np.array_equal(spawned.generate_state(8), np.random.SeedSequence(42, spawn_key=(2,)).generate_state(8))

    OUT.mkdir(parents=True, exist_ok=True)
    header = {"numpy": np.__version__}
    for name, build in [("seeds", seeds_file), ("uniform", uniform_file), ("integers", integers_file),
                        ("normal", normal_file), ("exponential", exponential_file), ("shuffle", shuffle_file),
                        ("choice", choice_file), ("mixed", mixed_file), ("long", long_file),
                        ("edges", edges_file)]:
        write(name, {**header, "cases": build()})
    entries = stability_entries()
    write("stability", {**header, "seeds": [str(s) for s in STABILITY_SEEDS], "count": STABILITY_COUNT,
                        "entries": entries})
    print(swift_literals(entries))


if __name__ == "__main__":
    main()
