#!/usr/bin/python3
"""Expected values for the platform checks (test/platforms/checks.ts).

Run: /usr/bin/python3 test/platforms/gen_expected.py   (rewrites expected.json)

The same numbers are checked against the built bundle in Node, in Node with
WebAssembly SIMD disabled, in Deno and in Chromium, so this file is small: the
documentation's loss examples and a few training steps of two small models.

Loss cases (the format of test/golden, so one reader serves both): inputs are
drawn in float32 with fixed seeds and stored as exact float32 values; output
and inputGrad are float64 answers from those values (inputGrad is the gradient
of the output, or of its sum for "none"). "custom" marks the documentation's
custom loss, mean((input - target)^2), written with Tensor ops.

Training cases: initial weights (PyTorch key names), one fixed batch, the
optimizer, and the loss before each step, all in float32 as PyTorch trains.
"""
import json
import os

import numpy as np
import torch
import torch.nn as tnn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [float(np.float32(v)) if t.dtype == torch.float32 else float(v)
                                             for v in t.reshape(-1).tolist()]}


def randn(shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def loss_case(name, fn, options, inp, target, transform=None):
    x = inp.double().requires_grad_(True)
    y = fn(torch.sigmoid(x) if transform == "sigmoid" else x, target.double())
    (y.sum() if y.dim() > 0 else y).backward()
    case = {"name": name, "options": options, "input": enc(inp), "target": enc(target),
            "output": enc(y), "inputGrad": enc(x.grad)}
    if transform:
        case["inputTransform"] = transform
    return case


def loss_cases():
    cases = []
    x, t = randn([3, 5], 1), randn([3, 5], 2)
    cases.append(loss_case("MSELoss", F.mse_loss, {"loss": "MSELoss"}, x, t))
    x, t = randn([3, 5], 3), randn([3, 5], 4)
    cases.append(loss_case("L1Loss (sum)", lambda a, b: F.l1_loss(a, b, reduction="sum"),
                           {"loss": "L1Loss", "reduction": "sum"}, x, t))
    x = randn([3, 5], 5)
    cases.append(loss_case("CrossEntropyLoss (indices)", lambda a, b: F.cross_entropy(a, b.long()),
                           {"loss": "CrossEntropyLoss"}, x, torch.tensor([0.0, 1.0, 2.0])))
    x, p = randn([3, 5], 6), randn([3, 5], 7).softmax(1)
    cases.append(loss_case("CrossEntropyLoss (probabilities, labelSmoothing 0.1)",
                           lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1),
                           {"loss": "CrossEntropyLoss", "labelSmoothing": 0.1}, x, p))
    x = randn([2, 3, 4, 4], 8)
    seg = torch.tensor([255.0 if i % 7 == 0 else float(i % 3) for i in range(32)]).reshape(2, 4, 4)
    w = torch.tensor([0.2, 1.0, 2.0])
    cases.append(loss_case("CrossEntropyLoss (segmentation, weight, ignoreIndex 255)",
                           lambda a, b: F.cross_entropy(a, b.long(), weight=w.double(), ignore_index=255),
                           {"loss": "CrossEntropyLoss", "weight": enc(w), "ignoreIndex": 255}, x, seg))
    x = randn([3], 9)
    cases.append(loss_case("BCELoss (sigmoid of logits)", F.binary_cross_entropy, {"loss": "BCELoss"},
                           x, torch.tensor([0.0, 1.0, 1.0]), transform="sigmoid"))
    pw = torch.ones(64)
    cases.append(loss_case("BCEWithLogitsLoss (posWeight, 10x64)",
                           lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw.double()),
                           {"loss": "BCEWithLogitsLoss", "posWeight": enc(pw)},
                           torch.full([10, 64], 1.5), torch.ones(10, 64)))
    x, t = randn([4, 3], 10), (torch.rand(4, 3, generator=torch.Generator().manual_seed(11)) > 0.5).float()
    cases.append(loss_case("BCEWithLogitsLoss (none)", lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"),
                           {"loss": "BCEWithLogitsLoss", "reduction": "none"}, x, t))
    x, t = randn([3, 5], 12), randn([3, 5], 13)
    cases.append(loss_case("CustomLoss (Tensor ops)", lambda a, b: (a - b).pow(2).mean(), {"loss": "custom"}, x, t))
    return cases


def train_case(name, sizes, loss, optimizer, x, y, steps):
    torch.manual_seed(100 + len(name))
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(tnn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(tnn.ReLU())
    model = tnn.Sequential(*layers)
    weights = {k: enc(v) for k, v in model.state_dict().items()}
    criterion = tnn.CrossEntropyLoss() if loss == "CrossEntropyLoss" else tnn.MSELoss()
    kind, opts = optimizer
    opt = (torch.optim.Adam(model.parameters(), lr=opts["lr"]) if kind == "Adam"
           else torch.optim.SGD(model.parameters(), lr=opts["lr"], momentum=opts["momentum"]))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        out = criterion(model(x), y.long() if loss == "CrossEntropyLoss" else y)
        losses.append(out.item())
        out.backward()
        opt.step()
    return {"name": name, "sizes": sizes, "loss": loss, "optimizer": kind, "optimizerOptions": opts,
            "weights": weights, "x": enc(x), "y": enc(y), "losses": losses}


def train_cases():
    g = torch.Generator().manual_seed(20)
    x = torch.randn(8, 12, generator=g)
    y = torch.tensor([0.0, 1, 2, 3, 3, 2, 1, 0])
    classifier = train_case("classifier 12-16-4, CrossEntropyLoss, Adam", [12, 16, 4], "CrossEntropyLoss",
                            ("Adam", {"lr": 0.01}), x, y, 6)
    x = torch.randn(10, 6, generator=g)
    y = x[:, :1] * 0.5 - x[:, 1:2] + 0.25
    regressor = train_case("regressor 6-8-1, MSELoss, SGD momentum", [6, 8, 1], "MSELoss",
                           ("SGD", {"lr": 0.05, "momentum": 0.9}), x, y, 6)
    return [classifier, regressor]


def main():
    out = {"generator": "test/platforms/gen_expected.py", "torch": torch.__version__,
           "losses": loss_cases(), "training": train_cases()}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
