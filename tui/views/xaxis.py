"""The x-axis rule: which x a point has in each x mode.

One place for every chart (scalars, histograms, distributions, in the app and in ``tbtui plot``), so the
modes cannot drift apart between them. How an x is written is render's business
(:func:`tui.render.ticks.x_formatter`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = ["X_MODES", "XMode", "x_values"]

XMode = Literal["step", "relative", "wall"]
#: The x modes, in the order ``x`` cycles through them.
X_MODES: tuple[XMode, ...] = ("step", "relative", "wall")


def x_values(
    steps: np.ndarray, wall_times: np.ndarray, x_mode: str, start: float | None = None
) -> np.ndarray:
    """The x of every point: its step, seconds since ``start``, or epoch seconds (all float64).

    Relative time counts from ``start`` (a run's first event), falling back to the series' first point
    when there is no finite start.
    """
    if x_mode == "relative":
        if start is None or not np.isfinite(start):
            start = float(wall_times[0]) if len(wall_times) else 0.0
        return np.asarray(wall_times, dtype=np.float64) - start
    if x_mode == "wall":
        return np.asarray(wall_times, dtype=np.float64)
    return np.asarray(steps, dtype=np.float64)
