#!/usr/bin/env python3
"""Reference outputs and gradients of Repro's transformer pieces, by PyTorch (CPU, float32).

Writes Tests/ReproNNTests/Vectors/transformer.json, which TransformerVectorTests checks Repro against.
Needs PyTorch and numpy (the tests themselves need neither: the JSON is committed):

    /path/to/venv-with-torch/bin/python scripts/reference_transformer.py

Inputs. A case lists its inputs, each with a name and a shape; they are drawn in that order from
`rng = np.random.default_rng(seed)` as `rng.standard_normal(shape, dtype=np.float32)`, which Repro's
`Generator(PCG64(seed:))` reproduces bit for bit. An input may then be scaled and shifted, each a single
float32 operation (`z * np.float32(scale)`, then `+ np.float32(shift)`), so that Swift computes the same
bits; scale and shift are stored as bit patterns. The last input of an op or module case, `upstream`, is
the gradient of some loss with respect to the output (shape of the output): the case's gradients are
`torch.autograd` of `(output * upstream).sum()`. Token indices and targets are stored as integers.
Module parameters are named, and drawn in the order of, nanoGPT's state dict (`c_attn.weight`, …,
`transformer.h.0.ln_1.weight`, …); the script asserts that order against `named_parameters()`.

Cases (every forward output and the gradient of every input and parameter):
  layer_norm       F.layer_norm over the last axis, with and without weight and bias
  causal_softmax   scores.masked_fill(triu(ones(T, T), 1).bool(), -inf).softmax(-1)
  batched_matmul   a @ b and a @ b.transpose(-2, -1), rank 3 and 4
  causal_attention F.scaled_dot_product_attention(q, k, v, is_causal=True); the script checks it
                   against the explicit softmax(masked q·kᵀ·(1/sqrt(D)))·v
  embedding        F.embedding with repeated indices (the table's gradient is a scatter-add)
  attention        nanoGPT's CausalSelfAttention (c_attn, c_proj; dropout 0), given weights
  block            nanoGPT's Block with GELU's tanh approximation (Repro's TransformerBlock)
  gpt              nanoGPT's GPT (tied lm_head): logits and the mean cross-entropy over all positions
                   against targets; gradients of the loss with respect to every parameter
  schedules        SequentialLR([LinearLR(start_factor, 1, warmup), CosineAnnealingLR(T_max, eta_min)],
                   milestones=[warmup]) stepped through: the float64 rates torch produces from its
                   recursive forms (Repro computes closed forms; the test uses a tolerance)

Floats are stored as IEEE bit patterns ("0x%08x" float32, "0x%016x" float64) so JSON loses nothing.
The script also runs every case in float64 and prints, per case, how far PyTorch's float32 results are
from the float64 ones (largest |f32 - f64| / max|f64| of any tensor; for a tensor that is all zeros in
float64, over the case's largest magnitude instead): a scale for the tolerance that the Swift tests
use against these float32 vectors. Torch runs on one thread, so a rerun on one
machine writes the same file.
"""
import json
import math
import pathlib
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproNNTests" / "Vectors" / "transformer.json"
F32 = np.float32


def bits32(array):
    return ["0x%08x" % v for v in np.ascontiguousarray(np.asarray(array, np.float32)).ravel().view(np.uint32)]


def bit32(value):
    return bits32([value])[0]


def bits64(values):
    return ["0x%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in values]


# MARK: - nanoGPT's modules (model.py), dropout 0, GELU with approximate='tanh'

class LayerNorm(nn.Module):
    def __init__(self, ndim, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, flash=True):
        super().__init__()
        assert n_embd % n_head == 0
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head = n_head
        self.n_embd = n_embd
        self.flash = flash

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.flash:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0, is_causal=True)
        else:
            mask = torch.tril(torch.ones(T, T)).view(1, 1, T, T)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(mask == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, flash=True):
        super().__init__()
        self.ln_1 = LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, flash)
        self.ln_2 = LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)]),
            ln_f=LayerNorm(n_embd),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying

    def forward(self, idx, targets):
        _, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss


