"""Goldens: the losses of BYOL, MoCo v3, SimSiam, Barlow Twins, VICReg and DINO, and
the collapse diagnostics, written from each paper's equations and pseudo-code."""
import math

import torch
import torch.nn.functional as F


def cos(x, y):
    return (x * y).sum(dim=1) / (x.norm(dim=1) * y.norm(dim=1))


def byol(p1, p2, t1, t2):
    """BYOL eq. 2 (2 - 2 cos) per direction, batch mean, summed: L + L~."""
    term = lambda p, t: (2 - 2 * cos(p, t.detach())).mean()  # noqa: E731
    return term(p1, t2) + term(p2, t1)


def ctr(q, k, tau):
    """MoCo v3 Algorithm 1: CE of q k^T / tau against arange(N), times 2 tau; q, k normalised."""
    q = q / q.norm(dim=1, keepdim=True)
    k = k.detach() / k.detach().norm(dim=1, keepdim=True)
    logits = q @ k.T / tau
    return F.cross_entropy(logits, torch.arange(q.shape[0])) * 2 * tau


def simsiam_d(p, z):
    """SimSiam Algorithm 1: D(p, z) = -(normalize(p) * normalize(z.detach())).sum(1).mean()."""
    return -cos(p, z.detach()).mean()


def bn(z, eps=1e-5):
    """Barlow Twins' reference code standardisation: BatchNorm1d(affine=False), biased variance."""
    return (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + eps)


def barlow(z1, z2, lam):
    """Barlow Twins Algorithm 1: c = bn(z1)^T bn(z2) / N; (c - I)^2 with the off-diagonal scaled by lambda."""
    n, d = z1.shape
    c = bn(z1).T @ bn(z2) / n
    c_diff = (c - torch.eye(d, dtype=c.dtype)).pow(2)
    on = torch.diagonal(c_diff).sum()
    off = c_diff.sum() - on
    return c, on, off, on + lam * off


def vicreg_terms(z1, z2, gamma=1.0, eps=1e-4):
    """VICReg Algorithm 1 / eqs. 1-6: MSE invariance, hinge on sqrt(var + eps), off-diagonal covariance^2 / d."""
    n, d = z1.shape

    def var_term(z):
        return F.relu(gamma - torch.sqrt(z.var(dim=0) + eps)).mean()

    def cov_term(z):
        z = z - z.mean(dim=0)
        c = z.T @ z / (n - 1)
        return (c.pow(2).sum() - torch.diagonal(c).pow(2).sum()) / d

    return F.mse_loss(z1, z2), var_term(z1), var_term(z2), cov_term(z1), cov_term(z2)


def dino_h(t, s, center, tps, tpt):
    """DINO Algorithm 1's H(t, s): -(softmax((t - C)/tpt) * log softmax(s/tps)).sum(1).mean()."""
    t = torch.softmax((t.detach() - center) / tpt, dim=1)
    return -(t * torch.log_softmax(s / tps, dim=1)).sum(dim=1).mean()


def dino(student, teacher, center, tps, tpt):
    """DINO eq. 3 averaged over the pairs (teacher view a, student view b != a), as the reference code."""
    terms = [dino_h(t, s, center, tps, tpt) for a, t in enumerate(teacher) for b, s in enumerate(student) if b != a]
    return sum(terms) / len(terms)


def leaves(*xs):
    return [x.clone().requires_grad_() for x in xs]


def put_grads(g, prefix, names, xs):
    for name, x in zip(names, xs):
        g.put(f"{prefix}.grad_{name}", x.grad)


