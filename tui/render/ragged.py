"""Many series at once: numpy work over ragged arrays (every series laid end to end, with offsets).

A chart of 2,000 runs spent most of its time in per-run Python: a dozen small numpy calls each to
check order, cut to the window, downsample and find the cursor's point, a millisecond a run. Here
each of those is a handful of numpy calls over all runs together, with results equal to the per-run
functions (tests compare them), so the cost follows the points, not the number of runs.

A ragged array is ``flat`` with ``offsets`` (``len + 1`` entries): series ``i`` is
``flat[offsets[i]:offsets[i + 1]]``; series may be empty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "downsample_sorted_many",
    "first_per_segment",
    "gather",
    "nearest_many",
    "pack",
    "segment_ids",
    "sorted_segments",
    "strided",
]


def pack(arrays: Sequence[np.ndarray], lengths: Sequence[int]) -> np.ndarray:
    """``arrays`` cut to ``lengths`` and laid end to end, as float64."""
    if not arrays:
        return np.zeros(0)
    return np.concatenate(
        [np.asarray(a, dtype=np.float64)[:k] for a, k in zip(arrays, lengths, strict=True)]
    ).astype(np.float64, copy=False)


def segment_ids(offsets: np.ndarray) -> np.ndarray:
    """The series index of every element."""
    return np.repeat(np.arange(offsets.size - 1, dtype=np.int64), np.diff(offsets))


def sorted_segments(x: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per series: whether its x never decreases (NaN counts as a decrease), as ``_is_sorted``."""
    n = offsets.size - 1
    if x.size < 2:
        return np.ones(n, dtype=bool)
    seg = segment_ids(offsets)
    bad = ~(x[1:] >= x[:-1]) & (seg[1:] == seg[:-1])
    return np.bincount(seg[1:][bad], minlength=n) == 0


def first_per_segment(where: np.ndarray, seg: np.ndarray, n: int) -> np.ndarray:
    """Per series, the first flat index where ``where`` holds (-1 when none)."""
    idx = np.flatnonzero(where)
    out = np.full(n, -1, dtype=np.int64)
    if idx.size:
        s = seg[idx]
        first = np.concatenate([[True], s[1:] != s[:-1]])
        out[s[first]] = idx[first]
    return out


def strided(keep: np.ndarray, offsets: np.ndarray, stride: int) -> np.ndarray:
    """Of the elements ``keep`` selects, every ``stride``-th of each series counted from its first
    kept one: ``[v[keep_i][::stride] for each series]``, as one mask."""
    if stride <= 1:
        return keep
    idx = np.flatnonzero(keep)
    seg = segment_ids(offsets)[idx]
    first = np.searchsorted(seg, seg, "left")  # where each series' kept elements start in idx
    out = np.zeros_like(keep)
    out[idx[(np.arange(idx.size) - first) % stride == 0]] = True
    return out


