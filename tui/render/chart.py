"""Scalar line charts as rich Text: axes, ticks, legend, cursor, over a braille canvas.

Every point is kept in memory, so drawing starts by cutting each series down to what one pixel column
can show: the first, lowest, highest and last value that fall in it (:func:`downsample_minmax`). The
lines drawn through those stay pixel-identical to drawing every point, a single spike survives, and the
cost is a couple of ``reduceat`` passes over the visible slice. Axis ranges follow TensorBoard's rules
(5% padding; 5th-95th percentile with ``ignore_outliers``; a flat line gets ``[0, 2v]``).
"""

from __future__ import annotations

import dataclasses
import functools
import io
import itertools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
from rich.cells import cell_len
from rich.color import Color, ColorParseError
from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui.render.braille import BrailleCanvas, PixelMap
from tui.render.cells import fit
from tui.render.layers import ChartLayers
from tui.render.palette import CUBE_COLORS, CURSOR_COLOR, color_for
from tui.render.ragged import (
    downsample_sorted_many,
    gather,
    nearest_many,
    segment_ids,
    sorted_segments,
    strided,
)
from tui.render.rows import EMPTY_NAME, NAN_MARK, NEG_INF_MARK, NON_FINITE_STYLE, POS_INF_MARK, fit_name
from tui.render.safe_text import SafeText
from tui.render.ticks import axis_ticks, format_number, format_x, nice_step, place_labels
from tui.views.safe import inert
from tui.views.xaxis import live_x_domain

__all__ = [
    "RUN_COLORS",
    "ChartRender",
    "ChartSeries",
    "ChartTheme",
    "CursorHit",
    "XMode",
    "append_swatch",
    "color_for",
    "compute_y_range",
    "downsample_minmax",
    "legend_line",
    "render_chart",
    "render_chart_plain",
    "snap_y_range",
]

#: What x holds: training steps, seconds since the run started, epoch seconds, or any plain number
#: ("value": recall on a PR curve, a hyperparameter on a scatter).
XMode = Literal["step", "relative", "wall", "value"]

_FLOAT_MAX = float(np.finfo(np.float64).max)

#: The run palette (exact xterm-256 cube colours; see tui.render.palette). Index with :func:`color_for`.
RUN_COLORS: tuple[str, ...] = CUBE_COLORS


@dataclass(frozen=True)
class ChartTheme:
    """Styles of the chart furniture; widgets may pass their own."""

    axis: str = "#5c6370"
    label: str = "#9da5b4"
    title: str = "bold"
    cursor: str = CURSOR_COLOR
    #: How strongly the raw underlay keeps its colour (blended towards ``background``).
    raw_alpha: float = 0.35
    background: str = "#1e1e1e"


