"""Histogram stacks as text: TensorBoard's "offset" ridgeline and "overlay" views.

Pure functions from numpy arrays to ``rich.text.Text`` lines, exactly ``height`` lines of exactly ``width``
cells, for any input (no steps, one step, all-zero counts, NaN): the widget only has to print them.

Input is a histogram series already rebinned onto equal bins over one value range (see
``tui.model.histograms.rebin``), so every slice shares the horizontal axis.

The ridgeline draws each chosen step as a filled curve with sub-cell height from the vertical eighth blocks
``▁▂▃▄▅▆▇█``: oldest at the top and back, newest at the bottom and front, later slices hiding earlier ones
as in TensorBoard. A cell holds at most two colours (the block's foreground and the background above it),
which is enough for a front slice's partial top with an older slice showing behind it.

Axes come from ``tui.render.ticks``, the tick system every chart shares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text

from tui.render.braille import BRAILLE_BASE, DOT_BITS
from tui.render.cells import blank_lines, styled_rows
from tui.render.palette import CURSOR_COLOR
from tui.render.ticks import axis_rows

__all__ = [
    "CURSOR_COLOR",
    "RIDGE_BRIGHT",
    "RIDGE_DIM",
    "color_ramp",
    "pick_slices",
    "render_overlay",
    "render_ridgeline",
    "render_stack",
]

RIDGE_DIM = "#6b3d1c"
RIDGE_BRIGHT = "#ffa657"
AXIS_STYLE = "grey50"

#: Index ``e`` is the lower block ``e`` eighths tall (0 is a space).
EIGHTHS = " ▁▂▃▄▅▆▇█"
_EIGHTHS_CHARS = np.array(list(EIGHTHS))

ValueFormat = Callable[[float], str]


# ---------------------------------------------------------------------------------------- shared helpers


def color_ramp(dim: str, bright: str, count: int) -> list[Color]:
    """``count`` colours blended evenly from ``dim`` to ``bright`` (truecolor; rich downsamples if needed)."""
    a = np.array(Color.parse(dim).get_truecolor(), dtype=np.float64)
    b = np.array(Color.parse(bright).get_truecolor(), dtype=np.float64)
    if count <= 1:
        return [Color.from_rgb(*b)]
    t = np.linspace(0.0, 1.0, count)[:, None]
    rgb = np.rint(a + (b - a) * t).astype(int)
    return [Color.from_rgb(int(r), int(g), int(bb)) for r, g, bb in rgb]


def pick_slices(n: int, count: int, cursor_index: int | None = None) -> np.ndarray:
    """Indices of ``count`` evenly spaced steps out of ``n``, always holding the last (and the cursor).

    When the cursor step is not among them it replaces its nearest pick other than the last, so the
    highlighted step is always drawn without changing how many slices there are.
    """
    count = max(0, min(count, n))
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if count == 1:
        chosen = np.array([n - 1])
    else:
        chosen = np.unique(np.rint(np.linspace(0, n - 1, count)).astype(np.int64))
    if cursor_index is not None and 0 <= cursor_index < n and cursor_index not in chosen:
        if len(chosen) == 1:
            chosen = np.array([cursor_index])
        else:
            candidates = chosen[:-1]
            nearest = candidates[np.argmin(np.abs(candidates - cursor_index))]
            chosen = np.sort(np.where(chosen == nearest, cursor_index, chosen))
    return chosen.astype(np.int64)


def _join(*parts: Text) -> Text:
    return Text.assemble(*parts, no_wrap=True, overflow="crop", end="")


def _column_values(rebinned: np.ndarray, plot_w: int, smooth: bool) -> np.ndarray:
    """Sample each slice at the centre of every plot column: ``[S, bins] -> [S, plot_w]``.

    ``smooth`` interpolates linearly between bin centres, as TensorBoard draws its curves through them;
    otherwise each column takes its bin's count (a step outline).
    """
    bins = rebinned.shape[1]
    u = (np.arange(plot_w) + 0.5) * (bins / plot_w)  # column centres in bin units
    if not smooth or bins == 1:
        return rebinned[:, np.minimum(u.astype(np.int64), bins - 1)]
    pos = np.clip(u - 0.5, 0, bins - 1)
    j0 = np.minimum(np.floor(pos).astype(np.int64), bins - 2)
    t = pos - j0
    return rebinned[:, j0] * (1 - t) + rebinned[:, j0 + 1] * t


def _clean(rebinned: np.ndarray) -> np.ndarray:
    arr = np.asarray(rebinned, dtype=np.float64)
    if arr.ndim != 2:
        arr = arr.reshape(len(arr), -1) if arr.size else np.zeros((0, 1))
    return np.where(np.isfinite(arr) & (arr > 0), arr, 0.0)


def _slice_labels(
    steps: np.ndarray, labels: Sequence[str] | None, n: int, indices: Sequence[int] | np.ndarray
) -> list[str]:
    """The labels of the slices at ``indices``: ``labels[i]`` when given, else the step number.

    Only the picked slices are looked up, so a caller may pass a lazy sequence and format a handful of
    labels rather than one per step. Labels (or steps) that do not cover every slice give no labels at all:
    a partial column would pin names to the wrong slices.
    """
    if labels is not None:
        return [str(labels[int(i)]) for i in indices] if len(labels) >= n else []
    if len(steps) < n:
        return []
    return [str(int(s)) if np.isfinite(s) else "?" for s in steps[np.asarray(indices, dtype=np.int64)]]


def _palette(
    colors: tuple[str, str], chosen: np.ndarray, cursor_index: int | None, cursor_color: str
) -> tuple[list[Color], int | None]:
    """A colour per chosen slice, oldest dimmest to newest brightest, and the slot of the cursor's
    step (drawn in ``cursor_color``) when it is among them."""
    palette = color_ramp(colors[0], colors[1], len(chosen))
    hits = np.flatnonzero(chosen == cursor_index) if cursor_index is not None else ()
    if not len(hits):
        return palette, None
    slot = int(hits[0])
    palette[slot] = Color.parse(cursor_color)
    return palette, slot


def _label_width(names: list[str], show: bool, width: int) -> int:
    """The right-hand label column: the longest label and a space; none when labels are off or would
    leave the plot fewer than six columns."""
    label_w = (max(len(x) for x in names) + 1) if (show and names) else 0
    return label_w if width - label_w >= 6 else 0


def _with_labels(plot: list[Text], labelled: list[tuple[int, str, Style]], label_w: int) -> list[Text]:
    """Append the label column to the plot rows: ``(row, label, style)`` each, blank elsewhere."""
    if not label_w:
        return plot
    cells = [Text(" " * label_w, end="") for _ in plot]
    for row, label, style in labelled:
        cells[row] = Text(" " + label.ljust(label_w - 1), style=style, end="")
    return [_join(p, c) for p, c in zip(plot, cells, strict=True)]


def _with_axis(
    out: list[Text], frame: _Frame, plot_w: int, width: int, value_format: ValueFormat | None, axis_style: str
) -> list[Text]:
    """Append the two value-axis rows (when the frame has room for them) under the plot."""
    if frame.axis_h:
        out.extend(axis_rows(frame.lo, frame.hi, plot_w, 0, width, fmt=value_format, style=axis_style))
    return out


# -------------------------------------------------------------------------------------------- ridgeline


class _Frame(NamedTuple):
    """The cleaned data and the layout both views draw in."""

    data: np.ndarray
    steps: np.ndarray
    lo: float
    hi: float
    axis_h: int
    plot_h: int


def _start(
    rebinned: np.ndarray,
    steps: Sequence[int] | np.ndarray,
    width: int,
    height: int,
    value_range: tuple[float, float],
    value_format: ValueFormat | None,
    axis_style: str,
) -> tuple[list[Text], _Frame | None]:
    """What both views do first: clean the data and lay out plot and axis rows.

    Returns the finished lines for a degenerate input (no room, no steps or no bins), else
    the :class:`_Frame` to draw in.
    """
    data = _clean(rebinned)
    steps_arr = np.asarray(steps)
    n, bins = data.shape
    if width <= 0 or height <= 0:
        return blank_lines(max(width, 0), height), None
    lo, hi = (float(v) for v in value_range)
    axis_h = 2 if height >= 4 else 0
    plot_h = height - axis_h
    if n == 0 or bins == 0:
        out = blank_lines(width, plot_h)
        if axis_h:
            out.extend(axis_rows(lo, hi, width, 0, width, fmt=value_format, style=axis_style))
        return out, None
    return [], _Frame(data, steps_arr, lo, hi, axis_h, plot_h)


class _Ask(NamedTuple):
    """What the caller asked of either view, besides the data, the size and the axis."""

    cursor_index: int | None
    max_slices: int | None
    amplitude: float
    smooth: bool
    colors: tuple[str, str]
    cursor_color: str
    show_labels: bool
    labels: Sequence[str] | None


class _Drawn(NamedTuple):
    """A view's plot rows and their width, and its labels: ``(row, label, colour slot)`` each."""

    rows: list[Text]
    plot_w: int
    marks: list[tuple[int, str, int]]
    palette: list[Color]
    cursor_slot: int | None


