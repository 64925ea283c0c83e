#!/usr/bin/env python3
"""Reference vectors for the ReproData loader recipes, from numpy.

Writes Tests/ReproDataTests/Vectors/loader.json with what each documented recipe gives in numpy:
- "purposeKeys": SeedSequence.purposeKey, the 32-bit FNV-1a hash of a purpose name;
- "workerSeeds": WorkerInfo.seed, SeedSequence(seed, spawn_key=(purpose_key("worker"), id))
  .generate_state(1, np.uint64)[0];
- "split": Dataset.split, a PCG64 permutation from SeedSequence(seed, spawn_key=(purpose_key("split"),))
  cut at round(fraction * count);
- "normalization": FeatureNormalization fitted on the synthetic dataset below (float64 mean and
  population std, rounded to float32, std 0 -> 1) and applied in float32;
- "loader": every batch of two epochs of a shuffled loader (ShuffledSampler order) with the
  transforms [RandomShift(8, 8, maxShift 2), RandomNoise(0.25)] applied to each sample with the
  generator Philox(SeedSequence(seed, spawn_key=(purpose_key("augment"), epoch, index))).
Float32 values are written as their bit patterns (uint32), so the comparison is bitwise.
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproDataTests" / "Vectors"


def purpose_key(name):
    h = 0x811C9DC5
    for b in name.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def synthetic(count, width=64):
    """The synthetic dataset the tests build: feature j of sample i is (31 i + 7 j) mod 17, label i mod 10."""
    i = np.arange(count)[:, None]
    j = np.arange(width)[None, :]
    return ((31 * i + 7 * j) % 17).astype(np.float32), (np.arange(count) % 10)


def bits(array):
    return [int(v) for v in np.asarray(array, dtype=np.float32).reshape(-1).view(np.uint32)]


def shift(image, generator, m, fill=np.float32(0)):
    """RandomShift: dy then dx from integers(-m, m + 1); out[y, x] = in[y - dy, x - dx] or fill."""
    dy = int(generator.integers(-m, m + 1))
    dx = int(generator.integers(-m, m + 1))
    h, w = image.shape
    out = np.full_like(image, fill)
    for y in range(h):
        for x in range(w):
            sy, sx = y - dy, x - dx
            if 0 <= sy < h and 0 <= sx < w:
                out[y, x] = image[sy, sx]
    return out


def noise(features, generator, sigma):
    """RandomNoise: x + sigma * z in float32, z = standard_normal(n, dtype=float32)."""
    z = generator.standard_normal(features.size, dtype=np.float32)
    return features + np.float32(sigma) * z


def loader_batches(seed, count, batch_size, epochs):
    features, labels = synthetic(count)
    batches = []
    for epoch in range(epochs):
        order = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(epoch,)))).permutation(count)
        for start in range(0, count, batch_size):
            indices = [int(i) for i in order[start:start + batch_size]]
            inputs = []
            for index in indices:
                generator = np.random.Generator(np.random.Philox(np.random.SeedSequence(
                    seed, spawn_key=(purpose_key("augment"), epoch, index))))
                image = shift(features[index].reshape(8, 8), generator, 2)
                inputs.append(noise(image.reshape(-1), generator, 0.25))
            batches.append({"epoch": epoch, "indices": indices, "labels": [int(labels[i]) for i in indices],
                            "inputs": bits(np.stack(inputs))})
    return batches


def main():
    names = ["", "a", "augment", "shuffle", "split", "worker", "init", "dropout", "zählen"]
    seed = 20261126
    split = []
    for s, count, fraction in [(0, 1797, 0.2), (7, 1797, 0.2), (2**64 - 1, 10, 0.25), (3, 5, 0.5)]:
        perm = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
            s, spawn_key=(purpose_key("split"),)))).permutation(count)
        k = round(fraction * count)
        split.append({"seed": str(s), "count": count, "fraction": fraction,
                      "validation": [int(i) for i in perm[:k]], "train": [int(i) for i in perm[k:]]})
    features, _ = synthetic(23)
    features[:, 5] = 3  # a constant feature: std 0 becomes 1
    mean = features.astype(np.float64).mean(0).astype(np.float32)
    std = features.astype(np.float64).std(0).astype(np.float32)
    std[std == 0] = 1
    vectors = {
        "purposeKeys": [{"name": n, "key": purpose_key(n)} for n in names],
        "workerSeeds": [{"seed": str(seed), "worker": w,
                         "value": str(int(np.random.SeedSequence(seed, spawn_key=(purpose_key("worker"), w))
                                          .generate_state(1, np.uint64)[0]))} for w in range(4)],
        "split": split,
        "normalization": {"count": 23, "constantFeature": 5, "mean": bits(mean), "standardDeviation": bits(std),
                          "normalized": bits((features - mean) / std)},
        "loader": {"seed": str(seed), "count": 23, "batchSize": 5, "epochs": 2,
                   "batches": loader_batches(seed, 23, 5, 2)},
    }
    (OUT / "loader.json").write_text(json.dumps(vectors, separators=(",", ":")) + "\n")
    print(f"wrote {OUT / 'loader.json'}")


if __name__ == "__main__":
    main()
