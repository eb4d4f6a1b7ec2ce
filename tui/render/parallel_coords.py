"""HParams parallel coordinates: one vertical axis per hyperparameter and metric, one braille polyline
per session across them, in its run's colour (TensorBoard's hparams "Parallel Coordinates View").

Each axis is scaled on its own: numbers linearly from their minimum (bottom) to their maximum (top),
or on a log scale when asked and all values are positive; categories (strings, bools) evenly in
sorted order, as TensorBoard's hparams plugin spaces them. A session missing a value breaks its line
at that axis. Layout, exactly ``width`` x ``height``: axis names on the first line, each axis' top
value on the second, the plot, then each axis' bottom value on the last line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.render.braille import BrailleCanvas
from tui.render.chart import ChartTheme, color_for
from tui.render.scatter import axis_values
from tui.render.ticks import format_number
from tui.views.safe import inert

__all__ = ["Axis", "normalise_axis", "render_parallel_coords"]


@dataclass(frozen=True, slots=True)
class Axis:
    """One axis after scaling: ``unit`` in [0, 1] per session (NaN = missing) and its end labels."""

    name: str
    unit: np.ndarray
    top: str
    bottom: str


def normalise_axis(name: str, values: Sequence[object], *, log: bool = False) -> Axis:
    """Scale one column's values to [0, 1] (see the module docstring)."""
    ax = axis_values(values)
    pos = ax.positions
    if ax.categorical:
        k = len(ax.categories)
        unit = pos / (k - 1) if k > 1 else np.where(np.isnan(pos), np.nan, 0.5)
        return Axis(name, unit, ax.categories[-1], ax.categories[0])
    finite = pos[np.isfinite(pos)]
    if finite.size == 0:
        return Axis(name, np.full(pos.size, np.nan), "", "")
    use_log = log and bool((finite > 0).all())
    lo, hi = float(finite.min()), float(finite.max())
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.log10(pos) if use_log else pos
        a, b = (math.log10(lo), math.log10(hi)) if use_log else (lo, hi)
        unit = (p - a) / (b - a) if b > a else np.where(np.isfinite(p), 0.5, np.nan)
    unit = np.where(np.isfinite(unit), unit, np.nan)
    return Axis(name, unit, format_number(hi, 4), format_number(lo, 4))


def _shorter_number(label: str, room: int) -> str | None:
    """A number's label in at most ``room`` cells with fewer digits (``0.0372`` -> ``0.04``,
    ``0.001`` -> ``1e-3``), or None when it is not a number or nothing fits: a cut number
    (``0.…``) says nothing."""
    try:
        v = float(label)
    except ValueError:
        return None
    candidates = [format_number(v, k) for k in (3, 2, 1)]
    if v:
        mantissa, exponent = f"{v:.0e}".split("e")
        candidates.append(f"{mantissa}e{int(exponent)}")
    return next((c for c in candidates if len(c) <= room), None)


def _label_line(cols: Sequence[int], labels: Sequence[str], width: int, style: str) -> Text:
    """Labels centred on their axis columns, each cut to the room between it and its neighbours."""
    buf = [" "] * width
    n = len(cols)
    for i, (c, lbl) in enumerate(zip(cols, labels, strict=True)):
        left = 0 if i == 0 else (cols[i - 1] + c) // 2 + 1
        right = width - 1 if i == n - 1 else (c + cols[i + 1]) // 2 - 1
        room = max(right - left + 1, 0)
        short = _shorter_number(lbl, room) if len(lbl) > room else None
        text = lbl if len(lbl) <= room else short or (lbl[: max(room - 1, 0)] + "…" if room else "")
        start = min(max(c - len(text) // 2, left), max(right - len(text) + 1, left))
        for j, ch in enumerate(text):
            if 0 <= start + j < width:
                buf[start + j] = ch
    return Text("".join(buf), style=style, no_wrap=True, end="")


def render_parallel_coords(
    axes: Sequence[Axis],
    names: Sequence[str],
    width: int,
    height: int,
    *,
    colors: Sequence[str] | None = None,
    highlight: int | None = None,
    theme: ChartTheme | None = None,
) -> list[Text]:
    """Sessions ``names`` as polylines across ``axes`` in ``height`` lines of ``width`` cells.

    ``highlight`` (a session index) is drawn last and on top, in the cursor colour.
    """
    theme = theme or ChartTheme()
    width, height = max(int(width), 0), max(int(height), 0)
    labels_on = height >= 5
    plot_h = height - 3 * int(labels_on)
    canvas = BrailleCanvas(width, max(plot_h, 0))
    wp, hp = canvas.pixel_width, canvas.pixel_height
    k = len(axes)
    if k == 0 or wp == 0:
        return [Text(" " * width) for _ in range(height)]
    # Axis pixel columns spread over the width, a cell in from each edge for the labels.
    if k == 1:
        px_cols = np.array([(wp - 1) / 2])
    else:
        px_cols = np.linspace(2, wp - 3, k) if wp > 6 else np.linspace(0, wp - 1, k)
    px_cols = np.floor(px_cols / 2) * 2  # left dot of a cell, so each axis owns a clean column
    n = len(names)
    styles: list[Style] = [Style.parse(theme.axis)]
    styles += [
        Style.parse((colors[i] if colors and i < len(colors) else None) or color_for(i)) for i in range(n)
    ]
    styles.append(Style.parse(theme.cursor))
    if hp:
        for c in px_cols:
            canvas.plot_line(np.array([c, c]), np.array([0.0, hp - 1.0]), 0, priority=-1)
        units = (
            np.stack([np.asarray(a.unit, dtype=np.float64)[:n] for a in axes], axis=1)
            if n
            else np.zeros((0, k))
        )
        ys = (1.0 - units) * (hp - 1)
        order = [i for i in range(n) if i != highlight] + (
            [highlight] if highlight is not None and 0 <= highlight < n else []
        )
        for i in order:
            layer = n + 1 if i == highlight else i + 1
            canvas.plot_line(px_cols, ys[i], layer, priority=2 if i == highlight else 1)
    lines = canvas.rows(styles)
    if labels_on:
        cells = [int(c) // 2 for c in px_cols]
        names_line = _label_line(cells, [inert(a.name) for a in axes], width, theme.title)
        top = _label_line(cells, [inert(a.top) for a in axes], width, theme.label)
        bottom = _label_line(cells, [inert(a.bottom) for a in axes], width, theme.label)
        lines = [names_line, top, *lines, bottom]
    return lines
