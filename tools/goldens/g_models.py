"""Goldens: torchvision ResNet and MobileNetV3 parity without shipping weights.

For each model we store (a) its state-dict layout — zlib-compressed JSON
[[key, shape, dtype], ...] as a uint8 tensor — and (b) logits of a forward pass
after filling every state-dict entry with a closed-form formula that the TS tests
recompute (`fill` below and `fillStateDict` in test/models/parity.ts must agree).
The formula for the k-th entry (state-dict order) with n elements, i = 0..n-1,
phase = 0.37·i + k, computed in float64 and cast to float32:
  weight with ≥ 2 dims   2·sin(phase)/√fanIn      (fanIn = n / shape[0])
  1-d weight (BN γ)      1 + 0.1·sin(phase)
  bias                   0.1·sin(phase)
  running_mean           0.1·sin(phase)
  running_var            1 + 0.25·cos(phase)
  num_batches_tracked    k
Inputs: x[i] = sin(0.11·i) + 0.5·cos(0.037·i) over the flattened [N, C, H, W].
"""
import json
import math
import zlib

import torch
from torchvision import models


def formula(key, k, t):
    n = t.numel()
    phase = torch.arange(n, dtype=torch.float64) * 0.37 + k
    if key.endswith("num_batches_tracked"):
        return torch.full_like(t, k)
    if key.endswith("running_mean") or key.endswith("bias"):
        v = 0.1 * torch.sin(phase)
    elif key.endswith("running_var"):
        v = 1 + 0.25 * torch.cos(phase)
    elif t.dim() >= 2:
        v = 2 * torch.sin(phase) / math.sqrt(n / t.shape[0])
    else:
        v = 1 + 0.1 * torch.sin(phase)
    return v.to(t.dtype).reshape(t.shape)


def fill(model):
    sd = model.state_dict()
    model.load_state_dict({key: formula(key, k, t) for k, (key, t) in enumerate(sd.items())})
    return model


def make_input(shape):
    i = torch.arange(math.prod(shape), dtype=torch.float64)
    return (torch.sin(0.11 * i) + 0.5 * torch.cos(0.037 * i)).float().reshape(shape)


def layout(model):
    rows = [[k, list(t.shape), str(t.dtype).replace("torch.", "")] for k, t in model.state_dict().items()]
    return torch.tensor(list(zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 9)), dtype=torch.uint8)


MODELS = {
    # name: (constructor, input shape)
    "resnet18": (lambda: models.resnet18(), [2, 3, 64, 64]),
    "resnet50": (lambda: models.resnet50(), [2, 3, 64, 64]),
    "mobilenet_v3_small": (lambda: models.mobilenet_v3_small(), [2, 3, 96, 96]),
    "mobilenet_v3_large": (lambda: models.mobilenet_v3_large(), [2, 3, 96, 96]),
}


def make(g):
    # Logits are computed in float64 and rounded to float32: the golden is the exact
    # value, not one CPU's float32 rounding of it, so the tests' 1e-4 tolerance is
    # left whole for the float32 error of the model under test (at most ~16 % of it
    # for these four models, measured against float64).
    for name, (ctor, shape) in MODELS.items():
        model = fill(ctor()).eval()
        g.put(f"{name}.layout", layout(model))
        with torch.no_grad():
            g.put(f"{name}.logits", model.double()(make_input(shape).double()).float())
    for name in ["resnet34", "resnet101", "resnet152"]:
        g.put(f"{name}.layout", layout(getattr(models, name)()))
    g.put("mobilenet_v3_small_w0.5.layout", layout(models.mobilenet_v3_small(width_mult=0.5)))

    # Train mode: batch statistics, running-stat updates and gradients, in float64.
    # Train-mode BN makes a deep net chaotic at a formula (untrained) init: the 17 BN
    # layers amplify rounding by ~1e7, so float32 logits move by ~60 % between
    # summation orders (ISA, thread count, oneDNN path) and a float32 golden only
    # holds on the CPU that made it. In float64 the same amplification leaves
    # differences of ~1e-9 of each quantity's scale, far inside the test's 1e-6.
    model = fill(models.resnet18()).train().double()
    out = model(make_input([2, 3, 64, 64]).double())
    g.put("resnet18.train.logits", out)
    g.put("resnet18.train.bn1.running_mean", model.bn1.running_mean)
    g.put("resnet18.train.layer4.1.bn2.running_var", model.layer4[1].bn2.running_var)
    w = make_input(list(out.shape)).double()
    (out * w).sum().backward()
    g.put("resnet18.train.grad.layer4.1.conv2.weight[0,:16]", model.layer4[1].conv2.weight.grad[0, :16])
    g.put("resnet18.train.grad.conv1.weight[0]", model.conv1.weight.grad[0])
