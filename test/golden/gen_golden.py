#!/usr/bin/python3
"""Golden values from PyTorch 1.13 for the loss and Tensor-op tests.

Run: /usr/bin/python3 test/golden/gen_golden.py   (rewrites test/golden/*.json)

Deterministic: every case draws from its own torch.Generator with a fixed seed.
Inputs (and targets, weights, R) are drawn in float32 and stored as the exact
float32 values (np.float32 -> python float), so the tests feed the TS code the
very numbers torch saw. Outputs and gradients are computed in float64 from
those float32 values: the fixtures hold the exact answers (to float64), and
each test states its own tolerance against them.

Loss fixture (one file per loss class), each case:
  name, options (TypeScript names: reduction, weight, ignoreIndex,
  labelSmoothing, posWeight; weight/posWeight as {shape, data}),
  input, target ({shape, data}; class indices as floats), output, inputGrad,
  optional inputTransform ("sigmoid": input holds logits fed through sigmoid,
  inputGrad is with respect to those logits).
  inputGrad is d(output.sum())/d(input) for "none", d(output)/d(input) else.
Tensor-op fixture (tensor_ops.json), each case:
  name, op, args, inputs [{shape, data}], R, output, grads (one per input):
  grads are d((out * R).sum())/d(input).
Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REDUCTIONS = ("none", "mean", "sum")


# ---- encoding ---------------------------------------------------------------

def num(v, exact32):
    v = float(np.float32(v)) if exact32 else float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def enc(t, exact32=False):
    """{shape, data} of a tensor; exact32 for values that must be float32."""
    t = t.detach()
    flat = t.reshape(-1).tolist()
    return {"shape": list(t.shape), "data": [num(v, exact32) for v in flat]}


def write(name, header, cases):
    path = os.path.join(HERE, name)
    lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases]
    with open(path, "w") as f:
        f.write("{" + json.dumps(header, separators=(",", ":"))[1:-1] + ',"cases":[\n')
        f.write(",\n".join(lines))
        f.write("\n]}\n")
    print(f"{name}: {len(cases)} cases, {os.path.getsize(path)} bytes")


# ---- random float32 inputs --------------------------------------------------

def dims(shape):
    """rng.randn(3, 4), rng.randn(()) and rng.randn(*t.shape) all work."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, torch.Size)) else tuple(shape)


class Rng:
    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)

    def randn(self, *shape, scale=1.0):
        return torch.randn(dims(shape), generator=self.g, dtype=torch.float32) * scale

    def rand(self, *shape, lo=0.0, hi=1.0):
        return lo + (hi - lo) * torch.rand(dims(shape), generator=self.g, dtype=torch.float32)

    def randint(self, n, *shape):
        return torch.randint(0, n, dims(shape), generator=self.g).float()

    def bernoulli(self, *shape):
        return (torch.rand(dims(shape), generator=self.g) < 0.5).float()


# ---- losses -----------------------------------------------------------------

def loss_case(name, make, options, x32, t32, transform=None):
    """Runs `make(reduction)` on float64 copies of float32 x, t for one reduction."""
    assert x32.dtype == torch.float32 and t32.dtype == torch.float32
    reduction = options.get("reduction", "mean")
    x = x32.double().requires_grad_(True)
    fed = torch.sigmoid(x) if transform == "sigmoid" else x
    target = t32.double()
    out = make(reduction)(fed, target)
    (out.sum() if reduction == "none" else out).backward()
    case = {"name": name, "options": {}}
    for key, value in options.items():
        case["options"][key] = enc(value, True) if torch.is_tensor(value) else value
    if transform is not None:
        case["inputTransform"] = transform
    case.update(input=enc(x32, True), target=enc(t32, True), output=enc(out), inputGrad=enc(x.grad))
    return case


def all_reductions(cases, name, make, options, x32, t32, transform=None):
    for r in REDUCTIONS:
        cases.append(loss_case(f"{name} [{r}]", make, {**options, "reduction": r}, x32, t32, transform))


def f64(t):
    return None if t is None else t.double()


def given(**options):
    """The options that were given (not None), in TypeScript names."""
    return {k: v for k, v in options.items() if v is not None}


def mse_cases():
    cases = []
    make = lambda r: torch.nn.MSELoss(reduction=r)
    rng = Rng(100)
    for name, shape in [("(4,5)", (4, 5)), ("0-d", ()), ("1 element", (1,)), ("33 elements", (33,)), ("(2,3,4)", (2, 3, 4))]:
        all_reductions(cases, f"MSE {name}", make, {}, rng.randn(*shape), rng.randn(*shape))
    big = rng.randn(3, 7, scale=1e3)
    all_reductions(cases, "MSE large values", make, {}, big, rng.randn(3, 7, scale=1e3))
    # API.md example: randn(3, 5) input and target, default reduction.
    cases.append(loss_case("MSE doc example", make, {"reduction": "mean"}, rng.randn(3, 5), rng.randn(3, 5)))
    return cases


def l1_cases():
    cases = []
    make = lambda r: torch.nn.L1Loss(reduction=r)
    rng = Rng(200)
    for name, shape in [("(4,5)", (4, 5)), ("0-d", ()), ("1 element", (1,)), ("33 elements", (33,)), ("(2,3,4)", (2, 3, 4))]:
        all_reductions(cases, f"L1 {name}", make, {}, rng.randn(*shape), rng.randn(*shape))
    # Equal input and target elements: sign(0) = 0, so their gradient is 0.
    x = rng.randn(2, 5)
    t = rng.randn(2, 5)
    t[0, 1], t[1, 3], t[1, 4] = x[0, 1], x[1, 3], x[1, 4]
    all_reductions(cases, "L1 ties (x == y)", make, {}, x, t)
    cases.append(loss_case("L1 doc example", make, {"reduction": "sum"}, rng.randn(3, 5), rng.randn(3, 5)))
    return cases


def ce_make(weight=None, ignore_index=-100, label_smoothing=0.0):
    return lambda r: torch.nn.CrossEntropyLoss(
        weight=f64(weight), ignore_index=ignore_index, reduction=r, label_smoothing=label_smoothing
    )


