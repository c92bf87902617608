#!/usr/bin/python3
"""PyTorch side of bench/distributed: the workload of ours.ts under torch.distributed
(Gloo) and DistributedDataParallel — ResNet-18 (small stem) + 2-layer BN head,
NT-Xent of this rank's anchors against every rank's projections gathered with
torch.distributed.nn.all_gather (gradient summed back), SGD. Run as one process or as
a rank of a job (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set by the launcher).
DDP overlaps its all-reduce with backward; the exposed communication is the step time
minus that of the same step under ddp.no_sync(), timed on extra steps.
Usage: reference.py simclr <threads> <batch> <warmup> <steps>. Rank 0 prints one JSON line."""
import json
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.distributed.nn
import torch.nn as nn
import torch.nn.functional as F
import importlib.util

# the model of bench/simclr's reference, so the two benches time one network
_spec = importlib.util.spec_from_file_location("simclr_reference", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "simclr", "reference.py"))
_simclr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_simclr)
simclr_model = _simclr.simclr_model


def nt_xent(z1, z2, tau, rank, world):
    """This rank's n anchors of each view against all 2N projections (as src/losses/ntxent.ts with anchors)."""
    n = z1.shape[0]
    if world > 1:
        z1, z2 = torch.cat(torch.distributed.nn.all_gather(z1)), torch.cat(torch.distributed.nn.all_gather(z2))
    big = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=1)  # [2N, D]
    rows = torch.cat([torch.arange(rank * n, rank * n + n), torch.arange(big + rank * n, big + rank * n + n)])  # [2n]
    logits = (z[rows] @ z.t() / tau).scatter(1, rows[:, None], float("-inf"))  # [2n, 2N]
    return F.cross_entropy(logits, (rows + big) % (2 * big))


def simclr(batch, warmup, steps):
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        dist.init_process_group("gloo")
    rank = dist.get_rank() if world > 1 else 0
    n = batch // world
    torch.manual_seed(0)
    model = simclr_model().train()
    ddp = nn.parallel.DistributedDataParallel(model) if world > 1 else model
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    a, b = (torch.rand(batch, 3, 32, 32)[rank * n:(rank + 1) * n].contiguous() for _ in range(2))

    def step():
        opt.zero_grad(set_to_none=True)
        z1, z2 = ddp(torch.cat([a, b])).chunk(2)
        loss = nt_xent(z1, z2, 0.5, rank, world)
        loss.backward()
        opt.step()
        return loss.item()

    def timed(count, no_sync):
        start = time.perf_counter()
        for _ in range(count):
            if no_sync:
                with ddp.no_sync():
                    loss = step()
            else:
                loss = step()
        return (time.perf_counter() - start) / count, loss

    for _ in range(warmup):
        step()
    per_step, loss = timed(steps, False)
    comm = max(0.0, per_step - timed(steps, True)[0]) if world > 1 else 0.0
    if world > 1:
        dist.destroy_process_group()
    return {"seconds": per_step / batch, "step": per_step, "comm": comm, "loss": loss, "world": world}


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    if workload != "simclr":
        raise SystemExit(f"unknown workload {workload}")
    r = simclr(*map(int, sys.argv[3:6]))
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps({"workload": workload, **r, "threads": threads, "torch": torch.__version__}))