@dataclass
class ChartSeries:
    """One line: ``y`` is what is drawn (usually smoothed); ``raw_y`` an optional faint underlay.

    ``x`` is in the unit of the chart's x mode: steps, seconds since the run started, or epoch
    seconds. ``sorted_x`` may be set when the caller knows x is non-decreasing (otherwise it is
    checked, which costs one cheap pass). ``points`` draws one dot per point and no line (a
    scatter; every point is drawn, so keep such series to what a scatter can show).
    ``band`` is a ``(lower, upper)`` pair along ``x``, filled in the faint underlay colour behind the
    line (a custom-scalars margin chart).
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    color: str | None = None
    raw_y: np.ndarray | None = None
    sorted_x: bool | None = None
    points: bool = False
    band: tuple[np.ndarray, np.ndarray] | None = None
    #: What the legend calls the series (``name`` when empty), its marker letter, and shorter forms
    #: of the label for tight legends (tui.views.runs).
    label: str = ""
    marker: str = ""
    short: tuple[str, ...] = ()
    #: For a chart's :class:`~tui.render.layers.ChartLayers`: what the arrays are (``key``, e.g. the
    #: run, tag and series object, x mode and smoothing) and their state (``version``). Equal key and
    #: version mean equal arrays; no key, nothing kept.
    key: Hashable = None
    version: Hashable = None


@dataclass(frozen=True)
class CursorHit:
    """The point of one series nearest to the cursor (by x)."""

    series: int
    name: str
    index: int
    x: float
    y: float
    raw_y: float | None
    marker: str = ""


@dataclass
class ChartRender:
    """The rendered lines and the geometry a widget needs to map mouse/cursor columns back to data."""

    lines: list[Text]
    width: int
    height: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    log_y: bool
    plot_left: int
    plot_top: int
    plot_width: int
    plot_height: int
    x_ticks: list[float] = field(default_factory=list)
    y_ticks: list[float] = field(default_factory=list)
    cursor: list[CursorHit] = field(default_factory=list)
    cursor_column: int | None = None

    def x_at_column(self, column: int) -> float | None:
        """Data x at the centre of terminal column ``column`` (None outside the plot area)."""
        c = column - self.plot_left
        if self.plot_width <= 0 or not 0 <= c < self.plot_width:
            return None
        pixels = self.plot_width * 2
        lo, hi = self.x_range
        return lo + (2 * c + 0.5) / max(pixels - 1, 1) * (hi - lo)

    def column_at_x(self, x: float) -> int | None:
        """Terminal column showing data x (None when x is outside the visible range)."""
        lo, hi = self.x_range
        if self.plot_width <= 0 or not math.isfinite(x) or hi <= lo or not lo <= x <= hi:
            return None
        px = (x - lo) / (hi - lo) * (self.plot_width * 2 - 1)
        return self.plot_left + min(math.floor(px + 0.5) // 2, self.plot_width - 1)

    def plain(self) -> str:
        """The chart as plain text, lines joined with newlines."""
        return "\n".join(line.plain for line in self.lines)


# ---------------------------------------------------------------------------- downsampling


def _is_sorted(x: np.ndarray) -> bool:
    return x.size < 2 or bool((x[1:] >= x[:-1]).all())


def downsample_minmax(
    x: np.ndarray,
    y: np.ndarray,
    x_lo: float,
    x_hi: float,
    n_columns: int,
    *,
    sorted_x: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a series to at most four points per column of ``[x_lo, x_hi]`` split in ``n_columns``.

    For every column holding points this keeps the first and last point (so lines join their
    neighbours correctly) and the lowest and highest value (so spikes survive). The min/max points sit
    at the column's middle x: the column is one pixel wide, so where inside it they lie does not show.
    The nearest point outside the window on each side is kept too, so lines run to the plot edge.
    Non-finite values in a column become a NaN break after its min/max (drawn as a gap).

    With sorted x the work is two ``reduceat`` over the visible slice; unsorted x (clock skew, merged
    files) is reduced run by run in data order, which is how a line through it would be drawn, unless it
    jumps around so much that the runs outnumber the columns eightfold: then it is sorted by x first.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = min(x.size, y.size)
    x, y = x[:n], y[:n]
    n_columns = max(int(n_columns), 1)
    if n == 0 or not (math.isfinite(x_lo) and math.isfinite(x_hi)):
        return np.zeros(0), np.zeros(0)
    if x_hi < x_lo:
        x_lo, x_hi = x_hi, x_lo
    if sorted_x is None:
        sorted_x = _is_sorted(x)
    if sorted_x:
        i0 = int(np.searchsorted(x, x_lo, "left"))
        i1 = int(np.searchsorted(x, x_hi, "right"))
        if x_hi > x_lo:
            edges = x_lo + (x_hi - x_lo) * (np.arange(n_columns, dtype=np.float64) / n_columns)
            starts = np.searchsorted(x[i0:i1], edges, "left") + i0
        else:
            starts = np.array([i0], dtype=np.int64)
        starts = np.unique(np.concatenate([starts, [i1]]))
        starts = starts[(starts >= i0) & (starts < i1)]
        left = [i0 - 1] if i0 > 0 else []
        right = [i1] if i1 < n else []
    else:
        starts, i1, left, right, xs, ys = _runs_unsorted(x, y, x_lo, x_hi, n_columns)
        if starts.size > 8 * n_columns + 16:
            # x jumps back and forth so often that a line in data order is a scribble costing one long
            # segment per point: draw it in x order instead.
            order = np.argsort(x, kind="stable")
            return downsample_minmax(x[order], y[order], x_lo, x_hi, n_columns, sorted_x=True)
        x, y = xs, ys
    gx, gy = _reduce_groups(x, y, starts, i1)
    if left or right:
        gx = np.concatenate([x[left], gx, x[right]])
        gy = np.concatenate([y[left], gy, y[right]])
    return gx, gy


def _runs_unsorted(
    x: np.ndarray, y: np.ndarray, x_lo: float, x_hi: float, n_columns: int
) -> tuple[np.ndarray, int, list[int], list[int], np.ndarray, np.ndarray]:
    """Group unsorted points into runs of consecutive points that share a column (data order)."""
    good_x = np.isfinite(x)
    if not good_x.all():
        # A point without an x cannot be placed: it becomes a break in the line.
        y = np.where(good_x, y, np.nan)
        x = np.where(good_x, x, x_lo)
    span = x_hi - x_lo
    if span > 0:
        col = np.clip(np.floor((x - x_lo) * (n_columns / span)), 0, n_columns - 1).astype(np.int64)
    else:
        col = np.zeros(x.size, dtype=np.int64)
    col[x < x_lo] = -1
    col[x > x_hi] = n_columns
    col[~good_x] = -2
    starts = np.flatnonzero(np.concatenate([[True], col[1:] != col[:-1]]))
    return starts, x.size, [], [], x, y


def _reduce_groups(
    x: np.ndarray, y: np.ndarray, starts: np.ndarray, end: int
) -> tuple[np.ndarray, np.ndarray]:
    """First/min/max/last of each group ``[starts[i], starts[i+1])`` (the last group ends at ``end``)."""
    g = starts.size
    if g == 0:
        return np.zeros(0), np.zeros(0)
    base = int(starts[0])
    ys = y[base:end]
    rel = starts - base
    stops = np.append(starts[1:], end)
    counts = stops - starts
    gmin = np.minimum.reduceat(ys, rel)
    gmax = np.maximum.reduceat(ys, rel)
    first_y = y[starts]
    last_y = y[stops - 1]
    first_x = x[starts]
    last_x = x[stops - 1]
    mid_x = 0.5 * (first_x + last_x)
    gap = np.full(g, np.nan)
    # minimum/maximum propagate NaN and let inf through; redo with non-finite values ignored (fmin/fmax
    # skip NaN). Only series that hold such values pay for this.
    has_gap = ~(np.isfinite(gmin) & np.isfinite(gmax))
    if has_gap.any():
        clean = np.where(np.isfinite(ys), ys, np.nan)
        gmin = np.fmin.reduceat(clean, rel)
        gmax = np.fmax.reduceat(clean, rel)
    # Layout per group: first, min, max, [NaN break], last.
    px = np.stack([first_x, mid_x, mid_x, mid_x, last_x], axis=1)
    py = np.stack([first_y, gmin, gmax, gap, last_y], axis=1)
    keep = np.ones((g, 5), dtype=bool)
    keep[:, 3] = has_gap
    keep[:, 1:3] &= (counts >= 3)[:, None] | has_gap[:, None]
    keep[:, 4] = counts >= 2
    return px[keep], py[keep]


# ---------------------------------------------------------------------------- ranges


def compute_y_range(
    values: Sequence[np.ndarray], *, log_y: bool = False, ignore_outliers: bool = False
) -> tuple[float, float]:
    """TensorBoard's y domain for the visible values.

    Linear: [min, max] (or the 5th-95th percentile with ``ignore_outliers``) padded by 5% of the
    span; a flat line at v gets [0, 2v] ([-1, 1] at zero). Log: the same in log10 over the positive
    values only. Non-finite values never count.
    """
    # Percentiles over at most ~200k evenly strided values: the same answer to the eye, and bounded
    # time however long the series.
    stride = max(1, sum(np.size(v) for v in values) // 200_000)
    arrays = []
    for v in values:
        v = np.asarray(v, dtype=np.float64)
        if log_y:
            v = v[v > 0]
        arrays.append(v[::stride] if ignore_outliers else v)
    return _y_domain(arrays, log_y=log_y, ignore_outliers=ignore_outliers)


def _y_domain(arrays: Sequence[np.ndarray], *, log_y: bool, ignore_outliers: bool) -> tuple[float, float]:
    """:func:`compute_y_range` of the values it keeps (positive ones for ``log_y``; with
    ``ignore_outliers``, the strided sample)."""
    mins, maxs, samples = [], [], []
    for v in arrays:
        if v.size == 0:
            continue
        if ignore_outliers:
            samples.append(v[np.isfinite(v)])
        else:
            lo = np.fmin.reduce(v)
            hi = np.fmax.reduce(v)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                fin = v[np.isfinite(v)]
                if fin.size == 0:
                    continue
                lo, hi = fin.min(), fin.max()
            mins.append(float(lo))
            maxs.append(float(hi))
    if ignore_outliers:
        allv = np.concatenate(samples) if samples else np.zeros(0)
        if allv.size:
            if log_y:
                allv = np.log10(allv)
            a, b = np.percentile(allv, [5, 95])
            if log_y:
                a, b = 10.0**a, 10.0**b
            mins, maxs = [float(a)], [float(b)]
    if not mins:
        return (1.0, 10.0) if log_y else (-0.1, 1.1)
    a, b = min(mins), max(maxs)
    if log_y:
        la, lb = math.log10(a), math.log10(b)
        pad = (lb - la) * 0.05 if lb > la else math.log10(2.0)
        return (10.0 ** max(la - pad, -323.0), 10.0 ** min(lb + pad, 308.0))
    if a == b:
        if a == 0:
            return (-1.0, 1.0)
        return (max(2.0 * a, -_FLOAT_MAX), 0.0) if a < 0 else (0.0, min(2.0 * a, _FLOAT_MAX))
    pad = (0.5 * b - 0.5 * a) * 0.1  # halves: b - a can overflow for values near the float limit
    return (max(a - pad, -_FLOAT_MAX), min(b + pad, _FLOAT_MAX))


def snap_y_range(lo: float, hi: float, *, log_y: bool = False) -> tuple[float, float]:
    """``[lo, hi]`` widened outwards to whole multiples of a nice quantum (about a tenth of the
    span; in log10 with ``log_y``): the y domain of a live chart.

    Why: the padded ``[min, max]`` moves with every new minimum of a falling loss, and a moved
    domain repaints every cell of the chart. Snapped, it moves only when the data crosses a
    quantum boundary, so most appended points change only the cells they land in.
    """
    if log_y:
        if not (lo > 0 and hi > lo):
            return lo, hi
        a, b = snap_y_range(math.log10(lo), math.log10(hi))
        return 10.0 ** max(a, -323.0), 10.0 ** min(b, 308.0)
    span = hi - lo
    if not (math.isfinite(lo) and math.isfinite(hi) and math.isfinite(span)) or span <= 0:
        return lo, hi
    q = nice_step(span, 10)
    a, b = math.floor(lo / q + 1e-9) * q, math.ceil(hi / q - 1e-9) * q
    return (a, b) if math.isfinite(a) and math.isfinite(b) and b > a else (lo, hi)


@dataclass
class _Packed:
    """Every series laid end to end (tui.render.ragged), each cut to its shortest array.

    ``raw`` holds ``y`` where a series has no raw underlay, ``lo``/``hi`` NaN where it has no band.
    """

    x: np.ndarray
    y: np.ndarray
    raw: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    offsets: np.ndarray
    has_raw: np.ndarray
    has_band: np.ndarray
    points: np.ndarray
    sorted: np.ndarray

    @property
    def seg(self) -> np.ndarray:
        return segment_ids(self.offsets)

    def part(self, a: int, b: int) -> _Packed:
        """Series ``a`` to ``b - 1`` (views, not copies)."""
        o = self.offsets[a : b + 1]
        lo, hi = int(o[0]), int(o[-1])
        flat = [v[lo:hi] for v in (self.x, self.y, self.raw, self.lo, self.hi)]
        each = [v[a:b] for v in (self.has_raw, self.has_band, self.points, self.sorted)]
        return _Packed(*flat, o - lo, *each)


def _pack_series(series: Sequence[ChartSeries]) -> _Packed:
    n = len(series)
    xs = [np.asarray(s.x, dtype=np.float64).ravel() for s in series]
    ys = [np.asarray(s.y, dtype=np.float64).ravel() for s in series]
    raws = [None if s.raw_y is None else np.asarray(s.raw_y, dtype=np.float64).ravel() for s in series]
    bands = [
        None if s.band is None else tuple(np.asarray(b, dtype=np.float64).ravel() for b in s.band)
        for s in series
    ]
    lens = []
    for x, y, r, b in zip(xs, ys, raws, bands, strict=True):
        k = min(x.size, y.size)
        if r is not None:
            k = min(k, r.size)
        if b is not None:
            k = min(k, b[0].size, b[1].size)
        lens.append(k)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])

    def flat(arrays: list) -> np.ndarray:
        return np.concatenate([a[:k] for a, k in zip(arrays, lens, strict=True)]) if n else np.zeros(0)

    x, y = flat(xs), flat(ys)
    nan = [np.full(k, np.nan) for k in lens]
    raw = flat([r if r is not None else yy for r, yy in zip(raws, ys, strict=True)])
    lo = flat([b[0] if b is not None else e for b, e in zip(bands, nan, strict=True)])
    hi = flat([b[1] if b is not None else e for b, e in zip(bands, nan, strict=True)])
    given = np.array([s.sorted_x is not None for s in series], dtype=bool)
    srt = sorted_segments(x, offsets)
    srt[given] = [bool(s.sorted_x) for s in series if s.sorted_x is not None]
    return _Packed(
        x,
        y,
        raw,
        lo,
        hi,
        offsets,
        np.array([r is not None for r in raws], dtype=bool),
        np.array([b is not None for b in bands], dtype=bool),
        np.array([s.points for s in series], dtype=bool),
        srt,
    )


def _x_extent(p: _Packed) -> tuple[float, float] | None:
    """The finite x values' extent over every series."""
    fin = p.x[np.isfinite(p.x)]
    return (float(fin.min()), float(fin.max())) if fin.size else None


