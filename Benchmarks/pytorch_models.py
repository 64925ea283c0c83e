"""The models of train-bench and charlm-bench in PyTorch, for Benchmarks/train_vs_pytorch.py and
charlm_vs_pytorch.py (charlm: see the comment above CausalSelfAttention below).

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


# charlm (issue 13): nanoGPT's model.py (GPT, Block, MLP, CausalSelfAttention), as configured for
# Repro's ReproNN.GPT: 4 layers, 4 heads, width 128, context 64, vocabulary 65, dropout 0, biases
# on (nanoGPT's default bias=True), GELU(approximate='tanh') as Repro's TransformerBlock uses
# (nanoGPT's nn.GELU() is the erf form), weight tying, nanoGPT's init and configure_optimizers
# (AdamW lr 1e-3, betas (0.9, 0.99), weight decay 0.1 on the >= 2-D parameters only; on the CPU
# neither fused nor foreach). A step is CharLM.step below, the same calls as charlm-bench's.
# Repro's AdamW decays every parameter (biases and norms too: 6.5 k of 0.8 M elements more work).

class CausalSelfAttention(nn.Module):
    """nanoGPT's, with the choice of path explicit: `flash` True is F.scaled_dot_product_attention
    (is_causal=True: PyTorch's CPU flash kernel), False the masked-softmax path nanoGPT falls back to."""

    def __init__(self, width, heads, context, dropout, flash):
        super().__init__()
        self.c_attn = nn.Linear(width, 3 * width)
        self.c_proj = nn.Linear(width, width)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)
        self.n_head, self.n_embd, self.dropout, self.flash = heads, width, dropout, flash
        if not flash:
            self.register_buffer("bias", torch.tril(torch.ones(context, context)).view(1, 1, context, context))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.flash:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=None,
                                               dropout_p=self.dropout if self.training else 0, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            att = self.attn_dropout(att)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, width, dropout):
        super().__init__()
        self.c_fc = nn.Linear(width, 4 * width)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * width, width)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, width, heads, context, dropout, flash):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads, context, dropout, flash)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = MLP(width, dropout)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab=65, context=64, layers=4, heads=4, width=128, dropout=0.0, flash=False):
        super().__init__()
        self.context = context
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, width),
            wpe=nn.Embedding(context, width),
            drop=nn.Dropout(dropout),
            h=nn.ModuleList([Block(width, heads, context, dropout, flash) for _ in range(layers)]),
            ln_f=nn.LayerNorm(width),
        ))
        self.lm_head = nn.Linear(width, vocab, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * layers))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    def configure_optimizers(self, weight_decay, learning_rate, betas):
        params = {name: p for name, p in self.named_parameters() if p.requires_grad}
        groups = [{"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas)  # fused only on CUDA in nanoGPT


class CharLM:
    """The charlm step: zero_grad, forward in train mode, cross-entropy, loss.item(), backward, step,
    on one batch of 32 random sequences drawn once (as charlm-bench's)."""

    def __init__(self, flash=False, seed=42, batch=32, vocab=65, context=64):
        torch.manual_seed(seed)
        self.model = GPT(vocab=vocab, context=context, flash=flash)
        self.model.train()
        self.optimizer = self.model.configure_optimizers(weight_decay=0.1, learning_rate=1e-3, betas=(0.9, 0.99))
        tokens = torch.randint(0, vocab, (batch, context + 1))
        self.inputs, self.targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
        self.steps = 0

    def step(self):
        self.optimizer.zero_grad(set_to_none=True)
        _, loss = self.model(self.inputs, self.targets)
        if not math.isfinite(loss.item()):
            raise RuntimeError(f"charlm diverged at step {self.steps}")
        loss.backward()
        self.optimizer.step()
        self.steps += 1


class CharLMFlash(CharLM):
    """The same step with F.scaled_dot_product_attention (nanoGPT's default when PyTorch has it)."""

    def __init__(self, **kwargs):
        super().__init__(flash=True, **kwargs)