def ce_cases():
    cases = []
    rng = Rng(300)

    def add(name, x, t, weight=None, ignore=None, smoothing=None, probs=False):
        options = given(weight=weight, ignoreIndex=ignore, labelSmoothing=smoothing)
        make = ce_make(weight, -100 if ignore is None else ignore, smoothing or 0.0)
        run = make if probs else (lambda r: (lambda x64, t64: make(r)(x64, t64.long())))
        all_reductions(cases, f"CE {name}", run, options, x, t)

    def indices(n, c, *spatial):
        return rng.randint(c, n, *spatial)

    # Shapes (C), (N,C), (N,C,d1), (N,C,d1,d2).
    add("(C) target ()", rng.randn(5), rng.randint(5))
    add("(N,C)", rng.randn(4, 5), indices(4, 5))
    add("(N,C,d1)", rng.randn(2, 3, 4), indices(2, 3, 4))
    add("(N,C,d1,d2)", rng.randn(2, 4, 3, 2), indices(2, 4, 3, 2))
    # Sizes: one element, 33 classes, 33 samples.
    add("1 sample 1 class", rng.randn(1, 1), torch.zeros(1))
    add("33 classes", rng.randn(3, 33, scale=2), indices(3, 33))
    add("33 samples", rng.randn(33, 3), indices(33, 3))
    # Class weights.
    w5 = rng.rand(5, lo=0.2, hi=2.0)
    add("weights (N,C)", rng.randn(6, 5), indices(6, 5), weight=w5)
    add("weights (N,C,d1,d2)", rng.randn(2, 3, 2, 3), indices(2, 3, 2, 3), weight=rng.rand(3, lo=0.2, hi=2.0))
    # ignoreIndex: default -100, a custom 255, and a real class id.
    t = indices(6, 5)
    t[1], t[4] = -100, -100
    add("ignored -100", rng.randn(6, 5), t)
    add("ignored -100 weights", rng.randn(6, 5), t, weight=w5)
    t = indices(2, 3, 4)
    t[0, 1], t[1, 0], t[1, 3] = 255, 255, 255
    add("ignoreIndex 255 (N,C,d1)", rng.randn(2, 3, 4), t, ignore=255)
    add("ignoreIndex 1 (a class id)", rng.randn(6, 5), torch.tensor([0.0, 1, 2, 1, 4, 3]), ignore=1)
    # Every target ignored: "mean" is NaN with zero gradients, "sum" is 0.
    all_ignored = torch.full((3,), -100.0)
    add("all ignored", rng.randn(3, 5), all_ignored)
    add("all ignored weights", rng.randn(3, 5), all_ignored, weight=w5)
    add("all ignored smoothing 0.1", rng.randn(3, 5), all_ignored, smoothing=0.1)
    # Label smoothing.
    x, t = rng.randn(6, 5), indices(6, 5)
    add("smoothing 0.1", x, t, smoothing=0.1)
    add("smoothing 0.3", x, t, smoothing=0.3)
    add("smoothing 0.3 weights", x, t, weight=w5, smoothing=0.3)
    add("smoothing 1.0", x, t, smoothing=1.0)
    t = indices(6, 5)
    t[2] = -100
    add("smoothing 0.1 ignored", rng.randn(6, 5), t, smoothing=0.1)
    add("smoothing 0.3 weights ignored", rng.randn(6, 5), t, weight=w5, smoothing=0.3)
    add("smoothing 0.2 (N,C,d1)", rng.randn(2, 3, 4), indices(2, 3, 4), smoothing=0.2)
    # Probability targets (the input's shape).
    probs = lambda *s: torch.softmax(rng.randn(*s, scale=2), dim=1 if len(s) > 1 else 0).float()
    add("probabilities (N,C)", rng.randn(4, 5), probs(4, 5), probs=True)
    add("probabilities (C)", rng.randn(5), probs(5), probs=True)
    add("probabilities (N,C,d1)", rng.randn(2, 3, 4), probs(2, 3, 4), probs=True)
    add("probabilities weights", rng.randn(4, 5), probs(4, 5), weight=w5, probs=True)
    add("probabilities smoothing 0.1", rng.randn(4, 5), probs(4, 5), smoothing=0.1, probs=True)
    add("probabilities weights smoothing 0.3", rng.randn(4, 5), probs(4, 5), weight=w5, smoothing=0.3, probs=True)
    # Extreme logits: rows of +-1e4 (the target on a -1e4 logit costs 2e4) and +-88.
    x = torch.tensor([[1e4, -1e4, 0, 1e4, -1e4], [-1e4, -1e4, -1e4, -1e4, 1e4],
                      [1e4, 1e4, 1e4, 1e4, 1e4], [-1e4, 0, 0, 0, 0]], dtype=torch.float32)
    add("logits +-1e4", x, torch.tensor([0.0, 1, 2, 0]))
    add("logits +-1e4 smoothing 0.1", x, torch.tensor([0.0, 1, 2, 0]), smoothing=0.1)
    add("logits +-1e4 probabilities", x, probs(4, 5), probs=True)
    x = torch.tensor([[88, -88, 0, 88, -88], [-88, -88, -88, -88, 88], [88, 87, 86, 85, 84]], dtype=torch.float32)
    add("logits +-88", x, torch.tensor([1.0, 4, 4]))
    add("logits +-88 weights smoothing 0.3", x, torch.tensor([1.0, 4, 4]), weight=w5, smoothing=0.3)
    # The documentation's examples.
    cases.append(loss_case("CE doc example randn(3,5) targets [0,1,2]",
                           lambda r: (lambda a, b: ce_make()(r)(a, b.long())), {"reduction": "mean"},
                           rng.randn(3, 5), torch.tensor([0.0, 1, 2])))
    cases.append(loss_case("CE doc example probabilities smoothing 0.1", ce_make(label_smoothing=0.1),
                           {"reduction": "mean", "labelSmoothing": 0.1}, rng.randn(3, 5), probs(3, 5)))
    seg = torch.tensor([255.0 if i % 7 == 0 else i % 3 for i in range(32)]).reshape(2, 4, 4)
    wseg = torch.tensor([0.2, 1, 2], dtype=torch.float32)
    cases.append(loss_case("CE doc example segmentation weights ignoreIndex 255",
                           lambda r: (lambda a, b: ce_make(wseg, 255)(r)(a, b.long())),
                           {"reduction": "mean", "weight": wseg, "ignoreIndex": 255}, rng.randn(2, 3, 4, 4), seg))
    return cases


def bce_cases():
    cases = []
    rng = Rng(400)

    def add(name, x, t, weight=None, transform=None):
        options = given(weight=weight)
        make = lambda r: torch.nn.BCELoss(weight=f64(weight), reduction=r)
        all_reductions(cases, f"BCE {name}", make, options, x, t, transform)

    add("(4,5) hard targets", rng.rand(4, 5, lo=0.01, hi=0.99), rng.bernoulli(4, 5))
    add("(4,5) soft targets", rng.rand(4, 5, lo=0.01, hi=0.99), rng.rand(4, 5))
    add("0-d", rng.rand(()), rng.rand(()))
    add("1 element", rng.rand(1), rng.bernoulli(1))
    add("33 elements", rng.rand(33), rng.bernoulli(33))
    add("(2,3,4)", rng.rand(2, 3, 4), rng.bernoulli(2, 3, 4))
    # Inputs at exactly 0 and 1: each log is clamped at -100, and the gradient
    # is PyTorch's (x - y) / max(x (1 - x), 1e-12), i.e. +-1e12 or 0.
    add("inputs 0 and 1 (log clamp)", torch.tensor([0.0, 1, 0, 1, 0, 1, 0.5, 1e-30]),
        torch.tensor([0.0, 1, 1, 0, 0.5, 0.5, 1, 1]))
    add("weight same shape", rng.rand(3, 4), rng.bernoulli(3, 4), weight=rng.rand(3, 4, hi=2))
    add("weight (C) vs (N,C)", rng.rand(3, 4), rng.bernoulli(3, 4), weight=rng.rand(4, hi=2))
    add("weight (N,1) vs (N,C)", rng.rand(3, 4), rng.bernoulli(3, 4), weight=rng.rand(3, 1, hi=2))
    # The documentation's example: BCE after sigmoid, input randn(3), target [0, 1, 1].
    cases.append(loss_case("BCE doc example after sigmoid", lambda r: torch.nn.BCELoss(reduction=r),
                           {"reduction": "mean"}, rng.randn(3), torch.tensor([0.0, 1, 1]), "sigmoid"))
    return cases