def block_parameters(prefix, c, scale):
    """(name, shape, scale, shift) of a Block's parameters in state-dict order."""
    s = scale
    return [
        (f"{prefix}ln_1.weight", [c], 0.1, 1.0), (f"{prefix}ln_1.bias", [c], 0.1, 0.0),
        (f"{prefix}attn.c_attn.weight", [3 * c, c], s, 0.0), (f"{prefix}attn.c_attn.bias", [3 * c], 0.1, 0.0),
        (f"{prefix}attn.c_proj.weight", [c, c], s, 0.0), (f"{prefix}attn.c_proj.bias", [c], 0.1, 0.0),
        (f"{prefix}ln_2.weight", [c], 0.1, 1.0), (f"{prefix}ln_2.bias", [c], 0.1, 0.0),
        (f"{prefix}mlp.c_fc.weight", [4 * c, c], s, 0.0), (f"{prefix}mlp.c_fc.bias", [4 * c], 0.1, 0.0),
        (f"{prefix}mlp.c_proj.weight", [c, 4 * c], s / 2, 0.0), (f"{prefix}mlp.c_proj.bias", [c], 0.1, 0.0),
    ]


# MARK: - Cases

def spec(name, shape, scale=1.0, shift=0.0):
    return {"name": name, "shape": list(shape), "scale": scale, "shift": shift}


def draw(rng, s):
    z = rng.standard_normal(s["shape"], dtype=np.float32)
    if s["scale"] != 1.0:
        z = z * F32(s["scale"])
    if s["shift"] != 0.0:
        z = z + F32(s["shift"])
    return z


def causal_softmax(scores):
    t = scores.shape[-1]
    mask = torch.triu(torch.ones(t, t), 1).bool()
    return scores.masked_fill(mask, float("-inf")).softmax(-1)


def explicit_attention(q, k, v):
    scale = 1.0 / math.sqrt(q.shape[-1])
    return causal_softmax((q @ k.transpose(-2, -1)) * scale) @ v


OPS = {
    "layer_norm": lambda t: F.layer_norm(t[0], t[0].shape[-1:], t[1], t[2], 1e-5),
    "layer_norm_plain": lambda t: F.layer_norm(t[0], t[0].shape[-1:], None, None, 1e-5),
    "causal_softmax": lambda t: causal_softmax(t[0]),
    "batched_matmul": lambda t: t[0] @ t[1],
    "batched_matmul_transposed": lambda t: t[0] @ t[1].transpose(-2, -1),
    "causal_attention": lambda t: F.scaled_dot_product_attention(t[0], t[1], t[2], is_causal=True),
}


def op_case(name, op, seed, inputs):
    return {"name": name, "kind": op, "seed": seed, "inputs": inputs}


def op_cases():
    cases = []
    seed = 900
    for shape, affine, scale, shift in [([4, 8], True, 1.0, 0.0), ([3, 37], True, 1.0, 0.0),
                                        ([2, 3, 100], True, 1.0, 0.0), ([3, 20], True, 0.5, 4.0),
                                        ([4, 24], True, 0.02, 0.0),
                                        ([6, 3], True, 1.0, 0.0), ([5, 37], False, 1.0, 0.0),
                                        ([2, 2, 70], False, 2.0, -1.0), ([3, 16], False, 1.0, 0.0)]:
        inputs = [spec("x", shape, scale, shift)]
        if affine:
            inputs += [spec("weight", shape[-1:], 0.5, 1.0), spec("bias", shape[-1:], 0.5)]
        # Small variances make eps matter (var 4e-4 at scale 0.02); a shifted mean tests the variance's
        # cancellation.
        label = "x".join(map(str, shape)) + (f" scale {scale}" if scale != 1 else "") + (f" shift {shift}" if shift else "")
        cases.append(op_case(f"layer_norm {label}" + ("" if affine else " no affine"),
                             "layer_norm" if affine else "layer_norm_plain", seed, inputs))
        seed += 1
    for shape, scale in [([3, 1, 1], 1.0), ([2, 4, 4], 1.0), ([5, 5], 3.0), ([2, 3, 19, 19], 3.0), ([1, 7, 7], 20.0)]:
        cases.append(op_case("causal_softmax " + "x".join(map(str, shape)), "causal_softmax", seed,
                             [spec("scores", shape, scale)]))
        seed += 1
    for a, b, transposed in [([3, 4, 5], [3, 5, 6], False), ([2, 3, 7, 4], [2, 3, 4, 5], False),
                             ([2, 33, 40], [2, 40, 17], False), ([2, 5, 3], [2, 6, 3], True),
                             ([2, 2, 9, 8], [2, 2, 9, 8], True), ([1, 3, 20, 24], [1, 3, 18, 24], True)]:
        kind = "batched_matmul_transposed" if transposed else "batched_matmul"
        cases.append(op_case(f"{kind} {'x'.join(map(str, a))} {'x'.join(map(str, b))}", kind, seed,
                             [spec("a", a), spec("b", b)]))
        seed += 1
    for shape, q_scale in [([1, 1, 1, 4], 1.0), ([2, 2, 5, 4], 1.0), ([2, 3, 19, 8], 1.0), ([1, 2, 16, 16], 2.0)]:
        cases.append(op_case("causal_attention " + "x".join(map(str, shape)), "causal_attention", seed,
                             [spec("query", shape, q_scale), spec("key", shape), spec("value", shape)]))
        seed += 1
    return cases


