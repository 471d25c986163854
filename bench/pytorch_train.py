"""PyTorch's native CPU speed on the documentation's classifier, the
reference row of the training-throughput table: 784 -> 128 -> ReLU -> 10,
CrossEntropyLoss, Adam(lr=1e-3), batch 64, synthetic data. Two loops:
"loader" is the documentation's (a shuffling DataLoader over a
TensorDataset, the same step the TypeScript benchmark times), "sliced"
takes batches as tensor slices (PyTorch without its per-sample DataLoader
cost). Each at 1 and 2 threads. Prints one JSON line.
Usage: python3 bench/pytorch_train.py [seconds per measurement]
"""
import json
import sys
import time

import torch
from torch import nn

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
BATCH = 64
SAMPLES = 64 * BATCH


def samples_per_sec(loop, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.rand(SAMPLES, 784)
    y = torch.randint(0, 10, (SAMPLES,))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=BATCH, shuffle=True)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def batches():
        while True:
            if loop == "loader":
                yield from loader
            else:
                order = torch.randperm(SAMPLES)
                for b in range(0, SAMPLES, BATCH):
                    idx = order[b : b + BATCH]
                    yield x[idx], y[idx]

    stream = batches()

    def steps(budget):
        count = 0
        start = time.perf_counter()
        while time.perf_counter() - start < budget:
            inputs, targets = next(stream)
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
            loss.item()
            count += 1
        return count * BATCH / (time.perf_counter() - start)

    steps(SECONDS / 4)  # warm-up
    rates = sorted(steps(SECONDS / 3) for _ in range(3))
    return rates[1]


results = [
    {"loop": loop, "threads": threads, "samplesPerSec": samples_per_sec(loop, threads)}
    for loop in ("loader", "sliced")
    for threads in (1, 2)
]
print(json.dumps({"torch": torch.__version__, "results": results}))
