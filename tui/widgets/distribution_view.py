"""One histogram tag as TensorBoard's distribution chart: nested percentile bands over steps or time.

The nine percentiles per step are computed exactly as TensorBoard's ``compress_histogram`` does (see
tui/model/histograms.py) and cached per series like the histogram view's arrays: they depend on nothing but
the step's own buckets, so a live series only ever costs its new steps. The x axis follows the app's x mode:
step, seconds since the run's first event, or wall-clock time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rich.text import Text

from tui.model.histograms import distribution
from tui.render.distribution import render_distribution
from tui.render.ticks import format_number, format_relative, format_step, format_wall
from tui.widgets.histogram_view import HistogramPlotBase, PlotPanel, readout_item, step_item

__all__ = ["DistributionView", "distribution_x"]

#: Readout order, top band first: (label, column of the [n, 9] percentiles).
_READOUT = (
    ("max", 8),
    ("93%", 7),
    ("84%", 6),
    ("69%", 5),
    ("median", 4),
    ("31%", 3),
    ("16%", 2),
    ("7%", 1),
    ("min", 0),
)


def distribution_x(
    steps: np.ndarray, wall_times: np.ndarray, x_mode: str, first_wall_time: float | None
) -> tuple[np.ndarray, Callable[[float], str], bool]:
    """The x of every step for ``x_mode``, a tick formatter, and whether x is whole numbers.

    Relative time counts from the run's first event (as TensorBoard's "relative" axis does), falling back
    to the series' first point when the run has no recorded start.
    """
    if x_mode == "relative":
        start = first_wall_time
        if start is None or not np.isfinite(start):
            start = float(wall_times[0]) if len(wall_times) else 0.0
        return wall_times - start, lambda v: format_relative(v, compound=True), False
    if x_mode == "wall":
        span = float(wall_times.max() - wall_times.min()) if len(wall_times) else 0.0
        return wall_times.astype(np.float64), lambda v: format_wall(v, span), False
    return steps.astype(np.float64), format_step, True


@dataclass(frozen=True, slots=True)
class _Percentiles:
    values: np.ndarray  # [n, 9]
    value_range: tuple[float, float] | None  # shared across side-by-side panels, else None (auto)


class DistributionView(HistogramPlotBase):
    """The Distributions tab's plot: percentile bands for one run, or several runs side by side.

    Side by side, the panels share one value axis so band widths compare directly.
    """

    HELP_TITLE = "Distribution plot"

    def needs_work(self, panels: list[PlotPanel]) -> bool:
        return not all(self.data.is_current("dist", p.source.series, p.epoch, len(p.snap)) for p in panels)

    def prepare(self, panels: list[PlotPanel]) -> list[_Percentiles]:
        values = [
            self.data.extend("dist", p.source.series, p.snap, p.epoch, (), distribution) for p in panels
        ]
        shared = None
        if len(panels) > 1:
            finite = [v[np.isfinite(v)] for v in values]
            finite = [f for f in finite if f.size]
            if finite:
                lo = min(float(f.min()) for f in finite)
                hi = max(float(f.max()) for f in finite)
                shared = (lo, hi) if hi > lo else (lo / 1.1 - 1.0, hi * 1.1 + 1.0)
        return [_Percentiles(v, shared) for v in values]

    def render_panel(
        self, panel: PlotPanel, prepared: _Percentiles, width: int, height: int, cursor: int | None
    ) -> list[Text]:
        snap = panel.snap
        x, fmt, integer = distribution_x(
            snap.steps, snap.wall_times, self.x_mode, panel.source.first_wall_time
        )
        return render_distribution(
            x,
            prepared.values,
            width,
            height,
            x_format=fmt,
            value_range=prepared.value_range,
            integer_x=integer,
            cursor_index=cursor,
        )

    def readout(self, panel: PlotPanel, prepared: _Percentiles, index: int, cursor: bool) -> list[Text]:
        snap = panel.snap
        items = [step_item(int(snap.steps[index]), cursor=cursor)]
        if self.x_mode != "step":
            x, fmt, _ = distribution_x(snap.steps, snap.wall_times, self.x_mode, panel.source.first_wall_time)
            items.append(readout_item("at", fmt(float(x[index]))))
        row = prepared.values[index]
        items += [readout_item(label, format_number(float(row[col]), 4)) for label, col in _READOUT]
        return items