def module_cases():
    cases = []
    # Embedding: indices (flat, with their shape) with repeats and rows never used (gradient zero).
    cases.append({"name": "embedding 7x5 indices 2x6", "kind": "embedding", "seed": 950,
                  "indices": [3, 1, 3, 0, 6, 3, 1, 1, 5, 0, 3, 2], "indexShape": [2, 6],
                  "inputs": [spec("weight", [7, 5])]})
    cases.append({"name": "embedding 4x37 indices 9", "kind": "embedding", "seed": 951,
                  "indices": [2, 2, 2, 0, 2, 1, 0, 2, 2], "indexShape": [9], "inputs": [spec("weight", [4, 37])]})
    # CausalSelfAttention: (batch, T, width, heads).
    for i, (b, t, c, h) in enumerate([(2, 6, 16, 2), (1, 1, 8, 1), (2, 9, 24, 3), (3, 4, 12, 4)]):
        s = 1 / math.sqrt(c)
        cases.append({"name": f"attention B{b} T{t} C{c} heads {h}", "kind": "attention", "seed": 960 + i,
                      "heads": h, "inputs": [
                          spec("x", [b, t, c]), spec("c_attn.weight", [3 * c, c], s), spec("c_attn.bias", [3 * c], 0.1),
                          spec("c_proj.weight", [c, c], s), spec("c_proj.bias", [c], 0.1)]})
    for i, (b, t, c, h) in enumerate([(2, 7, 16, 2), (1, 3, 12, 3)]):
        params = block_parameters("", c, 1 / math.sqrt(c))
        cases.append({"name": f"block B{b} T{t} C{c} heads {h}", "kind": "block", "seed": 970 + i, "heads": h,
                      "inputs": [spec("x", [b, t, c])] + [spec(n, sh, sc, sf) for n, sh, sc, sf in params]})
    return cases


GPT_CONFIG = {"vocabularySize": 13, "contextLength": 8, "layers": 2, "heads": 2, "width": 16}


def gpt_cases():
    c = GPT_CONFIG
    w = c["width"]
    params = [("transformer.wte.weight", [c["vocabularySize"], w], 0.5, 0.0),
              ("transformer.wpe.weight", [c["contextLength"], w], 0.5, 0.0)]
    for i in range(c["layers"]):
        params += block_parameters(f"transformer.h.{i}.", w, 1 / math.sqrt(w))
    params += [("transformer.ln_f.weight", [w], 0.1, 1.0), ("transformer.ln_f.bias", [w], 0.1, 0.0)]
    cases = []
    for seed, batch, t in [(980, 3, 8), (981, 3, 5)]:
        tokens = np.random.default_rng(seed + 1000)
        idx = tokens.integers(0, c["vocabularySize"], (batch, t))
        targets = tokens.integers(0, c["vocabularySize"], (batch, t))
        cases.append({"name": f"gpt B{batch} T{t}", "kind": "gpt", "seed": seed, "configuration": c,
                      "tokens": idx.tolist(), "targets": targets.tolist(),
                      "inputs": [spec(n, sh, sc, sf) for n, sh, sc, sf in params]})
    return cases


