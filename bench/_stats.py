"""Figures the benchmarks share."""
from __future__ import annotations

from collections.abc import Iterable


def pct(xs: Iterable[float], p: float) -> float:
    """The value at rank ``int(p * n)`` (p from 0 to 1) of the sorted ``xs``; nan when empty."""
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")
