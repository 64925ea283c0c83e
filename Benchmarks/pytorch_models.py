"""The two models of train-bench in PyTorch, for Benchmarks/train_vs_pytorch.py.

digits: Repro's built-in recipe (Sources/ReproRuns/Recipe.swift with the defaults of
    TrainingConfiguration.swift): the 1797 digits, 359 held out (validation fraction 0.2), the 1438
    others standardised with one mean and standard deviation over all their pixels; Gaussian pixel
    noise of sigma 0.5 added per sample before standardisation (no shift: augmentShift is 0);
    MLP 64 -> 128 -> ReLU -> Dropout(0.1) -> 128 -> ReLU -> Dropout(0.1) -> 10; SGD lr 0.05 momentum
    0.9; cosine schedule over the run's 230 steps (10 epochs of 23 batches); batch 64 through a
    torch DataLoader (shuffle, num_workers=0), the augmentation in the Dataset's __getitem__ as
    Repro applies it per sample. A step: next batch, zero_grad, forward in train mode,
    cross_entropy, loss.item() (Trainer reads the loss to check it is finite), backward, step,
    scheduler.step().
mlp: 784 -> 1024 -> ReLU -> 1024 -> ReLU -> 10, batch 256, fixed random inputs and labels, SGD
    lr 0.01 momentum 0.9; the same calls per step (constant learning rate).

The data, split and weights are not Repro's bits (PyTorch's generators are other streams); the
work per step is the same.
"""
import gzip
import math
import os
import pathlib

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIGITS_CSV = ROOT / "Tests" / "ReproDataTests" / "Vectors" / "gzip" / "digits.csv.gz"


def load_digits():
    """(features float32 [1797, 64], labels int64 [1797]): sklearn's digits if installed, else the
    copy in the test vectors (64 pixel columns, then the label)."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
        data = sklearn_digits()
        return data.data.astype(np.float32), data.target.astype(np.int64)
    except ImportError:
        with gzip.open(DIGITS_CSV, "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.float64)
        return table[:, :-1].astype(np.float32), table[:, -1].astype(np.int64)


class AugmentedDigits(torch.utils.data.Dataset):
    """Training digits: noise (sigma in pixel units), then (x - mean) / std, per sample."""

    def __init__(self, features, labels, mean, std, noise, generator):
        self.features = torch.from_numpy(features)
        self.labels = torch.from_numpy(labels)
        self.mean, self.std, self.noise, self.generator = mean, std, noise, generator

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        x = self.features[index]
        if self.noise > 0:
            x = x + self.noise * torch.randn(x.shape, generator=self.generator)
        return (x - self.mean) / self.std, self.labels[index]


class DigitsRecipe:
    """The recipe's model, optimizer, schedule and training loader."""

    def __init__(self, seed=42, batch_size=64, hidden=(128, 128), dropout=0.1, lr=0.05, momentum=0.9,
                 epochs=10, noise=0.5, validation_fraction=0.2):
        torch.manual_seed(seed)
        features, labels = load_digits()
        order = np.random.default_rng(0).permutation(len(labels))
        validation = int(round(validation_fraction * len(labels)))
        train = order[validation:]
        x, y = features[train], labels[train]
        mean = float(x.astype(np.float64).mean())
        std = float(x.astype(np.float64).std()) or 1.0
        self.dataset = AugmentedDigits(x, y, np.float32(mean), np.float32(std), noise,
                                       torch.Generator().manual_seed(seed + 1))
        self.loader = torch.utils.data.DataLoader(self.dataset, batch_size=batch_size, shuffle=True, num_workers=0,
                                                  generator=torch.Generator().manual_seed(seed + 2))
        layers, width = [], features.shape[1]
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        layers.append(nn.Linear(width, 10))
        self.model = nn.Sequential(*layers)
        self.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=momentum)
        self.total_steps = epochs * math.ceil(len(train) / batch_size)
        self.schedule = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=self.total_steps)
        self.batches = iter(self.loader)
        self.steps = 0

    def step(self):
        try:
            inputs, labels = next(self.batches)
        except StopIteration:  # an epoch's end (Trainer evaluates and checkpoints here: not timed there either)
            self.batches = iter(self.loader)
            inputs, labels = next(self.batches)
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(inputs), labels)
        if not math.isfinite(loss.item()):
            raise RuntimeError(f"digits diverged at step {self.steps}")
        loss.backward()
        self.optimizer.step()
        self.steps += 1
        self.schedule.step()  # past T_max the cosine goes back up (train-bench restarts it): the same work


class DigitsBatchedNoise(DigitsRecipe):
    """For reference only: the same step with the augmentation done on the whole batch as tensors
    (indices shuffled with torch.randperm, no DataLoader), what a PyTorch user tuning for speed would
    write."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.x = self.dataset.features
        self.y = self.dataset.labels
        self.order = torch.randperm(len(self.y))
        self.position = 0
        self.batch_size = self.loader.batch_size

    def step(self):
        if self.position >= len(self.y):
            self.order, self.position = torch.randperm(len(self.y)), 0
        index = self.order[self.position:self.position + self.batch_size]
        self.position += self.batch_size
        x = self.x[index]
        x = (x + self.dataset.noise * torch.randn(x.shape)) - self.dataset.mean
        inputs, labels = x / self.dataset.std, self.y[index]
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(inputs), labels)
        if not math.isfinite(loss.item()):
            raise RuntimeError(f"digits diverged at step {self.steps}")
        loss.backward()
        self.optimizer.step()
        self.steps += 1
        self.schedule.step()


class LargeMLP:
    """784 -> 1024 -> 1024 -> 10 on fixed synthetic data, batch 256."""

    def __init__(self, seed=42, batch=256, lr=0.01, momentum=0.9):
        torch.manual_seed(seed)
        self.model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                                   nn.Linear(1024, 10))
        self.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=momentum)
        self.inputs = torch.randn(batch, 784)
        self.labels = torch.randint(0, 10, (batch,))
        self.steps = 0

    def step(self):
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(self.inputs), self.labels)
        if not math.isfinite(loss.item()):
            raise RuntimeError(f"mlp diverged at step {self.steps}")
        loss.backward()
        self.optimizer.step()
        self.steps += 1


def checkpoint_write(recipe, path):
    """torch.save of model and optimizer state, then fsync (Repro's checkpoints are fsynced)."""
    with open(path, "wb") as f:
        torch.save({"model": recipe.model.state_dict(), "optimizer": recipe.optimizer.state_dict(),
                    "schedule": recipe.schedule.state_dict(), "step": recipe.steps}, f)
        f.flush()
        os.fsync(f.fileno())