# MARK: - Running a case in torch

def build_module(case, dtype):
    kind = case["kind"]
    if kind == "embedding":
        shape = case["inputs"][0]["shape"]
        return nn.Embedding(shape[0], shape[1])
    if kind == "attention":
        c = case["inputs"][0]["shape"][2]
        return CausalSelfAttention(c, case["heads"])
    if kind == "block":
        return Block(case["inputs"][0]["shape"][2], case["heads"])
    c = case["configuration"]
    return GPT(c["vocabularySize"], c["contextLength"], c["layers"], c["heads"], c["width"])


def run_case(case, values, dtype):
    """(output, loss or None, {name: input tensor}) in `dtype` for the drawn float32 values (without
    the upstream gradient). Modules run by `torch.func.functional_call` with the drawn tensors as their
    parameters (ties kept: the GPT's lm_head uses the drawn transformer.wte.weight)."""
    kind = case["kind"]
    specs = case["inputs"][:len(values)]
    tensors = {s["name"]: torch.tensor(v, dtype=dtype, requires_grad=True) for s, v in zip(specs, values)}
    loss = None
    if kind in OPS:
        return OPS[kind](list(tensors.values())), None, tensors
    module = build_module(case, dtype).to(dtype)
    params = {name: t for name, t in tensors.items() if name != "x"}
    # The drawing order is the state dict's (Repro's namedParameters follow it too).
    assert list(dict(module.named_parameters())) == list(params), (kind, list(params))
    if kind == "gpt":
        out, loss = torch.func.functional_call(module, params, (torch.tensor(case["tokens"]),
                                                                torch.tensor(case["targets"])))
    elif kind == "embedding":
        indices = torch.tensor(case["indices"]).view(case["indexShape"])
        out = torch.func.functional_call(module, params, (indices,))
    else:
        out = torch.func.functional_call(module, params, (tensors["x"],))
    return out, loss, tensors


def evaluate(case):
    """Draws the inputs, runs the case in float32 (stored) and float64 (compared), fills in results.
    Returns the largest |f32 - f64| / max|f64| over the case's tensors, and that tensor's name."""
    rng = np.random.default_rng(case["seed"])
    values = [draw(rng, s) for s in case["inputs"]]
    out32, loss32, inputs32 = run_case(case, values, torch.float32)
    out64, loss64, inputs64 = run_case(case, values, torch.float64)
    if loss32 is None:
        upstream_spec = spec("upstream", list(out32.shape))
        upstream = draw(rng, upstream_spec)
        case["inputs"].append(upstream_spec)
        (out32 * torch.from_numpy(upstream)).sum().backward()
        (out64 * torch.from_numpy(upstream).double()).sum().backward()
    else:
        loss32.backward()
        loss64.backward()
        case["loss"] = bit32(loss32.item())
    case["outputShape"] = list(out32.shape)
    case["output"] = bits32(out32.detach().numpy())
    case["gradients"] = {name: bits32(t.grad.numpy()) for name, t in inputs32.items()}

    pairs = [("output", out32, out64)] + [(n, inputs32[n].grad, inputs64[n].grad) for n in inputs32]
    if loss32 is not None:
        pairs.append(("loss", loss32, loss64))
    # A tensor that is exactly zero in float64 (T = 1 attention's query and key gradients) is compared
    # against the case's largest magnitude instead.
    magnitude = max(float(b.detach().abs().max()) for _, _, b in pairs)
    errors = [(relative_to_max(a, b, floor=magnitude), name) for name, a, b in pairs]
    return max(errors)


def relative_to_max(a, b, floor=1e-30):
    """max|a - b| / max|b| (over `floor` where b is all zeros)."""
    a, b = a.detach().double().numpy(), b.detach().double().numpy()
    largest = np.max(np.abs(b))
    return float(np.max(np.abs(a - b)) / (largest if largest > 0 else floor))


