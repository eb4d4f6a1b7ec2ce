"""From model snapshots to chart input, and the small text blocks the scalar widgets add around charts.

Kept apart from chart.py (which draws any x/y series) because this is where TensorBoard's scalar
dashboard semantics live: which x a mode means, smoothing over the raw values with the raw line
kept as an underlay, and the cursor readout ("run, step, smoothed, raw"). Pure functions plus one
bounded cache, no Textual.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.model.series import ScalarSnapshot
from tui.render.cells import fit
from tui.render.chart import ChartSeries, CursorHit
from tui.render.rows import ellipsize_middle
from tui.render.smoothing import smooth
from tui.render.ticks import format_number, format_step, format_x
from tui.views.cache import LruCache
from tui.views.safe import inert
from tui.views.xaxis import x_values

__all__ = ["SmoothCache", "chart_series", "cursor_lines", "hstack"]


class SmoothCache:
    """Smoothed values per (series identity, length, weight), so a redraw does not re-smooth 1M points.

    Keyed on the length too: series are append-only, so the same object at the same length holds the
    same values (a purge makes new arrays and bumps the version, which the caller includes).
    """

    def __init__(self, size: int = 256) -> None:
        self._cache: LruCache[tuple, np.ndarray] = LruCache(size)

    def get(self, key: tuple, values: np.ndarray, weight: float) -> np.ndarray:
        full = (*key, len(values), round(weight, 6))
        hit = self._cache.get(full)
        return hit if hit is not None else self._cache.put(full, smooth(values, weight))


def chart_series(
    name: str,
    snap: ScalarSnapshot,
    color: str | None,
    *,
    x_mode: str,
    smoothing: float,
    cache: SmoothCache | None = None,
    key: tuple = (),
) -> ChartSeries:
    """One run's line: smoothed values over a faint raw underlay (no underlay when not smoothing)."""
    x = x_values(snap.steps, snap.wall_times, x_mode)
    values = snap.values
    if smoothing > 0 and len(values) > 1:
        y = cache.get(key, values, smoothing) if cache is not None and key else smooth(values, smoothing)
        raw = values
    else:
        y, raw = values, None
    return ChartSeries(name=name, x=x, y=y, color=color, raw_y=raw)


def cursor_lines(
    hits: Sequence[CursorHit],
    colors: Sequence[str | None],
    width: int,
    x_mode: str,
    *,
    steps: Sequence[int | None] = (),
    max_lines: int = 3,
) -> list[Text]:
    """One line per series under the cursor: ``● run  step 120  0.2345  raw 0.25``.

    ``steps`` gives each hit's step when x is not the step (relative or wall time), so the readout
    always names the step. More series than ``max_lines`` end with a ``+N more`` line.
    """
    out: list[Text] = []
    shown = hits if len(hits) <= max_lines else hits[: max_lines - 1]
    rows = []
    for k, hit in enumerate(shown):
        step = steps[k] if k < len(steps) else None
        where = f"step {format_step(step)}" if step is not None else f"step {format_step(hit.x)}"
        if x_mode != "step":
            where += " " + format_x(hit.x, x_mode)
        raw = f"raw {format_number(hit.raw_y, 5)}" if hit.raw_y is not None else ""
        rows.append((hit, inert(hit.name), where, format_number(hit.y, 5), raw))
    # Columns line up: names, then where, value and raw each padded to the widest.
    where_w = max((len(r[2]) for r in rows), default=0)
    value_w = max((len(r[3]) for r in rows), default=0)
    raw_w = max((len(r[4]) for r in rows), default=0)
    marker_w = max((len(r[0].marker) for r in rows), default=0)
    fixed = 2 + marker_w + 2 + where_w + 2 + value_w + (2 + raw_w if raw_w else 0)
    longest = max((len(r[1]) for r in rows), default=0)
    name_w = max(min(longest, width - fixed), 4)
    for hit, name, where, value, raw in rows:
        color = colors[hit.series] if hit.series < len(colors) else None
        t = Text(no_wrap=True, end="")
        style = Style(color=color) if color else Style()
        t.append("●", style=style)
        t.append(f"{hit.marker} " if hit.marker else " ", style=style + Style(bold=True))
        t.append(ellipsize_middle(name, name_w).ljust(name_w))
        t.append(f"  {where.ljust(where_w)}  ", style=Style(dim=True))
        t.append(value.rjust(value_w), style=Style(bold=True))
        if raw:
            t.append(f"  {raw}", style=Style(dim=True))
        fit(t, width)
        out.append(t)
    if len(hits) > len(shown):
        t = Text(f"  +{len(hits) - len(shown)} more runs", style=Style(dim=True), no_wrap=True, end="")
        fit(t, width)
        out.append(t)
    return out


def hstack(blocks: Sequence[Sequence[Text]], widths: Sequence[int], gap: int = 1) -> list[Text]:
    """Put blocks of lines side by side; each block is padded to its width, ``gap`` spaces between."""
    height = max((len(b) for b in blocks), default=0)
    lines: list[Text] = []
    for r in range(height):
        line = Text(no_wrap=True, end="")
        for i, (block, w) in enumerate(zip(blocks, widths, strict=True)):
            if i:
                line.append(" " * gap)
            cell = block[r].copy() if r < len(block) else Text("")
            fit(cell, w)
            line.append_text(cell)
        lines.append(line)
    return lines