def bce_logits_cases():
    cases = []
    rng = Rng(500)

    def add(name, x, t, weight=None, pos=None):
        options = given(weight=weight, posWeight=pos)
        make = lambda r: torch.nn.BCEWithLogitsLoss(weight=f64(weight), pos_weight=f64(pos), reduction=r)
        all_reductions(cases, f"BCEWithLogits {name}", make, options, x, t)

    add("(4,5) hard targets", rng.randn(4, 5, scale=3), rng.bernoulli(4, 5))
    add("(4,5) soft targets", rng.randn(4, 5, scale=3), rng.rand(4, 5))
    add("0-d", rng.randn(()), rng.rand(()))
    add("1 element", rng.randn(1), rng.bernoulli(1))
    add("33 elements", rng.randn(33, scale=3), rng.bernoulli(33))
    add("(2,3,4)", rng.randn(2, 3, 4), rng.rand(2, 3, 4))
    add("posWeight (C)", rng.randn(4, 5, scale=2), rng.bernoulli(4, 5), pos=rng.rand(5, lo=0.5, hi=3))
    add("posWeight (1)", rng.randn(4, 5, scale=2), rng.rand(4, 5), pos=torch.tensor([2.5]))
    add("posWeight (2,3,4)", rng.randn(2, 3, 4), rng.rand(2, 3, 4), pos=rng.rand(4, lo=0.5, hi=3))
    add("weight (C) vs (N,C)", rng.randn(3, 4), rng.bernoulli(3, 4), weight=rng.rand(4, hi=2))
    add("weight (N,1) vs (N,C)", rng.randn(3, 4), rng.bernoulli(3, 4), weight=rng.rand(3, 1, hi=2))
    add("weight and posWeight", rng.randn(3, 4), rng.rand(3, 4), weight=rng.rand(3, 4, hi=2), pos=rng.rand(4, lo=0.5, hi=3))
    # Extreme logits: softplus keeps them finite and exact.
    xs = torch.tensor([1e4, -1e4, 1e4, -1e4, 1e4, -1e4, 30, -30, 30, -30, 30, -30])
    ys = torch.tensor([1.0, 0, 0, 1, 0.5, 0.5, 1, 0, 0, 1, 0.5, 0.5])
    add("logits +-1e4 +-30", xs.reshape(2, 6), ys.reshape(2, 6))
    add("logits +-1e4 +-30 posWeight", xs.reshape(2, 6), ys.reshape(2, 6), pos=rng.rand(6, lo=0.5, hi=3))
    # The documentation's example: 10 samples, 64 classes, logits 1.5, all positive, posWeight ones.
    cases.append(loss_case("BCEWithLogits doc example posWeight ones",
                           lambda r: torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(64, dtype=torch.float64), reduction=r),
                           {"reduction": "mean", "posWeight": torch.ones(64)}, torch.full((10, 64), 1.5), torch.ones(10, 64)))
    return cases


def custom_loss_cases():
    """API.md's CustomLoss: mean((input - target)^2), built from Tensor ops."""
    rng = Rng(600)
    make = lambda r: (lambda a, b: ((a - b) ** 2).mean())
    return [loss_case("CustomLoss doc example randn(3,5)", make, {}, rng.randn(3, 5), rng.randn(3, 5)),
            loss_case("CustomLoss 33 elements", make, {}, rng.randn(33), rng.randn(33))]


# ---- losses with any number of inputs ----------------------------------------

def multi_case(name, make, options, inputs32, grad_mask):
    """`make(reduction)(*inputs)` on float64 copies of float32 inputs; grads of those in grad_mask.

    Case: name, options, inputs [{shape, data}], requiresGrad [bool], output,
    grads [{shape, data} | null] (d(output.sum())/d(input) for "none").
    """
    reduction = options.get("reduction", "mean")
    xs = [x.double().requires_grad_(bool(m)) for x, m in zip(inputs32, grad_mask)]
    out = make(reduction)(*xs)
    if any(grad_mask):
        (out.sum() if reduction == "none" else out).backward()
    case = {"name": name, "options": {}}
    for key, value in options.items():
        case["options"][key] = enc(value, True) if torch.is_tensor(value) else value
    case.update(inputs=[enc(x, True) for x in inputs32], requiresGrad=[bool(m) for m in grad_mask], output=enc(out),
                grads=[enc(x.grad) if m else None for x, m in zip(xs, grad_mask)])
    return case


def multi_all(cases, name, make, options, inputs32, grad_mask, reductions=REDUCTIONS):
    for r in reductions:
        cases.append(multi_case(f"{name} [{r}]", make, {**options, "reduction": r}, inputs32, grad_mask))


SHAPES = [("(4,5)", (4, 5)), ("0-d", ()), ("33 elements", (33,)), ("(2,3,4)", (2, 3, 4))]


def huber_cases():
    cases, rng = [], Rng(1100)
    for name, shape in SHAPES:
        multi_all(cases, f"Huber {name}", lambda r: torch.nn.HuberLoss(reduction=r), {},
                  [rng.randn(*shape, scale=2), rng.randn(*shape)], [True, True])
    for delta in (0.5, 2.0, 1e-3):
        multi_all(cases, f"Huber delta {delta}", lambda r, d=delta: torch.nn.HuberLoss(reduction=r, delta=d), {"delta": delta},
                  [rng.randn(3, 7, scale=2), rng.randn(3, 7)], [True, True])
    # |d| exactly at delta: the quadratic and linear branches meet.
    x = torch.tensor([1.0, -1.0, 0.0, 3.0, -2.5])
    multi_all(cases, "Huber |d| = delta", lambda r: torch.nn.HuberLoss(reduction=r), {}, [x, torch.zeros(5)], [True, True])
    return cases


def smooth_l1_cases():
    cases, rng = [], Rng(1200)
    for name, shape in SHAPES:
        multi_all(cases, f"SmoothL1 {name}", lambda r: torch.nn.SmoothL1Loss(reduction=r), {},
                  [rng.randn(*shape, scale=2), rng.randn(*shape)], [True, True])
    for beta in (0.5, 2.0, 0.0):
        x, t = rng.randn(3, 7, scale=2), rng.randn(3, 7)
        if beta == 0.0:
            t[0, 0] = x[0, 0]  # d = 0 with beta 0: L1's sign(0) = 0
        multi_all(cases, f"SmoothL1 beta {beta}", lambda r, b=beta: torch.nn.SmoothL1Loss(reduction=r, beta=b), {"beta": beta},
                  [x, t], [True, True])
    return cases


def kl_div_cases():
    cases, rng = [], Rng(1300)
    reductions = ("none", "mean", "sum", "batchmean")
    for name, shape in [("(4,5)", (4, 5)), ("(2,3,4)", (2, 3, 4)), ("(3,33)", (3, 33))]:
        x = torch.log_softmax(rng.randn(*shape), dim=-1).float()
        p = torch.softmax(rng.randn(*shape, scale=2), dim=-1).float()
        multi_all(cases, f"KLDiv {name}", lambda r: torch.nn.KLDivLoss(reduction=r), {}, [x, p], [True, True], reductions)
        multi_all(cases, f"KLDiv {name} logTarget", lambda r: torch.nn.KLDivLoss(reduction=r, log_target=True), {"logTarget": True},
                  [x, torch.log(p).float()], [True, True], reductions)
    # Zero target probabilities: the term is 0 (xlogy); no target gradient here (PyTorch's is NaN at 0).
    x = torch.log_softmax(rng.randn(3, 4), dim=-1).float()
    p = torch.tensor([[0.5, 0.5, 0, 0], [1.0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]])
    multi_all(cases, "KLDiv zero targets", lambda r: torch.nn.KLDivLoss(reduction=r), {}, [x, p], [True, False], reductions)
    return cases