def check_attention_formulas(cases):
    """F.scaled_dot_product_attention against the explicit masked softmax, and nanoGPT's flash path
    against its slow path, in float32: they must agree to rounding."""
    worst = 0.0
    for case in cases:
        if case["kind"] != "causal_attention":
            continue
        rng = np.random.default_rng(case["seed"])
        q, k, v = (torch.from_numpy(draw(rng, s)) for s in case["inputs"][:3])
        worst = max(worst, relative_to_max(F.scaled_dot_product_attention(q, k, v, is_causal=True),
                                           explicit_attention(q, k, v)))
    for case in cases:
        if case["kind"] != "attention":
            continue
        rng = np.random.default_rng(case["seed"])
        x, *params = (torch.from_numpy(draw(rng, s)) for s in case["inputs"][:5])
        outs = []
        for flash in (True, False):
            m = CausalSelfAttention(x.shape[2], case["heads"], flash)
            with torch.no_grad():
                for p, value in zip([m.c_attn.weight, m.c_attn.bias, m.c_proj.weight, m.c_proj.bias], params):
                    p.copy_(value)
                outs.append(m(x))
        worst = max(worst, relative_to_max(outs[0], outs[1]))
    assert worst < 1e-5, worst
    print(f"scaled_dot_product_attention vs explicit masked softmax: largest |difference| / max = {worst:.2e}")


# MARK: - Schedules

SCHEDULES = [
    # name, warmup, start_factor, base, T_max, eta_min, steps
    ("warmup 5 cosine 10", 5, 0.1, 0.05, 10, 0.0, 22),
    ("warmup 3 cosine 20 eta_min", 3, 1 / 3, 6e-4, 20, 6e-5, 30),
    ("warmup 1 cosine 4", 1, 0.5, 1.0, 4, 0.1, 12),
    ("warmup 100 cosine 1000", 100, 0.01, 3e-4, 1000, 3e-5, 1110),
]


def closed_form(warmup, start, base, t_max, eta_min, t):
    """Repro's LinearWarmup(after: CosineAnnealingLR), written out."""
    def cosine(u):
        return eta_min + (base - eta_min) * (1 + math.cos(math.pi * u / t_max)) / 2
    if t < warmup:
        return cosine(0) * (start + (1 - start) * t / warmup)
    return cosine(t - warmup)


def schedules():
    results = []
    for name, warmup, start, base, t_max, eta_min, steps in SCHEDULES:
        opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=base)
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [
            torch.optim.lr_scheduler.LinearLR(opt, start_factor=start, end_factor=1.0, total_iters=warmup),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min)], milestones=[warmup])
        rates = []
        for _ in range(steps):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        closed = [closed_form(warmup, start, base, t_max, eta_min, t) for t in range(steps)]
        diff = max(abs(a - b) for a, b in zip(rates, closed))
        rel = max(abs(a - b) / abs(b) for a, b in zip(rates, closed) if b != 0)
        print(f"  schedule {name}: torch's recursive rates vs the closed form: max abs {diff:.2e}, max rel {rel:.2e}")
        results.append({"name": name, "warmupSteps": warmup, "startFactor": bits64([start])[0],
                        "base": bits64([base])[0], "tMax": t_max, "etaMin": bits64([eta_min])[0],
                        "values": bits64(rates)})
    return results


# MARK: - Output

def dump(value, indent=0):
    """JSON with one line per list of scalars (a tensor's bit patterns stay on one line)."""
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad} {json.dumps(k)}: {dump(v, indent + 1)}' for k, v in sorted(value.items())]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) and not is_flat(v) for v in value):
        return "[\n" + ",\n".join(f"{pad} {dump(v, indent + 1)}" for v in value) + "\n" + pad + "]"
    return json.dumps(value)


def is_flat(value):
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def main():
    torch.set_num_threads(1)
    print(f"torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), numpy {np.__version__}")
    cases = op_cases() + module_cases() + gpt_cases()
    print("float32 PyTorch vs float64, largest |f32 - f64| / max|f64| over the case's tensors:")
    for case in cases:
        worst, where = evaluate(case)
        print(f"  {case['name']}: {worst:.2e} ({where})")
    check_attention_formulas(cases)
    print("schedules:")
    for case in cases:
        for s in case["inputs"]:
            s["scale"], s["shift"] = bit32(s["scale"]), bit32(s["shift"])
    document = {"schemaVersion": 1, "torch": torch.__version__, "cases": cases, "schedules": schedules()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dump(document) + "\n")
    json.loads(OUT.read_text())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
