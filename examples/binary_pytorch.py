"""examples/binary.ts in PyTorch: "is it a 7?" with BCEWithLogitsLoss, without and with pos_weight.

    npm run example:binary                          # writes examples/output/binary_init.safetensors
    /usr/bin/python3 examples/binary_pytorch.py      # the same two runs in PyTorch 1.13

Same split, batch order, initial weights and hyperparameters (examples/lib/twin.py).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import twin  # noqa: E402

TASK = {"name": "binary", "seed": 1, "batch_size": 64, "epochs": 3, "lr": 1e-3, "positive": 7, "pos_weight": 9.0}


def task_data():
    (train_x, train_y), (test_x, test_y) = twin.split_digits(*twin.load_digits())
    target = lambda y: torch.from_numpy((y == TASK["positive"]).astype("float32")).view(-1, 1)
    return (torch.from_numpy(train_x), target(train_y)), (torch.from_numpy(test_x), target(test_y))


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(784, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))


def make_runs(init):
    def run(name, criterion):
        model = make_model()
        model.load_state_dict(init)
        return twin.Run(name, model, criterion, torch.optim.Adam(model.parameters(), lr=TASK["lr"]))
    return [
        run("BCEWithLogitsLoss", torch.nn.BCEWithLogitsLoss()),
        run(f"posWeight {TASK['pos_weight']:g}", torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([TASK["pos_weight"]]))),
    ]


def main():
    torch.set_num_threads(1)
    train, (test_x, test_y) = task_data()
    print(f"PyTorch {torch.__version__}; {len(train[0])} training digits, {len(test_x)} held out")
    results = []
    for run in make_runs(twin.initial_state(TASK["name"])):
        twin.train_epochs(run, lambda e: twin.epoch_batches(train, TASK, e), TASK["epochs"])
        with torch.no_grad():
            predicted = (run.model(test_x) > 0).view(-1).numpy()
        s = twin.binary_scores(predicted, test_y.view(-1).numpy() == 1)
        results.append(f"{run.name:22s} precision {twin.percent(s['precision'])}  recall {twin.percent(s['recall'])}  "
                       f"F1 {twin.percent(s['f1'])}  ({s['tp']} found, {s['fn']} missed, {s['fp']} false alarms)")
    print(f"\nheld-out digits, positive class \"{TASK['positive']}\":\n" + "\n".join(results))


if __name__ == "__main__":
    main()