def poisson_cases():
    cases, rng = [], Rng(1400)
    counts = lambda *s: torch.poisson(rng.rand(*s, lo=0.0, hi=6.0), generator=rng.g).float()
    for name, shape in [("(4,5)", (4, 5)), ("33 elements", (33,))]:
        multi_all(cases, f"PoissonNLL {name}", lambda r: torch.nn.PoissonNLLLoss(reduction=r), {},
                  [rng.randn(*shape), counts(*shape)], [True, True])
    # With full, PyTorch's target gradient is NaN where y = 0 (0·log 0 inside a
    # masked_fill): target gradients are compared on targets >= 1 only.
    x, y = rng.randn(3, 6), counts(3, 6)
    multi_all(cases, "PoissonNLL full", lambda r: torch.nn.PoissonNLLLoss(reduction=r, full=True), {"full": True}, [x, y], [True, False])
    multi_all(cases, "PoissonNLL full targets >= 1", lambda r: torch.nn.PoissonNLLLoss(reduction=r, full=True), {"full": True},
              [x, y + 1], [True, True])
    lam = rng.rand(3, 6, lo=0.05, hi=5.0)
    multi_all(cases, "PoissonNLL logInput false", lambda r: torch.nn.PoissonNLLLoss(reduction=r, log_input=False), {"logInput": False},
              [lam, y], [True, True])
    multi_all(cases, "PoissonNLL logInput false full eps 0.1",
              lambda r: torch.nn.PoissonNLLLoss(reduction=r, log_input=False, full=True, eps=0.1),
              {"logInput": False, "full": True, "eps": 0.1}, [lam, y + 1], [True, True])
    return cases


def gaussian_cases():
    cases, rng = [], Rng(1500)
    for name, shape, vshape in [("(4,5) var (4,5)", (4, 5), (4, 5)), ("(4,5) var (4)", (4, 5), (4,)),
                                ("(4,5) var (4,1)", (4, 5), (4, 1)), ("(2,3,4) var (2,3,1)", (2, 3, 4), (2, 3, 1)),
                                ("33 elements", (33,), (33,))]:
        multi_all(cases, f"GaussianNLL {name}", lambda r: torch.nn.GaussianNLLLoss(reduction=r), {},
                  [rng.randn(*shape), rng.randn(*shape), rng.rand(*vshape, lo=0.1, hi=2.0)], [True, True, True])
    x, t, v = rng.randn(3, 5), rng.randn(3, 5), rng.rand(3, 5, lo=0.1, hi=2.0)
    multi_all(cases, "GaussianNLL full", lambda r: torch.nn.GaussianNLLLoss(reduction=r, full=True), {"full": True}, [x, t, v], [True, True, True])
    # Variances below eps (and 0): clamped in the value, not in the gradient.
    v = torch.tensor([[1e-9, 0.0, 0.5, 1e-3, 2.0]]).repeat(3, 1)
    multi_all(cases, "GaussianNLL var below eps 1e-2", lambda r: torch.nn.GaussianNLLLoss(reduction=r, eps=1e-2), {"eps": 1e-2},
              [x, t, v], [True, True, True])
    return cases


def soft_margin_cases():
    cases, rng = [], Rng(1600)
    labels = lambda *s: (rng.bernoulli(*s) * 2 - 1).float()
    for name, shape in SHAPES:
        multi_all(cases, f"SoftMargin {name}", lambda r: torch.nn.SoftMarginLoss(reduction=r), {},
                  [rng.randn(*shape, scale=3), labels(*shape)], [True, False])
    # PyTorch computes log1p(exp(-y x)), infinite for -y x > 709 in float64: |x| <= 100 here.
    x = torch.tensor([50.0, -50.0, 100.0, -100.0, 88.0, -88.0, 0.0, 30.0])
    multi_all(cases, "SoftMargin extreme", lambda r: torch.nn.SoftMarginLoss(reduction=r), {},
              [x, torch.tensor([1.0, 1, -1, -1, 1, -1, 1, -1])], [True, False])
    return cases


def hinge_cases():
    cases, rng = [], Rng(1700)
    labels = lambda *s: (rng.bernoulli(*s) * 2 - 1).float()
    for name, shape in SHAPES:
        multi_all(cases, f"HingeEmbedding {name}", lambda r: torch.nn.HingeEmbeddingLoss(reduction=r), {},
                  [rng.rand(*shape, lo=0.0, hi=2.0), labels(*shape)], [True, False])
    multi_all(cases, "HingeEmbedding margin 0.5 and labels other than +-1",
              lambda r: torch.nn.HingeEmbeddingLoss(reduction=r, margin=0.5), {"margin": 0.5},
              [torch.tensor([0.2, 0.7, 0.5, 1.5, 0.1, 0.3]), torch.tensor([1.0, -1, -1, -1, 0, 2])], [True, False])
    return cases


def margin_ranking_cases():
    cases, rng = [], Rng(1800)
    labels = lambda *s: (rng.bernoulli(*s) * 2 - 1).float()
    for name, shape in [("(8)", (8,)), ("33 elements", (33,)), ("(3,4)", (3, 4))]:
        multi_all(cases, f"MarginRanking {name}", lambda r: torch.nn.MarginRankingLoss(reduction=r), {},
                  [rng.randn(*shape), rng.randn(*shape), labels(*shape)], [True, True, False])
    multi_all(cases, "MarginRanking margin 0.5", lambda r: torch.nn.MarginRankingLoss(reduction=r, margin=0.5), {"margin": 0.5},
              [rng.randn(10), rng.randn(10), labels(10)], [True, True, False])
    return cases


def focal(alpha, gamma):
    from torchvision.ops import sigmoid_focal_loss
    return lambda r: (lambda x, t: sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=r))


def focal_reference(alpha, gamma):
    """torchvision 0.14's sigmoid_focal_loss, written out (used where torchvision is missing)."""
    def make(r):
        def f(x, t):
            p = torch.sigmoid(x)
            ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
            p_t = p * t + (1 - p) * (1 - t)
            loss = ce * ((1 - p_t) ** gamma)
            if alpha >= 0:
                loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
            return loss.mean() if r == "mean" else loss.sum() if r == "sum" else loss
        return f
    return make


def focal_cases():
    cases, rng = [], Rng(1900)
    try:
        make = focal
        focal(0.25, 2)
    except ImportError:
        make = focal_reference
    for name, shape in SHAPES:
        multi_all(cases, f"SigmoidFocal {name}", make(0.25, 2), {}, [rng.randn(*shape, scale=3), rng.bernoulli(*shape)], [True, False])
    x, t = rng.randn(4, 6, scale=3), rng.bernoulli(4, 6)
    for alpha, gamma in [(0.5, 0.0), (-1, 2.0), (0.75, 1.5), (0.25, 5.0)]:
        multi_all(cases, f"SigmoidFocal alpha {alpha} gamma {gamma}", make(alpha, gamma), {"alpha": alpha, "gamma": gamma},
                  [x, t], [True, False])
    multi_all(cases, "SigmoidFocal soft targets", make(0.25, 2), {}, [rng.randn(3, 5), rng.rand(3, 5)], [True, False])
    multi_all(cases, "SigmoidFocal logits +-30", make(0.25, 2), {},
              [torch.tensor([30.0, -30, 30, -30, 10, -10]), torch.tensor([1.0, 0, 0, 1, 1, 0])], [True, False])
    return cases


