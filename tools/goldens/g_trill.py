"""Goldens: TRILL's triplet loss (Shor et al. 2020, after Jansen et al. 2018) under
each mining rule, and a PyTorch mirror of its network (src/models/trill.ts), same
state-dict keys.

Loss: float64 anchors and positives [6, 4] with clip ids [0, 0, 1, 1, 2, 3] (rows 0
and 1 are one clip: never each other's negatives); the case is drawn until it is
well-conditioned: each row's candidate distances differ by > 0.05, no hinge lies
within 0.05 of its kink, semi-hard mining takes both of its branches (a negative
farther than the positive for some rows, the fallback for others), and every rule
has active and inactive hinges. 'random' draws float32 uniforms [6, 12] from
torch.Generator seeded 5 (selfsup's Generator draws PyTorch's numbers).

Network: width 4, depth 2, embedding 8, PyTorch's init with batch norms given
non-trivial affine parameters and running statistics; the state dict is stored
in float32 under `net.sd.`, outputs computed in float64 (eval and train mode).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from nets import randomize_batch_norm

MINING = ["semi-hard", "hard", "random", "all"]
GROUPS = [0, 0, 1, 1, 2, 3]
MARGIN = 2.0
NET = dict(width=4, depth=2, embeddingDim=8)
MAX_FEATURES = 4096


def squared_distances(x, y):
    return ((x * x).sum(1, keepdim=True) + (y * y).sum(1)[None] - 2 * x @ y.t()).clamp(min=0)


def triplet_loss(a, p, margin, mining, groups=None, generator=None):
    n = a.shape[0]
    groups = torch.arange(n) if groups is None else groups
    dn = squared_distances(a, torch.cat([p, a]))  # [N, 2N]
    dp = ((a - p) ** 2).sum(1)  # [N]
    neg = groups[:, None] != torch.cat([groups, groups])[None]
    if mining == "all":
        return ((dp[:, None] - dn + margin).clamp(min=0) * neg).sum() / neg.sum()
    with torch.no_grad():
        d = dn.detach()
        if mining == "hard":
            choice = d.masked_fill(~neg, float("inf")).argmin(1)
        elif mining == "random":
            choice = torch.rand(d.shape, generator=generator).masked_fill(~neg, -1).argmax(1)
        else:
            farther = neg & (d > dp.detach()[:, None])
            closest = d.masked_fill(~farther, float("inf")).argmin(1)
            farthest = d.masked_fill(~neg, float("-inf")).argmax(1)
            choice = torch.where(farther.any(1), closest, farthest)
    has = neg.any(1)
    chosen = dn.gather(1, choice[:, None])[:, 0]
    return ((dp - chosen + margin).clamp(min=0) * has).sum() / has.sum()


def well_conditioned(a, p, groups):
    dn = squared_distances(a, torch.cat([p, a]))
    dp = ((a - p) ** 2).sum(1)
    neg = groups[:, None] != torch.cat([groups, groups])[None]
    for i in range(a.shape[0]):
        d = torch.sort(dn[i][neg[i]]).values
        if (d[1:] - d[:-1]).min() < 0.05 or (dp[i] - d + MARGIN).abs().min() < 0.05 or (d - dp[i]).abs().min() < 0.05:
            return False
    farther = (neg & (dn > dp[:, None])).any(1)
    if farther.all() or not farther.any():
        return False
    h = dp[:, None] - dn + MARGIN
    return bool((h[neg] > 0).any() and (h[neg] < 0).any())


def make_losses(g):
    groups = torch.tensor(GROUPS)
    while True:
        a = torch.randn(6, 4, dtype=torch.float64)
        p = a + torch.randn(6, 4, dtype=torch.float64) * torch.tensor([0.3, 1.5, 0.5, 2.0, 0.8, 1.2], dtype=torch.float64)[:, None]
        if well_conditioned(a, p, groups):
            break
    g.put("triplet.anchor", a)
    g.put("triplet.positive", p)
    g.put("triplet.groups", groups)
    g.put("triplet.margin", torch.tensor(MARGIN, dtype=torch.float64))
    cases = [(m, m, groups) for m in MINING] + [("semi-hard.ungrouped", "semi-hard", None)]
    for key, mining, grp in cases:
        x, y = a.clone().requires_grad_(), p.clone().requires_grad_()
        loss = triplet_loss(x, y, MARGIN, mining, grp, torch.Generator().manual_seed(5))
        loss.backward()
        g.put(f"triplet.{key}.loss", loss)
        g.put(f"triplet.{key}.grad_anchor", x.grad)
        g.put(f"triplet.{key}.grad_positive", y.grad)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(h + (x if self.downsample is None else self.downsample(x)))


class TrillNet(nn.Module):
    LAYERS = ["stage1", "stage2", "stage3", "stage4", "pooled", "embedding"]

    def __init__(self, width, depth, embeddingDim):
        super().__init__()
        w = width
        self.stem = nn.Sequential(nn.Conv2d(1, w, 3, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        for s in range(4):
            cin, cout = w << max(0, s - 1), w << s
            blocks = [BasicBlock(cout if j else cin, cout, 2 if j == 0 and s > 0 else 1) for j in range(depth)]
            setattr(self, f"stage{s + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(8 * w, embeddingDim)

    def features(self, x, layer):
        last = min(self.LAYERS.index(layer), 4)
        h = self.stem(x)
        for s in range(min(last, 3) + 1):
            h = getattr(self, f"stage{s + 1}")(h)
        if last < 4:
            return F.adaptive_avg_pool2d(h, (1, min(h.shape[3], MAX_FEATURES // h.shape[1]))).flatten(1)
        pooled = h.mean((2, 3))
        return pooled if layer == "pooled" else self.fc(pooled)


def make_net(g):
    net = TrillNet(**NET)
    randomize_batch_norm(net, nn.BatchNorm2d)
    for key, t in net.state_dict().items():
        g.put(f"net.sd.{key}", t)
    x = g.put("net.x", torch.randn(3, 1, 96, 64) - 4)  # log-mel-like: log(mel + 0.001) sits around -4
    net = net.double().eval()
    with torch.no_grad():
        for layer in TrillNet.LAYERS:
            g.put(f"net.eval.{layer}", net.features(x.double(), layer))
    net.train()
    emb = net.features(x.double(), "embedding")
    g.put("net.train.embedding", emb)
    g.put("net.train.stage4.1.bn2.running_var", net.stage4[1].bn2.running_var)
    g.put("net.train.stem.1.running_mean", net.stem[1].running_mean)
    (emb * torch.linspace(-1, 1, NET["embeddingDim"], dtype=torch.float64)).sum().backward()
    for key in ["stem.0.weight", "stage1.0.conv1.weight", "stage2.0.downsample.0.weight", "stage4.1.bn2.weight", "fc.weight"]:
        g.put(f"net.train.grad.{key}", net.get_parameter(key).grad)


def make(g):
    make_losses(g)
    make_net(g)
