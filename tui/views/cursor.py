"""Cursor keys move by data points, never by screen columns: one rule for every chart with a cursor.

``h``/``l`` go to the previous/next logged step of the charted series (the union over the visible
runs, so every press lands where some run has a point) and ``H``/``L`` ten of them, as the README
promises. Moving by columns made one press skip ~15 steps of an 800-step run at 120 columns, and
how far it went changed with the terminal's width and the zoom.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["step_along", "union_points"]


def union_points(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """Every distinct finite value of ``arrays``, sorted (the places a cursor may stop)."""
    parts = [np.asarray(a, dtype=np.float64).ravel() for a in arrays]
    parts = [a for a in parts if a.size]
    if not parts:
        return np.zeros(0)
    out = np.unique(np.concatenate(parts))
    return out[np.isfinite(out)]


def step_along(points: np.ndarray, current: float | None, delta: int) -> float | None:
    """The point ``delta`` places after (``delta`` > 0) or before ``current`` among sorted ``points``.

    With no cursor yet, the first press lands on the first point (moving right) or the last (moving
    left). A cursor between points (the mouse put it there) counts as sitting just before the next
    one: one step right lands on it, one step left on the point below. Ends clamp. The point keeps
    its type (an int step stays an int).
    """
    n = len(points)
    if n == 0:
        return None
    if current is None:
        return (points[-1] if delta < 0 else points[0]).item()
    i = int(np.searchsorted(points, current))
    exact = i < n and points[i] == current
    i += delta - 1 if delta > 0 and not exact else delta
    return points[min(max(i, 0), n - 1)].item()