def render_stack(
    rebinned: np.ndarray,
    steps: Sequence[int] | np.ndarray,
    width: int,
    height: int,
    *,
    value_range: tuple[float, float],
    overlay: bool = False,
    cursor_index: int | None = None,
    max_slices: int | None = None,
    amplitude: float = 0.35,
    smooth: bool = True,
    colors: tuple[str, str] = (RIDGE_DIM, RIDGE_BRIGHT),
    cursor_color: str = CURSOR_COLOR,
    axis_style: str = AXIS_STYLE,
    value_format: ValueFormat | None = None,
    show_labels: bool = True,
    labels: Sequence[str] | None = None,
) -> list[Text]:
    """Draw a rebinned histogram series ``[n, bins]`` as the offset ridgeline, or with ``overlay`` as
    the overlay (:func:`render_ridgeline` and :func:`render_overlay` are these two).

    Both pick evenly spaced steps (always the last, and the cursor step ``cursor_index``, an index into
    ``steps``, drawn in ``cursor_color``), at most ``max_slices``; the bottom two lines are the value axis
    over ``value_range`` (the range the series was rebinned over); the right-hand column labels slices by
    step number, or by ``labels[i]`` (one label per step, e.g. a time) when ``labels`` is given.
    """
    early, frame = _start(rebinned, steps, width, height, value_range, value_format, axis_style)
    if frame is None:
        return early
    ask = _Ask(cursor_index, max_slices, amplitude, smooth, colors, cursor_color, show_labels, labels)
    drawn = (_overlay if overlay else _ridgeline)(frame, width, ask)
    labelled = [
        (row, label, Style(color=drawn.palette[slot], bold=slot == drawn.cursor_slot))
        for row, label, slot in drawn.marks
    ]
    out = _with_labels(drawn.rows, labelled, width - drawn.plot_w)
    return _with_axis(out, frame, drawn.plot_w, width, value_format, axis_style)


