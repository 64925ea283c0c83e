#!/usr/bin/env python3
"""Writes the runs "from other frameworks" that Repro's tools are tested on, and what they must find.

    /work/torchvenv/bin/python scripts/tensorboard/make_foreign_fixtures.py Tests/ReproRunsTests/Vectors/foreign

Two short PyTorch trainings (a linear classifier, SGD, 12 steps on fixed data): "a", and "b", the
same except that its 7th optimizer step uses a learning rate 1 % higher, so its logged training loss
first differs at step 8 and its validation metrics at the first evaluation after that (step 8).

Each run is written
- by torch.utils.tensorboard.SummaryWriter to tb-a/ and tb-b/: `Loss/train` every step,
  `Loss/val` and `Accuracy/val` every 4 steps. Run a closes its writer after step 6 and opens a
  second one in the same directory (two event files, as a restarted script writes); run b logs
  with `new_style=True` (the scalar in a float tensor proto, not in simple_value), so both ways
  PyTorch stores a scalar are read;
- as a Lightning CSVLogger metrics.csv, csv-a.csv and csv-b.csv: columns epoch, step, train_loss,
  val_loss, val_acc; a training row per step and a validation row per evaluation, the other
  cells empty, values as Lightning writes them (Python floats of the float32 tensors). Lightning
  is not installed here, so the file is written with the csv module in its format.

expected.json holds what numpy computes from the values as TensorBoard's EventAccumulator reads
them back: per series, the first step at which a and b differ, and over the two runs the final
value's mean, sample standard deviation (ddof 1), min and max, and the per-step means.
"""
import csv
import json
import os
import shutil
import sys

import numpy as np
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util
from torch.utils.tensorboard import SummaryWriter

STEPS = 12
EVAL_EVERY = 4


def train(bump_step):
    torch.manual_seed(0)
    x = torch.randn(64, 5)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    xv = torch.randn(32, 5)
    yv = (xv[:, 0] + 0.5 * xv[:, 1] > 0).long()
    model = torch.nn.Linear(5, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    logged = []  # (step, {series: float32 value})
    for step in range(1, STEPS + 1):
        batch = slice((step - 1) % 4 * 16, (step - 1) % 4 * 16 + 16)
        for group in optimizer.param_groups:
            group["lr"] = 0.5 * (1.01 if step == bump_step else 1.0)
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        row = {"train_loss": loss.detach()}
        if step % EVAL_EVERY == 0:
            with torch.no_grad():
                logits = model(xv)
                row["val_loss"] = torch.nn.functional.cross_entropy(logits, yv)
                row["val_acc"] = (logits.argmax(1) == yv).float().mean()
        logged.append((step, row))
    return logged


TAGS = {"train_loss": "Loss/train", "val_loss": "Loss/val", "val_acc": "Accuracy/val"}


def write_tensorboard(directory, logged, new_style, restart_after=None):
    writer = SummaryWriter(directory)
    for step, row in logged:
        for name, value in row.items():
            writer.add_scalar(TAGS[name], value.item(), step, new_style=new_style)
        if step == restart_after:
            writer.close()
            writer = SummaryWriter(directory)
    writer.close()


def write_lightning_csv(path, logged):
    # Lightning's CSVLogger: one dict per log call, keys in order of first appearance, written with
    # csv.DictWriter; a training row per step, a validation row per evaluation.
    rows = []
    for step, row in logged:
        rows.append({"epoch": 0, "step": step, "train_loss": row["train_loss"].item()})
        if "val_loss" in row:
            rows.append({"epoch": 0, "step": step, "val_loss": row["val_loss"].item(), "val_acc": row["val_acc"].item()})
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["epoch", "step", "train_loss", "val_loss", "val_acc"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_back(directory):
    # EventAccumulator lists simple_value scalars under "scalars" and new-style (tensor) scalars
    # under "tensors"; make_ndarray decodes the tensor proto.
    accumulator = EventAccumulator(directory, size_guidance={"scalars": 0, "tensors": 0})
    accumulator.Reload()
    values = {tag: [(e.step, float(np.float32(e.value))) for e in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]}
    for tag in accumulator.Tags()["tensors"]:
        values[tag] = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto).item())) for e in accumulator.Tensors(tag)]
    return values


def main(out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    runs = {"a": train(bump_step=None), "b": train(bump_step=7)}
    write_tensorboard(f"{out}/tb-a", runs["a"], new_style=False, restart_after=6)
    write_tensorboard(f"{out}/tb-b", runs["b"], new_style=True)
    for name, logged in runs.items():
        write_lightning_csv(f"{out}/csv-{name}.csv", logged)

    a, b = read_back(f"{out}/tb-a"), read_back(f"{out}/tb-b")
    assert len(os.listdir(f"{out}/tb-a")) == 2, "run a must have two event files"
    expected = {"series": {}}
    for tag in TAGS.values():
        steps = [s for s, _ in a[tag]]
        assert steps == [s for s, _ in b[tag]]
        va, vb = np.array([v for _, v in a[tag]]), np.array([v for _, v in b[tag]])
        differ = [s for s, x, y in zip(steps, va, vb) if x != y]
        finals = np.array([va[-1], vb[-1]])
        expected["series"][tag] = {
            "steps": steps,
            "first_difference": differ[0] if differ else None,
            "final": {"mean": finals.mean(), "sd": finals.std(ddof=1), "min": finals.min(), "max": finals.max()},
            "mean_per_step": list((va + vb) / 2),
        }
    # The CSV columns carry the same values (Lightning's names).
    expected["csv_columns"] = {column: tag for column, tag in TAGS.items()}
    with open(f"{out}/expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for tag, values in expected["series"].items():
        print(f"{tag}: first difference at step {values['first_difference']}, final mean {values['final']['mean']!r}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
