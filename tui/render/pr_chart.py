"""PR curves as a braille chart: precision (y) against recall (x), one line per run, both axes [0, 1].

A curve is stored from the lowest threshold (recall 1) to the highest (recall falls), so it is drawn
reversed, left to right. The cursor is a recall value, as hovering over TensorBoard's PR chart is: each
run reports its threshold nearest to that recall (:class:`~tui.model.pr_curves.PrPoint`), which
:func:`pr_readout` spells out (threshold, precision, recall, TP/FP/TN/FN) the way TensorBoard's
tooltip does. Pure: curves in, rich Text out, exactly ``width`` x ``height`` cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rich.text import Text

from tui.model.pr_curves import PrCurve, PrPoint
from tui.render.chart import ChartRender, ChartSeries, ChartTheme, append_swatch, color_for, render_chart
from tui.render.safe_text import SafeText
from tui.render.ticks import format_number

__all__ = ["AXES", "PrChart", "PrLine", "pr_readout", "render_pr_chart"]


@dataclass(frozen=True, slots=True)
class PrLine:
    """One run's curve (None draws nothing but keeps the run's place and colour), named as the
    runs pane names the run: its ``marker`` letter (runs differ without colour) and its ``label``
    without the prefix all runs share, with ``short`` forms for a tight legend."""

    run: str
    curve: PrCurve | None
    color: str | None = None
    marker: str = ""
    label: str = ""
    short: tuple[str, ...] = ()


@dataclass
class PrChart:
    """The chart, and per line the threshold the cursor picked (None without a cursor or curve)."""

    chart: ChartRender
    points: list[PrPoint | None] = field(default_factory=list)

    @property
    def lines(self) -> list[Text]:
        return self.chart.lines


#: What the axes are: the chart has no axis titles (TensorBoard's says Precision and Recall), and a
#: curve hugging the top right reads the same either way round.
AXES = "y precision, x recall"


def render_pr_chart(
    lines: Sequence[PrLine],
    width: int,
    height: int,
    *,
    cursor_recall: float | None = None,
    title: str | None = None,
    show_legend: bool = True,
    theme: ChartTheme | None = None,
) -> PrChart:
    """Draw the curves into exactly ``height`` lines of ``width`` cells, recall and precision in [0, 1]."""
    series = []
    for i, ln in enumerate(lines):
        c = ln.curve
        x = c.recall[::-1] if c is not None else np.zeros(0)
        y = c.precision[::-1] if c is not None else np.zeros(0)
        series.append(
            ChartSeries(
                ln.run, x, y, color=ln.color or color_for(i), label=ln.label, marker=ln.marker, short=ln.short
            )
        )
    chart = render_chart(
        series,
        width,
        height,
        x_mode="value",
        x_range=(0.0, 1.0),
        y_range=(0.0, 1.0),
        cursor_x=None if cursor_recall is None else float(cursor_recall),
        title=f"{title}  ({AXES})" if title else title,
        show_legend=show_legend,
        theme=theme,
    )
    points: list[PrPoint | None] = [None] * len(lines)
    if cursor_recall is not None:
        for i, ln in enumerate(lines):
            if ln.curve is not None and len(ln.curve):
                points[i] = ln.curve.point(ln.curve.nearest_to_recall(cursor_recall))
    return PrChart(chart, points)


def pr_readout(run: str, point: PrPoint, width: int, *, color: str | None = None, marker: str = "") -> Text:
    """``●A run  thr 0.5  P 0.812  R 0.7  TP 70 FP 16 TN 84 FN 30``, cropped or padded to ``width``
    (``A`` the run's marker, as in the legend: the readout's runs differ without colour too)."""
    out = SafeText(no_wrap=True, end="")
    append_swatch(out, color, marker)
    out.append(run)
    fields = (
        ("thr", format_number(point.threshold, 3)),
        ("P", format_number(point.precision, 3)),
        ("R", format_number(point.recall, 3)),
        ("TP", str(point.tp)),
        ("FP", str(point.fp)),
        ("TN", str(point.tn)),
        ("FN", str(point.fn)),
    )
    for name, value in fields:
        out.append(f"  {name} ", style="dim")
        out.append(value)
    out.truncate(max(int(width), 0), overflow="ellipsis", pad=True)
    return out
