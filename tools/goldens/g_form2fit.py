"""Goldens: Form2Fit's losses (Zakka et al. 2020; the reference's ml/losses.py) and a
PyTorch mirror of its fully convolutional network (src/models/form2fit.ts), same
state-dict keys.

Maps: logits [3, 6, 6] float64 in ±3, 0/1 targets (a disk per sample), a 0/1
sampled-pixel mask with one sample's mask all zero (it contributes 0), and a
fractional weight case; pixelBce with pos_weight 3, diceLoss on all pixels and on
the mask.

Descriptors: float64 [M = 6, D = 5] matches and [P = 10, D] non-matches whose
distances are set to 0.5, 1, …, 5.5 (skipping 3) about margin 3: five hinges
active, five inactive, none within 0.5 of the kink; with and without hard
negatives.

Network: width 4, 2 → 3 channels, PyTorch's init with batch norms given
non-trivial affine parameters and running statistics; the state dict is stored in
float32 under `net.sd.`, outputs computed in float64 (eval and train mode) on
an [2, 2, 8, 12] heightmap batch.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from nets import randomize_batch_norm

MEAN = [0.5, 0.01]
STD = [0.25, 0.02]
MARGIN = 3.0
POS_WEIGHT = 3.0
DICE_EPS = 1e-7
MIN_SQ = 1e-12


def conv_bn_relu(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class Form2FitFCN(nn.Module):
    def __init__(self, cin, cout, w):
        super().__init__()
        self.stem = nn.Sequential(conv_bn_relu(cin, w), conv_bn_relu(w, w))
        self.down1 = nn.Sequential(conv_bn_relu(w, 2 * w, 2), conv_bn_relu(2 * w, 2 * w))
        self.down2 = nn.Sequential(conv_bn_relu(2 * w, 4 * w, 2), conv_bn_relu(4 * w, 4 * w))
        self.up1 = conv_bn_relu(6 * w, 2 * w)
        self.up2 = conv_bn_relu(3 * w, w)
        self.head = nn.Conv2d(w, cout, 1)

    def forward(self, x):
        mean = torch.tensor(MEAN, dtype=x.dtype).view(1, -1, 1, 1)
        std = torch.tensor(STD, dtype=x.dtype).view(1, -1, 1, 1)
        s0 = self.stem((x - mean) / std)
        s1 = self.down1(s0)
        s2 = self.down2(s1)
        up = lambda t, skip: F.interpolate(t, size=skip.shape[2:], mode="bilinear", align_corners=False)
        u1 = self.up1(torch.cat([up(s2, s1), s1], 1))
        u2 = self.up2(torch.cat([up(u1, s0), s0], 1))
        return self.head(u2)


def pixel_bce(logits, target, weight, pos_weight):
    terms = F.binary_cross_entropy_with_logits(logits, target, pos_weight=torch.tensor([pos_weight], dtype=logits.dtype), reduction="none")
    return ((terms * weight).flatten(1).sum(1) / weight.flatten(1).sum(1).clamp(min=MIN_SQ)).mean()


def dice_loss(logits, target, weight):
    p = torch.sigmoid(logits)
    dice = lambda q, t: 2 * (q * t * weight).sum() / ((q + t) * weight).sum().add(DICE_EPS)
    return 1 - (dice(p, target) + dice(1 - p, 1 - target)) / 2


def descriptor_loss(d_obj, d_kit, d_obj_neg, d_kit_neg, margin, hard):
    match = (d_obj - d_kit).pow(2).sum(1).mean()
    dist = (d_obj_neg - d_kit_neg).pow(2).sum(1).clamp(min=MIN_SQ).sqrt()
    hinge = (margin - dist).clamp(min=0).pow(2)
    non_match = hinge.sum() / max(1, int((hinge > 0).sum())) if hard else hinge.mean()
    return match + non_match, match, non_match


def make_maps(g):
    n, s = 3, 6
    logits = g.put("maps.logits", torch.rand(n, s, s, dtype=torch.float64) * 6 - 3)
    ys, xs = torch.meshgrid(torch.arange(s), torch.arange(s), indexing="ij")
    centres = [(1, 2), (4, 4), (2, 3)]
    target = g.put("maps.target", torch.stack([((xs - x) ** 2 + (ys - y) ** 2 <= 2).double() for x, y in centres]))
    mask = (torch.rand(n, s, s) < 0.5).double()
    mask[2] = 0
    mask = g.put("maps.mask", torch.maximum(mask, target * (torch.arange(n) < 2).double()[:, None, None]))
    frac = g.put("maps.fractional", torch.rand(n, s, s, dtype=torch.float64))
    for key, weight in [("mask", mask), ("fractional", frac), ("ones", torch.ones_like(mask))]:
        for name, fn in [("bce", lambda x, t, w: pixel_bce(x, t, w, POS_WEIGHT)), ("dice", dice_loss)]:
            x = logits.clone().requires_grad_()
            loss = fn(x, target, weight)
            loss.backward()
            g.put(f"{name}.{key}.loss", loss)
            g.put(f"{name}.{key}.grad_logits", x.grad)


def make_descriptors(g):
    m, p, d = 6, 10, 5
    g.put("desc.obj", torch.randn(m, d, dtype=torch.float64))
    g.put("desc.kit", g.tensors["desc.obj"] + 0.5 * torch.randn(m, d, dtype=torch.float64))
    obj_neg = g.put("desc.objNeg", torch.randn(p, d, dtype=torch.float64))
    direction = F.normalize(torch.randn(p, d, dtype=torch.float64), dim=1)
    dist = torch.tensor([0.5, 1, 1.5, 2, 2.5, 3.5, 4, 4.5, 5, 5.5], dtype=torch.float64)[torch.randperm(p)]
    g.put("desc.kitNeg", obj_neg + direction * dist[:, None])
    names = ["obj", "kit", "objNeg", "kitNeg"]
    for key, hard in [("plain", False), ("hard", True)]:
        xs = [g.tensors[f"desc.{k}"].clone().requires_grad_() for k in names]
        loss, match, non_match = descriptor_loss(*xs, MARGIN, hard)
        loss.backward()
        g.put(f"desc.{key}.loss", loss)
        g.put(f"desc.{key}.match", match)
        g.put(f"desc.{key}.nonMatch", non_match)
        for k, x in zip(names, xs):
            g.put(f"desc.{key}.grad_{k}", x.grad)


def make_net(g):
    net = Form2FitFCN(2, 3, 4)
    randomize_batch_norm(net, nn.BatchNorm2d)
    for key, t in net.state_dict().items():
        g.put(f"net.sd.{key}", t)
    x = torch.stack([torch.rand(2, 8, 12), torch.rand(2, 8, 12) * 0.04], 1)  # grey in [0, 1], height in [0, 4 cm]
    x = g.put("net.x", x)
    net = net.double().eval()
    with torch.no_grad():
        g.put("net.eval.out", net(x.double()))
    net.train()
    out = net(x.double())
    g.put("net.train.out", out)
    g.put("net.train.down2.1.1.running_var", net.down2[1][1].running_var)
    g.put("net.train.up2.1.running_mean", net.up2[1].running_mean)
    w = torch.linspace(-1, 1, out.numel(), dtype=torch.float64).view(out.shape)
    (out * w).sum().backward()
    for key in ["stem.0.0.weight", "down1.0.1.weight", "down2.1.0.weight", "up1.0.weight", "up2.1.bias", "head.weight", "head.bias"]:
        g.put(f"net.train.grad.{key}", net.get_parameter(key).grad)


def make(g):
    make_maps(g)
    make_descriptors(g)
    make_net(g)