def nll_cases():
    cases, rng = [], Rng(2000)

    def add(name, x, t, weight=None, ignore=None):
        options = given(weight=weight, ignoreIndex=ignore)
        make = lambda r: (lambda a, b: F.nll_loss(a, b.long(), weight=f64(weight), reduction=r,
                                                  ignore_index=-100 if ignore is None else ignore))
        multi_all(cases, f"NLL {name}", make, options, [x, t], [True, False])

    logp = lambda *s: torch.log_softmax(rng.randn(*s), dim=1 if len(s) > 1 else 0).float()
    add("(C) target ()", logp(5), rng.randint(5))
    add("(N,C)", logp(4, 5), rng.randint(5, 4))
    add("(N,C,d1)", logp(2, 3, 4), rng.randint(3, 2, 4))
    add("(N,C,d1,d2)", logp(2, 4, 3, 2), rng.randint(4, 2, 3, 2))
    add("33 samples", logp(33, 3), rng.randint(3, 33))
    w5 = rng.rand(5, lo=0.2, hi=2.0)
    add("weights", logp(6, 5), rng.randint(5, 6), weight=w5)
    t = rng.randint(5, 6)
    t[1], t[4] = -100, -100
    add("ignored -100 weights", logp(6, 5), t, weight=w5)
    add("ignoreIndex 1 (a class id)", logp(6, 5), torch.tensor([0.0, 1, 2, 1, 4, 3]), ignore=1)
    t = rng.randint(3, 2, 4)
    t[0, 1], t[1, 3] = 255, 255
    add("ignoreIndex 255 (N,C,d1) weights", logp(2, 3, 4), t, weight=rng.rand(3, lo=0.2, hi=2.0), ignore=255)
    add("all ignored", logp(3, 5), torch.full((3,), -100.0))
    return cases


def cosine_embedding_cases():
    cases, rng = [], Rng(2100)
    labels = lambda *s: (rng.bernoulli(*s) * 2 - 1).float()
    multi_all(cases, "CosineEmbedding (N,D)", lambda r: torch.nn.CosineEmbeddingLoss(reduction=r), {},
              [rng.randn(6, 5), rng.randn(6, 5), labels(6)], [True, True, False])
    multi_all(cases, "CosineEmbedding margin 0.2", lambda r: torch.nn.CosineEmbeddingLoss(reduction=r, margin=0.2), {"margin": 0.2},
              [rng.randn(8, 3), rng.randn(8, 3), labels(8)], [True, True, False])
    multi_all(cases, "CosineEmbedding (D) target ()", lambda r: torch.nn.CosineEmbeddingLoss(reduction=r), {},
              [rng.randn(7), rng.randn(7), torch.tensor(-1.0)], [True, True, False])
    return cases


def multilabel_soft_margin_cases():
    cases, rng = [], Rng(2200)
    multi_all(cases, "MultiLabelSoftMargin (N,C)", lambda r: torch.nn.MultiLabelSoftMarginLoss(reduction=r), {},
              [rng.randn(4, 6, scale=3), rng.bernoulli(4, 6)], [True, True])
    w = rng.rand(6, lo=0.2, hi=2.0)
    multi_all(cases, "MultiLabelSoftMargin weight", lambda r: torch.nn.MultiLabelSoftMarginLoss(weight=w.double(), reduction=r), {"weight": w},
              [rng.randn(4, 6, scale=3), rng.rand(4, 6)], [True, True])
    multi_all(cases, "MultiLabelSoftMargin logits +-30", lambda r: torch.nn.MultiLabelSoftMarginLoss(reduction=r), {},
              [torch.tensor([[30.0, -30, 5, -5]]), torch.tensor([[1.0, 0, 0, 1]])], [True, True])
    multi_all(cases, "MultiLabelSoftMargin (C)", lambda r: torch.nn.MultiLabelSoftMarginLoss(reduction=r), {},
              [rng.randn(7, scale=3), rng.bernoulli(7)], [True, True])
    w37 = rng.rand(37, lo=0.2, hi=2.0)
    multi_all(cases, "MultiLabelSoftMargin 37 classes weight", lambda r: torch.nn.MultiLabelSoftMarginLoss(weight=w37.double(), reduction=r),
              {"weight": w37}, [rng.randn(5, 37, scale=3), rng.bernoulli(5, 37)], [True, True])
    # Without a target gradient: the wasm fast loop (the class weight cycled, a tail of 1 or 3).
    multi_all(cases, "MultiLabelSoftMargin 37 classes weight, input grad only",
              lambda r: torch.nn.MultiLabelSoftMarginLoss(weight=w37.double(), reduction=r),
              {"weight": w37}, [rng.randn(5, 37, scale=3), rng.bernoulli(5, 37)], [True, False])
    multi_all(cases, "MultiLabelSoftMargin (C) weight, input grad only",
              lambda r: torch.nn.MultiLabelSoftMarginLoss(weight=w37[:7].double(), reduction=r),
              {"weight": w37[:7]}, [rng.randn(7, scale=3), rng.bernoulli(7)], [True, False])
    # More than two dims (N, d1, C): the mean over C, then the reduction over (N, d1).
    multi_all(cases, "MultiLabelSoftMargin (N,d1,C) weight", lambda r: torch.nn.MultiLabelSoftMarginLoss(weight=w37[:5].double(), reduction=r),
              {"weight": w37[:5]}, [rng.randn(3, 4, 5, scale=3), rng.rand(3, 4, 5)], [True, True])
    return cases


def multi_margin_cases():
    cases, rng = [], Rng(2300)

    def add(name, x, t, **kw):
        options = {k: v for k, v in kw.items()}
        def make(r):
            w = kw.get("weight")
            return lambda a, b: F.multi_margin_loss(a, b.long(), p=kw.get("p", 1), margin=kw.get("margin", 1.0),
                                                    weight=None if w is None else w.double(), reduction=r)
        multi_all(cases, f"MultiMargin {name}", make, options, [x, t], [True, False])

    add("(N,C)", rng.randn(5, 4), rng.randint(4, 5))
    add("p 2", rng.randn(5, 4), rng.randint(4, 5), p=2)
    add("margin 0.5 weight", rng.randn(6, 3), rng.randint(3, 6), margin=0.5, weight=rng.rand(3, lo=0.2, hi=2.0))
    add("p 2 weight 33 classes", rng.randn(3, 33), rng.randint(33, 3), p=2, weight=rng.rand(33, lo=0.2, hi=2.0))
    add("(C) target ()", rng.randn(5), rng.randint(5))
    return cases


