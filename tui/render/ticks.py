"""Axis ticks, their labels and where the labels go: the one tick system of every chart.

``axis_ticks`` picks tick values and writes their labels for an axis kind (steps, durations, wall-clock
times, values, log values); ``fitting_ticks`` takes as many as fit in a number of cells; ``place_labels``
and ``axis_rows`` put them under their columns. The scalar chart, the histogram views and the
distribution chart all draw their axes with these, so one range reads the same on every axis.

Terminal axes have room for a handful of short labels, so every formatter here aims at the fewest
characters that still tell ticks apart: ``1.5k`` rather than ``1500.0``, ``1h30m`` rather than
``5400s``, and never a ``0.30000000000000004``.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Literal

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.views.xaxis import nice_ceil, x_values

__all__ = [
    "AxisKind",
    "axis_rows",
    "axis_ticks",
    "column_of",
    "fitting_ticks",
    "format_number",
    "format_relative",
    "format_step",
    "format_tick_labels",
    "format_wall",
    "format_x",
    "linear_ticks",
    "log_ticks",
    "nice_step",
    "place_labels",
    "slice_labels",
    "time_ticks",
    "wall_ticks",
]

_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))

# Tick steps for durations, in seconds: round numbers of seconds, minutes, hours and days.
_TIME_STEPS = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    2 * 3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
)


# ---------------------------------------------------------------------------- tick values


def nice_step(span: float, max_ticks: int) -> float:
    """Smallest step of the form {1, 2, 5} x 10^k that splits ``span`` into at most ``max_ticks`` parts."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    return nice_ceil(span / max(int(max_ticks), 1))


def _multiples(lo: float, hi: float, step: float, offset: float = 0.0) -> list[float]:
    """Multiples of ``step`` (shifted by ``offset``) inside [lo, hi], computed as k*step to avoid drift."""
    if not (math.isfinite(step) and step > 0):
        return []
    a = (lo - offset) / step - 1e-9
    b = (hi - offset) / step + 1e-9
    if not (math.isfinite(a) and math.isfinite(b)):
        return []
    first, last = math.ceil(a), math.floor(b)
    if last - first > 10_000:
        return []
    return [k * step + offset for k in range(first, last + 1)]


