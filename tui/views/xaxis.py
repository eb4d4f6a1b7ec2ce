"""The x-axis rule: which x a point has in each x mode.

One place for every chart (scalars, histograms, distributions, in the app and in ``tbtui plot``), so the
modes cannot drift apart between them. How an x is written is render's business
(:func:`tui.render.ticks.format_x` and ``axis_ticks``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = ["X_MODES", "XMode", "x_values"]

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
