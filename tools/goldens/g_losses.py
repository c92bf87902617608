"""Goldens: self-supervised losses, computed with deliberately naive loops in PyTorch."""
import torch


def ntxent_loop(z1, z2, t):
    """SimCLR eq. 1 term by term: mean over 2N anchors of -log(exp(s_ij/t) / sum_{k != i} exp(s_ik/t))."""
    n = z1.shape[0]
    z = torch.cat([z1, z2])
    z = z / z.norm(dim=1, keepdim=True)
    total = 0
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        num = torch.exp(z[i] @ z[j] / t)
        den = sum(torch.exp(z[i] @ z[k] / t) for k in range(2 * n) if k != i)
        total = total - torch.log(num / den)
    return total / (2 * n)


def make(g):
    z1 = g.put("z1", torch.randn(6, 5, dtype=torch.float64))
    z2 = g.put("z2", torch.randn(6, 5, dtype=torch.float64))
    for name, t in (("t05", 0.5), ("t01", 0.1)):
        a = z1.clone().requires_grad_()
        b = z2.clone().requires_grad_()
        loss = ntxent_loop(a, b, t)
        loss.backward()
        g.put(f"ntxent.{name}", loss)
        g.put(f"ntxent.{name}.grad_z1", a.grad)
        g.put(f"ntxent.{name}.grad_z2", b.grad)