def _ordered(lo: float, hi: float) -> tuple[float, float] | None:
    """``(lo, hi)`` in order, or None when either end is not finite."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


def linear_ticks(lo: float, hi: float, max_ticks: int = 5, *, integer: bool = False) -> list[float]:
    """Nice tick values inside [lo, hi]; ``integer`` keeps the step at 1 or more (training steps)."""
    if (span := _ordered(lo, hi)) is None or span[0] == span[1]:
        return [] if span is None else [span[0]]
    lo, hi = span
    max_ticks = max(int(max_ticks), 1)
    step = nice_step(hi - lo, max_ticks)
    if integer:
        step = max(step, 1.0)
    ticks = _multiples(lo, hi, step)
    # The smallest nice step can still leave one tick too many (the range starts on a multiple).
    while len(ticks) > max_ticks and step < 1e300:
        step = nice_step(step * 1.5, 1)
        ticks = _multiples(lo, hi, step)
    return ticks


def log_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Ticks for a log axis: whole decades, thinned to ``max_ticks``; narrow ranges get 2s and 5s."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= 0:
        return []
    if hi < lo:
        lo, hi = hi, lo
    lo = max(lo, 5e-324)
    k_lo = math.ceil(math.log10(lo) - 1e-9)
    k_hi = math.floor(math.log10(hi) + 1e-9)
    decades = list(range(k_lo, k_hi + 1))
    if len(decades) >= 2:
        stride = max(1, math.ceil(len(decades) / max(max_ticks, 1)))
        return [10.0**k for k in decades if k % stride == 0] or [10.0 ** decades[0]]
    for mantissas in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        vals = [
            m * 10.0**k
            for k in range(k_lo - 1, k_hi + 1)
            for m in mantissas
            if lo * (1 - 1e-9) <= m * 10.0**k <= hi * (1 + 1e-9)
        ]
        if 2 <= len(vals) <= max(max_ticks, 2):
            return vals
    return [v for v in linear_ticks(lo, hi, max_ticks) if v > 0]


def time_ticks(lo: float, hi: float, max_ticks: int = 5, *, offset: float = 0.0) -> list[float]:
    """Ticks for a duration axis (seconds): round seconds, minutes, hours or days.

    ``offset`` shifts the grid (wall clock ticks use the local UTC offset so they land on local
    hours); spans shorter than a few seconds fall back to decimal steps.
    """
    if (span := _ordered(lo, hi)) is None or span[0] == span[1]:
        return [] if span is None else [span[0]]
    lo, hi = span
    raw = (hi - lo) / max(max_ticks - 1, 1)
    if raw < 1:
        return _multiples(lo, hi, nice_step(hi - lo, max(max_ticks - 1, 1)), offset)
    for step in _TIME_STEPS:
        if step >= raw:
            return _multiples(lo, hi, float(step), offset)
    days = nice_step(raw / 86400, 1)
    return _multiples(lo, hi, days * 86400, offset)


def _utc_offset(epoch: float) -> float:
    try:
        return float(time.localtime(epoch).tm_gmtoff or 0)
    except (OverflowError, OSError, ValueError):
        return 0.0


def wall_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Ticks for epoch seconds that fall on round *local* times (whole hours, midnights ...)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    return time_ticks(lo, hi, max_ticks, offset=-_utc_offset((lo + hi) / 2))


# ---------------------------------------------------------------------------- formatting


def _strip(s: str) -> str:
    """Drop trailing zeros of a decimal (``1.50`` -> ``1.5``, ``2.0`` -> ``2``) and a ``-0``."""
    if "e" in s:
        mant, exp = s.split("e", 1)
        return _strip(mant) + "e" + exp
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_number(value: float, digits: int = 3) -> str:
    """Compact number: ``0``, ``0.125``, ``42``, ``1.5k``, ``3.4M``, ``1e-05``, ``nan``, ``inf``.

    ``digits`` significant digits at most; trailing zeros are dropped.
    """
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    a = abs(v)
    digits = max(int(digits), 1)
    if a >= 1e15 or a < 1e-4:
        return _strip(f"{v:.{digits - 1}e}")
    if a < 1000 and abs(float(_round_sig(v, digits))) >= 1000:
        a = 1000.0  # 999.9 rounds up to 1000: use the "1k" form
    if a >= 1000:
        i = next(i for i, (scale, _) in enumerate(_SUFFIXES) if a >= scale or i == len(_SUFFIXES) - 1)
        text = _round_sig(v / _SUFFIXES[i][0], digits)
        if abs(float(text)) >= 1000 and i > 0:
            # 999999 rounds to "1000k": say "1M" instead.
            i -= 1
            text = _round_sig(v / _SUFFIXES[i][0], digits)
        return text + _SUFFIXES[i][1]
    return _round_sig(v, digits)


def _round_sig(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits in plain decimal notation, trailing zeros dropped."""
    if v == 0:
        return "0"
    decimals = max(digits - 1 - math.floor(math.log10(abs(v))), 0)
    return _strip(f"{v:.{decimals}f}")


def format_step(value: float) -> str:
    """Training step: exact below 10000 (``9999``), compact above (``12.5k``, ``1.2M``)."""
    v = float(value)
    if not math.isfinite(v):
        return format_number(v)
    if abs(v) < 10_000 and v == int(v):
        return str(int(v))
    return format_number(v, 3)


def format_tick_labels(values: Sequence[float], step: float | None = None) -> list[str]:
    """Labels for a set of linear ticks, sharing one precision so they line up and differ.

    ``step`` is the spacing of the ticks (taken from the values when omitted); the labels carry just
    enough decimals to tell neighbours apart.
    """
    vals = [float(v) for v in values]
    if not vals:
        return []
    if step is None:
        diffs = [abs(b - a) for a, b in itertools.pairwise(vals) if b != a]
        step = min(diffs) if diffs else 0.0
    finite = [abs(v) for v in vals if math.isfinite(v)]
    top = max(finite) if finite else 0.0
    if not step or not math.isfinite(step) or top == 0:
        return [format_number(v) for v in vals]
    step = abs(step)
    if top >= 1e15 or top < 1e-3:
        mant = max(0, math.floor(math.log10(top)) - math.floor(math.log10(step) + 1e-9))
        return [_strip(f"{v:.{min(mant, 6)}e}") if v != 0 else "0" for v in vals]
    scale, suffix = 1.0, ""
    if top >= 1000:
        for s, suf in _SUFFIXES:
            if top >= s:
                scale, suffix = s, suf
                break
    decimals = max(0, -math.floor(math.log10(step / scale) + 1e-9))
    decimals = min(decimals, 12)
    out = []
    for v in vals:
        if not math.isfinite(v):
            out.append(format_number(v))
            continue
        text = f"{v / scale:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        out.append(text + (suffix if text != "0" else ""))
    return out


_UNITS = ((86400.0, "d"), (3600.0, "h"), (60.0, "m"), (1.0, "s"))


