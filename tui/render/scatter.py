"""Scatter plots on the chart machinery: the projector's 2-D PCA view and an hparam-against-metric plot.

Both are :func:`~tui.render.chart.render_chart` with dot series (``points=True``) on a plain-number
x axis, so axes, ticks, legend and the exact-size contract are the line chart's.

* :func:`render_embedding` colours points by a metadata column: the most common values get the run
  palette in order of frequency, the rest share grey as "other" (a braille cell holds one colour, and
  a dozen colours is what an eye tells apart). The point under the cursor is drawn last, in the
  cursor colour, so it stays visible in a crowd.
* :func:`render_hparam_scatter` puts one point per session: x a hyperparameter (categorical values,
  strings or bools, sit at 0, 1, 2 ... in sorted order and the axis says which is which), y a metric.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui.render.chart import RUN_COLORS, ChartRender, ChartSeries, ChartTheme, render_chart
from tui.render.rows import EMPTY_NAME
from tui.render.safe_text import SafeText

__all__ = [
    "CategoricalAxis",
    "axis_values",
    "nearest_point",
    "render_embedding",
    "render_hparam_scatter",
]

_OTHER = "#6f6f6f"


def nearest_point(
    xy: np.ndarray, x: float, y: float, x_scale: float = 1.0, y_scale: float = 1.0
) -> int | None:
    """Index of the point nearest to (x, y), distances scaled per axis (data units per pixel)."""
    a = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if a.shape[0] == 0:
        return None
    d = ((a[:, 0] - x) / (x_scale or 1.0)) ** 2 + ((a[:, 1] - y) / (y_scale or 1.0)) ** 2
    d = np.where(np.isfinite(d), d, np.inf)
    return int(np.argmin(d)) if np.isfinite(d).any() else None


def render_embedding(
    coords: np.ndarray,
    labels: Sequence[str] | None,
    width: int,
    height: int,
    *,
    cursor: int | None = None,
    max_colors: int = len(RUN_COLORS) - 1,
    title: str | None = None,
    theme: ChartTheme | None = None,
) -> ChartRender:
    """PCA coordinates ``[N, 2]`` as a scatter, coloured by ``labels`` (one per point, or None)."""
    theme = theme or ChartTheme()
    xy = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    n = xy.shape[0]
    series: list[ChartSeries] = []
    if labels is None or len(labels) != n:
        series.append(ChartSeries("points", xy[:, 0], xy[:, 1], color=RUN_COLORS[0], points=True))
    else:
        counts = Counter(labels)
        top = [v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:max_colors]]
        lab = np.asarray(labels, dtype=object)
        for i, value in enumerate(top):
            m = lab == value
            name = value if value != "" else EMPTY_NAME
            series.append(ChartSeries(name, xy[m, 0], xy[m, 1], color=RUN_COLORS[i], points=True))
        rest = ~np.isin(lab, np.asarray(top, dtype=object))
        if rest.any():
            series.append(ChartSeries("other", xy[rest, 0], xy[rest, 1], color=_OTHER, points=True))
    if cursor is not None and 0 <= cursor < n:
        series.append(
            ChartSeries(
                "", xy[cursor : cursor + 1, 0], xy[cursor : cursor + 1, 1], color=theme.cursor, points=True
            )
        )
    # The title line (reserved when there is room) becomes the title plus a legend of the colour
    # classes: the chart's own legend would list the cursor's one-point series too.
    chart = render_chart(series, width, height, x_mode="value", title=" ", show_legend=False, theme=theme)
    _legend_over_title(chart, series, width, title, theme)
    return chart


def _legend_over_title(
    chart: ChartRender, series: Sequence[ChartSeries], width: int, title: str | None, theme: ChartTheme
) -> None:
    """Replace the reserved title line with ``title`` and a compact legend of the colour classes."""
    if chart.plot_top == 0:
        return
    out = SafeText(title + "  " if title else "", style=theme.title, no_wrap=True, end="")
    for s in series:
        if not s.name:
            continue
        if out.cell_len:
            out.append("  ")
        out.append("●", style=s.color or "")
        out.append(" " + s.name, style=theme.label)
    out.truncate(width, overflow="ellipsis", pad=True)
    chart.lines[0] = out


@dataclass(frozen=True, slots=True)
class CategoricalAxis:
    """How values of a column sit on an axis: numbers as themselves, categories at 0, 1, 2 ..."""

    positions: np.ndarray  # float64, NaN where a value is missing
    categories: tuple[str, ...] = ()  # non-empty when the axis is categorical

    @property
    def categorical(self) -> bool:
        return bool(self.categories)


def axis_values(values: Sequence[object]) -> CategoricalAxis:
    """Positions of hparam/metric values: numeric when every present value is a number (bools are
    categories, as TensorBoard's hparams plugin treats them), else categories in sorted order."""
    present = [v for v in values if v is not None]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
    if numeric:
        return CategoricalAxis(
            np.asarray([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        )
    cats = sorted({str(v) for v in present})
    where = {c: i for i, c in enumerate(cats)}
    pos = np.asarray([np.nan if v is None else where[str(v)] for v in values], dtype=np.float64)
    return CategoricalAxis(pos, tuple(cats))


def render_hparam_scatter(
    x_values: Sequence[object],
    y_values: Sequence[object],
    names: Sequence[str],
    width: int,
    height: int,
    *,
    colors: Sequence[str] | None = None,
    x_label: str = "",
    y_label: str = "",
    theme: ChartTheme | None = None,
) -> ChartRender:
    """One dot per session (``names[i]`` at ``x_values[i]``, ``y_values[i]``), in its run's colour.

    A categorical x axis gets its categories as a footnote line (``0 adam  1 sgd``) below the chart,
    inside the same ``height``.
    """
    theme = theme or ChartTheme()
    xa, ya = axis_values(x_values), axis_values(y_values)
    series = [
        ChartSeries(
            name,
            xa.positions[i : i + 1],
            ya.positions[i : i + 1],
            color=(colors[i] if colors is not None and i < len(colors) else RUN_COLORS[i % len(RUN_COLORS)]),
            points=True,
        )
        for i, name in enumerate(names)
    ]
    footnote = xa.categorical and height >= 8
    title = f"{y_label} against {x_label}" if x_label or y_label else None
    x_range = None
    if xa.categorical:
        # Half a slot either side, widened to a span of 2 so the step axis ticks whole numbers only
        # (categories sit at integers; a 0.5 tick would name nothing).
        pad = 0.5 + max(0.0, (2 - len(xa.categories)) / 2)
        x_range = (-pad, len(xa.categories) - 1 + pad)
    chart = render_chart(
        series,
        width,
        height - int(footnote),
        x_mode="step" if xa.categorical else "value",
        x_range=x_range,
        title=title,
        theme=theme,
    )
    if footnote:
        note = SafeText("  ".join(f"{i} {c}" for i, c in enumerate(xa.categories)), style=theme.label)
        note.truncate(width, overflow="ellipsis", pad=True)
        chart.lines.append(note)
        chart.height = height
    return chart
