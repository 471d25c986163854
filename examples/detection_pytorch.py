"""examples/detection.ts in PyTorch: focal + SmoothL1 + cross entropy per cell of a 2×2 grid.

    npm run example:detection                        # writes examples/output/detection_init.safetensors
    /usr/bin/python3 examples/detection_pytorch.py    # the same run in PyTorch 1.13

Same canvases (examples/lib/boxes.ts), split, batch order, initial weights and
hyperparameters (examples/lib/twin.py). PyTorch 1.13 has no focal loss of its
own: twin.sigmoid_focal_loss is torchvision's.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import twin  # noqa: E402

TASK = {"name": "detection", "seed": 6, "batch_size": 64, "epochs": 16, "lr": 1e-3, "hidden": 256, "beta": 1 / 9}
CANVAS, CELL, GRID, CELLS, TARGET, MAX_SHIFT, INK, IGNORE, CLASSES, DRAWS = 56, 28, 2, 4, 6, 4, 0.1, -100, 10, 8
OUT = 1 + 4 + CLASSES


def place_scenes(images, labels, seed):
    """One or two digits per canvas in distinct cells, and each cell's target (examples/lib/boxes.ts's placeScenes)."""
    count = len(labels)
    u = twin.random_uniform(DRAWS * count, seed)
    pick = lambda n, k, m: int(u[DRAWS * n + k] * m)
    src = images.reshape(count, CELL, CELL)
    canvases = np.zeros((count, CANVAS, CANVAS), dtype=np.float32)
    targets = np.zeros((count, CELLS, TARGET), dtype=np.float32)
    targets[:, :, 5] = IGNORE
    for n in range(count):
        cell_a = pick(n, 1, CELLS)
        placed = [(n, cell_a, pick(n, 3, 9) - MAX_SHIFT, pick(n, 4, 9) - MAX_SHIFT)]
        if u[DRAWS * n] < 0.5:
            cell = (cell_a + 1 + pick(n, 2, CELLS - 1)) % CELLS
            placed.append((pick(n, 7, count), cell, pick(n, 5, 9) - MAX_SHIFT, pick(n, 6, 9) - MAX_SHIFT))
        for digit, cell, dx, dy in placed:
            cell_x, cell_y = (cell % GRID) * CELL, (cell // GRID) * CELL
            ox, oy = cell_x + dx, cell_y + dy
            x0, y0, x1, y1 = max(ox, 0), max(oy, 0), min(ox + CELL, CANVAS), min(oy + CELL, CANVAS)
            patch = src[digit, y0 - oy:y1 - oy, x0 - ox:x1 - ox]
            canvases[n, y0:y1, x0:x1] = np.maximum(canvases[n, y0:y1, x0:x1], patch)
            ys, xs = np.nonzero(patch >= INK)
            bx0, bx1, by0, by1 = x0 + xs.min(), x0 + xs.max() + 1, y0 + ys.min(), y0 + ys.max() + 1
            targets[n, cell] = [1, ((bx0 + bx1) / 2 - cell_x) / CELL, ((by0 + by1) / 2 - cell_y) / CELL,
                                (bx1 - bx0) / CELL, (by1 - by0) / CELL, labels[digit]]
    return torch.from_numpy(canvases.reshape(count, -1)), torch.from_numpy(targets)


def task_data():
    (train_x, train_y), (test_x, test_y) = twin.split_digits(*twin.load_digits())
    return place_scenes(train_x, train_y, 10 * TASK["seed"]), place_scenes(test_x, test_y, 10 * TASK["seed"] + 1)


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(CANVAS * CANVAS, TASK["hidden"]), torch.nn.ReLU(),
                               torch.nn.Linear(TASK["hidden"], CELLS * OUT))


def detection_criterion(output, target):
    n = output.shape[0]
    out = output.view(n, CELLS, OUT)
    present = target[:, :, 0:1]
    obj = twin.sigmoid_focal_loss(out[:, :, 0:1], present)
    box = torch.nn.functional.smooth_l1_loss(out[:, :, 1:5] * present, target[:, :, 1:5], beta=TASK["beta"],
                                             reduction="sum") / (present.sum() * 4)
    cls = torch.nn.functional.cross_entropy(out[:, :, 5:].reshape(n * CELLS, CLASSES),
                                            target[:, :, 5].reshape(n * CELLS).long(), ignore_index=IGNORE)
    return obj + box + cls


def make_runs(init):
    return [twin.adam_run("focal + SmoothL1 + CE", detection_criterion, make_model, init, TASK["lr"])]


def cell_box(cell, b):
    cell_x, cell_y = (cell % GRID) * CELL, (cell // GRID) * CELL
    cx, cy, w, h = (float(v) for v in b)
    return cell_x + (cx - w / 2) * CELL, cell_y + (cy - h / 2) * CELL, cell_x + (cx + w / 2) * CELL, cell_y + (cy + h / 2) * CELL


def iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = lambda r: max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])
    union = area(a) + area(b) - w * h
    return w * h / union if union > 0 else 0.0


def main():
    torch.set_num_threads(1)
    train, (test_x, test_y) = task_data()
    print(f"PyTorch {torch.__version__}; {len(train[0])} training canvases, {len(test_x)} held out")
    (run,) = make_runs(twin.initial_state(TASK["name"]))
    twin.train_epochs(run, lambda e: twin.epoch_batches(train, TASK, e), TASK["epochs"])
    with torch.no_grad():
        out = run.model(test_x).view(-1, OUT).numpy()
    t = test_y.view(-1, TARGET).numpy()
    cells_right = float(((out[:, 0] > 0) == (t[:, 0] == 1)).mean())
    objects = np.nonzero(t[:, 0] == 1)[0]
    ious = [iou(cell_box(c % CELLS, out[c, 1:5]), cell_box(c % CELLS, t[c, 1:5])) for c in objects]
    class_right = float((out[objects, 5:].argmax(1) == t[objects, 5]).mean())
    print(f"\nheld-out canvases: mean IoU {twin.percent(float(np.mean(ious)))}, class accuracy {twin.percent(class_right)}, "
          f"objectness right for {twin.percent(cells_right)} of the cells")


if __name__ == "__main__":
    main()