def downsample_sorted_many(
    x: np.ndarray, y: np.ndarray, offsets: np.ndarray, x_lo: float, x_hi: float, n_columns: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`tui.render.chart.downsample_minmax` of every series (each with sorted x) at once:
    the reduced points laid end to end, and their offsets."""
    n = offsets.size - 1
    n_columns = max(int(n_columns), 1)
    empty = np.zeros(0)
    if x.size == 0 or not (math.isfinite(x_lo) and math.isfinite(x_hi)):
        return empty, empty, np.zeros(n + 1, dtype=np.int64)
    if x_hi < x_lo:
        x_lo, x_hi = x_hi, x_lo
    seg = segment_ids(offsets)
    # searchsorted per series, as counts: x < x_lo (left) and x <= x_hi (right).
    i0 = np.bincount(seg[x < x_lo], minlength=n) + offsets[:-1]
    i1 = np.bincount(seg[x <= x_hi], minlength=n) + offsets[:-1]
    win = (x >= x_lo) & (x <= x_hi)
    xw, yw, sw = x[win], y[win], seg[win]
    if x_hi > x_lo:
        edges = x_lo + (x_hi - x_lo) * (np.arange(n_columns, dtype=np.float64) / n_columns)
        col = np.searchsorted(edges, xw, "right") - 1
    else:
        col = np.zeros(xw.size, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], (col[1:] != col[:-1]) | (sw[1:] != sw[:-1])]))
    if xw.size == 0:
        starts = starts[:0]
    g = starts.size
    stops = np.append(starts[1:], xw.size) if g else starts
    counts = stops - starts
    if g == xw.size and np.isfinite(yw).all():
        # Every point alone in its column (short runs): each group is its one point.
        px, py, kept = xw, yw, np.ones(g, dtype=np.int64)
    else:
        px, py, kept = _reduce(xw, yw, starts, stops, counts)
    gseg = sw[starts]
    per = np.bincount(gseg, weights=kept, minlength=n).astype(np.int64)
    left = (i0 > offsets[:-1]).astype(np.int64)
    right = (i1 < offsets[1:]).astype(np.int64)
    out_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(left + per + right, out=out_off[1:])
    ox, oy = np.empty(int(out_off[-1])), np.empty(int(out_off[-1]))
    pseg = np.repeat(gseg, kept)
    before = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per, out=before[1:])
    dest = out_off[pseg] + left[pseg] + (np.arange(px.size) - before[pseg])
    ox[dest], oy[dest] = px, py
    has_left, has_right = np.flatnonzero(left), np.flatnonzero(right)
    ox[out_off[has_left]], oy[out_off[has_left]] = x[i0[has_left] - 1], y[i0[has_left] - 1]
    ox[out_off[has_right + 1] - 1], oy[out_off[has_right + 1] - 1] = x[i1[has_right]], y[i1[has_right]]
    return ox, oy, out_off


def _reduce(
    xw: np.ndarray, yw: np.ndarray, starts: np.ndarray, stops: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First, lowest, highest (a NaN break after them where the column holds a non-finite value) and
    last point of each group, as ``_reduce_groups`` keeps them; with how many each group kept."""
    g = starts.size
    if g:
        gmin = np.minimum.reduceat(yw, starts)
        gmax = np.maximum.reduceat(yw, starts)
        has_gap = ~(np.isfinite(gmin) & np.isfinite(gmax))
        if has_gap.any():
            clean = np.where(np.isfinite(yw), yw, np.nan)
            gmin = np.fmin.reduceat(clean, starts)
            gmax = np.fmax.reduceat(clean, starts)
    else:
        gmin = gmax = np.zeros(0)
        has_gap = np.zeros(0, dtype=bool)
    first_x, last_x = xw[starts], xw[stops - 1]
    mid_x = 0.5 * (first_x + last_x)
    gx = np.empty((g, 5))
    gy = np.empty((g, 5))
    gx[:, 0], gx[:, 1], gx[:, 2], gx[:, 3], gx[:, 4] = first_x, mid_x, mid_x, mid_x, last_x
    gy[:, 0], gy[:, 1], gy[:, 2], gy[:, 3], gy[:, 4] = yw[starts], gmin, gmax, np.nan, yw[stops - 1]
    keep = np.ones((g, 5), dtype=bool)
    keep[:, 3] = has_gap
    keep[:, 1:3] &= (counts >= 3)[:, None] | has_gap[:, None]
    keep[:, 4] = counts >= 2
    return gx[keep], gy[keep], keep.sum(axis=1)


def nearest_many(x: np.ndarray, offsets: np.ndarray, sorted_x: np.ndarray, target: float) -> np.ndarray:
    """Per series, the index (within it) of its point nearest ``target`` by x, -1 when none: as
    a search per series would (sorted: the nearer of the two around ``target``, the first on a
    tie; unsorted: the first nearest finite distance)."""
    n = offsets.size - 1
    out = np.full(n, -1, dtype=np.int64)
    if x.size == 0:
        return out
    seg = segment_ids(offsets)
    lens = np.diff(offsets)
    ssort = sorted_x & (lens > 0)
    # Sorted: i = searchsorted(x, target); candidates i - 1 and i.
    i = np.bincount(seg[x < target], minlength=n)
    a = np.clip(i - 1, 0, np.maximum(lens - 1, 0))
    b = np.clip(i, 0, np.maximum(lens - 1, 0))
    with np.errstate(invalid="ignore"):
        da = np.abs(x[np.minimum(offsets[:-1] + a, x.size - 1)] - target)
        db = np.abs(x[np.minimum(offsets[:-1] + b, x.size - 1)] - target)
    # min by (distance, index): b only when strictly nearer (NaN compares false: a stays).
    pick = np.where((i >= 1) & ~(db < da) | (i >= lens), a, b)
    pick = np.where(i >= 1, pick, b)
    out[ssort] = pick[ssort]
    rest = ~sorted_x & (lens > 0)
    if rest.any():
        with np.errstate(invalid="ignore"):
            d = np.abs(x - target)
        d = np.where(np.isfinite(d), d, np.inf)
        best = np.full(n, np.inf)
        np.minimum.at(best, seg, d)
        hit = np.isfinite(best[seg]) & (d == best[seg]) & rest[seg]
        first = first_per_segment(hit, seg, n)
        found = rest & (first >= 0)
        out[found] = first[found] - offsets[:-1][found]
    return out


def gather(
    parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], n_lines: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines from several ragged arrays, in one order: each part is ``(x, y, offsets, line)``, its
    series ``k`` becoming line ``line[k]`` (every line in ``0 .. n_lines - 1`` given once).
    Returns ``(x, y, offsets)`` with the lines in order."""
    lengths = np.zeros(n_lines, dtype=np.int64)
    for _, _, off, line in parts:
        lengths[line] = np.diff(off)
    out_off = np.zeros(n_lines + 1, dtype=np.int64)
    np.cumsum(lengths, out=out_off[1:])
    ox, oy = np.empty(int(out_off[-1])), np.empty(int(out_off[-1]))
    for px, py, off, line in parts:
        seg = segment_ids(off)
        dest = out_off[line][seg] + (np.arange(seg.size) - off[:-1][seg])
        ox[dest], oy[dest] = px[: seg.size], py[: seg.size]
    return ox, oy, out_off
