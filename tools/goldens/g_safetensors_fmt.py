"""Goldens: the safetensors format, both directions.

make(g): one tensor of every dtype the format stores (with special values: NaN,
+-inf, -0.0, subnormals, integer extremes), 0-d and empty tensors, a tensor whose
name sorts so that its data is misaligned in the file, and `expect.<name>` float64
copies of the values for the TypeScript test to compare against. The file is
written by st.py (make_goldens.py), i.e. by an independent Python implementation.

check(root): runs `node scripts/write-safetensors-sample.mjs <tmp>` (our writer)
and verifies the file with st.py: layout (u64 LE header length, 8-byte aligned
data start, contiguous data_offsets covering the data exactly), metadata, dtypes,
shapes and every value bit for bit. Raises on any mismatch.
"""
import json
import math
import os
import struct
import subprocess
import tempfile

import torch

import st

F32 = [0.0, 1.5, -2.25, 3.4028234663852886e38, 1.1754943508222875e-38,
       1.401298464324817e-45, math.inf, -math.inf, math.nan, -0.0]
F64 = [1.0 / 3.0, -1e300, 5e-324, math.inf, -math.inf, math.nan, 0.1, -0.0]
F16 = [0.0, 1.0, -2.5, 65504.0, -65504.0, 6.103515625e-05, 5.960464477539063e-08,
       math.inf, -math.inf, math.nan, 0.333251953125, -0.0]
BF16 = [1.5, -3.0, 3.3895313892515355e38, 9.183549615799121e-41, 0.0078125, -math.inf, math.nan, -0.0]
I64 = [0, 1, -1, 2 ** 62, -(2 ** 63), 2 ** 63 - 1, 123456789012345]
I32 = [-(2 ** 31), 2 ** 31 - 1, 0, 7]
I16 = [-32768, 32767, -1, 0, 1, 12345]
BOOL = [[True, False, True], [False, False, True]]

# name -> (dtype, shape, values); the same table is in scripts/write-safetensors-sample.mjs.
SAMPLE = {
    "f32": (torch.float32, [2, 5], F32),
    "f64": (torch.float64, [2, 2, 2], F64),
    "f16": (torch.float16, [12], F16),
    "bf16": (torch.bfloat16, [2, 4], BF16),
    "i64": (torch.int64, [7], I64),
    "i32": (torch.int32, [2, 2], I32),
    "i16": (torch.int16, [3, 2], I16),
    "i8": (torch.int8, [16, 16], list(range(-128, 128))),
    "u8": (torch.uint8, [256], list(range(256))),
    "bool": (torch.bool, [2, 3], [v for row in BOOL for v in row]),
    "scalar.f32": (torch.float32, [], [3.5]),
    "scalar.i64": (torch.int64, [], [-7]),
    "scalar.bool": (torch.bool, [], [True]),
    "empty.f32": (torch.float32, [0], []),
    "empty.i64": (torch.int64, [2, 0, 3], []),
    "empty.bool": (torch.bool, [0], []),
    "transposed": (torch.float32, [3, 2], [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]),
}
SAMPLE_METADATA = {"writer": "selfsup", "note": "unicode \u00fc\u2713 pads by bytes", "empty": ""}


def build(dtype, shape, values):
    return torch.tensor(values, dtype=dtype).reshape(shape)


def make(g):
    for name, (dtype, shape, values) in SAMPLE.items():
        t = build(dtype, shape, values)
        g.put(name, t)
        if dtype != torch.int64:  # int64 extremes are not exact in float64; the test hardcodes them
            g.put(f"expect.{name}", t.to(torch.float64))
    # "a.u8" sorts first: every later tensor's data starts at an odd offset in the file.
    g.put("a.u8", torch.tensor([7], dtype=torch.uint8))


BITS = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32, torch.float64: torch.int64}


def same(a, b):
    """Same dtype and shape, and bitwise-equal values, except that any NaN equals any
    NaN (libtorch's vectorised float->bfloat16 cast gives NaN payload 0xFFFF, the
    scalar one 0x7FC0); -0.0 still differs from 0.0."""
    if a.dtype != b.dtype or list(a.shape) != list(b.shape):
        return False
    if a.dtype in BITS:
        na, nb = torch.isnan(a), torch.isnan(b)
        if not torch.equal(na, nb):
            return False
        return torch.equal(a.view(BITS[a.dtype])[~na], b.view(BITS[b.dtype])[~nb])
    return torch.equal(a, b)


def check_layout(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    if (8 + n) % 8:
        raise AssertionError(f"{path}: data does not start 8-byte aligned (header length {n})")
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    spans = sorted(tuple(e["data_offsets"]) for k, e in header.items() if k != "__metadata__")
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise AssertionError(f"{path}: data_offsets not contiguous at {begin} (expected {pos})")
        pos = end
    if pos != len(buf) - 8 - n:
        raise AssertionError(f"{path}: data_offsets cover {pos} bytes but the file holds {len(buf) - 8 - n}")
    for k, e in header.items():
        if k == "__metadata__":
            continue
        size = torch.tensor([], dtype=st.FROM[e["dtype"]]).element_size()
        if e["data_offsets"][0] % size:
            raise AssertionError(f"{path}: tensor {k} starts at {e['data_offsets'][0]}, not aligned to {size}")


def check(root):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "sample.safetensors")
        r = subprocess.run(["node", os.path.join(root, "scripts", "write-safetensors-sample.mjs"), out],
                           cwd=root, capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError(f"write-safetensors-sample.mjs failed ({r.returncode}); build first "
                                 f"(npm run build):\n{r.stdout}{r.stderr}")
        check_layout(out)
        tensors, metadata = st.load(out)
    if metadata != SAMPLE_METADATA:
        raise AssertionError(f"metadata {metadata!r} != {SAMPLE_METADATA!r}")
    if set(tensors) != set(SAMPLE):
        raise AssertionError(f"tensor names {sorted(tensors)} != {sorted(SAMPLE)}")
    for name, (dtype, shape, values) in SAMPLE.items():
        want = build(dtype, shape, values)
        got = tensors[name]
        if not same(got, want):
            raise AssertionError(f"{name}: selfsup wrote {got!r} ({got.dtype}, {list(got.shape)}), "
                                 f"expected {want!r} ({want.dtype}, {list(want.shape)})")
    print(f"safetensors_fmt check: {len(SAMPLE)} tensors written by selfsup verified with st.py")
