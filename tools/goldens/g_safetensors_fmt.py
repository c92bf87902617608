"""Goldens: safetensors_fmt (filled in by its family)."""


def make(g):
    pass
