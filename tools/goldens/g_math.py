"""Goldens: elementwise math, comparisons, reductions, in-place updates."""
import torch

UNARY = ["neg", "abs", "sign", "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt",
         "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
         "sigmoid", "erf", "floor", "ceil", "round", "trunc", "frac", "square"]
# Ops defined on (0, 1) only are fed values in that range.
POSITIVE = {"log", "log1p", "log2", "log10", "sqrt", "rsqrt", "asin", "acos", "reciprocal"}


def make(g):
    a = g.put("a", torch.randn(3, 4))
    b = g.put("b", torch.randn(4))  # broadcasts against a
    p = g.put("p", torch.rand(3, 4) * 0.9 + 0.05)
    ia = g.put("ia", torch.randint(-5, 6, (3, 4)))
    ib = g.put("ib", torch.randint(1, 4, (4,)))
    for name in UNARY:
        x = p if name in POSITIVE else a
        g.put(f"unary.{name}", getattr(torch, name)(x))
    g.put("add", torch.add(a, b, alpha=2))
    g.put("add.scalar", a + 2.5)
    g.put("sub", a - b)
    g.put("rsub", 3 - a)
    g.put("mul", a * b)
    g.put("div", a / b)
    g.put("div.floor", torch.div(ia, ib, rounding_mode="floor"))
    g.put("div.trunc", torch.div(ia, ib, rounding_mode="trunc"))
    g.put("int.add", ia + 2)
    g.put("int.mul", ia * ib)
    g.put("remainder", torch.remainder(ia, ib))
    g.put("pow", torch.pow(p, b.abs()))
    g.put("pow.scalar", a ** 2)
    g.put("atan2", torch.atan2(a, b))
    g.put("maximum", torch.maximum(a, b))
    g.put("clamp", a.clamp(-0.5, 0.5))
    g.put("clampMin", a.clamp(min=0.1))
    g.put("where", torch.where(a > 0, a, b))
    g.put("where.scalar", torch.where(a > 0, a, torch.tensor(0.0)))
    for name in ["eq", "ne", "lt", "le", "gt", "ge"]:
        g.put(f"cmp.{name}", getattr(torch, name)(a, b))
        g.put(f"cmp.{name}.scalar", getattr(torch, name)(a, 0.25))
    g.put("logicalAnd", torch.logical_and(a > 0, b > 0))
    # reductions
    g.put("sum.all", a.sum())
    g.put("sum.dim1", a.sum(1))
    g.put("sum.dims.keep", a.sum((0, 1), keepdim=True))
    g.put("sum.int", ia.sum())
    g.put("mean.dim0", a.mean(0))
    g.put("prod.dim1", a.prod(1))
    g.put("var.all", a.var())
    g.put("var.dim1.biased", a.var(1, unbiased=False))
    g.put("std.dim0.keep", a.std(0, keepdim=True))
    mx = a.max(1)
    g.put("max.values", mx.values)
    g.put("max.indices", mx.indices)
    g.put("min.all", a.min())
    g.put("argmax.dim0", a.argmax(0))
    g.put("argmin.all", a.argmin())
    g.put("amax.dims", a.amax((0, 1)))
    g.put("logsumexp.dim1", torch.logsumexp(a, 1))
    g.put("norm.dim1", a.norm(dim=1))
    g.put("cumsum.dim1", a.cumsum(1))
    g.put("cumprod.dim0", a.cumprod(0))
    g.put("all.dim1", (a > -1).all(1))
    g.put("any.all", (a > 2).any())
    # in-place optimizer updates
    x = a.clone()
    x.add_(b, alpha=0.5).mul_(0.9).addcmul_(a, a, value=0.1).addcdiv_(a, p, value=-0.2).clamp_(-1, 1)
    g.put("inplace.chain", x)
    # dtypes: ops keep/promote dtypes like PyTorch
    g.put("double.add", a.double() + b.double())
    g.put("half.add", (a.half() + b.half()))
    g.put("bf16.mul", (a.bfloat16() * 2))
