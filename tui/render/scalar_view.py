"""From model snapshots to chart input, and the small text blocks the scalar widgets add around charts.

Kept apart from chart.py (which draws any x/y series) because this is where TensorBoard's scalar
dashboard semantics live: which x a mode means, smoothing over the raw values with the raw line
kept as an underlay, and the cursor readout ("run, step, smoothed, raw"). Pure functions, no Textual;
the smoothed values a redraw reuses are kept by the caller's :class:`~tui.views.cache.SmoothCache`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from tui.model.series import ScalarSnapshot
from tui.render.cells import fit
from tui.render.chart import ChartSeries, CursorHit
from tui.render.rows import fit_name
from tui.render.ticks import format_number, format_relative, format_step, format_wall
from tui.views.cache import SmoothCache
from tui.views.safe import inert
from tui.views.smoothing import smooth_many
from tui.views.xaxis import x_values

__all__ = [
    "READOUT_SORTS",
    "ReadoutRow",
    "chart_series",
    "chart_series_many",
    "hstack",
    "readout_lines",
    "readout_rows",
]


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
    many = chart_series_many(
        [name], [snap], [color], x_mode=x_mode, smoothing=smoothing, cache=cache, keys=[key]
    )
    return many[0]


def chart_series_many(
    names: Sequence[str],
    snaps: Sequence[ScalarSnapshot],
    colors: Sequence[str | None],
    *,
    x_mode: str,
    smoothing: float,
    cache: SmoothCache | None = None,
    keys: Sequence[tuple] = (),
    stamps: Sequence[Hashable] = (),
) -> list[ChartSeries]:
    """:func:`chart_series` of many runs, smoothed together (keys given: through ``cache``; ``keys``
    name the series, ``stamps`` their state, e.g. the series' version: see :class:`SmoothCache`)."""
    xs = [x_values(snap.steps, snap.wall_times, x_mode) for snap in snaps]
    smoothed = [i for i, snap in enumerate(snaps) if smoothing > 0 and len(snap.values) > 1]
    ys: dict[int, np.ndarray] = {}
    if smoothed:
        values = [snaps[i].values for i in smoothed]
        if cache is not None and keys and all(keys[i] for i in smoothed):
            states = [stamps[i] for i in smoothed] if stamps else ()
            made = cache.get_many([keys[i] for i in smoothed], values, smoothing, states)
        else:
            made = smooth_many(values, smoothing)
        ys = dict(zip(smoothed, made, strict=True))
    out = []
    for i, (name, snap, color) in enumerate(zip(names, snaps, colors, strict=True)):
        y = ys.get(i)
        if y is None:
            out.append(ChartSeries(name=name, x=xs[i], y=snap.values, color=color))
        else:
            out.append(ChartSeries(name=name, x=xs[i], y=y, color=color, raw_y=snap.values))
    return out


#: Readout orders (``t`` cycles them), as TensorBoard's tooltip sorts: the legend's order, by value
#: (largest first, then smallest first), by name.
READOUT_SORTS = ("default", "descending", "ascending", "name")


@dataclass(frozen=True, slots=True)
class ReadoutRow:
    """One run's point under the cursor: what TensorBoard's tooltip shows for it."""

    label: str
    marker: str
    color: str | None
    step: int
    smoothed: float
    value: float
    wall: float
    relative: float
    short: tuple[str, ...] = ()


def readout_rows(
    hits: Sequence[CursorHit], series: Sequence[ChartSeries], snaps: Sequence[ScalarSnapshot]
) -> list[ReadoutRow]:
    """A row per cursor hit, from the series drawn and the snapshots they came from."""
    out = []
    for h in hits:
        s, snap = series[h.series], snaps[h.series]
        wall = float(snap.wall_times[h.index])
        out.append(
            ReadoutRow(
                s.label or s.name,
                s.marker,
                s.color,
                int(snap.steps[h.index]),
                h.y,
                float(snap.values[h.index]),
                wall,
                wall - float(snap.wall_times[0]),
                s.short,
            )
        )
    return out


def sort_rows(rows: Sequence[ReadoutRow], order: str) -> list[ReadoutRow]:
    """``rows`` in a readout order; NaN values sort last either way."""
    if order == "name":
        return sorted(rows, key=lambda r: r.label)
    if order in ("descending", "ascending"):
        sign = -1.0 if order == "descending" else 1.0
        return sorted(
            rows, key=lambda r: (math.isnan(r.smoothed), sign * r.smoothed if r.smoothed == r.smoothed else 0)
        )
    return list(rows)


def readout_lines(
    rows: Sequence[ReadoutRow], width: int, height: int, *, order: str = "default", top: int = 0
) -> tuple[list[Text], int]:
    """The cursor readout: a header and one line per run, ``height`` lines, scrolled to ``top``.

    Columns as TensorBoard's tooltip: run (marker and name), step, smoothed, value, wall time,
    relative time. On a narrow chart the relative time, then the wall time, then the raw value go;
    names keep what differs (shorter forms) and are cut in the middle only last. Returns the lines
    and ``top`` clamped to what can scroll.
    """
    if height <= 0 or not rows:
        return [], 0
    rows = sort_rows(rows, order)
    visible = max(height - 1, 1)
    top = min(max(top, 0), max(len(rows) - visible, 0))
    cells = [
        (
            format_step(r.step),
            format_number(r.smoothed, 5),
            format_number(r.value, 5),
            format_wall(r.wall, 0.0),
            format_relative(r.relative, compound=True),
        )
        for r in rows
    ]
    heads = ("step", "smoothed", "value", "time", "relative")
    widths = [max(len(h), *(len(c[k]) for c in cells)) for k, h in enumerate(heads)]
    same = all(r.smoothed == r.value or (r.smoothed != r.smoothed and r.value != r.value) for r in rows)
    keep = [0, 1] + ([] if same else [2]) + [3, 4]
    marker_w = max(len(r.marker) for r in rows)
    longest = max(cell_len(r.label) for r in rows)

    def room(cols: list[int]) -> int:
        return width - (2 + marker_w) - sum(widths[k] + 2 for k in cols)

    for drop in (4, 3, 2):
        if room(keep) >= min(longest, 12) or drop not in keep:
            continue
        keep.remove(drop)
    where = f"{top + 1}-{min(top + visible, len(rows))}/{len(rows)}" if len(rows) > visible else ""
    sort_note = {"default": "", "descending": "↓value", "ascending": "↑value", "name": "a-z"}[order]
    name_w = max(min(longest, room(keep)), 4)
    note = " ".join(x for x in (where, sort_note) if x)
    if len(note) > name_w:  # the order matters more than the position
        note = sort_note or where
    head = Text(no_wrap=True, end="", style=Style(dim=True))
    head.append(" " * (1 + marker_w) + " " + note.ljust(name_w)[:name_w])
    for k in keep:
        head.append("  " + heads[k].rjust(widths[k]))
    lines = [fit(head, width)]
    for r, c in list(zip(rows, cells, strict=True))[top : top + visible]:
        t = Text(no_wrap=True, end="")
        style = Style(color=r.color) if r.color else Style()
        t.append("●", style=style)
        t.append(r.marker.ljust(marker_w), style=style + Style(bold=True))
        name = fit_name(inert(r.label), tuple(inert(f) for f in r.short), name_w)
        t.append(" " + set_cell_size(name, name_w))  # padded by cells: a wide character takes two
        for k in keep:
            t.append("  " + c[k].rjust(widths[k]), style=Style(bold=True) if k == 1 else Style(dim=k > 2))
        lines.append(fit(t, width))
    while len(lines) < height:
        lines.append(Text(" " * width))
    return lines, top


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