def format_relative(seconds: float, *, compound: bool = False) -> str:
    """A duration: ``0s``, ``30s``, ``5m``, ``1.5h``, ``2d``.

    With ``compound`` the two largest units are spelled out instead of a decimal (``1h30m``,
    ``2m15s``): tick labels on a 15 s grid read better that way.
    """
    s = float(seconds)
    if not math.isfinite(s):
        return format_number(s)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return sign + (_round_sig(s, 3) if s else "0") + "s"
    if not compound:
        for size, unit in _UNITS:
            if s >= size:
                return sign + _round_sig(s / size, 3) + unit
    total = round(s)
    parts = []
    for size, unit in _UNITS:
        count = int(total // size)
        if count or parts:
            parts.append((count, unit))
        total -= count * size
        if len(parts) == 2:
            break
    text = "".join(f"{c}{u}" for c, u in parts if c)
    return sign + (text or "0s")


def format_wall(epoch: float, span: float = 0.0, *, step: float | None = None) -> str:
    """Local wall-clock time sized to the axis span.

    ``HH:MM:SS`` under two minutes, ``HH:MM`` under a day, ``MM-DD HH:MM`` beyond, and just
    ``MM-DD`` when ticks are whole days apart.
    """
    try:
        t = time.localtime(float(epoch))
    except (OverflowError, OSError, ValueError):
        return "?"
    if step is not None and step >= 86400:
        return time.strftime("%m-%d", t)
    if span >= 86400:
        return time.strftime("%m-%d %H:%M", t)
    if span < 120:
        return time.strftime("%H:%M:%S", t)
    return time.strftime("%H:%M", t)


def format_x(x: float, x_mode: str, span: float = 0.0) -> str:
    """One x value in a readout: a step, a duration since the start, a wall-clock time sized to
    ``span`` (the seconds the axis covers), or a plain number ("value")."""
    if x_mode == "relative":
        return format_relative(x)
    if x_mode == "wall":
        return format_wall(x, span)
    if x_mode == "value":
        return format_number(x, 4)
    return format_step(x)


# ---------------------------------------------------------------------------- axes

#: What an axis shows: an x mode (step, seconds since the start, epoch seconds), plain or log values.
AxisKind = Literal["step", "relative", "wall", "value", "log"]


def axis_ticks(
    lo: float, hi: float, max_ticks: int, kind: AxisKind | str = "value"
) -> tuple[list[float], list[str]]:
    """Tick values over ``[lo, hi]`` for an axis of ``kind`` and their labels, at most about ``max_ticks``."""
    if kind == "relative":
        ticks = time_ticks(lo, hi, max_ticks)
        return ticks, [format_relative(t, compound=True) for t in ticks]
    if kind == "wall":
        ticks = wall_ticks(lo, hi, max_ticks)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else None
        return ticks, [format_wall(t, hi - lo, step=step) for t in ticks]
    if kind == "log":
        ticks = log_ticks(lo, hi, max_ticks)
        return ticks, [format_number(t) for t in ticks]
    if kind == "step":
        ticks = linear_ticks(lo, hi, max_ticks, integer=(hi - lo) >= 2)
        if all(float(t).is_integer() and abs(t) < 10_000 for t in ticks):
            return ticks, [format_step(t) for t in ticks]
        return ticks, format_tick_labels(ticks)
    ticks = linear_ticks(lo, hi, max_ticks)
    return ticks, format_tick_labels(ticks)


def column_of(value: float, lo: float, hi: float, cells: int) -> int:
    """The cell (0..cells-1) whose span ``[lo + x * d, lo + (x + 1) * d)`` holds ``value``."""
    return int(min(max((value - lo) / (hi - lo) * cells, 0), cells - 1))


def fitting_ticks(
    lo: float,
    hi: float,
    cells: int,
    kind: AxisKind | str = "value",
    *,
    fmt: Callable[[float], str] | None = None,
    gap: int = 2,
    rows: bool = False,
) -> tuple[list[float], list[str]]:
    """The most ticks over ``[lo, hi]`` whose labels, on ``cells`` cells, keep ``gap`` blanks apart.

    ``fmt`` writes the labels instead of the axis kind's own format. With ``rows`` the cells are a
    vertical axis's rows, a label one row high: ticks need only land ``gap`` rows apart, as many as
    one every other row are tried first, and there are none when even the fewest do not fit.
    """

    def ticks_for(max_ticks: int) -> tuple[list[float], list[str]]:
        ticks, labels = axis_ticks(lo, hi, max_ticks, kind)
        return ticks, labels if fmt is None else [fmt(float(t)) for t in ticks]

    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or cells < 1:
        return [], []
    for max_ticks in range(max(3, cells // 2) if rows else max(2, cells // 3), 1, -1):
        ticks, labels = ticks_for(max_ticks)
        if len(ticks) <= 1:
            return ticks, labels
        cols = [column_of(t, lo, hi, cells) for t in ticks]
        if min(b - a for a, b in pairwise(cols)) >= (gap if rows else max(len(x) for x in labels) + gap):
            return ticks, labels
    return ([], []) if rows else ticks_for(2)


def place_labels(cols: Sequence[int], labels: Sequence[str], width: int) -> str:
    """A line of ``width`` cells with each label centred under its column, shifted inside the edges,
    and skipped when it would touch the label before it."""
    buf = [" "] * width
    last_end = -1
    for c, label in zip(cols, labels, strict=True):
        if not label or len(label) > width:
            continue
        start = min(max(c - len(label) // 2, 0), width - len(label))
        if start <= last_end:
            continue
        buf[start : start + len(label)] = list(label)
        last_end = start + len(label)
    return "".join(buf)


def axis_rows(
    lo: float,
    hi: float,
    plot_w: int,
    left_pad: int,
    total_w: int,
    *,
    kind: AxisKind | str = "value",
    fmt: Callable[[float], str] | None = None,
    corner: str = "",
    style: str | Style = "grey50",
    marker: int | None = None,
    marker_style: str | Style = "",
) -> tuple[Text, Text]:
    """A horizontal axis (``─`` with ``┬`` ticks) and its labels, both ``total_w`` cells wide.

    The axis starts at column ``left_pad`` (after an optional ``corner`` character just before it) and covers
    ``plot_w`` columns; column ``x`` stands for values ``[lo + x * d, lo + (x + 1) * d)``. ``marker`` puts a
    ``▲`` at that column.
    """
    line = [" "] * total_w
    for x in range(left_pad, min(left_pad + plot_w, total_w)):
        line[x] = "─"
    if corner and left_pad >= 1:
        line[left_pad - 1] = corner
    labels_row = " " * total_w
    if plot_w >= 1 and hi > lo:
        ticks, labels = fitting_ticks(lo, hi, plot_w, kind, fmt=fmt)
        cols = [left_pad + column_of(t, lo, hi, plot_w) for t in ticks]
        for col in cols:
            line[col] = "┬"
        labels_row = place_labels(cols, labels, total_w)
    marked = marker is not None and 0 <= marker < plot_w and left_pad + marker < total_w
    if marked:
        line[left_pad + marker] = "▲"
    axis = Text("".join(line), style=style, no_wrap=True, overflow="crop", end="")
    if marked:
        axis.stylize(marker_style, left_pad + marker, left_pad + marker + 1)
    return axis, Text(labels_row, style=style, no_wrap=True, overflow="crop", end="")


# ---------------------------------------------------------------------------- slice labels


class _LazyLabels(Sequence[str]):
    """One label per step, formatted only when asked for.

    The renderers look up just the few slices they draw, so a 10,000-step tag costs a handful of
    ``strftime`` calls per frame instead of one per step.
    """

    def __init__(self, n: int, fmt: Callable[[int], str]) -> None:
        self._n, self._fmt = n, fmt

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._fmt(i) for i in range(*index.indices(self._n))]
        i = int(index)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(index)
        return self._fmt(i)


def slice_labels(steps: np.ndarray, wall_times: np.ndarray, x_mode: str) -> Sequence[str] | None:
    """A label per step for the x mode, or None in step mode (the renderers then print the step).

    Relative time follows the x-axis rule (:func:`tui.views.xaxis.x_values`: since the series' first
    point), rounded to about a hundredth of the span so a jitter of milliseconds reads ``0s`` rather than
    ``0.00806s``. Wall-clock labels keep the
    seconds (slices are often seconds apart) and add the date once the series spans a day or more.
    """
    n = len(steps)
    if x_mode not in ("relative", "wall") or n == 0:
        return None
    walls = np.asarray(wall_times, dtype=np.float64)
    if x_mode == "relative":
        since = x_values(steps, walls, x_mode)
        finite = since[np.isfinite(since)]
        span = float(np.max(np.abs(finite))) if finite.size else 0.0
        res = 10.0 ** math.floor(math.log10(span / 100)) if span > 0 else 1.0

        def relative(i: int) -> str:
            t = float(since[i])
            return format_relative(round(t / res) * res if math.isfinite(t) else t)

        return _LazyLabels(n, relative)
    finite = walls[np.isfinite(walls)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    span = span if span >= 86400 else 0.0  # format_wall: HH:MM:SS under a day, MM-DD HH:MM beyond
    return _LazyLabels(n, lambda i: format_wall(float(walls[i]), span))
