"""Goldens: fft (filled in by its family)."""


def make(g):
    pass
