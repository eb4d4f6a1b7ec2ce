"""The distributions view as text: nested percentile bands over steps, the median as a line.

Input is the ``[n, 9]`` percentiles of ``tui.model.histograms.distribution`` (TensorBoard's basis points
0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100 %) against the steps (or any x such as wall time).
As in TensorBoard's distributions dashboard, four bands nest around the median: 0-100, 6.68-93.32,
15.87-84.13 and 30.85-69.15 %, each drawn darker (here: stronger) than the one around it.

Band edges have eighth-of-a-cell vertical resolution: a cell shows the band below an edge as a lower block
(``▁``..``▇``) over the band above it as background. More steps than columns are folded per column into the
envelope of their bands (lowest lower edge, highest upper edge), so a spike at a single step still shows;
fewer steps than columns are interpolated linearly between steps, like TensorBoard's area chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.render.cells import blank_lines, styled_rows
from tui.render.palette import ansi_hex
from tui.render.ridgeline import AXIS_STYLE, CURSOR_COLOR, EIGHTHS
from tui.render.ticks import axis_rows, column_of, fitting_ticks

__all__ = [
    "ANSI_BAND_COLORS",
    "BAND_COLORS",
    "MEDIAN_COLOR",
    "READOUT",
    "band_colors_for",
    "column_percentiles",
    "render_distribution",
]

#: A readout of one step, top band first: (label, column of the ``[n, 9]`` percentiles).
READOUT = (
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

#: Outermost (0-100 %) band first, innermost (30.85-69.15 %) last: dim to strong on a dark terminal.
BAND_COLORS: tuple[str, str, str, str] = ("#4a2a12", "#7a4519", "#b0601e", "#e8842a")
MEDIAN_COLOR = "#ffe0b8"

#: The same bands on a 16-colour terminal, as Rich's standard colours (grey, yellow, bright red,
#: bright yellow; the median bright white). Left to Rich's downgrade the bands above became black,
#: yellow, yellow and bright red: the outermost band (min to max) black on the black background,
#: the next two one colour.
ANSI_BAND_COLORS: tuple[str, str, str, str] = (ansi_hex(8), ansi_hex(3), ansi_hex(9), ansi_hex(11))
ANSI_MEDIAN_COLOR = ansi_hex(15)


def band_colors_for(color_system: str | None) -> tuple[tuple[str, str, str, str], str]:
    """The band colours and the median's for a console's colour system (Rich's names): the
    standard 16 where the terminal has only those, so every band stays visible and distinct."""
    if color_system in ("standard", "windows"):
        return ANSI_BAND_COLORS, ANSI_MEDIAN_COLOR
    return BAND_COLORS, MEDIAN_COLOR


_EIGHTHS_CHARS = np.array(list(EIGHTHS))


def column_percentiles(
    x: np.ndarray, percentiles: np.ndarray, columns: int
) -> tuple[np.ndarray, float, float]:
    """Fold ``[n, 9]`` percentiles at positions ``x`` into ``[columns, 9]``, one row per plot column.

    Columns split ``[min x, max x]`` evenly. A column holding steps takes the minimum of each lower edge and
    the maximum of each upper edge over them (so narrow spikes survive) and the mean median; a column holding
    none interpolates linearly at its centre. A single x value fills every column. NaN values are skipped
    where others are present. Returns the folded rows and the x range the columns span.
    """
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(percentiles, dtype=np.float64).reshape(len(x), -1) if len(x) else np.zeros((0, 9))
    ok = np.isfinite(x)
    x, p = x[ok], p[ok]
    out = np.full((columns, 9), np.nan)
    if len(x) == 0 or columns <= 0:
        return out, 0.0, 1.0
    order = np.argsort(x, kind="stable")
    x, p = x[order], p[order]
    x0, x1 = float(x[0]), float(x[-1])
    if x1 <= x0:
        with np.errstate(all="ignore"):
            out[:] = _fold(p)[None, :]
        return out, x0 - 0.5, x1 + 0.5

    centres = x0 + (np.arange(columns) + 0.5) * ((x1 - x0) / columns)
    for j in range(9):
        finite = np.isfinite(p[:, j])
        if finite.any():
            out[:, j] = np.interp(centres, x[finite], p[finite, j])
    col = np.minimum(((x - x0) / (x1 - x0) * columns).astype(np.int64), columns - 1)
    starts = np.flatnonzero(np.concatenate(([True], col[1:] != col[:-1])))
    cols = col[starts]
    with np.errstate(all="ignore"):
        out[cols, :4] = np.fmin.reduceat(p[:, :4], starts, axis=0)
        out[cols, 5:] = np.fmax.reduceat(p[:, 5:], starts, axis=0)
        finite_med = np.isfinite(p[:, 4])
        sums = np.add.reduceat(np.where(finite_med, p[:, 4], 0.0), starts)
        counts = np.add.reduceat(finite_med.astype(np.float64), starts)
        out[cols, 4] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out, x0, x1


def _fold(p: np.ndarray) -> np.ndarray:
    """Envelope of several steps' percentiles (all at one x): lowest lower edges, highest upper edges."""
    row = np.empty(9)
    row[:4] = np.fmin.reduce(p[:, :4], axis=0)
    row[5:] = np.fmax.reduce(p[:, 5:], axis=0)
    med = p[:, 4][np.isfinite(p[:, 4])]
    row[4] = med.mean() if med.size else np.nan
    return row


def _value_range(p: np.ndarray) -> tuple[float, float]:
    finite = p[np.isfinite(p)]
    if finite.size == 0:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:  # constant data: TensorBoard's widening, so the line sits inside the plot
        return (lo / 1.1 - 1.0, hi * 1.1 + 1.0)
    return (lo, hi)


def render_distribution(
    x: Sequence[float] | np.ndarray,
    percentiles: np.ndarray,
    width: int,
    height: int,
    *,
    x_format: Callable[[float], str] | None = None,
    y_format: Callable[[float], str] | None = None,
    value_range: tuple[float, float] | None = None,
    x_mode: str = "step",
    cursor_index: int | None = None,
    band_colors: Sequence[str] = BAND_COLORS,
    median_color: str = MEDIAN_COLOR,
    cursor_color: str = CURSOR_COLOR,
    axis_style: str = AXIS_STYLE,
) -> list[Text]:
    """Draw ``[n, 9]`` percentiles against ``x`` (steps, or any increasing number) as nested bands.

    Exactly ``height`` lines of ``width`` cells: a y axis with value ticks on the left, the x axis with ticks
    and labels on the bottom two lines (ticks and labels for the x mode ``x_mode``;
    ``x_format`` / ``y_format`` write tick labels instead). ``value_range`` fixes the y range
    (default: every finite percentile). The median is drawn over the bands as a thin line placed in the low,
    middle or high third of its cell. ``cursor_index`` (an index into ``x``) marks that step's column with a
    ``▲`` on the x axis. Empty, constant and NaN input render without error.
    """
    if width <= 0 or height <= 0:
        return blank_lines(max(width, 0), height)
    xs = np.asarray(x, dtype=np.float64)
    p = np.asarray(percentiles, dtype=np.float64)
    p = p.reshape(len(xs), 9) if p.size == len(xs) * 9 else np.zeros((0, 9))
    if p.shape[0] != len(xs):
        xs = xs[: p.shape[0]]
    axis_h = 2 if height >= 4 else 0
    plot_h = height - axis_h
    ylo, yhi = value_range if value_range is not None else _value_range(p)
    ylo, yhi = float(ylo), float(yhi)
    if not (np.isfinite(ylo) and np.isfinite(yhi)) or yhi <= ylo:
        ylo, yhi = _value_range(np.array([ylo, yhi]))

    # Y labels on the left when there is room for them and a usable plot.
    y_ticks, y_labels = fitting_ticks(ylo, yhi, plot_h, fmt=y_format, rows=True)  # labels 2 rows apart
    label_w = max((len(s) for s in y_labels), default=0)
    left = label_w + 1  # labels, then the axis line
    if width - left < 6:
        left, label_w, y_ticks, y_labels = 0, 0, [], []
    plot_w = width - left

    cols, x0, x1 = column_percentiles(xs, p, plot_w)
    total = plot_h * 8
    with np.errstate(all="ignore"):
        pos = (cols - ylo) / (yhi - ylo) * total  # [plot_w, 9], eighths from the bottom

    # Band depth (0 = none .. 4 = innermost) at the centre of every eighth-row: [plot_w, total].
    centres = np.arange(total) + 0.5
    level = np.zeros((plot_w, total), dtype=np.int64)
    for i in range(4):
        level += (pos[:, i, None] <= centres) & (centres <= pos[:, 8 - i, None])

    # Cells, bottom-up: the lower run's band as a lower block, whatever tops the cell as the background.
    sub = level.reshape(plot_w, plot_h, 8)[:, ::-1, :]  # [col, row from top, eighth from bottom]
    low = sub[:, :, 0]
    changes = sub != low[:, :, None]
    run = np.where(changes.any(axis=2), np.argmax(changes, axis=2), 8)
    # One colour fits above the block: the band just above the lower run (the next band in or out), which
    # keeps the nesting readable when a cell holds three bands.
    high = np.take_along_axis(sub, np.minimum(run, 7)[:, :, None], axis=2)[:, :, 0]
    peak = sub.max(axis=2)
    chars = np.where(run == 8, np.where(low > 0, "█", " "), _EIGHTHS_CHARS[np.minimum(run, 8)])
    fg = low.copy()
    bg = np.where(run == 8, 0, high)
    # A band over an empty bottom has no lower-block form: use upper blocks (1/8, 1/2, full).
    top_only = (run < 8) & (low == 0)
    upper = 8 - run
    chars = np.where(top_only, np.where(upper <= 2, "▔", np.where(upper <= 5, "▀", "█")), chars)
    fg = np.where(top_only, np.where(high > 0, high, peak), fg)
    bg = np.where(top_only, 0, bg)
    floating = top_only & (high == 0)  # a thin band strictly inside one cell
    chars = np.where(floating, "━", chars)

    # The median line over the bands.
    med = pos[:, 4]
    has_med = np.isfinite(med)
    med_e = np.clip(np.where(has_med, med, 0), 0, total - 1e-9)
    med_row = plot_h - 1 - (med_e // 8).astype(np.int64)
    third = ((med_e % 8) / 8 * 3).astype(np.int64)
    med_char = np.array(["▁", "─", "▔"])[np.clip(third, 0, 2)]
    cols_idx = np.flatnonzero(has_med)
    med_bg = level[cols_idx, np.minimum(med_e[cols_idx].astype(np.int64), total - 1)]
    chars = chars.T.copy()  # [row, col]
    fg, bg = fg.T.copy(), bg.T.copy()
    chars[med_row[cols_idx], cols_idx] = med_char[cols_idx]
    fg[med_row[cols_idx], cols_idx] = 5
    bg[med_row[cols_idx], cols_idx] = med_bg

    palette = [None, *band_colors[:4], median_color]
    style_ids = fg * 6 + bg
    styles = {
        int(sid): Style(color=palette[sid // 6], bgcolor=palette[sid % 6])
        for sid in np.unique(style_ids)
        if sid // 6 or sid % 6
    }
    plot_rows = styled_rows(chars, style_ids, styles)

    out: list[Text] = []
    tick_rows = {}
    for value, label in zip(y_ticks, y_labels, strict=True):
        row = plot_h - 1 - column_of(value, ylo, yhi, plot_h)
        tick_rows.setdefault(row, label)
    for r, row_text in enumerate(plot_rows):
        if left:
            label = tick_rows.get(r, "")
            axis_char = "┤" if r in tick_rows else "│"
            prefix = Text(label.rjust(label_w) + axis_char, style=axis_style, end="")
            row_text = Text.assemble(prefix, row_text, no_wrap=True, end="")
        out.append(row_text)
    if axis_h:
        marker = None
        if cursor_index is not None and 0 <= cursor_index < len(xs) and np.isfinite(xs[cursor_index]):
            marker = column_of(float(xs[cursor_index]), x0, x1, plot_w) if x1 > x0 else None
        out.extend(
            axis_rows(
                x0,
                x1,
                plot_w,
                left,
                width,
                kind=x_mode,
                fmt=x_format,
                corner="└" if left else "",
                style=axis_style,
                marker=marker,
                marker_style=Style(color=cursor_color, bold=True),
            )
        )
    return out
