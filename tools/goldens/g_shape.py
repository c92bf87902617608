"""Goldens: shape (filled in by its family)."""


def make(g):
    pass
