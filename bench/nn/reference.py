#!/usr/bin/python3
"""PyTorch side of bench/nn: training steps timed like workloads.ts.
Prints one JSON line {"workload": ..., "seconds": best-per-step}."""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def best_per_call(rounds, n, fn):
    for _ in range(n):
        fn()
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def mlp_adamw(rounds, n):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x, y = torch.randn(32, 32), torch.randint(0, 10, (32,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return best_per_call(rounds, n, step)


def conv_step(model, x, y, rounds):
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return best_per_call(rounds, 1, step)


def resnet18_small(rounds, batch):
    import torchvision
    torch.manual_seed(0)
    m = torchvision.models.resnet18(num_classes=10)
    m.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    m.maxpool = nn.Identity()
    return conv_step(m.train(), torch.randn(batch, 3, 32, 32), torch.randint(0, 10, (batch,)), rounds)


def mobilenet_v3_small(rounds, batch):
    import torchvision
    torch.manual_seed(0)
    m = torchvision.models.mobilenet_v3_small(num_classes=10)
    return conv_step(m.train(), torch.randn(batch, 3, 96, 96), torch.randint(0, 10, (batch,)), rounds)


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    args = [int(a) for a in sys.argv[3:]]
    fn = {"mlp-adamw": mlp_adamw, "resnet18": resnet18_small, "mobilenetv3-small": mobilenet_v3_small}.get(workload)
    if fn is None:
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, "seconds": fn(*args), "torch": torch.__version__}))
