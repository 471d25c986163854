"""examples/regression.ts in PyTorch: iris petal width with 10% corrupted training targets, per loss.

    npm run example:regression                          # writes examples/output/regression_init.safetensors
    /usr/bin/python3 examples/regression_pytorch.py      # the same four runs in PyTorch 1.13

Same split, standardisation, corrupted targets, batch order, initial weights
and hyperparameters (examples/lib/twin.py).
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import twin  # noqa: E402

TASK = {"name": "regression", "seed": 5, "batch_size": 10, "epochs": 100, "lr": 1e-2, "hidden": 16, "train_count": 100,
        "corrupted": 0.1, "outlier_from": 4.0, "outlier_span": 4.0, "delta": 1.0, "beta": 0.1}


def task_data():
    """(inputs, targets) of the training flowers (some targets corrupted) and of the held-out ones (regression.ts's taskData)."""
    iris = twin.load_iris()
    order = twin.permutation(len(iris), TASK["seed"])
    train_idx, test_idx = order[:TASK["train_count"]], order[TASK["train_count"]:]
    stats = []
    for j in range(3):
        total = 0.0
        for i in train_idx:
            total += iris[i][j]
        mean = total / len(train_idx)
        sq = 0.0
        for i in train_idx:
            sq += (iris[i][j] - mean) ** 2
        stats.append((mean, math.sqrt(sq / len(train_idx))))

    def samples(idx):
        x = torch.tensor([[(iris[i][j] - m) / s for j, (m, s) in enumerate(stats)] for i in idx], dtype=torch.float32)
        return x, [iris[i][3] for i in idx]

    train_x, train_y = samples(train_idx)
    corrupted = twin.permutation(TASK["train_count"], 100 * TASK["seed"] + 1)[:round(TASK["corrupted"] * TASK["train_count"])]
    for i, u in zip(corrupted, twin.random_uniform(len(corrupted), 100 * TASK["seed"] + 2)):
        train_y[i] = TASK["outlier_from"] + TASK["outlier_span"] * u
    test_x, test_y = samples(test_idx)
    column = lambda y: torch.tensor(y, dtype=torch.float32).view(-1, 1)
    return (train_x, column(train_y)), (test_x, column(test_y))


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(3, TASK["hidden"]), torch.nn.ReLU(), torch.nn.Linear(TASK["hidden"], 1))


def make_runs(init):
    def run(name, criterion):
        return twin.adam_run(name, criterion, make_model, init, TASK["lr"])
    return [
        run("MSELoss", torch.nn.MSELoss()),
        run("L1Loss", torch.nn.L1Loss()),
        run(f"HuberLoss δ={TASK['delta']:g}", torch.nn.HuberLoss(delta=TASK["delta"])),
        run(f"SmoothL1Loss β={TASK['beta']:g}", torch.nn.SmoothL1Loss(beta=TASK["beta"])),
    ]


def main():
    torch.set_num_threads(1)
    train, (test_x, test_y) = task_data()
    print(f"PyTorch {torch.__version__}; {len(train[0])} training flowers, {len(test_x)} held out")
    results = []
    for run in make_runs(twin.initial_state(TASK["name"])):
        twin.train_epochs(run, lambda e: twin.epoch_batches(train, TASK, e), TASK["epochs"])
        with torch.no_grad():
            predicted = run.model(test_x)
        mae = (predicted - test_y).abs().mean().item()
        rmse = math.sqrt(((predicted - test_y) ** 2).mean().item())
        results.append(f"{run.name:20s} held-out MAE {mae:.3f} cm  RMSE {rmse:.3f} cm")
    print("\nheld-out flowers, petal width:\n" + "\n".join(results))


if __name__ == "__main__":
    main()
