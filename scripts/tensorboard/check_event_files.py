#!/usr/bin/env python3
"""Reads the TensorBoard event files of Repro runs with the real `tensorboard` package and checks
them against the runs' logs.

    python3 scripts/tensorboard/check_event_files.py RUN [RUN ...]

Each RUN was trained with `repro train --tensorboard`. TensorBoard's own `EventAccumulator` loads
RUN/tensorboard/; for every row of RUN/metrics.csv the scalars `loss` and `learning_rate`, and for
every row of RUN/eval.csv `validation_loss` and each `validation_<metric>`, must be there at that
step exactly once, equal to the logged value rounded to float32 (TensorBoard's simple_value), and
no other step or tag may be. Exits 1 naming the first mismatch, 0 printing how many values agree.
"""
import csv
import sys

import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def expected(run):
    values = {}
    for name in ("metrics.csv", "eval.csv"):
        with open(f"{run}/{name}", newline="") as f:
            for row in csv.DictReader(f):
                step = int(row["step"])
                for column, text in row.items():
                    if column in ("step", "epoch"):
                        continue
                    values.setdefault(column, []).append((step, np.float32(float(text))))
    return values


def check(run):
    # size_guidance 0: keep every event (the default samples 10 000 scalars per tag); no purging of
    # "orphaned" events after a step that goes back, so a step written twice would be seen twice.
    accumulator = EventAccumulator(f"{run}/tensorboard", size_guidance={"scalars": 0}, purge_orphaned_data=False)
    accumulator.Reload()
    want = expected(run)
    tags = sorted(accumulator.Tags()["scalars"])
    if tags != sorted(want):
        sys.exit(f"{run}: TensorBoard finds the tags {tags}, the logs have {sorted(want)}")
    count = 0
    for tag, series in want.items():
        got = [(event.step, np.float32(event.value)) for event in accumulator.Scalars(tag)]
        if len(got) != len(series):
            sys.exit(f"{run}: {tag}: TensorBoard has {len(got)} values, the logs {len(series)} "
                     f"(steps {[s for s, _ in got][:20]}...)")
        for (step, value), (want_step, want_value) in zip(got, series):
            if step != want_step or value.tobytes() != want_value.tobytes():
                sys.exit(f"{run}: {tag}: TensorBoard has {value!r} at step {step}, the log {want_value!r} at step {want_step}")
            count += 1
    print(f"ok: {run}: {count} values of {len(tags)} tags read by tensorboard's EventAccumulator equal the logs")
    return accumulator


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for run in sys.argv[1:]:
        check(run)
