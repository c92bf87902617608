"""Goldens: one training step of BYOL, MoCo v3 and SimSiam on a parameter-free
("flatten") encoder, written from the papers' pseudo-code: each view through
the online projector and predictor on its own (train-mode batch norm), targets
from the target (momentum) projector under no_grad (BYOL, MoCo v3) or the same
projector's output with a stop-gradient (SimSiam); then an SGD step on the
online weights and, for BYOL and MoCo v3, the momentum update of every floating
entry of the target's state dict, xi <- tau xi + (1 - tau) theta."""
import math

import torch
from torch import nn

from g_methods import Block
from g_ssl_losses import byol, ctr, simsiam_d

D_IN, HIDDEN, OUT, N = 6, 8, 4, 5
LR = 0.1
BASE_MOMENTUM, STEP, TOTAL = 0.9, 5, 10


def projector(last_bn):
    """Linear -> BN -> ReLU -> Linear [-> BN without affine]: our simclrHead with 2 layers."""
    h = nn.Sequential(Block(D_IN, HIDDEN, True, True), Block(HIDDEN, OUT, last_bn, False))
    if last_bn:
        h[1].bn = nn.BatchNorm1d(OUT, affine=False)
    return h.double()


def predictor():
    return nn.Sequential(Block(OUT, HIDDEN, True, True), Block(HIDDEN, OUT, False, False)).double()


def put_state(g, prefix, module):
    for k, v in module.state_dict().items():
        g.put(f"{prefix}.sd.{k}", v)


def step(g, name, loss_fn, last_bn, momentum):
    """Records inputs, weights, loss, gradients and the weights after one SGD step (and momentum update)."""
    proj, pred = projector(last_bn), predictor()
    put_state(g, f"{name}.head", proj)
    put_state(g, f"{name}.predictor", pred)
    target = None
    if momentum:
        target = projector(last_bn)  # a target that has drifted from the online weights: its own random init
        put_state(g, f"{name}.target", target)
    a = g.put(f"{name}.a", torch.randn(N, D_IN, dtype=torch.float64)).clone().requires_grad_()
    b = g.put(f"{name}.b", torch.randn(N, D_IN, dtype=torch.float64)).clone().requires_grad_()
    z1, z2 = proj(a), proj(b)
    p1, p2 = pred(z1), pred(z2)
    if target is not None:
        with torch.no_grad():
            t1, t2 = target(a), target(b)
    else:
        t1, t2 = z1, z2
    loss = loss_fn(p1, p2, t1, t2)
    loss.backward()
    g.put(f"{name}.loss", loss.detach())
    g.put(f"{name}.grad_a", a.grad)
    g.put(f"{name}.grad_b", b.grad)
    g.put(f"{name}.grad_head_w0", proj[0].linear.weight.grad)
    g.put(f"{name}.grad_pred_w1", pred[1].linear.weight.grad)
    opt = torch.optim.SGD(list(proj.parameters()) + list(pred.parameters()), lr=LR)
    opt.step()
    put_state(g, f"{name}.head_after", proj)
    if target is not None:
        tau = 1 - (1 - BASE_MOMENTUM) * (math.cos(math.pi * STEP / TOTAL) + 1) / 2
        g.put(f"{name}.tau", torch.tensor(tau, dtype=torch.float64))
        online = proj.state_dict()
        with torch.no_grad():
            for k, t in target.state_dict().items():
                if t.is_floating_point():
                    t.mul_(tau).add_(online[k], alpha=1 - tau)
                else:
                    t.copy_(online[k])
        put_state(g, f"{name}.target_after", target)


def make(g):
    step(g, "byol", byol, last_bn=False, momentum=True)
    step(g, "mocov3", lambda q1, q2, k1, k2: ctr(q1, k2, 0.2) + ctr(q2, k1, 0.2), last_bn=True, momentum=True)
    step(g, "simsiam", lambda p1, p2, z1, z2: simsiam_d(p1, z2) / 2 + simsiam_d(p2, z1) / 2, last_bn=True, momentum=False)
