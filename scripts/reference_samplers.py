#!/usr/bin/env python3
"""Reference vectors for the ReproData samplers, from numpy.

Writes Tests/ReproDataTests/Vectors/samplers.json:
- "shuffled": ShuffledSampler's documented recipe, numpy's
  Generator(PCG64(SeedSequence(seed, spawn_key=(epoch,)))).permutation(count);
- "distributed": every rank's indices under PyTorch DistributedSampler's padding / dropping and
  striding logic (torch/utils/data/distributed.py, reimplemented below since torch is not needed),
  applied to the same permutation (or to range(count) without shuffle).
Seeds are decimal strings (they reach 2**64 - 1, past exact JSON numbers); indices are plain
integers.
"""
import json
import math
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproDataTests" / "Vectors"

SEEDS = [0, 42, 2**64 - 1]
EPOCHS = [0, 1, 7]
COUNTS = [0, 1, 2, 10, 1000]


def permutation(seed, epoch, count):
    """ShuffledSampler's documented recipe."""
    generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(epoch,))))
    return [int(i) for i in generator.permutation(count)]


def distributed(count, rank, world_size, shuffle, seed, epoch, drop_last):
    """PyTorch DistributedSampler.__init__ sizes and __iter__, with numpy's permutation as the shuffle."""
    if drop_last and count % world_size != 0:
        num_samples = math.ceil((count - world_size) / world_size)
    else:
        num_samples = math.ceil(count / world_size)
    total_size = num_samples * world_size
    indices = permutation(seed, epoch, count) if shuffle else list(range(count))
    if not drop_last:
        padding_size = total_size - len(indices)
        if padding_size <= len(indices):
            indices += indices[:padding_size]
        else:
            indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
    else:
        indices = indices[:total_size]
    assert len(indices) == total_size
    indices = indices[rank:total_size:world_size]
    assert len(indices) == num_samples
    return indices


def main():
    shuffled = [
        {"seed": str(seed), "epoch": epoch, "count": count, "indices": permutation(seed, epoch, count)}
        for seed in SEEDS
        for epoch in EPOCHS
        for count in COUNTS
    ]
    cases = []
    for count in [0, 1, 2, 10, 11, 1000]:
        for world_size in [1, 3, 4]:
            for shuffle in [False, True]:
                for drop_last in [False, True]:
                    seed, epoch = 42, 3
                    ranks = [distributed(count, r, world_size, shuffle, seed, epoch, drop_last)
                             for r in range(world_size)]
                    cases.append({"count": count, "worldSize": world_size, "shuffle": shuffle,
                                  "seed": str(seed), "epoch": epoch, "dropLast": drop_last, "ranks": ranks})
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "samplers.json"
    path.write_text(json.dumps({"shuffled": shuffled, "distributed": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