def _visible_y_range(
    p: _Packed, x_range: tuple[float, float], *, log_y: bool, ignore_outliers: bool, include_raw: bool
) -> tuple[float, float]:
    """:func:`compute_y_range` of each series' values (its raw ones with ``include_raw``, its band's
    edges) in the x window, over all series at once."""
    seg = p.seg
    win = (p.x >= x_range[0]) & (p.x <= x_range[1])
    band = win & p.has_band[seg]
    chosen = [(p.y, win)]
    if include_raw:
        chosen.append((p.raw, win & p.has_raw[seg]))
    chosen += [(p.lo, band), (p.hi, band)]
    stride = max(1, sum(int(np.count_nonzero(m)) for _, m in chosen) // 200_000)
    arrays = []
    for v, m in chosen:
        if log_y:
            m = m & (v > 0)
        if ignore_outliers:
            m = strided(m, p.offsets, stride)
        arrays.append(v[m])
    return _y_domain(arrays, log_y=log_y, ignore_outliers=ignore_outliers)


def _subset(p: _Packed, keep: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, ``values`` and offsets of the series ``keep`` selects."""
    if keep.all():
        return p.x, values, p.offsets
    sel = keep[p.seg]
    off = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(np.diff(p.offsets)[keep], out=off[1:])
    return p.x[sel], values[sel], off


def _draw_series(
    canvas: BrailleCanvas,
    series: Sequence[ChartSeries],
    p: _Packed,
    pm: PixelMap,
) -> None:
    """Every series into ``canvas`` in one :meth:`~BrailleCanvas.plot_lines`: for series i its band
    and raw underlay (layer i, priority 0), then its line (layer n + i, priority 1), in that order."""
    px, py, offsets, which = _series_lines(series, p, pm)
    n = len(series)
    layers = np.where(which % 3 == 2, n + which // 3, which // 3)
    canvas.plot_lines(px, py, offsets, layers, (which % 3 == 2).astype(np.int64))


def _series_lines(
    series: Sequence[ChartSeries], p: _Packed, pm: PixelMap
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pixels of every line of ``series``, in drawing order: for series i its band, raw underlay
    and line (ids 3i, 3i + 1, 3i + 2 in ``which``; those a series lacks are left out), as ragged
    ``px``/``py`` with ``offsets``.

    Lines with sorted x are downsampled together; a scatter's points become lone dots (a NaN after
    each); unsorted lines and bands are prepared one by one (they are rare and few).
    """
    n = len(series)
    (xlo, xhi), wp = pm.x_range, pm.width
    half = 0.5 * (xhi - xlo) / max(wp - 1, 1)
    y, raw = p.y, p.raw
    if pm.log_y:
        y = np.where(y > 0, y, np.nan)
        raw = np.where(raw > 0, raw, np.nan)
    # Line ids 3i (band), 3i + 1 (raw), 3i + 2 (line); those a series lacks are left out below.
    present = np.zeros(3 * n, dtype=bool)
    present[0::3] = p.has_band
    present[1::3] = p.has_raw
    present[2::3] = True
    ids = np.cumsum(present) - 1
    parts = []
    fast = p.sorted & ~p.points
    for values, keep, slot in ((raw, fast & p.has_raw, 1), (y, fast, 2)):
        if keep.any():
            sx, sv, off = _subset(p, keep, values)
            dx, dy, doff = downsample_sorted_many(sx, sv, off, xlo - half, xhi + half, wp)
            parts.append((*pm.points(dx, dy), doff, ids[3 * np.flatnonzero(keep) + slot]))
    for i in np.flatnonzero(~fast | p.has_band).tolist():
        a, b = int(p.offsets[i]), int(p.offsets[i + 1])
        s = series[i]
        lines = []
        if s.band is not None:
            lines.append((*_band_pixels(p.x[a:b], p.lo[a:b], p.hi[a:b], pm), 0))
        if not fast[i]:
            srt = bool(p.sorted[i])
            for values, slot, has in ((raw, 1, s.raw_y is not None), (y, 2, True)):
                if has:
                    line = _line_pixels(p.x[a:b], values[a:b], s, srt, pm)
                    lines.append((*line, slot))
        for bx, by, slot in lines:
            parts.append((bx, by, np.array([0, bx.size]), ids[3 * i + slot : 3 * i + slot + 1]))
    px, py, offsets = gather(parts, int(present.sum()))
    return px, py, offsets, np.flatnonzero(present)


# ---------------------------------------------------------------------------- kept between frames

# Columns of a series' ranges (see _stats): finite x extent; y's, raw's and their positive part's
# range over the points with a finite x; whether its raw (else y) values hold a NaN or infinity.
_X, _Y, _YPOS, _RAW, _RAWPOS, _BAD = 0, 2, 4, 6, 8, 10
_STATS = 11
#: Runs whose cells :meth:`_Frame.draw` makes at a time.
_CELLS_CHUNK = 256


def _cached(series: Sequence[ChartSeries], layers: ChartLayers | None) -> bool:
    """Whether a frame of ``series`` can be drawn from ``layers``: every series keyed, plain lines
    (bands and scatters are drawn afresh: custom scalars and hparams charts, a few series each)."""
    return layers is not None and all(s.key is not None and s.band is None and not s.points for s in series)


def _segment_range(
    values: np.ndarray, keep: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per series, the lowest and highest of ``values`` where ``keep`` holds (NaN where none)."""
    n = offsets.size - 1
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    idx = np.flatnonzero(keep)
    if idx.size:
        seg = segment_ids(offsets)[idx]
        v = values[idx]
        starts = np.flatnonzero(np.concatenate([[True], seg[1:] != seg[:-1]]))
        lo[seg[starts]] = np.minimum.reduceat(v, starts)
        hi[seg[starts]] = np.maximum.reduceat(v, starts)
    return lo, hi


def _stats(p: _Packed) -> np.ndarray:
    """Each series' ranges (one row each; columns as ``_X``.. say): what :func:`_x_extent` and
    :func:`_visible_y_range` take from it when the x window holds all of it."""
    out = np.full((p.offsets.size - 1, _STATS), np.nan)
    fx = np.isfinite(p.x)
    out[:, _X], out[:, _X + 1] = _segment_range(p.x, fx, p.offsets)
    raw_rows = p.has_raw[p.seg]
    for v, col, rows in ((p.y, _Y, True), (p.raw, _RAW, raw_rows)):
        ok = fx & np.isfinite(v) & rows
        out[:, col], out[:, col + 1] = _segment_range(v, ok, p.offsets)
        out[:, col + 2], out[:, col + 3] = _segment_range(v, ok & (v > 0), p.offsets)
    out[:, _BAD] = np.bincount(p.seg[~np.isfinite(p.raw)], minlength=p.offsets.size - 1) > 0
    return out


class _Frame:
    """The series of one frame drawn through a :class:`ChartLayers`: their ranges from it (made for
    the series it lacks), packed only when something needs every point (a cursor, a zoomed range)."""

    def __init__(self, series: list[ChartSeries], layers: ChartLayers) -> None:
        self.series, self.layers = series, layers
        self.keys = [s.key for s in series]
        self._packed: dict[tuple[int, ...], _Packed] = {}
        versions = [s.version for s in series]
        got = layers.get_stats(self.keys, versions)
        missing = [i for i, g in enumerate(got) if g is None]
        if missing:
            made = _stats(self.pack(missing))
            layers.put_stats([self.keys[i] for i in missing], [versions[i] for i in missing], list(made))
            for k, i in enumerate(missing):
                got[i] = made[k]
        self.stats = np.stack(got) if got else np.zeros((0, _STATS))

    def pack(self, which: Sequence[int] | None = None) -> _Packed:
        """The series ``which`` picks (all of them by default) packed, once per frame."""
        idx = tuple(range(len(self.series))) if which is None else tuple(which)
        if idx not in self._packed:
            self._packed[idx] = _pack_series([self.series[i] for i in idx])
        return self._packed[idx]

    def x_extent(self) -> tuple[float, float] | None:
        lo, hi = self.stats[:, _X], self.stats[:, _X + 1]
        return (float(np.nanmin(lo)), float(np.nanmax(hi))) if np.isfinite(lo).any() else None

    def y_range(
        self, x_range: tuple[float, float], *, log_y: bool, ignore_outliers: bool, include_raw: bool
    ) -> tuple[float, float]:
        """:func:`_visible_y_range` of every series: from the ranges when the window holds every point
        with a finite x, else from the points."""
        ext = self.x_extent()
        if ignore_outliers or (ext is not None and not x_range[0] <= ext[0] <= ext[1] <= x_range[1]):
            return _visible_y_range(
                self.pack(), x_range, log_y=log_y, ignore_outliers=ignore_outliers, include_raw=include_raw
            )
        cols = [_YPOS if log_y else _Y] + ([_RAWPOS if log_y else _RAW] if include_raw else [])
        bounds = np.concatenate([self.stats[:, c : c + 2].ravel() for c in cols])
        return _y_domain([bounds[~np.isnan(bounds)]], log_y=log_y, ignore_outliers=False)

    def draw(self, canvas: BrailleCanvas, pm: PixelMap) -> None:
        """What :func:`_draw_series` draws, from each series' kept cells (made for those it lacks).

        A series' entry is one array: how many cells its underlay has, then its underlay's cells and
        its line's (:meth:`BrailleCanvas.line_cells`). Band and raw underlay share a layer, so they
        are one set of cells here, painted where :func:`_draw_series` paints them.
        """
        n = len(self.series)
        pm = self.layers.interned(pm)  # type: ignore[assignment]
        states = [(s.version, pm) for s in self.series]
        got = self.layers.get_cells(self.keys, states)
        missing = [i for i, g in enumerate(got) if g is None]
        if missing:
            packed = self.pack(missing)
            # A chunk of runs at a time, so that a draw made ahead of need (ChartLayers.until) gives
            # way to a key within a chunk's time (~10 ms), keeping what it drew.
            for a in range(0, len(missing), _CELLS_CHUNK):
                self.layers.check()
                which = missing[a : a + _CELLS_CHUNK]
                part = packed.part(a, a + len(which))
                made = _series_cells(canvas, [self.series[i] for i in which], part, pm)
                self.layers.put_cells([self.keys[i] for i in which], [states[i] for i in which], made)
                for k, i in enumerate(which):
                    got[i] = made[k]
        if not n or self.layers.ahead:
            return  # drawn ahead of need: the cells are what it was for
        flat = np.concatenate(got)
        sizes = np.fromiter((g.size for g in got), dtype=np.int64, count=n)
        heads = np.cumsum(sizes) - sizes
        under = flat[heads].astype(np.int64)
        body = np.ones(flat.size, dtype=bool)
        body[heads] = False
        counts = np.stack([under, sizes - 1 - under], axis=1).ravel()
        order = np.arange(n, dtype=np.int64)
        layers = np.stack([order, n + order], axis=1).ravel()
        canvas.paint_cells(flat[body], counts, layers, np.tile(np.array([0, 1], dtype=np.int64), n))

    def non_finite(self) -> _Packed | None:
        """The series holding a NaN or infinity, packed (for :func:`_mark_non_finite`), else None."""
        bad = np.flatnonzero(self.stats[:, _BAD] > 0)
        return self.pack(bad.tolist()) if bad.size else None


def _series_cells(
    canvas: BrailleCanvas, series: Sequence[ChartSeries], p: _Packed, pm: PixelMap
) -> list[np.ndarray]:
    """Each series' cells as :meth:`_Frame.draw` keeps them: the underlay's count, its cells, the
    line's cells (copies: a view would keep every series' cells alive for as long as one is kept)."""
    n = len(series)
    px, py, offsets, which = _series_lines(series, p, pm)
    cells, counts = canvas.line_cells(px, py, offsets)
    owner = which // 3
    under = np.bincount(owner[which % 3 != 2], weights=counts[which % 3 != 2], minlength=n).astype(np.int64)
    total = np.bincount(owner, weights=counts, minlength=n).astype(np.int64)
    ends = np.cumsum(total)
    heads = ends - total
    flat = np.insert(cells, heads, under.astype(cells.dtype))
    starts = heads + np.arange(n)
    return [flat[a : a + t + 1].copy() for a, t in zip(starts.tolist(), total.tolist(), strict=True)]


def _line_pixels(
    x: np.ndarray, values: np.ndarray, s: ChartSeries, srt: bool, pm: PixelMap
) -> tuple[np.ndarray, np.ndarray]:
    """One series' line in pixels, downsampled (a scatter's points each followed by a NaN break)."""
    (xlo, xhi), wp = pm.x_range, pm.width
    if s.points:
        px, py = pm.points(x, values)
        gap = np.full(px.size, np.nan)
        return np.stack([px, gap], axis=1).reshape(-1), np.stack([py, gap], axis=1).reshape(-1)
    half = 0.5 * (xhi - xlo) / max(wp - 1, 1)
    dx, dy = downsample_minmax(x, values, xlo - half, xhi + half, wp, sorted_x=srt)
    return pm.points(dx, dy)


def _pad_degenerate_x(lo: float, hi: float, x_mode: str) -> tuple[float, float]:
    if hi > lo:
        return lo, hi
    half = {"step": 1.0, "value": 0.5}.get(x_mode, 30.0)
    return lo - half, hi + half


# ---------------------------------------------------------------------------- styles


@functools.lru_cache(maxsize=1024)
def _dimmed(color: str, theme: ChartTheme) -> Style:
    """The series colour blended towards the background: a faint underlay that needs no ``dim`` SGR."""
    try:
        fg = Color.parse(color).get_truecolor()
        bg = Color.parse(theme.background).get_truecolor()
    except ColorParseError:
        return Style(color=color, dim=True)
    a = theme.raw_alpha
    r, g, b = (round(a * f + (1 - a) * k) for f, k in zip(fg, bg, strict=True))
    return Style(color=f"#{r:02x}{g:02x}{b:02x}")


@functools.lru_cache(maxsize=1024)
def _safe_style(color: str) -> Style:
    try:
        return Style(color=color)
    except Exception:
        return Style()


# ---------------------------------------------------------------------------- layout helpers


def append_swatch(out: Text, color: str | None, marker: str) -> None:
    """A run's swatch, as every legend and readout names a run: ``●`` in its colour, its marker
    letter in bold (runs differ without colour: NO_COLOR, a colour-blind eye) and a space."""
    style = _safe_style(color) if color else Style()
    out.append("●", style=style)
    if marker:
        out.append(marker, style=style + Style(bold=True))
    out.append(" ")


#: The fewest cells a legend name is cut to (a shorter name is shown whole) before items drop to ``+N``.
LEGEND_NAME_CELLS = 8


class LegendEntry(Protocol):
    """What a legend item is made from: a run's name, the label shown for it (its shorter ``short``
    forms where room is short), its marker letter and colour (:class:`ChartSeries` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def marker(self) -> str: ...
    @property
    def short(self) -> tuple[str, ...]: ...
    @property
    def color(self) -> str | None: ...


def legend_line(series: Sequence[LegendEntry], width: int, theme: ChartTheme | None = None) -> Text:
    """The legend row :func:`render_chart` draws for ``series`` (every run with a point) without a
    cursor, ``width`` cells wide. Also drawn alone over a chart a worker is still drawing: a run
    toggled among thousands changes the legend (who is charted, ``+N``) at once, while its line seldom
    changes a cell of the other runs' (they follow when drawn, if any does)."""
    # The legend looks at no more runs than it has cells (it counts the rest): 2,000 are not walked.
    colors = [s.color or color_for(i) for i, s in enumerate(series[: max(width, 0)])]
    return fit(_legend(series, colors, width, {}, None, theme or ChartTheme()), width)


def _legend(
    series: Sequence[LegendEntry],
    colors: Sequence[str],
    width: int,
    hits: dict[int, CursorHit],
    x_label: str | None,
    theme: ChartTheme,
) -> Text:
    """Coloured ``●A name [value]`` items (``A`` the run's marker, so runs differ without colour).

    Names share the room (short names whole, the rest equal shares of what is left); a name longer
    than its share takes its longest shorter form that fits, else is cut in the middle. When a name
    would get fewer than :data:`LEGEND_NAME_CELLS` cells (all of a shorter one), the last items drop to
    ``+N``: eight names of three cells (``●B a…r  ●D b…h``) said nothing; the marker letters and
    the runs pane name the rest.
    """
    prefix = Text(f"{x_label}  ", style=theme.label) if x_label else Text("")
    budget = width - prefix.cell_len
    n = len(series)
    # Counts whose items do not fit even with empty names are never tried (an item and its
    # separator take 4 cells at least, so no more than half the budget's cells can be items):
    # only the first ``top`` runs are looked at, however many there are.
    top = min(n, max(1, budget // 2))
    values = []
    for i in range(top):
        hit = hits.get(i)
        values.append(f" {format_number(hit.y, 4)}" if hit is not None else "")
    names = [inert(s.label or s.name) for s in series[:top]]
    lens = [cell_len(nm) for nm in names]
    # What the first k items take besides their names, for every k at once: with thousands of runs
    # a sum per candidate count was quadratic (seconds per frame at 2,000 runs).
    item = [2 + len(series[i].marker) + len(values[i]) for i in range(top)]
    before = list(itertools.accumulate(item, initial=0))
    while top > 1 and before[top] + 2 * (top - 1) > budget:
        top -= 1
    for shown in range(top, 0, -1):
        more = f"+{n - shown}" if shown < n else ""
        fixed = before[shown] + 2 * (shown - 1) + (len(more) + 2 if more else 0)
        room = budget - fixed
        if room < 0:
            continue
        widths = _share(lens[:shown], room)
        if shown > 1 and any(w < min(LEGEND_NAME_CELLS, ln) for w, ln in zip(widths, lens, strict=False)):
            continue
        out = prefix.copy()
        for i in range(shown):
            if i:
                out.append("  ")
            append_swatch(out, colors[i], series[i].marker)
            out.append(fit_name(names[i], tuple(inert(f) for f in series[i].short), widths[i]))
            if values[i]:
                out.append(values[i], style=theme.label)
        if more:
            out.append("  " + more, style=theme.label)
        return out
    return prefix


def _share(lengths: Sequence[int], room: int) -> list[int]:
    """Widths for names of ``lengths`` in ``room`` cells: short names whole, the rest an equal share
    of what is left (the remainder to the first ones), so no cell of room goes unused."""
    widths = list(lengths)
    if sum(widths) <= room:
        return widths
    order = sorted(range(len(widths)), key=lambda i: lengths[i])
    left, count = room, len(widths)
    for k, i in enumerate(order):
        share = left // (count - k)
        if lengths[i] <= share:
            left -= lengths[i]
            continue
        rest = order[k:]
        per, extra = divmod(left, len(rest))
        for j, idx in enumerate(sorted(rest)):
            widths[idx] = max(per + (1 if j < extra else 0), 0)
        break
    return widths


# ---------------------------------------------------------------------------- rendering


def title_line(title: str, width: int, theme: ChartTheme | None = None) -> Text:
    """A chart's first line: its title, cut to ``width`` (also drawn alone, ahead of a chart a
    worker is still drawing, so a key that changes the tag shows the new name at once)."""
    t = SafeText(title or EMPTY_NAME, style=(theme or ChartTheme()).title)
    t.truncate(width, overflow="ellipsis")
    return t


def render_chart(
    series: Sequence[ChartSeries],
    width: int,
    height: int,
    *,
    x_mode: XMode = "step",
    log_y: bool = False,
    ignore_outliers: bool = False,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    cursor_x: float | None = None,
    title: str | None = None,
    show_legend: bool = True,
    legend_values: bool = True,
    range_includes_raw: bool = False,
    headroom: bool = False,
    theme: ChartTheme | None = None,
    layers: ChartLayers | None = None,
) -> ChartRender:
    """Draw ``series`` into exactly ``height`` lines of exactly ``width`` cells.

    ``x_range`` zooms to a window; ``y_range`` fixes the value axis (otherwise it is computed from the
    values visible in the window, from ``y`` only like TensorBoard unless ``range_includes_raw``).
    ``cursor_x`` draws a vertical cursor and reports each series' nearest point in
    :attr:`ChartRender.cursor` (also shown as values in the legend unless ``legend_values`` is off:
    a caller with a readout of its own leaves the legend's room to the names). ``headroom`` (a live
    chart) lets computed domains grow in steps, x by :func:`~tui.views.xaxis.live_x_domain` and y by
    :func:`snap_y_range`, so an appended point repaints only the cells it touches. With ``layers``
    (kept by the caller from frame to frame) the ranges and drawn cells of series that carry a
    :attr:`ChartSeries.key` are kept there and reused while their version and the pixel map stay:
    the same frame, without drawing every line again.
    """
    theme = theme or ChartTheme()
    width = max(int(width), 0)
    height = max(int(height), 0)
    series = list(series)
    colors = [s.color or color_for(i) for i, s in enumerate(series)]
    kept = _Frame(series, layers) if layers is not None and _cached(series, layers) else None
    packed = _pack_series(series) if kept is None else None

    # --- x range
    if x_range is not None and all(math.isfinite(v) for v in x_range):
        xlo, xhi = sorted((float(x_range[0]), float(x_range[1])))
    else:
        ext = kept.x_extent() if kept is not None else _x_extent(packed)  # type: ignore[arg-type]
        xlo, xhi = ext if ext is not None else (0.0, 1.0)
        if headroom:
            xlo, xhi = live_x_domain(xlo, xhi)
    xlo, xhi = _pad_degenerate_x(xlo, xhi, x_mode)

    # --- y range from the values visible in the x window
    if y_range is not None and all(math.isfinite(v) for v in y_range) and y_range[0] != y_range[1]:
        ylo, yhi = sorted((float(y_range[0]), float(y_range[1])))
        if log_y and ylo <= 0:
            ylo, yhi = compute_y_range([], log_y=True) if yhi <= 0 else (yhi / 1e3, yhi)
    else:
        how = {"log_y": log_y, "ignore_outliers": ignore_outliers, "include_raw": range_includes_raw}
        if kept is not None:
            ylo, yhi = kept.y_range((xlo, xhi), **how)
        else:
            ylo, yhi = _visible_y_range(packed, (xlo, xhi), **how)  # type: ignore[arg-type]
        if headroom:
            ylo, yhi = snap_y_range(ylo, yhi, log_y=log_y)

    # --- cursor hits
    hits: dict[int, CursorHit] = {}
    if cursor_x is not None and math.isfinite(cursor_x):
        if kept is not None:
            packed = kept.pack()
        nearest = nearest_many(packed.x, packed.offsets, packed.sorted, float(cursor_x))
        for i in np.flatnonzero(nearest >= 0).tolist():
            s, j = series[i], int(nearest[i])
            at = int(packed.offsets[i]) + j
            raw = float(packed.raw[at]) if packed.has_raw[i] else None
            hits[i] = CursorHit(i, s.name, j, float(packed.x[at]), float(packed.y[at]), raw, s.marker)

    # --- vertical layout: plot rows first, then the x axis, legend and title as room allows
    rows_left = height
    x_axis_rule = height >= 6
    x_axis_labels = height >= 3
    rows_left -= int(x_axis_rule) + int(x_axis_labels)
    legend_on = show_legend and bool(series) and rows_left - 1 >= 3
    rows_left -= int(legend_on)
    title_on = title is not None and rows_left - 1 >= 3  # "" is a tag's name (title_line)
    rows_left -= int(title_on)
    plot_h = max(rows_left, 0)

    # --- y ticks decide the label column width, which decides the plot width
    y_ticks, y_labels = axis_ticks(
        ylo, yhi, min(max(3, plot_h // 3 + 1), max(plot_h, 1)), "log" if log_y else "value"
    )
    if plot_h < 2 and len(y_ticks) > 2:
        y_ticks, y_labels = y_ticks[:1], y_labels[:1]
    label_w = max((len(lbl) for lbl in y_labels), default=0)
    axis_w = 1 if width >= 3 else 0
    if width - label_w - axis_w < 4:
        label_w = 0
    plot_left = label_w + axis_w
    plot_w = max(width - plot_left, 0)
    canvas = BrailleCanvas(plot_w, plot_h)
    wp, hp = canvas.pixel_width, canvas.pixel_height
    pm = PixelMap((xlo, xhi), (ylo, yhi), wp, hp, log_y)

    # --- draw: raw underlays, then lines, cursor behind everything
    n = len(series)
    dim = {c: _dimmed(c, theme) for c in dict.fromkeys(colors)}  # a lookup a colour, not a run
    full = {c: _safe_style(c) for c in dim}
    styles: list[Style] = [dim[c] for c in colors] + [full[c] for c in colors]
    styles.append(_safe_style(theme.cursor))
    if plot_w > 0 and plot_h > 0:
        if kept is not None:
            kept.draw(canvas, pm)
        else:
            _draw_series(canvas, series, packed, pm)  # type: ignore[arg-type]
    empty_plot = not canvas.bits.any()
    cursor_col: int | None = None
    if cursor_x is not None and math.isfinite(cursor_x) and xlo <= cursor_x <= xhi and plot_w > 0:
        cpx = float(pm.px(np.array([cursor_x]))[0])
        canvas.plot_vline(cpx, 2 * n, priority=-1)
        cursor_col = plot_left + min(math.floor(cpx + 0.5) // 2, plot_w - 1)
    plot_rows = canvas.rows(styles)
    if empty_plot and plot_h > 0:
        message = "no data" if plot_w >= 7 else ""
        pad = (plot_w - len(message)) // 2
        plot_rows[(plot_h - 1) // 2] = Text(
            " " * pad + message + " " * (plot_w - pad - len(message)), style=theme.label
        )
    if plot_w > 0 and plot_h > 0:
        bad = kept.non_finite() if kept is not None else packed
        if bad is not None:
            _mark_non_finite(plot_rows, bad, pm)

    # --- y axis: a label on the row holding each tick
    label_rows: dict[int, str] = {}
    if plot_h > 0:
        tick_py = pm.py(np.asarray(y_ticks, dtype=np.float64))
        for t_py, lbl in zip(tick_py.tolist(), y_labels, strict=True):
            if math.isfinite(t_py):
                r = math.floor(t_py + 0.5) // 4
                if 0 <= r < plot_h and r not in label_rows:
                    label_rows[r] = lbl
    lines: list[Text] = []
    if title_on and title is not None:
        lines.append(title_line(title, width, theme))
    x_label = None
    if hits:
        any_hit = next(iter(hits.values()))
        x_label = format_x(any_hit.x, x_mode, xhi - xlo)
        x_label = f"step {x_label}" if x_mode == "step" else x_label
    if legend_on:
        if legend_values:
            lines.append(_legend(series, colors, width, hits, x_label, theme))
        else:  # the caller's readout names the step and the values
            lines.append(_legend(series, colors, width, {}, None, theme))
    for r in range(plot_h):
        line = Text(no_wrap=True, end="")
        if label_w:
            line.append(label_rows.get(r, "").rjust(label_w), style=theme.label)
        if axis_w:
            line.append("┤" if r in label_rows else "│", style=theme.axis)
        line.append_text(plot_rows[r])
        lines.append(line)

    # --- x axis
    x_ticks: list[float] = []
    if x_axis_rule or x_axis_labels:
        max_ticks = max(3, plot_w // 8)
        x_ticks, x_labels = axis_ticks(xlo, xhi, max_ticks, x_mode)
        cols = []
        for t in x_ticks:
            tp = float(pm.px(np.array([t]))[0]) if wp else 0.0
            cols.append(plot_left + min(max(math.floor(tp + 0.5) // 2, 0), max(plot_w - 1, 0)))
        if x_axis_rule:
            rule = [" "] * label_w + (["└"] if axis_w else []) + ["─"] * plot_w
            for c in cols:
                if 0 <= c < len(rule):
                    rule[c] = "┬"
            lines.append(Text("".join(rule)[:width], style=theme.axis))
        if x_axis_labels:
            lines.append(Text(place_labels(cols, x_labels, width), style=theme.label))
    lines = [fit(line, width) for line in lines[:height]]
    while len(lines) < height:
        lines.append(Text(" " * width))
    return ChartRender(
        lines=lines,
        width=width,
        height=height,
        x_range=(xlo, xhi),
        y_range=(ylo, yhi),
        log_y=log_y,
        plot_left=plot_left,
        plot_top=int(title_on) + int(legend_on),
        plot_width=plot_w,
        plot_height=plot_h,
        x_ticks=x_ticks,
        y_ticks=list(y_ticks),
        cursor=[hits[i] for i in sorted(hits)],
        cursor_column=cursor_col,
    )


def _mark_non_finite(plot_rows: list[Text], p: _Packed, pm: PixelMap) -> None:
    """Overlay a mark at each plot column where a series has a NaN or infinite value in the x window:
    NaN and -inf on the plot's bottom row, +inf on its top row, in a style no run colour has.

    A NaN or infinity breaks the drawn line into a gap that is easy to miss; marking the columns says
    that the run diverged there, and where. The raw values decide (smoothing would spread one NaN).
    Where several points fall on one mark's cell, the first series' (then the first point's) wins.
    """
    xlo, xhi = pm.x_range
    plot_w, plot_h = plot_rows[0].cell_len, len(plot_rows)
    vals = p.raw
    bad = ~np.isfinite(vals) & ~p.points[p.seg] & (p.x >= xlo) & (p.x <= xhi)
    if not bad.any():
        return
    bx, bv = p.x[bad], vals[bad]
    cols = np.clip(np.floor(pm.px(bx) + 0.5).astype(np.int64) // 2, 0, plot_w - 1)
    rows = np.where(bv > 0, 0, plot_h - 1)
    cell = rows * plot_w + cols
    order = np.argsort(cell, kind="stable")
    first = order[np.concatenate([[True], cell[order][1:] != cell[order][:-1]])]
    marks: dict[tuple[int, int], str] = {}
    for r, c, v in zip(rows[first].tolist(), cols[first].tolist(), bv[first].tolist(), strict=True):
        marks[(r, c)] = POS_INF_MARK if v > 0 else NAN_MARK if v != v else NEG_INF_MARK
    for r in sorted({r for r, _ in marks}):
        row = plot_rows[r]
        out = Text(no_wrap=True, end="")
        at = 0
        for c in sorted(c for rr, c in marks if rr == r):
            out.append_text(row[at:c])
            out.append(marks[(r, c)], style=NON_FINITE_STYLE)
            at = c + 1
        out.append_text(row[at:])
        plot_rows[r] = out


def _band_pixels(
    x: np.ndarray, lo: np.ndarray, hi: np.ndarray, pm: PixelMap
) -> tuple[np.ndarray, np.ndarray]:
    """The fill between a band's lower and upper lines, as pixel segments: one vertical dot run per
    pixel column, both edges linearly interpolated between the series' x values (sorted by x first),
    drawn in the faint underlay style at the raw underlay's priority so the line stays on top."""
    ok = np.isfinite(x) & np.isfinite(lo) & np.isfinite(hi)
    if pm.log_y:
        ok &= (lo > 0) & (hi > 0)
    x, lo, hi = x[ok], lo[ok], hi[ok]
    if x.size == 0:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(x, kind="stable")
    x, lo, hi = x[order], lo[order], hi[order]
    px, wp = pm.px(x), pm.width
    cols = np.arange(max(math.ceil(px[0]), 0), min(math.floor(px[-1]), wp - 1) + 1, dtype=np.float64)
    if cols.size == 0:
        cols = np.array([min(max(math.floor(px[0] + 0.5), 0), wp - 1)], dtype=np.float64)
    ylo, yhi = pm.py(np.interp(cols, px, lo)), pm.py(np.interp(cols, px, hi))
    # Segments (c, lo) -> (c, hi) separated by NaN breaks, all in one rasterisation.
    bx = np.stack([cols, cols, np.full_like(cols, np.nan)], axis=1).reshape(-1)
    by = np.stack([ylo, yhi, np.full_like(cols, np.nan)], axis=1).reshape(-1)
    return bx, by


def render_chart_plain(
    series: Sequence[ChartSeries],
    width: int,
    height: int,
    *,
    color: bool = False,
    color_system: str = "truecolor",
    **kwargs,
) -> str:
    """The chart as a string for stdout (``tbtui plot``).

    ``color=True`` embeds ANSI colour codes of ``color_system`` (Rich's names: the terminal's, so a
    16-colour terminal gets no 24-bit codes it cannot show; the caller decides, e.g. from
    ``sys.stdout.isatty()`` and ``NO_COLOR``); otherwise the text is plain. Keyword arguments go to
    :func:`render_chart`.
    """
    if not color:
        # Without colour the faint raw underlay cannot be told from the smoothed line, and the
        # two together read as noise: plain text shows the smoothed line alone.
        series = [dataclasses.replace(s, raw_y=None) for s in series]
        return render_chart(series, width, height, **kwargs).plain() + "\n"
    chart = render_chart(series, width, height, **kwargs)
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=max(width, 1),
        force_terminal=True,
        color_system=color_system,  # type: ignore[arg-type]
        legacy_windows=False,
        soft_wrap=True,
    )
    for line in chart.lines:
        console.print(line)
    return buf.getvalue()