#: TensorBoard's "offset" view: :func:`render_stack` without ``overlay``.
render_ridgeline = partial(render_stack, overlay=False)
#: TensorBoard's "overlay" view, at most 24 steps by default: :func:`render_stack` with ``overlay``.
render_overlay = partial(render_stack, overlay=True, max_slices=24)


def _ridgeline(frame: _Frame, width: int, ask: _Ask) -> _Drawn:
    """TensorBoard's offset ridgeline.

    Slices are steps picked evenly (always the last, and the cursor step when given): at most one per
    baseline row, at most ``max_slices``. The oldest sits highest and furthest back in the dimmest colour,
    the newest lowest, in front and brightest; the slice at ``cursor_index`` (an index into ``steps``) is
    drawn in ``cursor_color``. All slices share one vertical scale, the largest count in the series, so a
    slice's size means the same thing at every step; a slice at that count is ``amplitude`` of the plot
    height (more when there are few slices), and every slice keeps a one-eighth baseline so empty stretches
    still show where it sits. The bottom two lines are the value axis over ``value_range`` (the range the
    series was rebinned over); each slice is labelled at its baseline on the right with its step, or with
    ``labels[i]`` (one label per step, e.g. a time) when ``labels`` is given.
    """
    data, steps, plot_h = frame.data, frame.steps, frame.plot_h
    n = len(data)

    base_amp = int(np.clip(round(plot_h * ask.amplitude), 1, plot_h))
    limit = ask.max_slices if ask.max_slices is not None else n
    count = max(1, min(n, limit, plot_h - base_amp + 1))
    chosen = pick_slices(n, count, ask.cursor_index)
    count = len(chosen)
    if count == 1:
        amp = plot_h
        baselines = np.array([plot_h - 1])
    else:
        amp = max(base_amp, round(2 * plot_h / (count + 1)))
        amp = int(min(amp, plot_h - count + 1))
        baselines = amp - 1 + np.rint(np.arange(count) * (plot_h - amp) / (count - 1)).astype(np.int64)

    names = _slice_labels(steps, ask.labels, n, chosen)
    label_w = _label_width(names, ask.show_labels, width)
    plot_w = width - label_w

    # Heights in eighths of a cell, from each slice's baseline: 1 (the baseline) up to amp * 8.
    vmax = float(data.max()) if data.size else 0.0
    values = _column_values(data[chosen], plot_w, ask.smooth)
    scale = (amp * 8 - 1) / vmax if vmax > 0 else 0.0
    heights = 1 + np.rint(values * scale).astype(np.int64)  # [S, plot_w]

    # Fill of every slice in every cell, bottom-aligned inside the cell: [S, plot_h, plot_w] in 0..8.
    rows = np.arange(plot_h)[None, :, None]
    below = rows - baselines[:, None, None]  # 0 on the baseline row, negative above it
    fill = np.clip(8 * below + heights[:, None, :], 0, 8)
    fill[np.broadcast_to(below > 0, fill.shape)] = 0
    covered = fill > 0
    any_cover = covered.any(axis=0)
    front = count - 1 - np.argmax(covered[::-1], axis=0)  # newest slice present in the cell
    front_fill = np.take_along_axis(fill, front[None], axis=0)[0]
    front_fill[~any_cover] = 0
    taller = fill > front_fill[None]  # older slices reaching higher in the cell
    has_back = taller.any(axis=0)
    back = count - 1 - np.argmax(taller[::-1], axis=0)
    back_fill = np.take_along_axis(fill, back[None], axis=0)[0]
    # Only one colour fits above a partial block: show the older slice when it covers most of that space.
    show_back = has_back & (front_fill < 8) & (2 * back_fill >= 8 + front_fill)

    chars = _EIGHTHS_CHARS[front_fill]
    fg = np.where(any_cover, front, -1)
    bg = np.where(show_back, back, -1)
    style_ids = (fg + 1) * (count + 1) + (bg + 1)

    palette, cursor_slot = _palette(ask.colors, chosen, ask.cursor_index, ask.cursor_color)
    styles: dict[int, Style] = {}
    for sid in np.unique(style_ids):
        f, b = divmod(int(sid), count + 1)
        if f == 0:
            continue
        styles[int(sid)] = Style(color=palette[f - 1], bgcolor=palette[b - 1] if b else None)
    out = styled_rows(chars, style_ids, styles)

    marks = (
        [(int(row), label, slot) for slot, (row, label) in enumerate(zip(baselines, names, strict=True))]
        if label_w
        else []
    )
    return _Drawn(out, plot_w, marks, palette, cursor_slot)


