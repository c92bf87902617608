"""Goldens: one training step of Barlow Twins, VICReg and DINO on a parameter-free
pooling "encoder", written from the papers and their reference code's structure:
each view through the projector on its own (batch norm per view), the losses on
the projector outputs, DINO's head (MLP with GELU, L2 normalisation,
weight-normalised last layer with g = 1), multi-crop, teacher targets and centre."""
import math

import torch
from torch import nn
from torch.nn import functional as F

from g_methods import Block


def pool(x):
    return x.mean((2, 3))


def put_state(g, prefix, module):
    for k, v in module.state_dict().items():
        g.put(f"{prefix}.sd.{k}", v)


def off_diagonal(c):
    return c - torch.diag(torch.diagonal(c))


def barlow(g):
    head = nn.Sequential(Block(6, 8, True, True), Block(8, 8, True, True), Block(8, 4, False, False)).double()
    put_state(g, "bt", head)
    a = g.put("bt.a", torch.randn(5, 6, 2, 2, dtype=torch.float64)).clone().requires_grad_()
    b = g.put("bt.b", torch.randn(5, 6, 2, 2, dtype=torch.float64))
    z1, z2 = head(pool(a)), head(pool(b))  # one view at a time
    standardize = nn.BatchNorm1d(4, affine=False).double()
    c = standardize(z1).T @ standardize(z2) / 5
    on = (torch.diagonal(c) - 1).pow(2).sum()
    off = off_diagonal(c).pow(2).sum()
    lam, scale = 0.02, 0.5
    loss = scale * (on + lam * off)
    loss.backward()
    g.put("bt.invariance", on.detach())
    g.put("bt.redundancy", off.detach())
    g.put("bt.loss", loss.detach())
    g.put("bt.grad_a", a.grad)
    g.put("bt.grad_w0", head[0].linear.weight.grad)
    g.put("bt.running_mean0", head[0].bn.running_mean)


def vicreg(g):
    head = nn.Sequential(Block(6, 8, True, True), Block(8, 4, False, False)).double()
    put_state(g, "vic", head)
    a = g.put("vic.a", torch.randn(6, 6, 2, 2, dtype=torch.float64)).clone().requires_grad_()
    b = g.put("vic.b", torch.randn(6, 6, 2, 2, dtype=torch.float64))
    z1, z2 = head(pool(a)), head(pool(b))

    def var(z):
        return F.relu(1 - torch.sqrt(z.var(0) + 1e-4)).mean()

    def cov(z):
        zc = z - z.mean(0)
        return off_diagonal(zc.T @ zc / (z.shape[0] - 1)).pow(2).sum() / z.shape[1]

    s, v, c = F.mse_loss(z1, z2), var(z1) + var(z2), cov(z1) + cov(z2)  # eq. 6: branches summed
    loss = 20 * s + 15 * v + 2 * c
    loss.backward()
    for name, t in [("invariance", s), ("variance", v), ("covariance", c), ("loss", loss)]:
        g.put(f"vic.{name}", t.detach())
    g.put("vic.grad_a", a.grad)
    g.put("vic.grad_w0", head[0].linear.weight.grad)


class DinoHead(nn.Module):
    """MLP (GELU) -> L2 normalisation -> weight-normalised linear layer (rows g * v / |v|)."""

    def __init__(self, d, hidden, bottleneck, k):
        super().__init__()
        self.head = nn.Sequential(
            nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, bottleneck))
        self.weight_g = nn.Parameter(torch.ones(k, 1), requires_grad=False)
        self.weight_v = nn.Parameter(torch.randn(k, bottleneck))

    def forward(self, crops):
        groups = [torch.cat(crops[:2])] + ([torch.cat(crops[2:])] if len(crops) > 2 else [])  # by resolution
        h = F.normalize(self.head(torch.cat([pool(x) for x in groups])), dim=1)
        w = self.weight_g * self.weight_v / self.weight_v.norm(dim=1, keepdim=True)
        return (h @ w.T).chunk(len(crops))

    def state(self):
        sd = {}
        for i, j in [(0, 0), (2, 1), (4, 2)]:
            sd[f"head.{j}.linear.weight"] = self.head[i].weight
            sd[f"head.{j}.linear.bias"] = self.head[i].bias
        sd["lastLayer.weight_g"] = self.weight_g
        sd["lastLayer.weight_v"] = self.weight_v
        return sd


def dino(g):
    n, d, k = 4, 6, 7
    student, teacher = DinoHead(d, 8, 5, k).double(), DinoHead(d, 8, 5, k).double()
    for prefix, net in [("dino.student", student), ("dino.teacher", teacher)]:
        for key, v in net.state().items():
            g.put(f"{prefix}.sd.{key}", v)
    crops = [torch.randn(n, d, 3, 3, dtype=torch.float64) for _ in range(2)] + [torch.randn(n, d, 2, 2, dtype=torch.float64) for _ in range(3)]
    for i, x in enumerate(crops):
        g.put(f"dino.crop{i}", x)
        x.requires_grad_()
    center = g.put("dino.center", 0.3 * torch.randn(1, k, dtype=torch.float64))
    # step 2 of 10, warm-up over the first half (5 steps): linspace(0.04, 0.07, 5)[2]
    tt, ts = 0.04 + (0.07 - 0.04) * 2 / 4, 0.1
    with torch.no_grad():
        t_out = teacher(crops[:2])
    s_out = student(crops)
    terms = []
    for a, t in enumerate(t_out):
        p = F.softmax((t - center) / tt, dim=1)
        for b, s in enumerate(s_out):
            if b != a:
                terms.append(-(p * F.log_softmax(s / ts, dim=1)).sum(1).mean())
    loss = torch.stack(terms).mean()
    loss.backward()
    g.put("dino.loss", loss.detach())
    g.put("dino.grad_local0", crops[2].grad)
    g.put("dino.grad_w0", student.head[0].weight.grad)
    g.put("dino.grad_v", student.weight_v.grad)
    g.put("dino.new_center", 0.9 * center + 0.1 * torch.cat(t_out).mean(0, keepdim=True))
    m = 1 - (1 - 0.996) * (math.cos(math.pi * 2 / 10) + 1) / 2
    g.put("dino.ema_w0", m * teacher.head[0].weight + (1 - m) * student.head[0].weight)


def make(g):
    barlow(g)
    vicreg(g)
    dino(g)
