#!/usr/bin/env python3
"""Reference vectors for ReproNN: initializers, optimizers, learning-rate schedules, by numpy.

Writes Tests/ReproNNTests/Vectors/nn.json. Floats are stored as IEEE bit patterns ("0x%08x" for
float32, "0x%016x" for float64) so JSON loses nothing. Run with plain numpy; when PyTorch is
importable, the script also cross-checks its numpy recipes against torch (printed, never written):

    python3 scripts/reference_nn.py                     # numpy only
    /path/to/venv-with-torch/bin/python scripts/reference_nn.py

Initializers (PyTorch's defaults for nn.Linear / nn.Conv2d, drawn from numpy's Generator):
    weight = rng.uniform(-kaiming_bound(fan_in), kaiming_bound(fan_in), weight_shape).astype(float32)
    bias   = rng.uniform(-1/sqrt(fan_in), 1/sqrt(fan_in), out).astype(float32)
with kaiming_bound written exactly as torch.nn.init.kaiming_uniform_(a=sqrt(5)) computes it. The torch
check confirms the bounds bit for bit by recording the arguments torch passes to `uniform_`; torch's own
CPU stream differs from numpy's, so the values themselves are Repro's (numpy's) stream.

Optimizers: PyTorch's single-tensor algorithms (torch/optim/sgd.py `_single_tensor_sgd`,
torch/optim/adam.py `_single_tensor_adam`), elementwise in float32, every operation rounded on its own
(no fused multiply-add), scalars computed in float64 as Python does and rounded to float32 where they
meet an array. Inputs: for a case with seed s, `rng = default_rng(s)`; the parameters are
`rng.standard_normal(shape, dtype=float32)` for each shape in turn, then for each step the gradients, drawn
the same way for every shape (also for a parameter whose gradient is withheld that step). A case with
`decays` is PyTorch's two parameter groups: `weight_decay` for the parameters marked True, 0 for the others.

PyTorch agrees only to a few units in the last place, and this is expected: its vectorized CPU kernels
compute `add(alpha=)`, `lerp_` and `addcmul_` with fused multiply-adds, and its MKL `sqrt` is not always
correctly rounded (about 0.6% of float32 inputs are off by one ulp), so the torch check uses a tolerance.

Schedules: PyTorch's closed forms (`_get_closed_form_lr`) of StepLR, CosineAnnealingLR and LinearLR
followed by another schedule (SequentialLR), in float64.
"""
import json
import math
import pathlib
import struct

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproNNTests" / "Vectors" / "nn.json"
F32 = np.float32


def bits32(array):
    return ["0x%08x" % v for v in np.asarray(array, np.float32).ravel().view(np.uint32)]


