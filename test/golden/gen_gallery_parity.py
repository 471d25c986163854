"""Parity fixture of the gallery examples from PyTorch 1.13.

Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 test/golden/gen_gallery_parity.py

For each example (binary, multilabel, reconstruction, segmentation) it
imports the PyTorch twin (examples/<task>_pytorch.py: data, model, runs,
batch order), gives the model initial weights both languages compute from
the shared LCG (`parity_weights` below; test/training/gallery_parity.test.ts
repeats it), and records the loss of each of the first 50 steps of every run
(a run per loss: binary has two, reconstruction three) in
test/golden/gallery_parity.json, with a sample of the shared LCG's numbers.
"""
import importlib
import json
import math
import os
import sys

import torch

ROOT = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(ROOT, "..", "..", "examples")
sys.path.insert(0, EXAMPLES)
sys.path.insert(0, os.path.join(EXAMPLES, "lib"))
import twin  # noqa: E402

TASKS = ["binary", "multilabel", "reconstruction", "segmentation"]
STEPS = 50


def parity_weights(model, seed):
    """Every parameter, by name in sorted order, U(−b, b) from the LCG: b = 1/√in for (out, in) weights, 0.05 for biases."""
    state = {}
    for k, (name, p) in enumerate(sorted(model.state_dict().items())):
        bound = 1 / math.sqrt(p.shape[1]) if p.dim() == 2 else 0.05
        u = torch.tensor(twin.random_uniform(p.numel(), 100 * seed + k), dtype=torch.float64)
        state[name] = ((2 * u - 1) * bound).float().view(p.shape)
    return state


def main():
    torch.set_num_threads(1)
    out = {"generator": "test/golden/gen_gallery_parity.py", "torch": torch.__version__, "steps": STEPS, "tasks": {},
           # twin.py's seeded numbers, which examples/lib/shuffle.ts must reproduce exactly
           "lcg": {"permutation": twin.permutation(50, 1001), "randomInts": twin.random_ints(20, 9, 40),
                   "randomUniform": twin.random_uniform(5, 100)}}
    for name in TASKS:
        task = importlib.import_module(f"{name}_pytorch")
        train, _ = task.task_data()
        init = parity_weights(task.make_model(), task.TASK["seed"])
        runs = []
        for run in task.make_runs(init):
            losses = twin.train_steps(run, twin.epoch_batches(train, task.TASK, 0), STEPS)
            runs.append({"name": run.name, "losses": losses})
            print(f"{name:15s} {run.name:22s} {losses[0]:.5f} → {losses[-1]:.5f}")
        out["tasks"][name] = {"runs": runs}
    with open(os.path.join(ROOT, "gallery_parity.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
