"""Goldens: the self-training and distillation losses of Noisy Student (Xie et al.
2020, reference `main.py`) and Hinton et al. (2015), written from their formulas
with PyTorch's own ops (cross_entropy's label_smoothing, kl_div). float64 inputs
from the family's seed; logits at a scale of 2; every teacher row has a top-2
gap of at least 0.3 so its argmax (the hard targets) is stable under rounding.
"""
import torch
import torch.nn.functional as F

C = 5


def logits(n, scale=2.0):
    return scale * torch.randn(n, C, dtype=torch.float64)


def top2_gap(x):
    top = x.topk(2, dim=1).values
    return (top[:, 0] - top[:, 1]).min().item()


def teacher_targets(t, temp):
    """softmax(t / T); T <= 0: one-hot argmax (the reference code's T = -1)."""
    return F.one_hot(t.argmax(1), C).to(t.dtype) if temp <= 0 else torch.softmax(t / temp, dim=1)


def soft_ce(s, p):
    return -(p * torch.log_softmax(s, dim=1)).sum(1).mean()


def leaf(x):
    return x.clone().requires_grad_()


def make(g):
    teacher = g.put("teacher", logits(10))  # the unlabelled batch, B_unl = 10
    assert top2_gap(teacher) > 0.3, top2_gap(teacher)
    g.put("targets_soft", teacher_targets(teacher, 2.0))
    g.put("targets_hard", teacher_targets(teacher, -1))

    s = leaf(g.put("student", logits(10)))
    loss = soft_ce(s, g.tensors["targets_soft"])
    loss.backward()
    g.put("soft_ce.loss", loss)
    g.put("soft_ce.grad_logits", s.grad)

    lab = g.put("lab_logits", logits(6))  # B_lab = 6: B_unl / B_lab = 5/3
    labels = g.put("labels", torch.tensor([0, 3, 1, 4, 4, 2]))
    for kind in ("soft", "hard"):
        lab_l, unl_l = leaf(lab), leaf(g.tensors["student"])
        l_lab = F.cross_entropy(lab_l, labels, label_smoothing=0.1)
        l_unl = soft_ce(unl_l, g.tensors[f"targets_{kind}"])
        loss = (l_lab * 6 + l_unl * 10) / 6
        loss.backward()
        g.put(f"ns_{kind}.loss", loss)
        g.put(f"ns_{kind}.lab", l_lab)
        g.put(f"ns_{kind}.unl", l_unl)
        g.put(f"ns_{kind}.grad_labLogits", lab_l.grad)
        g.put(f"ns_{kind}.grad_unlLogits", unl_l.grad)
    g.put("ce_plain", F.cross_entropy(lab, labels))

    for temp in (1, 4):
        s = leaf(g.tensors["student"])
        t = g.tensors["teacher"]
        loss = F.kl_div(torch.log_softmax(s / temp, 1), torch.softmax(t / temp, 1), reduction="batchmean") * temp * temp
        loss.backward()
        g.put(f"kd_t{temp}.loss", loss)
        g.put(f"kd_t{temp}.grad_student", s.grad)
        s2 = leaf(g.tensors["student"])
        soft_ce(s2 / temp, torch.softmax(t / temp, 1)).mul(temp * temp).backward()
        assert torch.allclose(s2.grad, s.grad, rtol=1e-12, atol=1e-15), "KD and SimCLRv2's soft CE share their gradient"