# ---------------------------------------------------------------------------------------------- overlay

#: The braille character of each dot pattern (the empty one drawn as a space).
_BRAILLE_CHARS = np.array([" "] + [chr(BRAILLE_BASE + i) for i in range(1, 256)])


def _overlay(frame: _Frame, width: int, ask: _Ask) -> _Drawn:
    """Every chosen step's histogram as a braille line on one shared count axis.

    TensorBoard's "overlay" mode: older steps dimmer, newer brighter and drawn over them, the cursor step
    (``cursor_index``) last in ``cursor_color``. At most ``max_slices`` evenly spaced steps (always the last)
    keep it legible. A cell shows the union of the dots of all lines through it, coloured as the newest of
    them. The right-hand column names the newest and oldest step (and the cursor step) in their colours, by
    step number or by ``labels[i]`` (one label per step) when ``labels`` is given.
    """
    data, steps, plot_h = frame.data, frame.steps, frame.plot_h
    n = len(data)

    chosen = pick_slices(n, min(n, ask.max_slices if ask.max_slices is not None else n), ask.cursor_index)
    count = len(chosen)
    palette, cursor_slot = _palette(ask.colors, chosen, ask.cursor_index, ask.cursor_color)
    order = np.arange(count)
    if cursor_slot is not None:
        order = np.concatenate((order[order != cursor_slot], [cursor_slot]))  # cursor drawn last

    legend = [(chosen[-1], count - 1)] + ([(chosen[0], 0)] if count > 1 else [])
    if cursor_slot is not None and cursor_slot not in (0, count - 1):
        legend.append((chosen[cursor_slot], cursor_slot))
    names = _slice_labels(steps, ask.labels, n, [i for i, _ in legend])
    if not names:
        legend = []
    label_w = _label_width(names, ask.show_labels and plot_h >= len(legend), width)
    plot_w = width - label_w

    dots_w, dots_h = 2 * plot_w, 4 * plot_h
    vmax = float(data.max())
    values = _column_values(data[chosen][order], dots_w, ask.smooth)  # [S, dots_w], in drawing order
    frac = values / vmax if vmax > 0 else np.zeros_like(values)
    y = np.rint((1 - frac) * (dots_h - 1)).astype(np.int64)  # dot row, 0 at the top
    prev = np.concatenate((y[:, :1], y[:, :-1]), axis=1)
    top, bottom = np.minimum(y, prev), np.maximum(y, prev)  # vertical run joining the previous column
    dot_rows = np.arange(dots_h)[None, :, None]
    on = (dot_rows >= top[:, None, :]) & (dot_rows <= bottom[:, None, :])  # [S, dots_h, dots_w]

    cells = on.reshape(count, plot_h, 4, plot_w, 2)
    bits = (cells * DOT_BITS[None, None, :, None, :]).sum(axis=(2, 4))  # [S, plot_h, plot_w]
    union = np.bitwise_or.reduce(bits, axis=0)
    present = bits > 0
    last_drawn = count - 1 - np.argmax(present[::-1], axis=0)  # position in drawing order
    slot = order[last_drawn]
    chars = _BRAILLE_CHARS[union]
    style_ids = np.where(union > 0, slot, -1)
    styles = {i: Style(color=palette[i]) for i in range(count)}
    out = styled_rows(np.asarray(chars), style_ids, styles)

    marks = (
        [(row, label, s) for row, (label, (_, s)) in enumerate(zip(names, legend, strict=True))]
        if label_w
        else []
    )
    return _Drawn(out, plot_w, marks, palette, cursor_slot)
