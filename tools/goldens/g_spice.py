"""Goldens: SPICE's three losses (Gfeller et al. 2020, eqs. 6-14) and a PyTorch
mirror of its network (src/models/spice.ts), same state-dict keys.

Losses: float64 inputs, values and input gradients. The pitch pairs are built so
that half the errors e_t lie below the Huber threshold tau = 0.25 sigma and half
above (none within 0.05 sigma of it), so both branches are exercised.

Network: a narrow variant (F = 128, d = 4, dw = 4, hidden 8) with PyTorch's
default init and batch norms given non-trivial affine parameters and running
statistics; the state dict is stored in float32 under `net.sd.`. Every output is
computed in float64 (eval and train mode) so that the golden is the exact value,
not one CPU's float32 rounding of it.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from nets import randomize_batch_norm

SIGMA = 1 / (24 * math.log2(2 ** (190 / 24)))  # Q = 24, F_max = 190 bins: sigma = 1/190
NET = dict(bins=128, width=4, decoderWidth=4, hidden=8)


def conv_bn(cin, cout):
    return [nn.Conv1d(cin, cout, 3, padding=1), nn.BatchNorm1d(cout)]


class Decoder(nn.Module):
    def __init__(self, bins, dw, hidden):
        super().__init__()
        ch = [c * dw for c in [8, 8, 4, 2, 1, 1]]
        self.seed = (ch[0], bins // 64)
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, ch[0] * bins // 64)
        self.stages = nn.Sequential(*[
            nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), *conv_bn(ch[max(i - 1, 0)], c), nn.ReLU())
            for i, c in enumerate(ch)
        ])
        self.out = nn.Conv1d(dw, 1, 1)

    def forward(self, pitch):
        h = F.relu(self.fc2(F.relu(self.fc1(pitch[:, None]))))
        return self.out(self.stages(h.view(-1, *self.seed)))[:, 0]


class SpiceNet(nn.Module):
    def __init__(self, bins, width, decoderWidth, hidden, coordinates=False):
        super().__init__()
        self.coordinates = coordinates
        ch = [c * width for c in [1, 2, 4, 8, 8, 8]]
        self.encoder = nn.Sequential(*[
            nn.Sequential(*conv_bn((2 if coordinates else 1) if i == 0 else ch[i - 1], c), nn.ReLU(), nn.MaxPool1d(3, stride=2, padding=1))
            for i, c in enumerate(ch)
        ], nn.Flatten())
        dim = ch[-1] * bins // 64
        self.pitchHead = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.confidenceHead = nn.Linear(dim, 1)
        self.decoder = Decoder(bins, decoderWidth, hidden)

    def forward(self, x):
        inp = x[:, None]
        if self.coordinates:  # each bin's position in the slice, -1 ... 1, as a second channel
            inp = torch.cat([inp, torch.linspace(-1, 1, x.shape[1], dtype=x.dtype).expand(x.shape[0], 1, -1)], 1)
        features = self.encoder(inp)
        pitch = torch.sigmoid(self.pitchHead(features)[:, 0])
        confidence = torch.sigmoid(self.confidenceHead(features.detach())[:, 0])
        return pitch, confidence, features


def pitch_loss(y1, y2, k1, k2, sigma, tau, kind):
    d = (y1 - y2) - sigma * (k1 - k2)
    if kind == "huber":
        h = F.huber_loss(d, torch.zeros_like(d), reduction="none", delta=tau)
    elif kind == "l1":
        h = d.abs()
    else:
        h = d ** 2 / 2
    return h.mean(), d.abs()


def recon_loss(x1, x1hat, x2, x2hat):
    return (torch.linalg.vector_norm(x1 - x1hat, dim=1) ** 2 + torch.linalg.vector_norm(x2 - x2hat, dim=1) ** 2).mean()


def conf_loss(c1, c2, e, sigma):
    t = e.detach() / sigma
    return (((1 - c1) - t) ** 2 + ((1 - c2) - t) ** 2).mean()


def leaves(*xs):
    return [x.clone().requires_grad_() for x in xs]


def make_losses(g):
    n = 8
    k1 = g.put("k1", torch.randint(0, 9, (n,)))
    k2 = g.put("k2", torch.randint(0, 9, (n,)))
    y1 = g.put("y1", torch.rand(n, dtype=torch.float64) * 0.8 + 0.1)
    u = torch.tensor([-0.9, -0.5, -0.15, 0.05, 0.1, 0.3, 0.6, 1.2], dtype=torch.float64)  # e / sigma, three below 0.25, five above
    g.put("y2", y1 - SIGMA * (k1 - k2) + SIGMA * u[torch.randperm(n)])
    g.put("sigma", torch.tensor(SIGMA, dtype=torch.float64))
    for key, kind, tau in [("huber", "huber", 0.25 * SIGMA), ("huber_tau", "huber", 0.7 * SIGMA), ("l1", "l1", 0), ("l2", "l2", 0)]:
        a, b, c, d = leaves(g.tensors["y1"], g.tensors["y2"], k1.double(), k2.double())
        loss, e = pitch_loss(a, b, c, d, SIGMA, tau, kind)
        loss.backward()
        g.put(f"pitch.{key}.loss", loss)
        for name, x in zip(["y1", "y2", "k1", "k2"], [a, b, c, d]):
            g.put(f"pitch.{key}.grad_{name}", x.grad)
    g.put("pitch.error", e)

    xs = [g.put(f"recon.{name}", torch.randn(n, 16, dtype=torch.float64)) for name in ["x1", "x1hat", "x2", "x2hat"]]
    ls = leaves(*xs)
    loss = recon_loss(*ls)
    loss.backward()
    g.put("recon.loss", loss)
    for name, x in zip(["x1", "x1hat", "x2", "x2hat"], ls):
        g.put(f"recon.grad_{name}", x.grad)

    c1 = g.put("conf.c1", torch.rand(n, dtype=torch.float64) * 0.8 + 0.1)
    c2 = g.put("conf.c2", torch.rand(n, dtype=torch.float64) * 0.8 + 0.1)
    a, b = leaves(c1, c2)
    loss = conf_loss(a, b, e, SIGMA)
    loss.backward()
    g.put("conf.loss", loss)
    g.put("conf.grad_c1", a.grad)
    g.put("conf.grad_c2", b.grad)


def make_net(g):
    net = SpiceNet(**NET)
    randomize_batch_norm(net, nn.BatchNorm1d)
    for key, t in net.state_dict().items():
        g.put(f"net.sd.{key}", t)
    x = g.put("net.x", torch.rand(4, NET["bins"]))  # |CQT|-like: non-negative
    net = net.double().eval()
    with torch.no_grad():
        pitch, confidence, features = net(x.double())
        g.put("net.eval.pitch", pitch)
        g.put("net.eval.confidence", confidence)
        g.put("net.eval.features", features)
        g.put("net.eval.decoded", net.decoder(pitch))

    # Train mode: batch statistics, running-stat updates and parameter gradients.
    net.train()
    pitch, confidence, features = net(x.double())
    decoded = net.decoder(pitch)
    g.put("net.train.pitch", pitch)
    g.put("net.train.confidence", confidence)
    g.put("net.train.decoded", decoded)
    g.put("net.train.encoder.5.1.running_var", net.encoder[5][1].running_var)
    g.put("net.train.decoder.stages.0.2.running_mean", net.decoder.stages[0][2].running_mean)
    w = torch.linspace(-1, 1, NET["bins"], dtype=torch.float64)
    objective = (decoded * w).sum() + 3 * pitch.sum() + 2 * confidence.sum()
    objective.backward()
    for key in ["encoder.0.0.weight", "encoder.5.1.weight", "pitchHead.0.weight", "confidenceHead.weight", "decoder.fc1.weight",
                "decoder.stages.0.1.weight", "decoder.out.weight"]:
        g.put(f"net.train.grad.{key}", net.get_parameter(key).grad)


def make(g):
    make_losses(g)
    make_net(g)
