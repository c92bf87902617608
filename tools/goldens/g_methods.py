"""Goldens: SimCLR's projection head (Linear -> BN -> ReLU -> Linear) and the NT-Xent loss on its output, in train mode."""
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, i, o, bn, relu):
        super().__init__()
        self.linear = nn.Linear(i, o, bias=not bn)
        self.bn = nn.BatchNorm1d(o) if bn else None
        self.relu = relu

    def forward(self, x):
        h = self.linear(x)
        if self.bn is not None:
            h = self.bn(h)
        return torch.relu(h) if self.relu else h


def ntxent(z1, z2, t):
    z = nn.functional.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = z @ z.T / t
    sim.fill_diagonal_(float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return nn.functional.cross_entropy(sim, targets)


def make(g):
    head = nn.Sequential(Block(6, 8, True, True), Block(8, 8, True, True), Block(8, 4, False, False)).double()
    for k, v in head.state_dict().items():
        g.put(f"head.sd.{k}", v)
    a = g.put("head.a", torch.randn(5, 6, dtype=torch.float64))
    b = g.put("head.b", torch.randn(5, 6, dtype=torch.float64))
    x = torch.cat([a, b]).requires_grad_()
    z = head(x)
    z1, z2 = z.chunk(2)
    loss = ntxent(z1, z2, 0.5)
    loss.backward()
    g.put("head.z", z.detach())
    g.put("head.loss", loss.detach())
    g.put("head.grad_x", x.grad)
    g.put("head.grad_w0", head[0].linear.weight.grad)
    g.put("head.running_mean0", head[0].bn.running_mean)
