#!/usr/bin/python3
"""PyTorch side of bench/views: SimCLR two-view generation and RandAugment with
torchvision transforms in a DataLoader, timed like workloads.ts. Tries tensor and PIL transforms, each with
num_workers 0 and 2, and reports the best; the per-configuration times go to stderr.
Prints one JSON line {"workload": ..., "seconds": best-per-image}."""
import json
import sys
import time

import torch
import torchvision.transforms as T
from PIL import Image
from torch.utils.data import DataLoader, Dataset

STRENGTH = 0.5  # as workloads.ts


def simclr_kernel_size(side):
    return 2 * ((side // 10) // 2) + 1


def transform(size, pil):
    s = STRENGTH
    ops = [T.RandomResizedCrop(size), T.RandomHorizontalFlip(),
           T.RandomApply([T.ColorJitter(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s)], p=0.8), T.RandomGrayscale(p=0.2)]
    if size > 32:
        ops.append(T.RandomApply([T.GaussianBlur(simclr_kernel_size(size), (0.1, 2.0))], p=0.5))
    if pil:
        ops.append(T.ToTensor())
    return T.Compose(ops)


def randaugment_transform(size, pil):
    """RandAugment as workloads.ts: 2 ops at magnitude 9 of 10 (bin 27 of 31), bilinear, fill the ImageNet mean."""
    ra = T.RandAugment(num_ops=2, magnitude=27, num_magnitude_bins=31, interpolation=T.InterpolationMode.BILINEAR, fill=[124, 116, 104])
    return T.Compose([ra, T.ToTensor()]) if pil else T.Compose([ra, T.ConvertImageDtype(torch.float32)])


class OneView(Dataset):
    """Decoded uint8 images -> one RandAugment view (torchvision's posterize and equalize take uint8)."""

    def __init__(self, items, pil, size):
        self.items, self.t = items, randaugment_transform(size, pil)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.t(self.items[i])


class TwoViews(Dataset):
    """Decoded uint8 images -> two augmented float views."""

    def __init__(self, items, pil, size):
        self.items, self.pil, self.t = items, pil, transform(size, pil)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        x = self.items[i] if self.pil else self.items[i].float().div(255)
        return self.t(x), self.t(x)


def epoch_seconds(loader, rounds):
    best = float("inf")
    for r in range(rounds + 1):  # the first pass warms up (and starts the workers)
        t = time.perf_counter()
        for _ in loader:
            pass
        if r > 0:
            best = min(best, time.perf_counter() - t)
    return best


def simclr(size, rounds, count, batch):
    return best_of(TwoViews, size, rounds, count, batch)


def randaugment(size, rounds, count, batch):
    return best_of(OneView, size, rounds, count, batch)


def best_of(dataset, size, rounds, count, batch):
    torch.manual_seed(0)
    pixels = torch.randint(0, 256, (count, size, size, 3), dtype=torch.uint8)  # decoded, HWC
    times = {}
    for pil in (False, True):
        items = [Image.fromarray(p.numpy()) for p in pixels] if pil else pixels.permute(0, 3, 1, 2).contiguous()
        for workers in (0, 2):
            loader = DataLoader(dataset(items, pil, size), batch_size=batch, num_workers=workers, persistent_workers=workers > 0)
            times[f"{'pil' if pil else 'tensor'}, num_workers={workers}"] = epoch_seconds(loader, rounds) / count
            del loader
    for k, v in times.items():
        print(f"  {size}x{size} {k}: {1 / v:.0f} images/s", file=sys.stderr)
    return min(times.values())


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    args = [int(a) for a in sys.argv[3:]]
    fn = {"simclr": simclr, "randaugment": randaugment}.get(workload)
    if fn is None:
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, "seconds": fn(*args), "torch": torch.__version__}))