def multilabel_margin_cases():
    cases, rng = [], Rng(2400)
    mk = lambda r: (lambda a, b: F.multilabel_margin_loss(a, b.long(), reduction=r))
    t = torch.tensor([[3.0, 0, -1, 1], [0, 1, 2, 3], [-1, 0, 0, 0], [2, 2, -1, 0]])  # a full row, an empty row, a repeated index
    multi_all(cases, "MultiLabelMargin (N,C)", mk, {}, [rng.randn(4, 4), t], [True, False])
    multi_all(cases, "MultiLabelMargin (C)", mk, {}, [rng.randn(5), torch.tensor([4.0, 1, -1, 2, 2])], [True, False])
    # 37 classes (the fused kernel's SIMD body and tail), lists of 0–9 classes, and pairs at a margin of exactly 0.
    x = rng.randn(5, 37)
    t = torch.full((5, 37), -1.0)
    for r, k in enumerate([1, 3, 9, 0, 37]):
        t[r, :k] = torch.randperm(37, generator=rng.g)[:k].float()
    x[0, 5], x[0, 6] = 0.25, -0.75  # with class 5 the target: 1 − x_5 + x_6 = 0
    t[0, 0] = 5
    multi_all(cases, "MultiLabelMargin (5,37), lists of 1, 3, 9, 0 and 37 classes, a zero margin", mk, {}, [x, t], [True, False])
    return cases


def triplet_cases():
    cases, rng = [], Rng(2500)
    for name, kw, opts in [("defaults", {}, {}), ("p 1 margin 0.5", {"p": 1, "margin": 0.5}, {"p": 1, "margin": 0.5}),
                           ("swap", {"swap": True}, {"swap": True}), ("p 3 eps 0.1", {"p": 3, "eps": 0.1}, {"p": 3, "eps": 0.1})]:
        multi_all(cases, f"TripletMargin {name}", lambda r, kw=kw: torch.nn.TripletMarginLoss(reduction=r, **kw), opts,
                  [rng.randn(6, 4), rng.randn(6, 4), rng.randn(6, 4)], [True, True, True])
    multi_all(cases, "TripletMargin (D)", lambda r: torch.nn.TripletMarginLoss(reduction=r), {},
              [rng.randn(5), rng.randn(5), rng.randn(5)], [True, True, True])
    # Non-integer p on both sides of 1 (the general-p path of the fused kernel).
    for name, kw in [("p 1.5 swap margin 2", {"p": 1.5, "swap": True, "margin": 2.0}), ("p 0.5 margin 3", {"p": 0.5, "margin": 3.0})]:
        multi_all(cases, f"TripletMargin {name}", lambda r, kw=kw: torch.nn.TripletMarginLoss(reduction=r, **kw), kw,
                  [rng.randn(6, 4), rng.randn(6, 4), rng.randn(6, 4)], [True, True, True])
    return cases


def triplet_distance_cases():
    cases, rng = [], Rng(2600)
    multi_all(cases, "TripletMarginWithDistance default distance", lambda r: torch.nn.TripletMarginWithDistanceLoss(reduction=r), {},
              [rng.randn(6, 4), rng.randn(6, 4), rng.randn(6, 4)], [True, True, True])
    cosine = lambda a, b: 1 - F.cosine_similarity(a, b)
    # The TypeScript test passes the same distance, written with Tensor ops ("distance": "cosine").
    multi_all(cases, "TripletMarginWithDistance 1 - cosine, swap, margin 0.3",
              lambda r: torch.nn.TripletMarginWithDistanceLoss(distance_function=cosine, swap=True, margin=0.3, reduction=r),
              {"distance": "cosine", "swap": True, "margin": 0.3}, [rng.randn(6, 4), rng.randn(6, 4), rng.randn(6, 4)], [True, True, True])
    return cases


def ctc_cases():
    """Inputs: log_probs (a leaf, so the gradient is PyTorch's own formula), targets, input_lengths, target_lengths."""
    cases, rng = [], Rng(2700)

    def add(name, lp, targets, il, tl, blank=0, zero_infinity=False, reductions=REDUCTIONS):
        options = given(blank=blank if blank != 0 else None, zeroInfinity=zero_infinity or None)
        make = lambda r: (lambda a, t, i, l: F.ctc_loss(a, t.long(), i.long(), l.long(), blank=blank, reduction=r,
                                                         zero_infinity=zero_infinity))
        multi_all(cases, f"CTC {name}", make, options, [lp, targets, torch.tensor(il, dtype=torch.float32),
                                                       torch.tensor(tl, dtype=torch.float32)], [True, False, False, False], reductions)

    logp = lambda *s: torch.log_softmax(rng.randn(*s, scale=2), dim=-1).float()
    add("padded (12,3,5)", logp(12, 3, 5), torch.tensor([[1.0, 2, 3, 4], [2, 2, 0, 0], [4, 1, 4, 0]]), [12, 10, 8], [4, 2, 3])
    add("concatenated targets", logp(10, 2, 4), torch.tensor([1.0, 2, 3, 3, 1]), [10, 9], [3, 2])
    add("blank 4, repeated labels", logp(12, 2, 5), torch.tensor([[0.0, 0, 1, 1], [3, 3, 3, 0]]), [12, 12], [4, 3], blank=4)
    add("a target of length 0", logp(6, 2, 3), torch.tensor([[1.0, 2], [0, 0]]), [6, 5], [2, 0])
    add("unbatched (T,C)", torch.log_softmax(rng.randn(9, 4), dim=-1).float(), torch.tensor([1.0, 3, 3]), [9], [3])
    # Alignment impossible for sample 1 (3 labels with a repeat need 4 frames, it has 3): infinite loss.
    impossible = torch.tensor([[1.0, 1, 2], [1, 2, 2]])
    add("impossible alignment, zeroInfinity", logp(6, 2, 4), impossible, [6, 3], [3, 3], zero_infinity=True)
    # Longer sequences (the scaled linear-space path of the wasm kernel) ...
    add("long (60,2,20)", logp(60, 2, 20), torch.tensor([[float(1 + i % 19) for i in range(15)], [float(1 + (3 * i) % 19) for i in range(15)]]),
        [60, 52], [15, 10])
    # ... and a confident sample where blank is 30 nats below label 1 in every frame: its
    # all-blank prefix falls below 2^-500 of the frame's total, so the wasm kernel redoes that
    # sample in log space (ctc_scaled.rs), next to an ordinary one.
    confident = torch.stack([torch.tensor([[-30.0, 0.0, -30.0]] * 40), rng.randn(40, 3, scale=2)], dim=1)
    add("confident logits (40,2,3), both kernel paths", torch.log_softmax(confident, dim=-1).float(),
        torch.tensor([[1.0, 0, 0], [1, 2, 1]]), [40, 40], [1, 3])
    x = logp(6, 2, 4)
    cases.append(multi_case("CTC impossible alignment [sum] loss only", lambda r: (lambda a, t, i, l: F.ctc_loss(
        a, t.long(), i.long(), l.long(), reduction=r)), {"reduction": "sum"},
        [x, impossible, torch.tensor([6.0, 3]), torch.tensor([3.0, 3])], [False, False, False, False]))
    return cases


# ---- Tensor ops -------------------------------------------------------------

def op_case(name, op, fn, inputs32, args=None, rng=None):
    xs = [x.double().requires_grad_(True) for x in inputs32]
    out = fn(*xs)
    r32 = rng.randn(*out.shape)
    (out * r32.double()).sum().backward()
    return {"name": name, "op": op, "args": args or {}, "inputs": [enc(x, True) for x in inputs32],
            "R": enc(r32, True), "output": enc(out), "grads": [enc(x.grad) for x in xs]}


