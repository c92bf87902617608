"""Goldens: torch.optim (SGD, Adam, AdamW, parameter groups) and clip_grad_norm_.

Two parameters (p0 [3, 4], p1 [5]) are updated for STEPS steps with fixed
gradients grad.<k>.<i>; after each step the parameters and the optimizer state
are stored as <config>.<k>.p<i> and <config>.<k>.<state>.<i>. The config table
itself is stored as UTF-8 JSON bytes ("configs"), so the TypeScript test reads
the same table instead of repeating it.
"""
import json

import torch

STEPS = 5
# Gradient scales per step: they vary so that AMSGrad's running maximum matters.
SCALES = [1.0, 0.1, 2.0, 0.05, 1.0]
# name, optimizer, defaults, per-group overrides (group 0 holds p0, group 1 holds p1)
CONFIGS = [
    ["sgd", "SGD", {"lr": 0.1}, None],
    ["sgd.momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, None],
    ["sgd.dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, None],
    ["sgd.nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, None],
    ["sgd.weight_decay", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}, None],
    ["sgd.groups", "SGD", {"lr": 0.1, "momentum": 0.9}, [{}, {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.5}]],
    ["adam", "Adam", {"lr": 0.01}, None],
    ["adam.weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1}, None],
    ["adam.amsgrad", "Adam", {"lr": 0.01, "betas": [0.8, 0.9], "eps": 1e-6, "amsgrad": True}, None],
    ["adamw", "AdamW", {"lr": 0.01, "weight_decay": 0.1}, None],
    ["adamw.default_decay", "AdamW", {"lr": 0.01}, None],
    ["adamw.amsgrad", "AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}, None],
    ["adamw.groups", "AdamW", {"lr": 0.01}, [{"weight_decay": 0.0}, {"lr": 0.05, "weight_decay": 0.2, "betas": [0.5, 0.99]}]],
]
STATE = ["momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]


def run(g, name, cls, defaults, groups, p_init, grads):
    params = [p.clone().requires_grad_() for p in p_init]
    if groups:
        spec = [dict(params=[p], **o) for p, o in zip(params, groups)]
    else:
        spec = params
    opt = getattr(torch.optim, cls)(spec, **defaults)
    for k in range(STEPS):
        for i, p in enumerate(params):
            p.grad = grads[k][i].clone()
        opt.step()
        for i, p in enumerate(params):
            g.put(f"{name}.{k}.p{i}", p)
            for s in STATE:
                if opt.state[p].get(s) is not None:
                    g.put(f"{name}.{k}.{s}.{i}", opt.state[p][s])


def clip(g):
    gs = [g.put("clip.g0", torch.randn(3, 4) * 2), g.put("clip.g1", torch.randn(5))]
    for case, max_norm, norm_type in [("l2", 1.0, 2.0), ("inf", 0.5, float("inf")), ("l1", 2.0, 1.0), ("none", 100.0, 2.0)]:
        ps = [torch.zeros_like(t, requires_grad=True) for t in gs]
        for p, t in zip(ps, gs):
            p.grad = t.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        g.put(f"clip.{case}.total", total)
        for i, p in enumerate(ps):
            g.put(f"clip.{case}.g{i}", p.grad)


def make(g):
    p_init = [g.put("p0", torch.randn(3, 4)), g.put("p1", torch.randn(5))]
    grads = [[g.put(f"grad.{k}.{i}", torch.randn_like(p) * SCALES[k]) for i, p in enumerate(p_init)] for k in range(STEPS)]
    g.put("configs", torch.tensor(list(json.dumps(CONFIGS).encode()), dtype=torch.uint8))
    for name, cls, defaults, groups in CONFIGS:
        run(g, name, cls, defaults, groups, p_init, grads)
    clip(g)
