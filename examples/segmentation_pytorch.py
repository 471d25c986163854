"""examples/segmentation.ts in PyTorch: a class per pixel, CrossEntropyLoss on (N, 11, 28, 28) with class weights.

    npm run example:segmentation                        # writes examples/output/segmentation_init.safetensors
    /usr/bin/python3 examples/segmentation_pytorch.py    # the same run in PyTorch 1.13

Same canvases (examples/lib/canvas.ts), split, batch order, initial weights and
hyperparameters (examples/lib/twin.py).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import twin  # noqa: E402

TASK = {"name": "segmentation", "seed": 4, "batch_size": 64, "epochs": 5, "lr": 1e-3, "hidden": 128,
        "background_weight": 0.25, "clip_norm": 1.0}
SIDE, MAX_SHIFT, IGNORE, BACKGROUND_BELOW, INK_FROM, CLASSES = 28, 4, -100, 0.1, 0.5, 11


def place_digits(images, labels, seed):
    """Each digit shifted by (dx, dy) ∈ [−4, 4]², and its mask (examples/lib/canvas.ts)."""
    n = len(labels)
    shifts = np.asarray(twin.random_ints(2 * n, 2 * MAX_SHIFT + 1, seed)).reshape(n, 2) - MAX_SHIFT
    src = images.reshape(n, SIDE, SIDE)
    out = np.zeros_like(src)
    for k, (dx, dy) in enumerate(shifts):
        ys, yd = (slice(0, SIDE - dy), slice(dy, SIDE)) if dy >= 0 else (slice(-dy, SIDE), slice(0, SIDE + dy))
        xs, xd = (slice(0, SIDE - dx), slice(dx, SIDE)) if dx >= 0 else (slice(-dx, SIDE), slice(0, SIDE + dx))
        out[k, yd, xd] = src[k, ys, xs]
    masks = np.where(out < BACKGROUND_BELOW, 0, np.where(out >= INK_FROM, 1 + labels[:, None, None], IGNORE))
    return torch.from_numpy(out[:, None]), torch.from_numpy(masks.astype(np.int64))


def task_data():
    (train_x, train_y), (test_x, test_y) = twin.split_digits(*twin.load_digits())
    return place_digits(train_x, train_y, 10 * TASK["seed"]), place_digits(test_x, test_y, 10 * TASK["seed"] + 1)


class SegNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = torch.nn.Flatten()
        self.fc1 = torch.nn.Linear(SIDE * SIDE, TASK["hidden"])
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(TASK["hidden"], CLASSES * SIDE * SIDE)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(self.flatten(x)))).view(x.shape[0], CLASSES, SIDE, SIDE)


def make_model():
    return SegNet()


def make_runs(init):
    model = make_model()
    model.load_state_dict(init)
    weight = torch.tensor([TASK["background_weight"]] + [1.0] * (CLASSES - 1))
    criterion = torch.nn.CrossEntropyLoss(weight=weight, ignore_index=IGNORE)
    optimizer = torch.optim.Adam(model.parameters(), lr=TASK["lr"])
    return [twin.Run("CrossEntropyLoss", model, criterion, optimizer, clip_norm=TASK["clip_norm"])]


def main():
    torch.set_num_threads(1)
    train, (test_x, test_y) = task_data()
    print(f"PyTorch {torch.__version__}; {len(train[0])} training canvases, {len(test_x)} held out")
    (run,) = make_runs(twin.initial_state(TASK["name"]))
    twin.train_epochs(run, lambda e: twin.epoch_batches(train, TASK, e), TASK["epochs"])
    with torch.no_grad():
        predicted = run.model(test_x).argmax(1).numpy()
    counts = twin.confusion(predicted.ravel(), test_y.numpy().ravel(), CLASSES, IGNORE)
    print(f"\nheld-out canvases: pixel accuracy {twin.percent(twin.pixel_accuracy(counts))}, "
          f"mean IoU {twin.percent(twin.mean_iou(counts))} (11 classes, rim pixels ignored)")


if __name__ == "__main__":
    main()