def tensor_op_cases():
    rng = Rng(700)
    cases = []
    pos = lambda *s: rng.rand(*s, lo=0.3, hi=3.0)
    away = lambda *s: (rng.rand(*s, lo=0.5, hi=2.0) * torch.sign(rng.randn(*s))).float()

    def binary(op, fn):
        cases.append(op_case(f"{op} same shape (3,4)", op, fn, [rng.randn(3, 4), away(3, 4)], rng=rng))
        cases.append(op_case(f"{op} broadcast (3,1),(1,4)", op, fn, [rng.randn(3, 1), away(1, 4)], rng=rng))
        cases.append(op_case(f"{op} broadcast (2,3,4),(4)", op, fn, [rng.randn(2, 3, 4), away(4)], rng=rng))
        cases.append(op_case(f"{op} broadcast (4),(2,3,4)", op, fn, [away(4), away(2, 3, 4)], rng=rng))
        cases.append(op_case(f"{op} 0-d tensor", op, fn, [rng.randn(2, 3), away(())], rng=rng))
        s = float(np.float32(-1.75))
        cases.append(op_case(f"{op} scalar number", op, lambda a: fn(a, s), [rng.randn(33)], {"scalar": s}, rng))

    binary("add", lambda a, b: a + b)
    binary("sub", lambda a, b: a - b)
    binary("mul", lambda a, b: a * b)
    binary("div", lambda a, b: a / b)

    for p, x in [(2, rng.randn(3, 5)), (3, rng.randn(3, 5)), (0.5, pos(3, 5)), (-1, away(3, 5)), (1.5, pos(33)), (0, rng.randn(4))]:
        cases.append(op_case(f"pow({p})", "pow", lambda a, p=p: a ** p, [x], {"exponent": p}, rng))

    with_zero = rng.randn(3, 5)
    with_zero[0, 0], with_zero[2, 3] = 0.0, 0.0
    unary = [("neg", torch.neg, rng.randn(3, 5)), ("abs", torch.abs, with_zero), ("exp", torch.exp, rng.randn(33)),
             ("log", torch.log, pos(3, 5)), ("sqrt", torch.sqrt, pos(3, 5)), ("relu", torch.relu, with_zero),
             ("sigmoid", torch.sigmoid, rng.randn(33, scale=4)), ("tanh", torch.tanh, rng.randn(3, 5, scale=2))]
    for op, fn, x in unary:
        cases.append(op_case(op, op, fn, [x], rng=rng))

    x3 = rng.randn(2, 3, 4)
    for op, fn in [("sum", torch.sum), ("mean", torch.mean), ("max", torch.amax)]:
        cases.append(op_case(f"{op}() all", op, lambda a, fn=fn: fn(a), [rng.randn(3, 5)], rng=rng))
        cases.append(op_case(f"{op}() 33 elements", op, lambda a, fn=fn: fn(a), [rng.randn(33)], rng=rng))
        for dim in (0, 1, 2, -1):
            for keep in (False, True):
                cases.append(op_case(f"{op}(dim={dim}, keepdim={keep}) (2,3,4)", op,
                                     lambda a, fn=fn, dim=dim, keep=keep: fn(a, dim=dim, keepdim=keep),
                                     [x3], {"dim": dim, "keepdim": keep}, rng))
    # Ties: PyTorch's max() of all elements (and amax) shares the gradient evenly.
    ties = torch.tensor([[1.0, 3, 3], [0, 3, -1]])
    cases.append(op_case("max() ties", "max", torch.max, [ties], rng=rng))
    cases.append(op_case("max(dim=1) ties (amax rule)", "max", lambda a: torch.amax(a, dim=1), [ties], {"dim": 1}, rng))

    for (m, k, n) in [(3, 4, 5), (1, 1, 1), (5, 33, 2), (4, 1, 6)]:
        cases.append(op_case(f"matmul ({m},{k})@({k},{n})", "matmul", torch.matmul, [rng.randn(m, k), rng.randn(k, n)], rng=rng))

    cases.append(op_case("reshape (2,3,4)->(6,4)", "reshape", lambda a: a.reshape(6, 4), [rng.randn(2, 3, 4)], {"shape": [6, 4]}, rng))
    cases.append(op_case("reshape (2,3,4)->(4,-1)", "reshape", lambda a: a.reshape(4, -1), [rng.randn(2, 3, 4)], {"shape": [4, -1]}, rng))
    cases.append(op_case("reshape (6)->(1,2,1,3)", "reshape", lambda a: a.reshape(1, 2, 1, 3), [rng.randn(6)], {"shape": [1, 2, 1, 3]}, rng))
    cases.append(op_case("transpose (3,5)", "transpose", lambda a: a.t(), [rng.randn(3, 5)], rng=rng))
    cases.append(op_case("transpose (1,33)", "transpose", lambda a: a.t(), [rng.randn(1, 33)], rng=rng))

    x2 = rng.randn(3, 5, scale=2)
    for op, fn in [("logSoftmax", F.log_softmax), ("softmax", F.softmax)]:
        for dim in (0, 1, -1):
            cases.append(op_case(f"{op}(dim={dim}) (3,5)", op, lambda a, fn=fn, dim=dim: fn(a, dim=dim), [x2], {"dim": dim}, rng))
        cases.append(op_case(f"{op}(dim=1) (2,3,4)", op, lambda a, fn=fn: fn(a, dim=1), [rng.randn(2, 3, 4)], {"dim": 1}, rng))
        cases.append(op_case(f"{op}(dim=-1) (2,33)", op, lambda a, fn=fn: fn(a, dim=-1), [rng.randn(2, 33, scale=3)], {"dim": -1}, rng))
        big = torch.tensor([[1e4, -1e4, 0.0], [88, 87, -88]])
        cases.append(op_case(f"{op}(dim=1) extreme", op, lambda a, fn=fn: fn(a, dim=1), [big], {"dim": 1}, rng))

    # Ops for custom and composite losses.
    x = torch.tensor([[-2.0, -1.0, -0.5, 0.0], [0.5, 1.0, 1.5, 3.0]])
    cases.append(op_case("clamp(-1, 1) (bounds included)", "clamp", lambda a: a.clamp(-1.0, 1.0), [x], {"min": -1.0, "max": 1.0}, rng))
    cases.append(op_case("clamp(min=0)", "clamp", lambda a: a.clamp(min=0.0), [rng.randn(33)], {"min": 0.0}, rng))
    cases.append(op_case("clamp(max=0.5)", "clamp", lambda a: a.clamp(max=0.5), [rng.randn(3, 5)], {"max": 0.5}, rng))
    a, b = rng.randn(3, 4), rng.randn(3, 4)
    b[0, 0], b[1, 2] = a[0, 0], a[1, 2]  # ties share the gradient
    for op, fn in [("maximum", torch.maximum), ("minimum", torch.minimum)]:
        cases.append(op_case(f"{op} same shape with ties", op, fn, [a, b], rng=rng))
        cases.append(op_case(f"{op} broadcast (3,1),(4)", op, fn, [rng.randn(3, 1), rng.randn(4)], rng=rng))
        cases.append(op_case(f"{op} scalar number", op, lambda t, fn=fn: fn(t, torch.tensor(0.25, dtype=t.dtype)), [rng.randn(33)], {"scalar": 0.25}, rng))
    cond = (rng.randn(3, 4) > 0).float()
    cases.append(op_case("where same shape", "where", lambda t, u: torch.where(cond.bool(), t, u), [rng.randn(3, 4), rng.randn(3, 4)],
                         {"condition": enc(cond, True)}, rng))
    cond2 = (rng.randn(3, 1) > 0).float()
    cases.append(op_case("where broadcast (3,1) (4) (3,4)", "where", lambda t, u: torch.where(cond2.bool(), t, u), [rng.randn(4), rng.randn(3, 4)],
                         {"condition": enc(cond2, True)}, rng))
    cases.append(op_case("softplus", "softplus", F.softplus, [rng.randn(33, scale=5)], rng=rng))
    cases.append(op_case("softplus beta 2 threshold 5", "softplus", lambda t: F.softplus(t, beta=2, threshold=5),
                         [torch.tensor([-4.0, -1, 0, 1, 2.4, 2.6, 10, 30])], {"beta": 2, "threshold": 5}, rng))
    cases.append(op_case("logSigmoid", "logSigmoid", F.logsigmoid, [torch.tensor([-30.0, -5, -1, 0, 1, 5, 30, 88])], rng=rng))
    cases.append(op_case("norm() p=2", "norm", lambda t: t.norm(), [rng.randn(3, 4)], rng=rng))
    z = rng.randn(3, 4)
    z[1] = 0.0  # a zero row: gradient 0, as PyTorch
    cases.append(op_case("norm(2, dim=1, keepdim) zero row", "norm", lambda t: t.norm(2, dim=1, keepdim=True), [z], {"p": 2, "dim": 1, "keepdim": True}, rng))
    cases.append(op_case("norm(1, dim=0)", "norm", lambda t: t.norm(1, dim=0), [rng.randn(3, 4)], {"p": 1, "dim": 0}, rng))
    cases.append(op_case("norm(3, dim=-1)", "norm", lambda t: t.norm(3, dim=-1), [rng.randn(2, 3, 5)], {"p": 3, "dim": -1}, rng))
    ties = torch.tensor([[1.0, -3, 3, 2], [0.5, -0.25, 0.1, 0.2]])
    cases.append(op_case("norm(inf, dim=1) ties", "norm", lambda t: t.norm(float("inf"), dim=1), [ties], {"p": "Infinity", "dim": 1}, rng))
    idx = torch.tensor([[0.0], [3], [2]])
    cases.append(op_case("gather(1) (3,4) by (3,1)", "gather", lambda t: t.gather(1, idx.long()), [rng.randn(3, 4)],
                         {"dim": 1, "index": enc(idx, True)}, rng))
    idx0 = torch.tensor([[0.0, 1, 1], [2, 0, 0], [0, 0, 1], [1, 1, 1]])
    cases.append(op_case("gather(0) repeated indices", "gather", lambda t: t.gather(0, idx0.long()), [rng.randn(3, 3)],
                         {"dim": 0, "index": enc(idx0, True)}, rng))
    cases.append(op_case("squeeze() (1,3,1,2)", "squeeze", lambda t: t.squeeze(), [rng.randn(1, 3, 1, 2)], rng=rng))
    cases.append(op_case("squeeze(2) (1,3,1,2)", "squeeze", lambda t: t.squeeze(2), [rng.randn(1, 3, 1, 2)], {"dim": 2}, rng))
    cases.append(op_case("unsqueeze(-1) (3,2)", "unsqueeze", lambda t: t.unsqueeze(-1), [rng.randn(3, 2)], {"dim": -1}, rng))
    cases.append(op_case("narrow(1, 1, 2) (3,5)", "narrow", lambda t: t.narrow(1, 1, 2), [rng.randn(3, 5)], {"dim": 1, "start": 1, "length": 2}, rng))
    cases.append(op_case("slice(0, -2) (4,3) = x[-2:]", "slice", lambda t: t[-2:], [rng.randn(4, 3)], {"dim": 0, "start": -2}, rng))
    cases.append(op_case("slice(1, 1, 100) (2,3,4) = x[:, 1:100]", "slice", lambda t: t[:, 1:100], [rng.randn(2, 3, 4)],
                         {"dim": 1, "start": 1, "end": 100}, rng))
    cases.append(op_case("cat dim 0", "cat", lambda *ts: torch.cat(ts, 0), [rng.randn(2, 3), rng.randn(1, 3), rng.randn(3, 3)], {"dim": 0}, rng))
    cases.append(op_case("cat dim 1", "cat", lambda *ts: torch.cat(ts, 1), [rng.randn(2, 3), rng.randn(2, 1)], {"dim": 1}, rng))
    cases.append(op_case("stack dim 0", "stack", lambda *ts: torch.stack(ts, 0), [rng.randn(2, 3), rng.randn(2, 3), rng.randn(2, 3)], {"dim": 0}, rng))
    cases.append(op_case("stack dim -1", "stack", lambda *ts: torch.stack(ts, -1), [rng.randn(4), rng.randn(4)], {"dim": -1}, rng))
    return cases