def make(g):
    a, b, c, d = (g.put(f"x{i}", torch.randn(8, 5, dtype=torch.float64)) for i in range(4))

    p1, p2, t1, t2 = leaves(a, b, c, d)
    loss = byol(p1, p2, t1, t2)
    loss.backward()
    g.put("byol.loss", loss)
    g.put("byol.term", (2 - 2 * cos(a, d)).mean())
    put_grads(g, "byol", ["p1", "p2"], [p1, p2])

    q1, q2, k1, k2 = leaves(a, b, c, d)
    loss = ctr(q1, k2, 0.2) + ctr(q2, k1, 0.2)
    loss.backward()
    g.put("mocov3.loss", loss)
    g.put("mocov3.term", ctr(a, d, 0.2))
    put_grads(g, "mocov3", ["q1", "q2"], [q1, q2])

    p1, p2, z1, z2 = leaves(a, b, c, d)
    loss = simsiam_d(p1, z2) / 2 + simsiam_d(p2, z1) / 2
    loss.backward()
    g.put("simsiam.loss", loss)
    g.put("simsiam.term", simsiam_d(a, d))
    put_grads(g, "simsiam", ["p1", "p2"], [p1, p2])

    assert torch.allclose(bn(a), torch.nn.BatchNorm1d(5, affine=False).double().train()(a), rtol=0, atol=1e-14)
    z1, z2 = leaves(a, b)
    cc, on, off, loss = barlow(z1, z2, 5e-3)
    loss.backward()
    g.put("barlow.c", cc)
    g.put("barlow.on", on)
    g.put("barlow.off", off)
    g.put("barlow.loss", loss)
    put_grads(g, "barlow", ["z1", "z2"], [z1, z2])

    # Column scales keep every batch std at least 0.1 away from gamma = 1 (the hinge's kink).
    scale = g.put("vicreg.scale", torch.tensor([0.5, 0.7, 1.6, 0.4, 2.5], dtype=torch.float64))
    v1, v2 = a * scale, b * scale
    for z in (v1, v2):
        assert ((z.var(0) + 1e-4).sqrt() - 1).abs().min() > 0.1
    z1, z2 = leaves(v1, v2)
    inv, var1, var2, cov1, cov2 = vicreg_terms(z1, z2)
    loss = 25 * inv + 25 * (var1 + var2) + 1 * (cov1 + cov2)
    loss.backward()
    for name, t in (("inv", inv), ("var1", var1), ("var2", var2), ("cov1", cov1), ("cov2", cov2), ("loss", loss)):
        g.put(f"vicreg.{name}", t)
    put_grads(g, "vicreg", ["z1", "z2"], [z1, z2])

    student = [g.put(f"dino.s{i}", torch.randn(5, 6, dtype=torch.float64)) for i in range(4)]
    teacher = [g.put(f"dino.t{i}", 0.5 * torch.randn(5, 6, dtype=torch.float64)) for i in range(2)]
    center = g.put("dino.center", 0.1 * torch.randn(1, 6, dtype=torch.float64))
    ss = leaves(*student)
    loss = dino(ss, teacher, center, 0.1, 0.05)
    loss.backward()
    g.put("dino.loss", loss)
    g.put("dino.term", dino_h(teacher[0], student[1], center, 0.1, 0.05))
    put_grads(g, "dino", [f"s{i}" for i in range(4)], ss)
    g.put("dino.center_next", 0.9 * center + 0.1 * torch.cat(teacher).mean(dim=0, keepdim=True))
    g.put("dino.teacher_temp", torch.cat([torch.linspace(0.04, 0.07, 10, dtype=torch.float64), torch.full((5,), 0.07, dtype=torch.float64)]))

    feats = g.put("collapse.x", torch.randn(12, 5, dtype=torch.float64) + 0.3)
    g.put("collapse.std", F.normalize(feats, dim=1).std(dim=0).mean())
    sigma = torch.linalg.svdvals(feats)
    p = sigma / sigma.sum() + 1e-7
    g.put("collapse.rank", torch.tensor(math.exp(-(p * p.log()).sum().item()), dtype=torch.float64))

    # InfoNCE bound (CPC §2.3): log K - CE(scores, arange(K)), K = 8.
    scores = g.put("infonce.scores", 2 * torch.randn(8, 8, dtype=torch.float64))
    g.put("infonce.bound", math.log(8) - F.cross_entropy(scores, torch.arange(8)))
