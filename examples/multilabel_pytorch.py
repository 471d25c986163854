"""examples/multilabel.ts in PyTorch: five attributes per MNIST digit with BCEWithLogitsLoss.

    npm run example:multilabel                        # writes examples/output/multilabel_init.safetensors
    /usr/bin/python3 examples/multilabel_pytorch.py    # the same run in PyTorch 1.13

Same split, batch order, initial weights and hyperparameters (examples/lib/twin.py).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import twin  # noqa: E402

TASK = {"name": "multilabel", "seed": 2, "batch_size": 64, "epochs": 3, "lr": 1e-3}
LABELS = [("even", [0, 2, 4, 6, 8]), ("greater than 4", [5, 6, 7, 8, 9]), ("prime", [2, 3, 5, 7]),
          ("has a loop", [0, 6, 8, 9]), ("straight strokes only", [1, 4, 7])]


def targets(y):
    return torch.from_numpy(np.stack([np.isin(y, digits) for _, digits in LABELS], 1).astype("float32"))


def task_data():
    (train_x, train_y), (test_x, test_y) = twin.split_digits(*twin.load_digits())
    return (torch.from_numpy(train_x), targets(train_y)), (torch.from_numpy(test_x), targets(test_y))


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, len(LABELS)))


def make_runs(init):
    model = make_model()
    model.load_state_dict(init)
    return [twin.Run("BCEWithLogitsLoss", model, torch.nn.BCEWithLogitsLoss(), torch.optim.Adam(model.parameters(), lr=TASK["lr"]))]


def main():
    torch.set_num_threads(1)
    train, (test_x, test_y) = task_data()
    print(f"PyTorch {torch.__version__}; {len(train[0])} training digits, {len(test_x)} held out")
    (run,) = make_runs(twin.initial_state(TASK["name"]))
    twin.train_epochs(run, lambda e: twin.epoch_batches(train, TASK, e), TASK["epochs"])
    with torch.no_grad():
        predicted = (run.model(test_x) > 0).numpy()
    truth = test_y.numpy() > 0.5
    f1s = [twin.binary_scores(predicted[:, k], truth[:, k])["f1"] for k in range(len(LABELS))]
    lines = [f"{name:22s} F1 {twin.percent(f)}" for (name, _), f in zip(LABELS, f1s)]
    lines += [f"{'mean F1':22s} {twin.percent(sum(f1s) / len(f1s))}",
              f"{'all five right':22s} {twin.percent((predicted == truth).all(1).mean())}"]
    print("\nheld-out digits:\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