def bits64(values):
    return ["0x%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in values]


# MARK: - Initializers

def kaiming_bound(fan_in):
    """torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5)), mode fan_in, nonlinearity leaky_relu."""
    a = math.sqrt(5)
    gain = math.sqrt(2.0 / (1 + a ** 2))
    std = gain / math.sqrt(fan_in)
    return math.sqrt(3.0) * std


def bias_bound(fan_in):
    return 1 / math.sqrt(fan_in)


def init_layer(rng, weight_shape, fan_in, bias=True):
    w = rng.uniform(-kaiming_bound(fan_in), kaiming_bound(fan_in), weight_shape).astype(np.float32)
    b = rng.uniform(-bias_bound(fan_in), bias_bound(fan_in), weight_shape[0]).astype(np.float32) if bias else None
    return w, b


def init_cases():
    cases = []
    rng = np.random.default_rng(42)
    w, b = init_layer(rng, (4, 3), 3)
    cases.append({"name": "linear 3->4", "seed": "42", "kind": "linear", "in": 3, "out": 4, "bias": True,
                  "tensors": {"weight": bits32(w), "bias": bits32(b)}})
    rng = np.random.default_rng(7)
    w, b = init_layer(rng, (3, 2, 3, 3), 2 * 3 * 3)
    cases.append({"name": "conv2d 2->3 k3", "seed": "7", "kind": "conv2d", "in": 2, "out": 3, "kernel": 3,
                  "bias": True, "tensors": {"weight": bits32(w), "bias": bits32(b)}})
    rng = np.random.default_rng(8)
    w, _ = init_layer(rng, (2, 5, 1, 1), 5, bias=False)
    cases.append({"name": "conv2d 5->2 k1 no bias", "seed": "8", "kind": "conv2d", "in": 5, "out": 2, "kernel": 1,
                  "bias": False, "tensors": {"weight": bits32(w)}})
    # Sequential(Linear(4, 5), ReLU(), Linear(5, 2)) built layer after layer from one generator.
    rng = np.random.default_rng(2024)
    w0, b0 = init_layer(rng, (5, 4), 4)
    w2, b2 = init_layer(rng, (2, 5), 5)
    cases.append({"name": "sequential mlp", "seed": "2024", "kind": "mlp",
                  "tensors": {"0.weight": bits32(w0), "0.bias": bits32(b0), "2.weight": bits32(w2),
                              "2.bias": bits32(b2)}})
    bounds = {str(n): bits64([kaiming_bound(n), bias_bound(n)]) for n in [1, 3, 4, 5, 18, 25, 784, 1000]}
    return cases, bounds


# MARK: - Optimizers

def sgd_step(p, g, buf, step, lr, momentum, nesterov, weight_decay):
    """torch.optim.SGD, single tensor, dampening 0. Returns (p, buf)."""
    if weight_decay != 0:
        g = g + F32(weight_decay) * p
    if momentum != 0:
        buf = g.copy() if step == 0 else buf * F32(momentum) + g
        g = g + F32(momentum) * buf if nesterov else buf
    return p + F32(-lr) * g, buf


def adam_step(p, g, m, v, t, lr, betas, eps, weight_decay, decoupled):
    """torch.optim.Adam / AdamW, single tensor, not amsgrad; t is the update number (1 for the first)."""
    beta1, beta2 = betas
    if weight_decay != 0:
        if decoupled:
            p = p * F32(1 - lr * weight_decay)
        else:
            g = g + F32(weight_decay) * p
    w = F32(1 - beta1)
    m = m + w * (g - m) if abs(w) < 0.5 else g - (g - m) * (F32(1) - w)
    v = v * F32(beta2) + (F32(1 - beta2) * g) * g
    step = float(t)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = math.sqrt(bias_correction2)
    denom = np.sqrt(v) / F32(bias_correction2_sqrt) + F32(eps)
    return p + (F32(-step_size) * m) / denom, m, v


OPTIMIZER_CASES = [
    # name, algorithm, hyperparameters, seed, shapes, learning rate per step, (step, parameter) without a gradient
    ("sgd", "SGD", {}, 700, [[3, 4], [4]], [0.1] * 5, []),
    ("sgd momentum", "SGD", {"momentum": 0.9}, 701, [[3, 4], [4]], [0.1] * 5, []),
    ("sgd nesterov weight decay", "SGD", {"momentum": 0.9, "nesterov": True, "weightDecay": 0.01}, 702,
     [[2, 3], [3]], [0.05] * 6, []),
    ("sgd momentum decay schedule skip", "SGD", {"momentum": 0.5, "weightDecay": 0.1}, 703, [[2, 2], [2], [3]],
     [0.1, 0.05, 0.025, 0.3, 0.2, 0.1], [[1, 1], [2, 2], [0, 2]]),
    ("adam", "Adam", {}, 710, [[3, 4], [4]], [1e-3] * 6, []),
    ("adam betas eps decay schedule skip", "Adam", {"betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 0.05}, 711,
     [[2, 3], [3]], [0.01, 0.02, 0.005, 0.01, 0.03, 0.001], [[2, 1], [3, 0]]),
    ("adam large lerp weight", "Adam", {"betas": [0.3, 0.9]}, 712, [[5]], [0.01] * 5, []),
    ("adam long", "Adam", {"betas": [0.9, 0.999], "eps": 1e-8}, 713, [[4]], [3e-3] * 40, []),
    ("adamw", "AdamW", {"weightDecay": 0.01}, 720, [[3, 4], [4]], [1e-2] * 6, []),
    ("adamw strong decay schedule skip", "AdamW", {"betas": [0.85, 0.95], "eps": 1e-7, "weightDecay": 0.5}, 721,
     [[2, 2], [2]], [0.1, 0.05, 0.2, 0.0, 0.1], [[1, 0]]),
    # Parameter groups: AdamW([{"params": decayed, "weight_decay": wd}, {"params": others, "weight_decay": 0}]).
    ("adamw decay mask", "AdamW", {"weightDecay": 0.1, "decays": [True, False, True]}, 722,
     [[3, 4], [4], [2, 3]], [1e-2, 3e-2, 2e-2, 1e-2, 5e-3], [[2, 2]]),
    ("adam decay mask", "Adam", {"weightDecay": 0.05, "decays": [False, True]}, 714, [[2, 3], [3]], [1e-2] * 4, []),
]

DEFAULTS = {
    "SGD": {"momentum": 0.0, "nesterov": False, "weightDecay": 0.0},
    "Adam": {"betas": [0.9, 0.999], "eps": 1e-8, "weightDecay": 0.0},
    "AdamW": {"betas": [0.9, 0.999], "eps": 1e-8, "weightDecay": 1e-2},
}


def case_inputs(seed, shapes, steps):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
    grads = [[rng.standard_normal(s, dtype=np.float32) for s in shapes] for _ in range(steps)]
    return params, grads


def run_optimizer(algorithm, hyper, params, grads, lrs, skips):
    h = dict(DEFAULTS[algorithm], **hyper)
    decays = h.get("decays", [True] * len(params))
    params = [p.copy() for p in params]
    counts = [0] * len(params)
    buffers = [[None] * len(params) for _ in range(2)]
    history = []
    for k, lr in enumerate(lrs):
        for i in range(len(params)):
            if [k, i] in skips:
                continue
            if algorithm == "SGD":
                params[i], buffers[0][i] = sgd_step(params[i], grads[k][i], buffers[0][i], counts[i], lr,
                                                    h["momentum"], h["nesterov"], h["weightDecay"])
            else:
                m = buffers[0][i] if buffers[0][i] is not None else np.zeros_like(params[i])
                v = buffers[1][i] if buffers[1][i] is not None else np.zeros_like(params[i])
                params[i], buffers[0][i], buffers[1][i] = adam_step(
                    params[i], grads[k][i], m, v, counts[i] + 1, lr, tuple(h["betas"]), h["eps"],
                    h["weightDecay"] if decays[i] else 0.0, algorithm == "AdamW")
            counts[i] += 1
        history.append([p.copy() for p in params])
    return history, counts, buffers


def optimizer_cases():
    cases = []
    for name, algorithm, hyper, seed, shapes, lrs, skips in OPTIMIZER_CASES:
        params, grads = case_inputs(seed, shapes, len(lrs))
        history, counts, buffers = run_optimizer(algorithm, hyper, params, grads, lrs, skips)
        if algorithm == "SGD":
            kinds = ["momentum_buffer"] if dict(DEFAULTS["SGD"], **hyper)["momentum"] != 0 else []
        else:
            kinds = ["exp_avg", "exp_avg_sq"]
        state = {}
        for i in range(len(shapes)):
            for k, kind in enumerate(kinds):
                if counts[i] > 0:
                    state[f"{kind}.p{i}"] = bits32(buffers[k][i])
        cases.append({
            "name": name, "algorithm": algorithm, "seed": str(seed), "shapes": shapes,
            "hyperparameters": dict(DEFAULTS[algorithm], **hyper),
            "learningRates": bits64(lrs), "skips": skips,
            "parametersAfterStep": [[bits32(p) for p in step] for step in history],
            "steps": counts, "state": state,
        })
    return cases


def powers():
    bases = [0.9, 0.999, 0.99, 0.95, 0.8, 0.5, 0.1, 0.3]
    exponents = list(range(0, 301)) + [500, 777, 1000, 1234, 4096, 10000, 65537, 123457, 1000000, 2 ** 24]
    return {"exponents": exponents,
            "bases": [{"base": bits64([b])[0], "values": bits64([b ** float(n) for n in exponents])} for b in bases]}


# MARK: - Schedules

def step_lr(base, step_size, gamma, t):
    return base * gamma ** (t // step_size)


def cosine(base, t_max, eta_min, t):
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2


def warmup(warmup_steps, start_factor, after, t):
    if t < warmup_steps:
        return after(0) * (start_factor + (1.0 - start_factor) * min(warmup_steps, t) / warmup_steps)
    return after(t - warmup_steps)


SCHEDULES = [
    ("step", {"kind": "step", "base": 0.1, "stepSize": 3, "gamma": 0.5}, lambda t: step_lr(0.1, 3, 0.5, t)),
    ("step gamma 0.1", {"kind": "step", "base": 0.3, "stepSize": 2, "gamma": 0.1}, lambda t: step_lr(0.3, 2, 0.1, t)),
    ("cosine", {"kind": "cosine", "base": 0.1, "tMax": 20, "etaMin": 0.001}, lambda t: cosine(0.1, 20, 0.001, t)),
    ("cosine eta 0", {"kind": "cosine", "base": 0.05, "tMax": 7, "etaMin": 0.0}, lambda t: cosine(0.05, 7, 0.0, t)),
    ("warmup cosine", {"kind": "warmup", "warmupSteps": 5, "startFactor": 0.1,
                       "after": {"kind": "cosine", "base": 0.05, "tMax": 10, "etaMin": 0.0}},
     lambda t: warmup(5, 0.1, lambda u: cosine(0.05, 10, 0.0, u), t)),
    ("warmup step", {"kind": "warmup", "warmupSteps": 3, "startFactor": 1 / 3,
                     "after": {"kind": "step", "base": 0.2, "stepSize": 4, "gamma": 0.7}},
     lambda t: warmup(3, 1 / 3, lambda u: step_lr(0.2, 4, 0.7, u), t)),
]
SCHEDULE_STEPS = 45


def schedules():
    return [{"name": name, "schedule": spec, "values": bits64([f(t) for t in range(SCHEDULE_STEPS)])}
            for name, spec, f in SCHEDULES]


# MARK: - Optional cross-check against PyTorch

def check_against_torch(inits, optimizers):
    try:
        import torch
    except ImportError:
        print("torch not importable: skipped the PyTorch cross-check")
        return
    torch.set_num_threads(1)
    print(f"cross-checking against torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()})")

    # Initializer bounds: record what nn.Linear / nn.Conv2d pass to uniform_.
    recorded = []
    original = torch.Tensor.uniform_

    def recording(self, a=0.0, b=1.0, *args, **kwargs):
        recorded.append((a, b))
        return original(self, a, b, *args, **kwargs)

    torch.Tensor.uniform_ = recording
    try:
        for case in inits:
            recorded.clear()
            if case["kind"] == "linear":
                torch.nn.Linear(case["in"], case["out"], bias=case["bias"])
                fan_in = case["in"]
            elif case["kind"] == "conv2d":
                torch.nn.Conv2d(case["in"], case["out"], case["kernel"], bias=case["bias"])
                fan_in = case["in"] * case["kernel"] ** 2
            else:
                continue
            expected = [(-kaiming_bound(fan_in), kaiming_bound(fan_in))]
            if case["bias"]:
                expected.append((-bias_bound(fan_in), bias_bound(fan_in)))
            assert recorded == expected, (case["name"], recorded, expected)
    finally:
        torch.Tensor.uniform_ = original
    print("  initializer bounds: identical")

    # Optimizers: the same inputs through torch.optim, foreach=False (the single-tensor path).
    for case in OPTIMIZER_CASES:
        name, algorithm, hyper, seed, shapes, lrs, skips = case
        h = dict(DEFAULTS[algorithm], **hyper)
        params, grads = case_inputs(seed, shapes, len(lrs))
        history, _, _ = run_optimizer(algorithm, hyper, params, grads, lrs, skips)
        tensors = [torch.nn.Parameter(torch.from_numpy(p.copy())) for p in params]
        if algorithm == "SGD":
            opt = torch.optim.SGD(tensors, lr=lrs[0], momentum=h["momentum"], nesterov=h["nesterov"],
                                  weight_decay=h["weightDecay"], foreach=False)
        else:
            cls = torch.optim.Adam if algorithm == "Adam" else torch.optim.AdamW
            decays = h.get("decays", [True] * len(tensors))
            groups = [{"params": [t for t, d in zip(tensors, decays) if d], "weight_decay": h["weightDecay"]},
                      {"params": [t for t, d in zip(tensors, decays) if not d], "weight_decay": 0.0}]
            opt = cls([g for g in groups if g["params"]], lr=lrs[0], betas=tuple(h["betas"]), eps=h["eps"],
                      foreach=False)
        worst = 0.0
        identical = True
        for k, lr in enumerate(lrs):
            for group in opt.param_groups:
                group["lr"] = lr
            for i, t in enumerate(tensors):
                t.grad = None if [k, i] in skips else torch.from_numpy(grads[k][i].copy())
            opt.step()
            for t, ref in zip(tensors, history[k]):
                got = t.detach().numpy()
                identical &= np.array_equal(got.view(np.uint32), ref.view(np.uint32))
                worst = max(worst, float(np.max(np.abs(got.astype(np.float64) - ref) / (np.abs(ref) + 1e-6))))
        assert worst < 1e-5, (name, worst)
        print(f"  {name}: {'bitwise identical' if identical else f'largest relative difference {worst:.2e}'}")

    # Schedules: torch's own closed forms.
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    for name, spec, f in SCHEDULES:
        for t in range(SCHEDULE_STEPS):
            if spec["kind"] == "step":
                opt.param_groups[0]["initial_lr"] = spec["base"]
                s = torch.optim.lr_scheduler.StepLR(opt, spec["stepSize"], spec["gamma"], last_epoch=t - 1)
                s.last_epoch = t
                got = s._get_closed_form_lr()[0]
            elif spec["kind"] == "cosine":
                opt.param_groups[0]["initial_lr"] = spec["base"]
                s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, spec["tMax"], spec["etaMin"], last_epoch=t - 1)
                s.last_epoch = t
                got = s._get_closed_form_lr()[0]
            else:
                continue  # SequentialLR has no closed form in torch; its pieces are checked above and below
            assert got == f(t), (name, t, got, f(t))
        if spec["kind"] == "warmup":
            opt.param_groups[0]["initial_lr"] = spec["after"]["base"]
            for t in range(spec["warmupSteps"]):
                s = torch.optim.lr_scheduler.LinearLR(opt, spec["startFactor"], 1.0, spec["warmupSteps"],
                                                      last_epoch=t - 1)
                s.last_epoch = t
                assert s._get_closed_form_lr()[0] == f(t), (name, t)
    print("  schedules: torch's closed forms give identical float64 values")


def main():
    inits, bounds = init_cases()
    optimizers = optimizer_cases()
    assert math.sqrt(5) ** 2 == math.sqrt(5) * math.sqrt(5)  # Repro computes a*a for PyTorch's a**2
    document = {"inits": inits, "bounds": bounds, "optimizers": optimizers, "powers": powers(),
                "schedules": schedules()}
    check_against_torch(inits, optimizers)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
