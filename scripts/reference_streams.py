#!/usr/bin/env python3
"""Reference vectors for seedEverything's named streams, from numpy.

Writes Tests/ReproTests/Vectors/streams.json: for a few root seeds and purposes, the first draws of
SeedStreams.generator(purpose), numpy's
Generator(PCG64(SeedSequence(seed, spawn_key=(purpose_key(purpose),)))).random(), and
SeedStreams.seed(for: purpose), SeedSequence(...).generate_state(1, np.uint64)[0].
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproTests" / "Vectors"


def purpose_key(name):
    h = 0x811C9DC5
    for b in name.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


cases = []
for seed in [0, 42, 43, 2**64 - 1]:
    for purpose in ["default", "init", "dropout", "loader"]:
        sequence = np.random.SeedSequence(seed, spawn_key=(purpose_key(purpose),))
        generator = np.random.Generator(np.random.PCG64(sequence))
        cases.append({"seed": str(seed), "purpose": purpose,
                      "random": [float(x) for x in generator.random(4)],
                      "seedForPurpose": str(int(sequence.generate_state(1, np.uint64)[0]))})
OUT.mkdir(parents=True, exist_ok=True)
(OUT / "streams.json").write_text(json.dumps({"cases": cases}, indent=1) + "\n")
print(f"wrote {OUT / 'streams.json'}")
