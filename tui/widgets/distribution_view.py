"""One histogram tag as TensorBoard's distribution chart: nested percentile bands over steps or time.

The nine percentiles per step are computed exactly as TensorBoard's ``compress_histogram`` does (see
tui/model/histograms.py) and cached per series like the histogram view's arrays: they depend on nothing but
the step's own buckets, so a live series only ever costs its new steps. The x axis follows the app's x mode:
step, seconds since the run's first event, or wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text

from tui.model.histograms import distribution
from tui.render.distribution import READOUT, band_colors_for, render_distribution
from tui.render.ticks import format_number, format_x
from tui.views.xaxis import x_values
from tui.widgets.histogram_view import HistogramPlotBase, PlotPanel, readout_item, step_item

__all__ = ["DistributionView"]


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
        x = x_values(snap.steps, snap.wall_times, self.x_mode)
        bands, median = band_colors_for(self.app.console.color_system)
        return render_distribution(
            x,
            prepared.values,
            width,
            height,
            x_mode=self.x_mode,
            value_range=prepared.value_range,
            cursor_index=cursor,
            band_colors=bands,
            median_color=median,
        )

    def readout(self, panel: PlotPanel, prepared: _Percentiles, index: int, cursor: bool) -> list[Text]:
        snap = panel.snap
        items = [step_item(int(snap.steps[index]), cursor=cursor)]
        if self.x_mode != "step":
            x = x_values(snap.steps, snap.wall_times, self.x_mode)
            span = float(x.max() - x.min()) if len(x) else 0.0
            items.append(readout_item("at", format_x(float(x[index]), self.x_mode, span)))
        row = prepared.values[index]
        items += [readout_item(label, format_number(float(row[col]), 4)) for label, col in READOUT]
        return items
