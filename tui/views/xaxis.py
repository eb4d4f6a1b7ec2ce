"""The x-axis rule: which x a point has in each x mode.

One place for every chart (scalars, histograms, distributions, in the app and in ``tbtui plot``), so the
modes cannot drift apart between them. How an x is written is render's business
(:func:`tui.render.ticks.format_x` and ``axis_ticks``).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

__all__ = ["LIVE_SPANS", "X_MODES", "XMode", "live_x_domain", "nice_ceil", "x_values"]

XMode = Literal["step", "relative", "wall"]
#: The x modes, in the order ``x`` cycles through them.
X_MODES: tuple[XMode, ...] = ("step", "relative", "wall")


def x_values(steps: np.ndarray, wall_times: np.ndarray, x_mode: str) -> np.ndarray:
    """The x of every point of one series: its step, seconds since the series' first point, or epoch
    seconds (all float64).

    Relative time starts at each series' own first point, as TensorBoard's scalar, histogram and
    distribution charts all do, so a tag logged late in a run still starts at 0s.
    """
    if x_mode == "relative":
        walls = np.asarray(wall_times, dtype=np.float64)
        return walls - walls[0] if len(walls) else walls
    if x_mode == "wall":
        return np.asarray(wall_times, dtype=np.float64)
    return np.asarray(steps, dtype=np.float64)


#: The spans a live chart's x domain takes, per power of ten: each is 1.2-1.33 times the one before,
#: so the domain grows by a fifth to a third at a time.
LIVE_SPANS: tuple[float, ...] = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def nice_ceil(x: float) -> float:
    """The smallest number of the form {1, 2, 5} x 10^k that is at least ``x`` (1.0 for x <= 0)."""
    if not math.isfinite(x) or x <= 0:
        return 1.0
    mag = 10.0 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 5.0):
        if m * mag >= x * (1 - 1e-9):
            return m * mag
    return 10.0 * mag


def live_x_domain(lo: float, hi: float) -> tuple[float, float]:
    """The x domain a live chart shows for data spanning ``[lo, hi]``: from ``lo`` over the smallest
    span of :data:`LIVE_SPANS` (times a power of ten) that is longer than the data's.

    Why: with the data's exact extent as the domain (TensorBoard's rule, kept for ``tbtui plot``),
    every appended point rescales every column, so a live chart repaints all its cells once a step.
    With the domain's span taken from a fixed ladder, an appended point only fills the cells it
    lands in, and the chart rescales only when the data reaches the domain's end (after a fifth to
    a third more of the run). The ladder depends on nothing but the span, so the domain grows
    monotonically and never flickers back; the headroom is never zero.
    """
    span = hi - lo
    if not (math.isfinite(lo) and math.isfinite(hi) and math.isfinite(span)) or span <= 0:
        return lo, hi
    mag = 10.0 ** math.floor(math.log10(span))
    for m in (*LIVE_SPANS, 10.0):
        if m * mag > span * (1 + 1e-12):
            end = lo + m * mag
            return lo, end if math.isfinite(end) and end > hi else hi
    return lo, hi
