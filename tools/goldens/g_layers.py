"""Goldens: torch.nn layers. For each case `<name>` the PyTorch module's state_dict is
stored under `<name>.sd.<key>`, with the input `<name>.x` and output `<name>.y`; grad
cases also store the output cotangent `<name>.gy` and `<name>.grad.<x|key>`."""
import json

import torch
from torch import nn


def text(s):
    """A JSON text as a uint8 tensor (safetensors stores names sorted, so order lives here)."""
    return torch.tensor(list(s.encode()), dtype=torch.uint8)


def randomize(m):
    with torch.no_grad():
        for k, t in m.state_dict().items():
            if t.is_floating_point():
                t.copy_(torch.rand_like(t) + 0.5 if "var" in k else torch.randn_like(t))


def case(g, name, m, x, grad=False, randomize_state=True):
    if randomize_state:
        randomize(m)
    for k, t in m.state_dict().items():
        g.put(f"{name}.sd.{k}", t)
    x = g.put(f"{name}.x", x).clone().requires_grad_(grad and x.is_floating_point())
    y = g.put(f"{name}.y", m(x))
    if grad:
        gy = g.put(f"{name}.gy", torch.randn_like(y))
        (y * gy).sum().backward()
        g.put(f"{name}.grad.x", x.grad)
        for k, p in m.named_parameters():
            g.put(f"{name}.grad.{k}", p.grad)
    return m


def layers(g):
    case(g, "linear", nn.Linear(5, 4), torch.randn(2, 3, 5), grad=True)
    case(g, "linear.nobias", nn.Linear(5, 4, bias=False), torch.randn(3, 5))
    case(g, "conv1d", nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), torch.randn(2, 4, 9))
    case(g, "conv1d.same", nn.Conv1d(4, 3, 4, padding="same"), torch.randn(2, 4, 7))
    case(g, "conv2d", nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(2, 1), dilation=(1, 2), groups=2),
         torch.randn(2, 4, 7, 6), grad=True)
    case(g, "conv2d.same", nn.Conv2d(3, 4, (2, 3), padding="same", dilation=(2, 1), bias=False), torch.randn(2, 3, 5, 5))
    case(g, "convT2d", nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), torch.randn(2, 4, 4, 3))
    case(g, "convT2d.d2", nn.ConvTranspose2d(3, 2, (2, 3), stride=(1, 3), dilation=2, output_padding=(0, 1)),
         torch.randn(1, 3, 3, 3))
    case(g, "layernorm", nn.LayerNorm([3, 4], eps=1e-3), torch.randn(2, 3, 4) * 2 + 1, grad=True)
    case(g, "groupnorm", nn.GroupNorm(3, 6), torch.randn(2, 6, 5))
    emb = case(g, "embedding", nn.Embedding(7, 3, padding_idx=2), torch.tensor([[0, 2, 5], [2, 6, 1]]))
    emb.weight.grad = None
    emb(torch.tensor([[0, 2, 5], [2, 6, 1]])).pow(2).sum().backward()
    g.put("embedding.grad.weight", emb.weight.grad)
    case(g, "embedding.negpad", nn.Embedding(5, 2, padding_idx=-1), torch.tensor([4, 0, 3]))
    case(g, "flatten", nn.Flatten(1, 2), torch.randn(2, 3, 2, 2))
    case(g, "flatten.default", nn.Flatten(), torch.randn(2, 3, 2, 2))


def batchnorm(g):
    # two training steps, then eval: outputs and running statistics after each step
    for name, m, shape in [("bn2d", nn.BatchNorm2d(3, momentum=0.2), (4, 3, 3, 2)),
                           ("bn1d", nn.BatchNorm1d(4), (6, 4)),
                           ("bn1d.3d", nn.BatchNorm1d(2, eps=1e-3), (3, 2, 5)),
                           ("bn2d.cma", nn.BatchNorm2d(2, momentum=None), (3, 2, 2, 2))]:
        randomize(m)
        for k, t in m.state_dict().items():
            g.put(f"{name}.sd.{k}", t)
        for step in (1, 2, 3):
            x = g.put(f"{name}.x{step}", torch.randn(*shape) * step + step).requires_grad_(True)
            y = g.put(f"{name}.y{step}", m(x))
            if step == 2 and name == "bn2d":
                gy = g.put(f"{name}.gy", torch.randn_like(y))
                (y * gy).sum().backward()
                g.put(f"{name}.grad.x", x.grad)
                for k, p in m.named_parameters():
                    g.put(f"{name}.grad.{k}", p.grad)
            for k, t in m.state_dict().items():
                g.put(f"{name}.after{step}.{k}", t)
        m.eval()
        g.put(f"{name}.eval.y", m(g.put(f"{name}.eval.x", torch.randn(*shape))))
    m = nn.BatchNorm2d(3, track_running_stats=False)
    randomize(m)
    m.eval()
    case(g, "bn2d.nostats", m, torch.randn(4, 3, 2, 2), randomize_state=False)


