#!/usr/bin/python3
"""PyTorch side of bench/simclr: SimCLR pretraining end to end from the same PNG
folder as workloads.ts — torchvision ImageFolder (PIL decode) + torchvision
transforms twice per image in a DataLoader, then one step of ResNet-18 (small
stem) + 2-layer BN head, NT-Xent, LARS (the same update as src/optim/lars.ts).
Tries each given DataLoader num_workers (run.ts passes 0,1,2 in its first round,
then the winner) and reports the best; each setting's numbers go in "settings".
Usage: reference.py simclr <threads> <root> <batch> <warmup> <steps> <workers,...>.
Prints one JSON line {"seconds": best per image, "wait", "step", "workers", ...}."""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T
from torch.utils.data import DataLoader

SIZE, STRENGTH, TEMPERATURE, WEIGHT_DECAY = 32, 0.5, 0.5, 1e-6  # as workloads.ts


class TwoViews:
    """SimCLR's CIFAR-10 augmentation (no blur at 32x32), applied twice."""

    def __init__(self):
        s = STRENGTH
        self.t = T.Compose([T.RandomResizedCrop(SIZE), T.RandomHorizontalFlip(),
                            T.RandomApply([T.ColorJitter(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s)], p=0.8),
                            T.RandomGrayscale(p=0.2), T.ToTensor()])

    def __call__(self, img):
        return self.t(img), self.t(img)


def simclr_model():
    encoder = torchvision.models.resnet18()
    encoder.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    encoder.maxpool = nn.Identity()
    encoder.fc = nn.Identity()
    head = nn.Sequential(nn.Linear(512, 512, bias=False), nn.BatchNorm1d(512), nn.ReLU(inplace=True), nn.Linear(512, 128))
    return nn.Sequential(encoder, head)


def nt_xent(z1, z2, tau):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=1)  # [2N, D]
    logits = (z @ z.t() / tau).masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))  # [2N, 2N]
    targets = (torch.arange(2 * n) + n) % (2 * n)
    return F.cross_entropy(logits, targets)


class LARS(torch.optim.Optimizer):
    """SGD with momentum and a per-layer trust ratio; groups with exclude=True get neither it nor weight decay."""

    def __init__(self, groups, lr, momentum=0.9, weight_decay=WEIGHT_DECAY, eta=0.001):
        super().__init__(groups, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta, exclude=False))

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is None:
                    continue
                d, lr = p.grad, g["lr"]
                if not g["exclude"]:
                    d = d.add(p, alpha=g["weight_decay"])
                    w, n = p.norm().item(), d.norm().item()
                    lr *= g["eta"] * w / n if w > 0 and n > 0 else 1
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(p)
                v = state["momentum_buffer"]
                v.mul_(g["momentum"]).add_(d, alpha=lr)
                p.sub_(v)


def run(loader, model, opt, warmup, steps, batch):
    """Seconds per image over the last `steps` of `warmup + steps`, and the mean seconds per batch of each phase."""
    it = iter(loader)
    wait = step = 0.0
    for i in range(warmup + steps):
        if i == warmup:
            wait = step = 0.0
            start = time.perf_counter()
        t0 = time.perf_counter()
        (a, b), _ = next(it)  # [B, 3, 32, 32] each
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        z1, z2 = model(torch.cat([a, b])).chunk(2)
        loss = nt_xent(z1, z2, TEMPERATURE)
        loss.backward()
        opt.step()
        loss = loss.item()
        wait += t1 - t0
        step += time.perf_counter() - t1
    seconds = (time.perf_counter() - start) / (steps * batch)
    del it  # stops the workers
    return {"seconds": seconds, "wait": wait / steps, "step": step / steps, "loss": loss}


def simclr(root, batch, warmup, steps, worker_counts):
    torch.manual_seed(0)
    dataset = torchvision.datasets.ImageFolder(root, transform=TwoViews())
    if len(dataset) < batch * (warmup + steps + 4):
        raise SystemExit(f"{root} holds {len(dataset)} images; expected at least {batch * (warmup + steps + 4)}")
    model = simclr_model().train()
    params = list(model.parameters())
    opt = LARS([{"params": [p for p in params if p.dim() > 1]}, {"params": [p for p in params if p.dim() <= 1], "exclude": True}],
               lr=0.3 * batch / 256)
    settings = {}
    for workers in worker_counts:
        loader = DataLoader(dataset, batch_size=batch, shuffle=True, drop_last=True, num_workers=workers)
        settings[workers] = run(loader, model, opt, warmup, steps, batch)
        r = settings[workers]
        print(f"  PyTorch num_workers={workers}: {1 / r['seconds']:.1f} images/s (wait {r['wait'] * 1e3:.0f} ms, step {r['step'] * 1e3:.0f} ms per batch)",
              file=sys.stderr)
    best = min(settings, key=lambda w: settings[w]["seconds"])
    return {**settings[best], "workers": best, "settings": settings}


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    if workload != "simclr":
        raise SystemExit(f"unknown workload {workload}")
    root, (batch, warmup, steps), worker_counts = sys.argv[3], map(int, sys.argv[4:7]), [int(w) for w in sys.argv[7].split(",")]
    print(json.dumps({"workload": workload, **simclr(root, batch, warmup, steps, worker_counts), "threads": threads, "torch": torch.__version__}))
