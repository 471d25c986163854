"""PyTorch's CPU ctc_loss on issue 9's CTC workload, the reference the
TypeScript benchmark runs in the same process tree: log_probs (T=100, N=16,
C=30) from log_softmax of fixed logits, padded targets (16, 30) with target
lengths 20..30 and input lengths 80..100 (the same integers as
bench/workloads/more_losses.ts), reduction "mean", forward + backward of the
log_probs leaf. Median seconds per call at 1 and 2 threads. Prints one JSON line.
Usage: python3 bench/pytorch_ctc.py [seconds per measurement] [T N C S]
(the default shape is issue 9's; bench/workloads/ctc.ts's long one passes its own).
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
T, N, C, S = (int(v) for v in sys.argv[2:6]) if len(sys.argv) > 5 else (100, 16, 30, 30)


def workload():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(T, N, C, generator=g)
    log_probs = torch.log_softmax(logits, dim=2).detach().requires_grad_(True)
    targets = torch.randint(1, C, (N, S), generator=g)
    input_lengths = torch.tensor([T - (i % 21) for i in range(N)])
    target_lengths = torch.tensor([S - (i % 11) for i in range(N)])
    return log_probs, targets, input_lengths, target_lengths


def seconds_per_call(threads):
    torch.set_num_threads(threads)
    lp, t, il, tl = workload()

    def call():
        loss = F.ctc_loss(lp, t, il, tl, reduction="mean")
        loss.backward()
        lp.grad = None
        return loss.item()

    for _ in range(20):
        call()
    samples = []
    end = time.perf_counter() + SECONDS
    while time.perf_counter() < end or len(samples) < 5:
        start = time.perf_counter()
        reps = 0
        while time.perf_counter() - start < 0.05:
            call()
            reps += 1
        samples.append((time.perf_counter() - start) / reps)
    return statistics.median(samples), call()


results = []
for threads in (1, 2):
    s, loss = seconds_per_call(threads)
    results.append({"threads": threads, "seconds": s, "loss": loss})
print(json.dumps({"torch": torch.__version__, "results": results}))