def activations(g):
    x = g.put("act.x", torch.randn(3, 8) * 3)
    mods = {
        "ReLU": nn.ReLU(), "ReLU6": nn.ReLU6(), "GELU": nn.GELU(), "GELU.tanh": nn.GELU(approximate="tanh"),
        "SiLU": nn.SiLU(), "Mish": nn.Mish(), "Hardswish": nn.Hardswish(), "Hardsigmoid": nn.Hardsigmoid(),
        "Sigmoid": nn.Sigmoid(), "Tanh": nn.Tanh(), "Softplus": nn.Softplus(beta=2, threshold=1),
        "LeakyReLU": nn.LeakyReLU(0.2), "ELU": nn.ELU(0.5), "Softmax": nn.Softmax(dim=0),
        "LogSoftmax": nn.LogSoftmax(dim=-1),
    }
    for k, m in mods.items():
        g.put(f"act.{k}", m(x))


def pooling(g):
    x1 = g.put("pool.x1", torch.randn(2, 3, 9))
    x2 = g.put("pool.x2", torch.randn(2, 3, 7, 6))
    g.put("pool.MaxPool1d", nn.MaxPool1d(3, stride=2, padding=1, dilation=2)(x1))
    g.put("pool.MaxPool2d", nn.MaxPool2d(3, stride=2, padding=1)(x2))
    g.put("pool.MaxPool2d.ceil", nn.MaxPool2d((2, 3), ceil_mode=True)(x2))
    g.put("pool.AvgPool1d", nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)(x1))
    g.put("pool.AvgPool2d", nn.AvgPool2d(3, stride=2, padding=1)(x2))
    g.put("pool.AvgPool2d.div", nn.AvgPool2d(2, ceil_mode=True, divisor_override=3)(x2))
    g.put("pool.AdaptiveAvgPool1d", nn.AdaptiveAvgPool1d(4)(x1))
    g.put("pool.AdaptiveAvgPool2d", nn.AdaptiveAvgPool2d((3, None))(x2))
    g.put("pool.AdaptiveMaxPool2d", nn.AdaptiveMaxPool2d(2)(x2))


def keys(g, name, m):
    g.put(f"{name}.keys", text(json.dumps([[k, list(t.shape)] for k, t in m.state_dict().items()])))
    g.put(f"{name}.params", text(json.dumps([k for k, _ in m.named_parameters()])))


class Net(nn.Module):
    """Nested containers, a parameter and buffers registered after the children, a shared child."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.blocks = nn.ModuleList([nn.Linear(8, 4), nn.LayerNorm(4)])
        self.heads = nn.ModuleDict({"head": nn.Linear(4, 2), "drop": nn.Dropout(0.1), "emb": nn.Embedding(3, 2)})
        self.shared = self.blocks[0]
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("center", torch.zeros(4))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)


def composite(g):
    seq = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))
    keys(g, "seq", seq)
    case(g, "seq", seq, torch.randn(2, 3, 3, 3))
    seq.eval()
    g.put("seq.eval.y", seq(g.get("seq.x")))
    keys(g, "nested", Net())


def init(g):
    names = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
             "sigmoid", "tanh", "relu", "leaky_relu", "selu"]
    g.put("init.gain.names", text(json.dumps(names)))
    g.put("init.gain", torch.tensor([nn.init.calculate_gain(n) for n in names], dtype=torch.float64))
    g.put("init.gain.leaky0.2", torch.tensor(nn.init.calculate_gain("leaky_relu", 0.2), dtype=torch.float64))
    shapes = [[4, 3], [6, 4, 5], [8, 2, 3, 3], [2, 5, 1, 2, 3]]
    g.put("init.fan.shapes", text(json.dumps(shapes)))
    fans = [nn.init._calculate_fan_in_and_fan_out(torch.empty(s)) for s in shapes]
    g.put("init.fans", torch.tensor(fans, dtype=torch.int64))


def make(g):
    g.get = lambda name: g.tensors[name]
    layers(g)
    batchnorm(g)
    activations(g)
    pooling(g)
    composite(g)
    init(g)
