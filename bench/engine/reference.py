#!/usr/bin/python3
"""PyTorch side of bench/engine: the same workloads as workloads.ts, timed the same way.
Prints one JSON line {"workload": ..., "seconds": best-per-iteration}."""
import json
import sys
import time

import torch
import torch.nn.functional as F


def op_add(rounds, n):
    a, b = torch.ones(4), torch.ones(4)
    for _ in range(n):
        torch.add(a, b)
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            torch.add(a, b)
        best = min(best, (time.perf_counter() - t) / n)
    return best


def resnet_params(width=64, classes=10):
    g = torch.Generator().manual_seed(0)
    params = {}

    def conv(name, cin, cout, k):
        params[name] = (torch.randn(cout, cin, k, k, generator=g) * (2.0 / (cin * k * k)) ** 0.5).requires_grad_()

    def bn(name, c):
        params[name + ".weight"] = torch.ones(c, requires_grad=True)
        params[name + ".bias"] = torch.zeros(c, requires_grad=True)

    conv("conv1", 3, width, 3)
    bn("bn1", width)
    cin = width
    for stage, mult in enumerate([1, 2, 4, 8]):
        cout = width * mult
        for block in range(2):
            p = f"layer{stage + 1}.{block}"
            stride = 2 if stage > 0 and block == 0 else 1
            conv(p + ".conv1", cin, cout, 3)
            bn(p + ".bn1", cout)
            conv(p + ".conv2", cout, cout, 3)
            bn(p + ".bn2", cout)
            if stride != 1 or cin != cout:
                conv(p + ".downsample", cin, cout, 1)
                bn(p + ".downsample.bn", cout)
            cin = cout
    params["fc.weight"] = (torch.randn(classes, cin, generator=g) * 0.01).requires_grad_()
    params["fc.bias"] = torch.zeros(classes, requires_grad=True)
    return params


def resnet_forward(P, x):
    def bnrelu(x, name, relu=True):
        y = F.batch_norm(x, None, None, P[name + ".weight"], P[name + ".bias"], training=True)
        return F.relu(y) if relu else y

    x = bnrelu(F.conv2d(x, P["conv1"], padding=1), "bn1")
    for stage in range(4):
        for block in range(2):
            p = f"layer{stage + 1}.{block}"
            stride = 2 if stage > 0 and block == 0 else 1
            out = bnrelu(F.conv2d(x, P[p + ".conv1"], stride=stride, padding=1), p + ".bn1")
            out = bnrelu(F.conv2d(out, P[p + ".conv2"], padding=1), p + ".bn2", relu=False)
            if p + ".downsample" in P:
                x = bnrelu(F.conv2d(x, P[p + ".downsample"], stride=stride), p + ".downsample.bn", relu=False)
            x = F.relu(out + x)
    x = F.adaptive_avg_pool2d(x, 1).flatten(1)
    return F.linear(x, P["fc.weight"], P["fc.bias"])


def resnet_step(rounds, batch):
    P = resnet_params()
    g = torch.Generator().manual_seed(1)
    x = torch.randn(batch, 3, 32, 32, generator=g)
    y = torch.randint(0, 10, (batch,), generator=g)

    def step():
        for p in P.values():
            p.grad = None
        loss = F.cross_entropy(resnet_forward(P, x), y)
        loss.backward()

    step()
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - t)
    return best


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    if workload == "op-add":
        s = op_add(int(sys.argv[3]), int(sys.argv[4]))
    elif workload == "resnet18":
        s = resnet_step(int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, "seconds": s, "torch": torch.__version__}))
