"""Golden values of the training utilities from PyTorch 1.13.

Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 test/golden/gen_training_utils.py

Writes test/golden/training_utils.json:
  schedulers  the learning rate of every parameter group after the
              constructor and after each step() of StepLR and
              CosineAnnealingLR (get_last_lr()), for several settings; a
              case that halves lr by hand mid-way checks the recursive form;
  clip        gradients (float32, as lists), the norm clip_grad_norm_
              returns and the gradients after it, for norm 2 and inf;
  flatten     output shapes of torch.nn.Flatten(start_dim, end_dim).
Dropout has no fixture: its random stream is not PyTorch's (see
test/nn/dropout.test.ts).
"""
import json
import os

import torch

ROOT = os.path.dirname(os.path.abspath(__file__))


def params(n):
    return [torch.nn.Parameter(torch.zeros(2)) for _ in range(n)]


def scheduler_case(name, make_opt, make_sched, steps, halve_at=None):
    opt = make_opt()
    sched = make_sched(opt)
    lrs = [sched.get_last_lr()]
    group_lrs = [[g["lr"] for g in opt.param_groups]]
    for s in range(steps):
        opt.step()
        if halve_at is not None and s == halve_at:
            for g in opt.param_groups:
                g["lr"] *= 0.5
        sched.step()
        lrs.append(sched.get_last_lr())
        group_lrs.append([g["lr"] for g in opt.param_groups])
    return {"name": name, "steps": steps, "halveAt": halve_at, "lastLr": lrs, "groupLr": group_lrs,
            "lastEpoch": sched.last_epoch}


def schedulers():
    sgd2 = lambda: torch.optim.SGD([{"params": params(1)}, {"params": params(1), "lr": 0.05}], lr=0.1)
    adam = lambda: torch.optim.Adam(params(1), lr=1e-3)
    sl = torch.optim.lr_scheduler
    return [
        dict(scheduler_case("StepLR", sgd2, lambda o: sl.StepLR(o, 3, gamma=0.5), 12), kind="StepLR",
             optimizer="SGD", lrs=[0.1, 0.05], args=[3], opts={"gamma": 0.5}),
        dict(scheduler_case("StepLR", adam, lambda o: sl.StepLR(o, 2), 7), kind="StepLR",
             optimizer="Adam", lrs=[1e-3], args=[2], opts={}),
        dict(scheduler_case("CosineAnnealingLR", sgd2, lambda o: sl.CosineAnnealingLR(o, 5, eta_min=0.01), 23),
             kind="CosineAnnealingLR", optimizer="SGD", lrs=[0.1, 0.05], args=[5], opts={"etaMin": 0.01}),
        dict(scheduler_case("CosineAnnealingLR", adam, lambda o: sl.CosineAnnealingLR(o, 10), 12),
             kind="CosineAnnealingLR", optimizer="Adam", lrs=[1e-3], args=[10], opts={}),
        dict(scheduler_case("CosineAnnealingLR", adam, lambda o: sl.CosineAnnealingLR(o, 4, eta_min=1e-4), 10, halve_at=2),
             kind="CosineAnnealingLR", optimizer="Adam", lrs=[1e-3], args=[4], opts={"etaMin": 1e-4}),
        dict(scheduler_case("StepLR", sgd2, lambda o: sl.StepLR(o, 2, gamma=0.3), 6, halve_at=2), kind="StepLR",
             optimizer="SGD", lrs=[0.1, 0.05], args=[2], opts={"gamma": 0.3}),
    ]


def clip():
    g = torch.Generator().manual_seed(4)
    shapes = [[3, 4], [5], [2, 2, 2], [7]]
    cases = []
    for max_norm, norm_type, scale in [(1.0, 2, 1.0), (0.5, float("inf"), 1.0), (100.0, 2, 1.0), (2.0, 2, 30.0),
                                       (0.25, float("inf"), 10.0)]:
        ps = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
        for p in ps[:3]:  # the last parameter has no gradient: skipped
            p.grad = (torch.randn(p.shape, generator=g) * scale).float()
        before = [p.grad.flatten().tolist() for p in ps[:3]]
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        cases.append({
            "shapes": shapes, "maxNorm": max_norm, "normType": "inf" if norm_type == float("inf") else norm_type,
            "grads": before, "total": total.item(), "after": [p.grad.flatten().tolist() for p in ps[:3]],
        })
    return cases


def flatten():
    cases = []
    for shape, start, end in [([2, 3, 4, 5], 1, -1), ([2, 3, 4, 5], 0, 2), ([2, 3, 4, 5], -3, -2),
                              ([2, 3, 4, 5], 2, 2), ([6], 0, -1), ([], 0, -1), ([4, 0, 3], 1, -1), ([2, 3], -1, -1)]:
        y = torch.nn.Flatten(start, end)(torch.zeros(shape))
        cases.append({"shape": shape, "startDim": start, "endDim": end, "out": list(y.shape)})
    return cases


def main():
    out = {"generator": "test/golden/gen_training_utils.py", "torch": torch.__version__,
           "schedulers": schedulers(), "clip": clip(), "flatten": flatten()}
    with open(os.path.join(ROOT, "training_utils.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", os.path.join(ROOT, "training_utils.json"))


if __name__ == "__main__":
    main()
