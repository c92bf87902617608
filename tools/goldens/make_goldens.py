#!/usr/bin/python3
"""Writes the golden fixtures that the TypeScript tests compare against.

Run with Debian's python3-torch:  npm run goldens   (or /usr/bin/python3 tools/goldens/make_goldens.py)
Each family module defines make(g); g.put(name, tensor) records a tensor and
the family is saved to fixtures/goldens/<family>.safetensors. Inputs are stored
alongside expected outputs so the tests need no Python.
"""
import importlib
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "fixtures", "goldens")
sys.path.insert(0, HERE)
import st  # noqa: E402

FAMILIES = ["creation", "math", "shape", "nn", "linalg", "fft", "safetensors_fmt", "autograd", "optim", "models", "layers", "transformer", "audio", "views", "losses", "methods", "ssl_losses", "siamese", "ssl_methods", "electra", "colour", "randaugment", "spice", "noss", "trill", "frill", "self_training", "corruptions", "form2fit"]


class Golden:
    def __init__(self):
        self.tensors = {}

    def put(self, name, t):
        if name in self.tensors:
            raise KeyError(f"duplicate golden name {name}")
        self.tensors[name] = t.detach().clone().contiguous()
        return t


def main(only):
    os.makedirs(OUT, exist_ok=True)
    for fam in FAMILIES:
        if only and fam not in only:
            continue
        mod = importlib.import_module(f"g_{fam}")
        torch.manual_seed(0)
        g = Golden()
        mod.make(g)
        path = os.path.join(OUT, f"{fam}.safetensors")
        st.save(path, g.tensors, {"generator": "tools/goldens/make_goldens.py", "torch": torch.__version__})
        print(f"{path}: {len(g.tensors)} tensors, {os.path.getsize(path)} bytes")
        check = getattr(mod, "check", None)
        if check:
            check(ROOT)


if __name__ == "__main__":
    main(set(sys.argv[1:]))
