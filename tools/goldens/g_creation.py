"""Goldens: tensor creation, dtypes, fills, ranges and seeded random draws.

The TypeScript tests rebuild each tensor from the same JS data / seed and compare
values, dtype and shape. Random goldens rely on libtorch's CPU generator being the
one PyTorch uses: same seed, same call order, same numbers. Uniform and integer draws
are bit-exact on every CPU; normal draws (Box-Muller through ISA-specific vectorised
or libm code) and float linspace/arange are compared within a few ulps of their scale.
"""
import torch

DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16,
    "int64": torch.int64, "int32": torch.int32, "int16": torch.int16, "int8": torch.int8,
    "uint8": torch.uint8, "bool": torch.bool,
}
# Same literals as test/torch/creation.test.ts.
NESTED_F = [[1.5, -2.0, 3.25], [0.1, 1 / 3, -0.5]]
NESTED_I = [[1, 0, 3], [0, 7, 100]]


def make(g):
    # ---- tensor() from nested arrays (default float32) and with dtype
    g.put("tensor.nested", torch.tensor(NESTED_F))
    for name, d in DTYPES.items():
        src = NESTED_F if d.is_floating_point else NESTED_I
        g.put(f"tensor.nested.{name}", torch.tensor(src, dtype=d))
    g.put("tensor.bools", torch.tensor([[True, False], [False, True]]))
    g.put("tensor.scalar", torch.tensor(2.5))
    g.put("tensor.scalar.int64", torch.tensor(-7, dtype=torch.int64))
    g.put("tensor.empty", torch.tensor([]))
    g.put("tensor.empty2", torch.tensor([[], []]))
    # ---- tensor() from typed arrays with shape
    g.put("typed.Float32Array", torch.tensor([0.5, -1.25, 3.0, 1e-3, 65504.0, -7.0], dtype=torch.float32).reshape(2, 3))
    g.put("typed.Float64Array", torch.tensor([1 / 3, -2.5, 1e10, 0.0, -0.125, 7.0], dtype=torch.float64).reshape(3, 2))
    g.put("typed.BigInt64Array", torch.tensor([2**40, -5, 0, 2**53 + 1, -(2**62), 3], dtype=torch.int64).reshape(2, 3))
    g.put("typed.Int32Array", torch.tensor([-2**31, 2**31 - 1, 0, 5], dtype=torch.int32).reshape(2, 2))
    g.put("typed.Int16Array", torch.tensor([-32768, 32767, 1, -1], dtype=torch.int16))
    g.put("typed.Int8Array", torch.tensor([-128, 127, 0, 1, 2, 3], dtype=torch.int8).reshape(1, 2, 3))
    g.put("typed.Uint8Array", torch.tensor([0, 255, 1, 128], dtype=torch.uint8).reshape(2, 2))
    g.put("typed.Int32Array.float64", torch.tensor([-2**31, 2**31 - 1, 0, 5], dtype=torch.float64).reshape(2, 2))
    g.put("typed.Float32Array.int64", torch.tensor([0.5, -1.25, 3.0, 1e-3, 65504.0, -7.0]).to(torch.int64))
    # ---- fills
    g.put("zeros", torch.zeros(2, 3))
    g.put("zeros.int32", torch.zeros(4, dtype=torch.int32))
    g.put("zeros.scalar", torch.zeros(()))
    g.put("ones.float64", torch.ones(3, 1, dtype=torch.float64))
    g.put("ones.bool", torch.ones(2, dtype=torch.bool))
    g.put("full", torch.full((2, 2), 2.5))
    g.put("full.bool", torch.full((3,), True))
    g.put("full.int64", torch.full((2,), 7, dtype=torch.int64))
    g.put("full.scalar", torch.full((), -1.5))
    g.put("full.float16", torch.full((2,), 0.1, dtype=torch.float16))
    g.put("empty", torch.zeros(2, 0, 3))  # shape/dtype only
    g.put("empty.int16", torch.zeros(3, 2, dtype=torch.int16))
    # ---- ranges
    g.put("arange.5", torch.arange(5))
    g.put("arange.1.10.3", torch.arange(1, 10, 3))
    g.put("arange.10.0.-3", torch.arange(10, 0, -3))
    g.put("arange.0.1.0.1", torch.arange(0, 1, 0.1))
    g.put("arange.5.0.-1.5", torch.arange(5, 0, -1.5))
    g.put("arange.5.float64", torch.arange(5, dtype=torch.float64))
    g.put("arange.-1.1.0.25.float64", torch.arange(-1, 1, 0.25, dtype=torch.float64))
    g.put("arange.empty", torch.arange(3, 3))
    g.put("linspace", torch.linspace(0, 1, 5))
    g.put("linspace.float64", torch.linspace(-2, 2, 7, dtype=torch.float64))
    g.put("linspace.int64", torch.linspace(0, 10, 4, dtype=torch.int64))
    g.put("linspace.one", torch.linspace(3, 3, 1))
    g.put("linspace.none", torch.linspace(0, 1, 0))
    g.put("eye.3", torch.eye(3))
    g.put("eye.2.4", torch.eye(2, 4))
    g.put("eye.3.int64", torch.eye(3, dtype=torch.int64))
    # ---- global generator: one seed, this exact call order
    torch.manual_seed(7)
    g.put("seed7.rand", torch.rand(2, 3))
    g.put("seed7.randn", torch.randn(4))
    g.put("seed7.randint", torch.randint(0, 10, (3, 3)))
    g.put("seed7.randperm", torch.randperm(8))
    g.put("seed7.rand.float64", torch.rand(5, dtype=torch.float64))
    g.put("seed7.randn.float64", torch.randn(2, 2, dtype=torch.float64))
    g.put("seed7.randint.int32", torch.randint(-5, 5, (4,), dtype=torch.int32))
    g.put("seed7.randn.big", torch.randn(20))  # >= 16 elements: vectorised normal path
    g.put("seed7.randperm.big", torch.randperm(40))
    g.put("seed7.rand.float16", torch.rand(3, dtype=torch.float16))
    g.put("seed7.rand.bfloat16", torch.rand(3, dtype=torch.bfloat16))
    g.put("seed7.randint.high", torch.randint(6, (5,)))
    torch.manual_seed(11)
    g.put("seed11.randLike", torch.rand_like(torch.zeros(2, 2, dtype=torch.float64)))
    g.put("seed11.randnLike", torch.randn_like(torch.zeros(3)))
    g.put("seed11.randintLike", torch.randint_like(torch.zeros(2, 3, dtype=torch.int32), 3, 9))
    g.put("seed11.randintLike.high", torch.randint_like(torch.zeros(4), 5))
    # ---- explicit generators leave the global one alone
    torch.manual_seed(5)
    g.put("seed5.first", torch.rand(2))
    gen = torch.Generator().manual_seed(123)
    g.put("gen123.rand", torch.rand(3, generator=gen))
    g.put("gen123.randn", torch.randn(3, generator=gen))
    g.put("gen123.randint", torch.randint(0, 100, (5,), generator=gen))
    g.put("gen123.randperm", torch.randperm(6, generator=gen))
    g.put("seed5.second", torch.rand(2))
    gen.manual_seed(123)
    g.put("gen123.reseeded.rand", torch.rand(3, generator=gen))
    # an unseeded Generator starts from PyTorch's default seed
    unseeded = torch.Generator()
    g.put("genDefault.seed", torch.tensor([unseeded.initial_seed()], dtype=torch.int64))
    g.put("genDefault.randn", torch.randn(4, generator=unseeded))
    # ---- *Like
    base = torch.zeros(2, 3, dtype=torch.int32)
    g.put("zerosLike", torch.zeros_like(base))
    g.put("onesLike.float64", torch.ones_like(base, dtype=torch.float64))
    g.put("fullLike", torch.full_like(base, 7))
    g.put("emptyLike", torch.zeros_like(base))  # shape/dtype only
    # ---- every dtype, for read-back
    for name, d in DTYPES.items():
        g.put(f"dtype.{name}", torch.tensor([[0, 1, 2], [3, 4, 5]], dtype=d))
