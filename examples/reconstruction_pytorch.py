"""examples/reconstruction.ts in PyTorch: an autoencoder 784 → 32 → 784 trained with MSELoss, L1Loss and BCELoss.

    npm run example:reconstruction                        # writes examples/output/reconstruction_init.safetensors
    /usr/bin/python3 examples/reconstruction_pytorch.py    # the same three runs in PyTorch 1.13

Same split, batch order, initial weights and hyperparameters (examples/lib/twin.py).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import twin  # noqa: E402

TASK = {"name": "reconstruction", "seed": 3, "batch_size": 64, "epochs": 15, "lr": 2e-3, "code": 32}


def task_data():
    (train_x, _), (test_x, _) = twin.split_digits(*twin.load_digits())
    train, test = torch.from_numpy(train_x), torch.from_numpy(test_x)
    return (train, train), (test, test)


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(784, TASK["code"]), torch.nn.ReLU(), torch.nn.Linear(TASK["code"], 784),
                               torch.nn.Sigmoid())


def make_runs(init):
    runs = []
    for criterion in [torch.nn.MSELoss(), torch.nn.L1Loss(), torch.nn.BCELoss()]:
        model = make_model()
        model.load_state_dict(init)
        optimizer = torch.optim.Adam(model.parameters(), lr=TASK["lr"])
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, TASK["epochs"])
        runs.append(twin.Run(type(criterion).__name__, model, criterion, optimizer, scheduler))
    return runs


def main():
    torch.set_num_threads(1)
    train, (test_x, _) = task_data()
    print(f"PyTorch {torch.__version__}; {len(train[0])} training digits, {len(test_x)} held out")
    results = []
    for run in make_runs(twin.initial_state(TASK["name"])):
        twin.train_epochs(run, lambda e: twin.epoch_batches(train, TASK, e), TASK["epochs"])
        with torch.no_grad():
            out = run.model(test_x)
        mse = torch.nn.functional.mse_loss(out, test_x).item()
        mae = torch.nn.functional.l1_loss(out, test_x).item()
        results.append(f"{run.name:10s} held-out MSE {mse:.4f}  MAE {mae:.4f}")
    print("\nheld-out digits:\n" + "\n".join(results))


if __name__ == "__main__":
    main()
