"""A small PyTorch training run for `repro audit -- python train_torch.py` (scripts/audit/check_audit.sh).

An MLP (64-256-256-10, ReLU) trained with SGD and momentum on synthetic data: 8192 Gaussian inputs
labelled by a fixed random linear teacher, batches of 4096 in order (large batches: PyTorch's CPU
kernels then split the sums of the weight gradients over the batch by thread). Everything is seeded
(torch.manual_seed) and runs on the CPU, so two runs give the same bits unless a factor outside the
script changes them: PyTorch's intra-op thread count (OMP_NUM_THREADS / MKL_NUM_THREADS, read when
torch starts) changes how its kernels split and sum, and with it the bits.

Writes, in --out (the working directory by default):
  weights.safetensors   the final weights (safetensors.torch.save_file), names as in state_dict()
  loss.csv              step,loss: the training loss of every step, as Python's repr of the float
  tb/                   with --tensorboard: the same loss as a TensorBoard scalar `loss` per step
                        (torch.utils.tensorboard.SummaryWriter; needs the tensorboard package)
"""
import argparse
import os

import torch
from safetensors.torch import save_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=100, help="optimizer steps (default 100)")
    parser.add_argument("--out", default=".", help="directory for weights.safetensors and loss.csv")
    parser.add_argument("--tensorboard", action="store_true", help="also write the loss to OUT/tb with SummaryWriter")
    args = parser.parse_args()

    torch.manual_seed(0)
    samples, features, hidden, classes, batch = 8192, 64, 256, 10, 4096
    inputs = torch.randn(samples, features)
    teacher = torch.randn(features, classes)
    labels = (inputs @ teacher).argmax(dim=1)
    model = torch.nn.Sequential(
        torch.nn.Linear(features, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, classes),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for step in range(args.steps):
        start = step * batch % samples
        x, y = inputs[start:start + batch], labels[start:start + batch]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    os.makedirs(args.out, exist_ok=True)
    save_file({name: tensor.contiguous() for name, tensor in model.state_dict().items()},
              os.path.join(args.out, "weights.safetensors"))
    with open(os.path.join(args.out, "loss.csv"), "w", newline="\n") as log:
        log.write("step,loss\n")
        for step, value in enumerate(losses):
            log.write(f"{step},{value!r}\n")
    if args.tensorboard:
        from torch.utils.tensorboard import SummaryWriter

        with SummaryWriter(log_dir=os.path.join(args.out, "tb")) as writer:
            for step, value in enumerate(losses):
                writer.add_scalar("loss", value, step)


if __name__ == "__main__":
    main()
