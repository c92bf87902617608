"""Goldens: autograd (backward, gradient seeds, accumulation, retain_graph, detach,
torch.autograd.grad with grad_outputs / create_graph, retain_grad, autograd.backward)
and a small MLP trained with manual SGD, for test/torch/autograd.test.ts."""
import torch

MLP_STEPS = 25
MLP_LR = 0.05


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def lin(inp, w, b):
    # The same formula as the TypeScript test (broadcast multiply + sum), so that the
    # float32 rounding matches step for step.
    return (inp.unsqueeze(1) * w).sum(2) + b


def mlp_loss(x, y, params):
    w1, b1, w2, b2 = params
    h = lin(x, w1, b1).clamp(min=0)
    return (lin(h, w2, b2) - y).pow(2).mean()


def make(g):
    x0 = g.put("x", torch.randn(3, 4, dtype=torch.float64))
    w = g.put("w", torch.randn(3, 4, dtype=torch.float64))
    v = g.put("v", torch.randn(3, 4, dtype=torch.float64))

    # backward on a scalar
    x = leaf(x0)
    (x ** 3).sum().add(x.sin().mean()).backward()
    g.put("scalar.grad", x.grad)

    # backward on a non-scalar with a gradient seed
    x = leaf(x0)
    (x * w + x.exp()).backward(v)
    g.put("seed.grad", x.grad)

    # accumulation over two backward calls (two graphs)
    x = leaf(x0)
    (x * x).sum().backward()
    (x * w).sum().backward()
    g.put("accum.grad", x.grad)

    # retain_graph: the same graph twice
    x = leaf(x0)
    y = (x.tanh() * w).sum()
    y.backward(retain_graph=True)
    g.put("retain.grad1", x.grad.clone())
    y.backward()
    g.put("retain.grad2", x.grad)

    # detach stops the gradient through one factor
    x = leaf(x0)
    (x * x.detach()).sum().backward()
    g.put("detach.grad", x.grad)

    # autograd.grad with grad_outputs, two outputs and two inputs
    a, b = leaf(x0), leaf(w)
    ga, gb = torch.autograd.grad([a * b, a.sin()], [a, b], grad_outputs=[v, torch.ones_like(v)])
    g.put("grad.a", ga)
    g.put("grad.b", gb)

    # second derivative of x^3: 3x^2 then 6x
    x = leaf(x0)
    (d1,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
    g.put("second.d1", d1)
    (d2,) = torch.autograd.grad(d1.sum(), x)
    g.put("second.d2", d2)

    # retain_grad on a non-leaf
    x = leaf(x0)
    h = x * 2 + 1
    h.retain_grad()
    (h ** 2).sum().backward()
    g.put("retainGrad.h", h.grad)
    g.put("retainGrad.x", x.grad)

    # torch.autograd.backward over two outputs with seeds, in one pass
    x = leaf(x0)
    torch.autograd.backward([x * 2, x.exp()], [v, w])
    g.put("backward.multi", x.grad)

    # grad inside no_grad + enable_grad
    x = leaf(x0)
    with torch.no_grad():
        with torch.enable_grad():
            y = (x * x).sum()
    (gx,) = torch.autograd.grad(y, x)
    g.put("enableGrad.grad", gx)

    # a 2-layer MLP: loss and gradients, then MLP_STEPS steps of manual SGD
    mx = g.put("mlp.x", torch.randn(16, 8))
    my = g.put("mlp.y", torch.randn(16, 1))
    init = [torch.randn(12, 8) * 0.3, torch.zeros(12), torch.randn(1, 12) * 0.3, torch.zeros(1)]
    for k, p in zip(["W1", "b1", "W2", "b2"], init):
        g.put(f"mlp.{k}", p)
    params = [leaf(p) for p in init]
    loss = mlp_loss(mx, my, params)
    loss.backward()
    g.put("mlp.loss0", loss)
    for k, p in zip(["W1", "b1", "W2", "b2"], params):
        g.put(f"mlp.grad.{k}", p.grad)
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-MLP_LR)
            p.grad.zero_()
    for _ in range(MLP_STEPS - 1):
        loss = mlp_loss(mx, my, params)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-MLP_LR)
                p.grad.zero_()
    g.put(f"mlp.loss{MLP_STEPS - 1}", loss)
    for k, p in zip(["W1", "b1", "W2", "b2"], params):
        g.put(f"mlp.trained.{k}", p)
