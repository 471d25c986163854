#!/usr/bin/python3
"""PyTorch 1.13's NaN/Inf semantics and the audit's defect repros (issue 10).

Run: /usr/bin/python3 test/golden/gen_special.py   (rewrites test/golden/special_values.json)

Each case feeds exact float32 inputs (NaN, ±Inf, zero weights, empty
dimensions, …) to one Tensor op or loss and records PyTorch's output and the
gradient of output.sum() with respect to every input that requires grad,
computed in float64 like gen_golden.py (so a float32 overflow inside
PyTorch's own sums, e.g. class weights 3e38 + 3e38, does not show here:
neurenix sums in float64 too). Read by test/reliability/special_values.test.ts
and summarised in docs/nan-inf.md.

Case: name, kind ("op" | "loss"), op (Tensor method or loss class), args
(op arguments) or options (loss options, TypeScript names, weight/posWeight
as {shape, data}), inputs [{shape, data, grad: bool}], output,
grads [{shape, data} | null]. Non-finite numbers as "NaN"/"Infinity"/"-Infinity".
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_golden import enc, write  # noqa: E402

NAN, INF = math.nan, math.inf
SPECIAL = [NAN, INF, -INF, 0.0, 1.0, -1.0, 2.0]


def t32(values, shape=None):
    t = torch.tensor(values, dtype=torch.float32)
    return t.reshape(shape) if shape is not None else t


def case(kind, name, op, fn, inputs, grads, **extra):
    xs = [x.double().requires_grad_(g) for x, g in zip(inputs, grads)]
    out = fn(*xs)
    if any(grads) and out.requires_grad:
        out.sum().backward()
    return {
        "name": name,
        "kind": kind,
        "op": op,
        **extra,
        "inputs": [{**enc(x, True), "grad": g} for x, g in zip(inputs, grads)],
        "output": enc(out),
        "grads": [enc(x.grad) if g and x.grad is not None else None for x, g in zip(xs, grads)],
    }


def op_cases():
    cases = []
    x = t32(SPECIAL)
    unary = {
        "neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt,
        "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    }
    for name, fn in unary.items():
        cases.append(case("op", f"{name} of NaN, ±Inf, 0, ±1, 2", name, fn, [x], [True], args={}))
    for p in (2.0, 0.5, -1.0, 0.0):
        cases.append(case("op", f"pow({p}) of specials", "pow", lambda a, p=p: a ** p, [x], [True], args={"exponent": p}))
    y = t32([1.0, NAN, INF, INF, -INF, 0.0, 3.0])
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for name, fn in binary.items():
        cases.append(case("op", f"{name} of specials", name, fn, [x, y], [True, True], args={}))
    row = t32([[1.0, NAN, 3.0], [1.0, INF, -INF], [-INF, -INF, 2.0]])
    cases.append(case("op", "sum with NaN/Inf", "sum", lambda a: a.sum(1), [row], [True], args={"dim": 1}))
    cases.append(case("op", "mean with NaN/Inf", "mean", lambda a: a.mean(1), [row], [True], args={"dim": 1}))
    # max: the gradient goes to the NaN (torch.max); no ties here, where
    # neurenix shares the gradient evenly (as amax) and torch.max(dim) picks one.
    cases.append(case("op", "max over a NaN", "max", lambda a: a.max(), [t32([1.0, NAN, 3.0])], [True], args={}))
    cases.append(case("op", "max(dim) with NaN and Inf rows", "max", lambda a: a.max(1)[0],
                      [t32([[1.0, NAN, 3.0], [1.0, INF, 2.0], [-INF, 0.5, 2.0]])], [True], args={"dim": 1}))
    for name, fn in {"logSoftmax": F.log_softmax, "softmax": F.softmax}.items():
        cases.append(case("op", f"{name} rows with NaN, +Inf, −Inf", name, lambda a, fn=fn: fn(a, dim=1),
                          [t32([[1.0, NAN, 3.0], [1.0, INF, 2.0], [-INF, 0.5, 2.0]])], [True], args={"dim": 1}))
    cases.append(case("op", "matmul with NaN and Inf", "matmul", torch.matmul,
                      [t32([[1.0, NAN], [INF, 0.0]]), t32([[1.0, 2.0], [0.0, 1.0]])], [True, True], args={}))
    return cases


def loss(name, op, fn, inputs, grads, options):
    return case("loss", name, op, fn, inputs, grads, options=options)


def packed(v):
    return enc(t32(v), True)


def loss_cases():
    cases = []
    R = ("none", "mean", "sum")
    # Element-wise losses: NaN/Inf in input and target.
    xi = t32([NAN, INF, -INF, 1.0, 0.5, 2.0])
    yi = t32([0.0, 1.0, 2.0, NAN, INF, -INF])
    for op, fn in {"MSELoss": F.mse_loss, "L1Loss": F.l1_loss}.items():
        for r in R:
            cases.append(loss(f"{op} NaN/Inf [{r}]", op, lambda a, b, fn=fn, r=r: fn(a, b, reduction=r),
                              [xi, yi], [True, False], {"reduction": r}))
    # BCELoss: input in [0, 1] (NaN input is rejected); targets may be anything.
    p = t32([0.0, 1.0, 0.0, 1.0, 0.5, 0.5])
    q = t32([0.0, 1.0, 1.0, 0.0, NAN, INF])
    for r in R:
        cases.append(loss(f"BCELoss at 0/1 and non-finite targets [{r}]", "BCELoss",
                          lambda a, b, r=r: F.binary_cross_entropy(a, b, reduction=r), [p, q], [True, False], {"reduction": r}))
    # BCEWithLogitsLoss: the audit's repros and every special logit/target.
    lx = t32([-INF, 0.5, INF, NAN, 1.0, -INF, INF, 0.0])
    ly = t32([1.0, INF, 0.0, 1.0, NAN, 0.0, 1.0, -INF])
    for r in R:
        cases.append(loss(f"BCEWithLogitsLoss non-finite logits/targets [{r}]", "BCEWithLogitsLoss",
                          lambda a, b, r=r: F.binary_cross_entropy_with_logits(a, b, reduction=r), [lx, ly], [True, False],
                          {"reduction": r}))
    pw = [INF, 1.0, NAN, 2.0]
    lx2, ly2 = t32([[0.5, -1.0, 2.0, 0.0]]), t32([[1.0, 1.0, 0.0, 1.0]])
    cases.append(loss("BCEWithLogitsLoss posWeight Inf/NaN [sum]", "BCEWithLogitsLoss",
                      lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=t32(pw).double(), reduction="sum"),
                      [lx2, ly2], [True, False], {"reduction": "sum", "posWeight": packed(pw)}))
    w = [[INF, 0.0, NAN, 1.0]]
    cases.append(loss("BCEWithLogitsLoss weight Inf/0/NaN [none]", "BCEWithLogitsLoss",
                      lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=t32(w).double(), reduction="none"),
                      [lx2, ly2], [True, False], {"reduction": "none", "weight": packed(w)}))

    # CrossEntropyLoss: the audit's repros.
    x = t32([[1.0, 2.0, 3.0, 0.5], [0.1, -1.0, 2.0, 3.0]])
    tgt = t32([1.0, 2.0])

    def ce(targets, r="mean", weight=None, ignore=-100, smoothing=0.0, probs=False):
        def fn(a, b):
            wt = None if weight is None else t32(weight).double()
            return F.cross_entropy(a, b if probs else b.long(), weight=wt, ignore_index=ignore,
                                   reduction=r, label_smoothing=smoothing)
        opts = {"reduction": r}
        if weight is not None:
            opts["weight"] = packed(weight)
        if ignore != -100:
            opts["ignoreIndex"] = ignore
        if smoothing:
            opts["labelSmoothing"] = smoothing
        return fn, opts

    def add(name, inp, targets, **kw):
        fn, opts = ce(targets, **kw)
        cases.append(loss(name, "CrossEntropyLoss", fn, [inp, targets], [True, kw.get("probs", False)], opts))

    for s in (0.0, 0.2):
        add(f"CE class weight NaN on an unused class, smoothing {s}", x, tgt, weight=[1, 1, 1, NAN], smoothing=s)
        add(f"CE class weight Inf on an unused class, smoothing {s}", x, tgt, weight=[1, 1, 1, INF], smoothing=s)
    # Targets of small weight: only W overflows (a target weight of 3e38
    # would overflow the float32 per-sample loss, in PyTorch too).
    add("CE class weights whose float32 sum overflows", x, t32([2.0, 3.0]), weight=[3e38, 3e38, 1, 1])
    add("CE ignoreIndex 2**32 + 1 (beyond int32) ignores nothing", x, tgt, ignore=2**32 + 1)
    add("CE ignoreIndex 2**32 with a target 2**32", x, t32([2.0**32, 2.0]), ignore=2**32)
    for s in (0.0, 0.3):
        add(f"CE zero total weight [mean], smoothing {s}", x, t32([0.0, 0.0]), weight=[0, 1, 1, 1], smoothing=s)
        add(f"CE zero total weight with an ignored target [mean], smoothing {s}", x, t32([0.0, -100.0]),
            weight=[0, 1, 1, 1], smoothing=s)
        add(f"CE every target ignored [mean], smoothing {s}", x, t32([-100.0, -100.0]), smoothing=s)
        add(f"CE every target ignored [sum], smoothing {s}", x, t32([-100.0, -100.0]), r="sum", smoothing=s)
    for r in R:
        add(f"CE C = 0 probability targets [{r}]", torch.zeros(3, 0), torch.zeros(3, 0), r=r, probs=True)
        add(f"CE C = 0 class indices, all ignored [{r}]", torch.zeros(2, 0), t32([-100.0, -100.0]), r=r)
        add(f"CE N = 0 [{r}]", torch.zeros(0, 4), torch.zeros(0), r=r)
    # NaN/Inf logits and probability targets.
    xs = t32([[NAN, 1.0, 2.0], [INF, 1.0, 2.0], [-INF, 1.0, 2.0], [1.0, 2.0, 3.0]])
    for r in R:
        add(f"CE NaN/+Inf/−Inf logits [{r}]", xs, t32([1.0, 1.0, 1.0, 0.0]), r=r)
        add(f"CE −Inf logit of the target, smoothing 0.1 [{r}]", xs, t32([1.0, 0.0, 0.0, 2.0]), r=r, smoothing=0.1)
    pt = t32([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5], [0.0, 0.5, 0.5], [NAN, 0.5, 0.5]])
    add("CE probability targets with NaN/Inf logits and targets [none]", xs, pt, r="none", probs=True)
    return cases


def main():
    cases = op_cases() + loss_cases()
    write("special_values.json",
          {"generator": "test/golden/gen_special.py", "torch": torch.__version__.split("a")[0]}, cases)
    print(f"special_values.json: {len(cases)} cases")


if __name__ == "__main__":
    main()