def main():
    meta = {"generator": "test/golden/gen_golden.py", "torch": torch.__version__.split("a")[0]}
    write("mse_loss.json", {"loss": "MSELoss", **meta}, mse_cases())
    write("l1_loss.json", {"loss": "L1Loss", **meta}, l1_cases())
    write("cross_entropy_loss.json", {"loss": "CrossEntropyLoss", **meta}, ce_cases())
    write("bce_loss.json", {"loss": "BCELoss", **meta}, bce_cases())
    write("bce_with_logits_loss.json", {"loss": "BCEWithLogitsLoss", **meta}, bce_logits_cases())
    write("custom_loss.json", {"loss": "CustomLoss", **meta}, custom_loss_cases())
    write("nll_loss.json", {"loss": "NLLLoss", **meta}, nll_cases())
    write("kl_div_loss.json", {"loss": "KLDivLoss", **meta}, kl_div_cases())
    write("huber_loss.json", {"loss": "HuberLoss", **meta}, huber_cases())
    write("smooth_l1_loss.json", {"loss": "SmoothL1Loss", **meta}, smooth_l1_cases())
    write("poisson_nll_loss.json", {"loss": "PoissonNLLLoss", **meta}, poisson_cases())
    write("gaussian_nll_loss.json", {"loss": "GaussianNLLLoss", **meta}, gaussian_cases())
    write("soft_margin_loss.json", {"loss": "SoftMarginLoss", **meta}, soft_margin_cases())
    write("hinge_embedding_loss.json", {"loss": "HingeEmbeddingLoss", **meta}, hinge_cases())
    write("margin_ranking_loss.json", {"loss": "MarginRankingLoss", **meta}, margin_ranking_cases())
    write("sigmoid_focal_loss.json", {"loss": "SigmoidFocalLoss", **meta}, focal_cases())
    write("cosine_embedding_loss.json", {"loss": "CosineEmbeddingLoss", **meta}, cosine_embedding_cases())
    write("multilabel_soft_margin_loss.json", {"loss": "MultiLabelSoftMarginLoss", **meta}, multilabel_soft_margin_cases())
    write("multi_margin_loss.json", {"loss": "MultiMarginLoss", **meta}, multi_margin_cases())
    write("multilabel_margin_loss.json", {"loss": "MultiLabelMarginLoss", **meta}, multilabel_margin_cases())
    write("triplet_margin_loss.json", {"loss": "TripletMarginLoss", **meta}, triplet_cases())
    write("ctc_loss.json", {"loss": "CTCLoss", **meta}, ctc_cases())
    write("triplet_margin_with_distance_loss.json", {"loss": "TripletMarginWithDistanceLoss", **meta}, triplet_distance_cases())
    write("tensor_ops.json", {**meta}, tensor_op_cases())


if __name__ == "__main__":
    main()
