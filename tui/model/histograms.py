"""Histogram series arithmetic: rebinning for the ridgeline, percentiles for the distribution bands.

A histogram at one step is a float64 ``[k, 3]`` array of ``(left_edge, right_edge, count)`` rows, the form
TensorBoard normalises every writer's histograms to (legacy ``HistogramProto`` values included). A series
is a sequence of such arrays, one a step; ``k`` may differ between steps and may be 0, edges may coincide
(constant data) and may be infinite or NaN (TF2 histograms of data holding inf/NaN). Nothing here raises on
such input: odd buckets are dropped or clamped, as each function's docstring says.

The two views follow TensorBoard's own arithmetic so that a user comparing the two sees the same shapes:

* :func:`rebin` re-buckets every step onto equal bins over one shared range, as the histogram dashboard's
  ``buildNormalizedHistograms`` (``tensorboard/webapp/widgets/histogram/histogram_util.ts``) does.
* :func:`compress_histogram` / :func:`distribution` reproduce ``compress_histogram`` from
  ``tensorboard/plugins/distribution/compressor.py`` bit for bit on well-formed input, vectorised over steps.

Pure numpy: this module knows nothing about terminals or Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "BASIS_POINTS",
    "DEFAULT_BINS",
    "HistogramStats",
    "PackedHistograms",
    "compress_histogram",
    "distribution",
    "global_range",
    "histogram_stats",
    "oddities",
    "pack",
    "rebin",
    "rebin_edges",
    "widen_range",
]

#: Basis points (1/100 of a percent) of the nine distribution percentiles: the normal CDF at
#: -inf, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, +inf standard deviations, so the bands are 1, 2 and 3 sigma wide.
BASIS_POINTS: tuple[int, ...] = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)

#: TensorBoard's histogram dashboard rebins onto 30 bins: more shows the source buckets' aliasing.
DEFAULT_BINS = 30

_BPS = np.asarray(BASIS_POINTS, dtype=np.float64)


class PackedHistograms(NamedTuple):
    """A histogram series as one ``[N, 3]`` array plus step boundaries.

    Step ``i`` owns rows ``buckets[offsets[i]:offsets[i + 1]]``. Packing once lets every computation run as a
    handful of numpy calls over all steps instead of a Python loop per step; callers that redraw often can
    keep the packed form and pass it wherever a sequence of ``[k, 3]`` arrays is accepted.
    """

    buckets: np.ndarray  # float64 [N, 3]
    offsets: np.ndarray  # int64 [n + 1], offsets[0] == 0, offsets[-1] == N

    @property
    def n(self) -> int:
        return len(self.offsets) - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)

    def step(self, i: int) -> np.ndarray:
        return self.buckets[self.offsets[i] : self.offsets[i + 1]]


HistogramsLike = Sequence[np.ndarray] | PackedHistograms


def _as_k3(hist: np.ndarray) -> np.ndarray:
    """View anything histogram-shaped as float64 ``[k, 3]`` (an empty array of any shape is ``[0, 3]``)."""
    arr = np.asarray(hist, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, 3))
    return arr.reshape(-1, 3)


def pack(histograms: HistogramsLike) -> PackedHistograms:
    """Concatenate ``[k, 3]`` arrays into :class:`PackedHistograms` (a no-op if already packed).

    Stored histograms may be float32 (see ``model.series.HistogramSeries``); the arithmetic here
    is float64, as TensorBoard's is, so packed float32 rows are widened (exactly) on the way in.
    """
    if isinstance(histograms, PackedHistograms):
        if histograms.buckets.dtype == np.float64:
            return histograms
        return PackedHistograms(histograms.buckets.astype(np.float64), histograms.offsets)
    arrays = list(histograms)
    # The usual input is float64 [k, 3] arrays already; convert only when something else turns up.
    if not all(type(a) is np.ndarray and a.ndim == 2 and a.shape[1] == 3 for a in arrays):
        arrays = [_as_k3(h) for h in arrays]
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    if arrays:
        np.cumsum([len(a) for a in arrays], out=offsets[1:])
        buckets = np.concatenate(arrays, dtype=np.float64) if offsets[-1] else np.zeros((0, 3))
    else:
        buckets = np.zeros((0, 3))
    return PackedHistograms(np.ascontiguousarray(buckets), offsets)


# ---------------------------------------------------------------------------------------------- ranges


def global_range(histograms: HistogramsLike) -> tuple[float, float]:
    """The smallest and largest finite bucket edge over every step: the span the ridgeline shares.

    TensorBoard takes the first bucket's left and the last bucket's right edge of each step; with sorted
    buckets that is the same thing, and taking every finite edge also survives unsorted input and the inf/NaN
    edges TF writes for data holding inf or NaN (which would otherwise make the range infinite). Returns
    ``(nan, nan)`` when there is no finite edge at all; :func:`widen_range` turns that into a usable range.
    """
    packed = pack(histograms)
    edges = packed.buckets[:, :2]
    ok = np.isfinite(edges)
    if not ok.all():
        edges = edges[ok]
    if edges.size == 0:
        return (float("nan"), float("nan"))
    return (float(edges.min()), float(edges.max()))


def widen_range(lo: float, hi: float) -> tuple[float, float]:
    """Make ``[lo, hi]`` a drawable range: equal ends are widened exactly as TensorBoard does.

    TensorBoard widens a zero-width range to ``[lo / 1.1 - 1, hi * 1.1 + 1]`` so constant data shows as one
    spike in the middle rather than dividing by zero. Non-finite or reversed input falls back to the same rule
    around 0 (giving ``[-1, 1]``), so callers never need a special case.
    """
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        finite = [v for v in (lo, hi) if np.isfinite(v)]
        lo = hi = finite[0] if finite else 0.0
    if hi < lo:
        lo, hi = hi, lo
    if lo == hi:
        return (lo / 1.1 - 1.0, hi * 1.1 + 1.0)
    return (lo, hi)


def rebin_edges(lo: float, hi: float, bins: int = DEFAULT_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Left and right edges of the ``bins`` output bins, computed the way TensorBoard's loop does.

    TensorBoard builds bin ``i`` as ``left = lo + i * dx`` and ``right = left + dx``; using the same float
    arithmetic keeps zero-width buckets that sit exactly on an edge in the same output bin it chooses.
    """
    lo, hi = widen_range(lo, hi)
    dx = (hi - lo) / bins
    lefts = lo + np.arange(bins) * dx
    return lefts, lefts + dx


# --------------------------------------------------------------------------------------------- rebinning


def rebin(histograms: HistogramsLike, lo: float, hi: float, bins: int = DEFAULT_BINS) -> np.ndarray:
    """Re-bucket every step onto ``bins`` equal bins over ``[lo, hi]``; returns float64 ``[n, bins]``.

    Semantics are those of TensorBoard's histogram dashboard (``rebuildBins`` / ``getBinContribution``):

    * a bucket of non-zero width gives each output bin ``count * overlap / bucket_width``, i.e. its count is
      spread uniformly over the bucket and cut at the bin edges (parts outside ``[lo, hi]`` are lost);
    * a zero-width bucket (constant data) gives all its count to the output bin containing its position,
      bins being half-open ``[left, right)`` except the last, which is closed. TensorBoard can drop such a
      bucket sitting exactly on ``hi`` when ``lo + bins * dx`` rounds below ``hi``; here it always lands in
      the last bin, so the total is conserved.

    ``lo == hi`` (and non-finite ends) are widened by :func:`widen_range`, which callers should also apply
    to label the axis. Robustness beyond TensorBoard, which assumes finite sorted buckets: infinite edges are
    clamped to the range (so ``[0.1, inf]`` spreads over ``[0.1, hi]`` and ``[inf, inf]`` lands in the last
    bin), buckets with a NaN edge and non-finite counts are ignored, reversed edges are swapped, and bucket
    order does not matter. Vectorised over all steps at once: no Python loop over steps or buckets.
    """
    packed = pack(histograms)
    n = packed.n
    bins = max(int(bins), 1)
    out = np.zeros((n, bins))
    if n == 0 or len(packed.buckets) == 0:
        return out
    lo, hi = widen_range(lo, hi)
    _, rights = rebin_edges(lo, hi, bins)
    dx = (hi - lo) / bins
    flat = n * bins

    step_of = np.repeat(np.arange(n), packed.sizes)
    left, right, count = np.array(packed.buckets.T, order="C")  # owned copies: modified in place below
    if not (np.isfinite(packed.buckets).all() and (left <= right).all()):
        left, right, count, step_of = _sanitize(left, right, count, step_of, lo, hi)
    width = right - left

    # Zero-width buckets: the whole count to the bin whose half-open span holds the point.
    point = (width == 0) & (left >= lo) & (left <= hi)
    if point.any():
        j = np.minimum(np.searchsorted(rights, left[point], side="right"), bins - 1)
        out += np.bincount(step_of[point] * bins + j, weights=count[point], minlength=flat).reshape(n, bins)

    # Wide buckets, in units of output bins: density * overlap with each bin. The first and last bins a
    # bucket touches get their partial overlap directly; the full bins strictly between get the density
    # through a difference array, so a bucket spanning many bins costs no more than one spanning one.
    # The arithmetic reuses the column buffers in place: at 300k buckets a fresh temporary (page faults
    # included) costs several times the arithmetic done in it.
    inv_dx = 1.0 / dx
    ul = np.maximum(left, lo, out=left)
    ul -= lo
    ul *= inv_dx
    ur = np.minimum(right, hi, out=right)
    ur -= lo
    ur *= inv_dx
    wide = ur > ul
    wide &= width > 0
    if not wide.all():
        step_of, ul, ur, count, width = step_of[wide], ul[wide], ur[wide], count[wide], width[wide]
    if len(ul) == 0:
        return out
    density = np.divide(count, width, out=width)  # count per fully covered output bin
    density *= dx
    fl = np.floor(ul)
    np.clip(fl, 0, bins - 1, out=fl)
    fr = np.floor(ur)
    np.minimum(fr, bins - 1, out=fr)
    several = fr > fl
    first = np.add(fl, 1, out=count)
    np.minimum(ur, first, out=first)
    first -= ul
    first *= density
    last = np.subtract(ur, fr, out=ur)
    last *= density
    last *= several
    base = np.multiply(step_of, bins, out=step_of)
    jl = fl.astype(np.int64)
    jl += base
    out += np.bincount(jl, weights=first, minlength=flat).reshape(n, bins)
    if several.any():
        jr = fr.astype(np.int64)
        jr += base
        out += np.bincount(jr, weights=last, minlength=flat).reshape(n, bins)
        span = jr - jl > 1
        if span.any():
            # Rows of bins + 1 cells a step: +density just right of the first bin, -density at the last.
            row_shift = base[span] // bins  # cell s * (bins + 1) + j == (s * bins + j) + s
            dens = density[span]
            cells = n * (bins + 1)
            diff = np.bincount(jl[span] + row_shift + 1, weights=dens, minlength=cells)
            diff -= np.bincount(jr[span] + row_shift, weights=dens, minlength=cells)
            out += np.cumsum(diff.reshape(n, bins + 1), axis=1)[:, :bins]
    return out


def _sanitize(
    left: np.ndarray, right: np.ndarray, count: np.ndarray, step_of: np.ndarray, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Make odd buckets safe for :func:`rebin`: drop NaN edges and non-finite counts, swap reversed edges,
    clamp infinite edges to ``[lo, hi]``. Kept off the fast path: real files almost never need it."""
    left, right = np.minimum(left, right), np.maximum(left, right)  # NaN propagates through both
    keep = ~np.isnan(left) & ~np.isnan(right) & np.isfinite(count)
    left, right, count, step_of = left[keep], right[keep], count[keep], step_of[keep]
    left = np.where(np.isinf(left), np.clip(left, lo, hi), left)
    right = np.where(np.isinf(right), np.clip(right, lo, hi), right)
    return left, right, count, step_of


# ------------------------------------------------------------------------------------------- percentiles


def _lerp(x: np.ndarray, x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """Map ``x`` from ``[x0, x1]`` onto ``[y0, y1]`` with TensorBoard's operation order (for equal bits)."""
    return y0 + (x - x0) * (y1 - y0) / (x1 - x0)


def _compress_scalar(buckets: np.ndarray) -> np.ndarray:
    """TensorBoard's percentile walk, one step at a time, for input the vectorised path cannot trust.

    Used for steps whose cumulative weights are not monotone (negative or non-finite counts). It keeps
    TensorBoard's exact control flow: a binary search per basis point, skipping flat stretches, and once one
    basis point runs off the end every later one is the histogram's right edge.
    """
    minmin, maxmax = buckets[0, 0], buckets[-1, 1]
    counts = buckets[:, 2]
    right_edges = buckets[:, 1]
    total = counts.sum()
    with np.errstate(all="ignore"):
        weights = (counts * _BPS[-1] / (total if total != 0 else 1.0)).cumsum()
    result = np.full(len(_BPS), maxmax)
    for j, bp in enumerate(_BPS):
        i = int(np.searchsorted(weights, bp, side="right"))
        while i < len(weights):
            cumsum = weights[i]
            cumsum_prev = weights[i - 1] if i > 0 else 0.0
            if cumsum == cumsum_prev:
                i += 1
                continue
            if i == 0 or cumsum_prev == 0:
                lhs = minmin
            else:  # Python's max(a, b): b only when b > a, which is what NaN edges rely on
                lhs = minmin if minmin > right_edges[i - 1] else right_edges[i - 1]
            rhs = maxmax if maxmax < right_edges[i] else right_edges[i]
            with np.errstate(all="ignore"):
                result[j] = _lerp(bp, cumsum_prev, cumsum, lhs, rhs)
            break
        else:
            return result  # this and every later basis point stay at maxmax
    return result


def _compress_block(block: np.ndarray) -> np.ndarray:
    """Percentiles of ``m`` steps sharing one bucket count ``k``: ``[m, k, 3]`` -> ``[m, 9]``.

    With non-negative finite counts the cumulative weights are non-decreasing, and then TensorBoard's loop
    reduces to: ``i`` = number of weights <= bp; ``i == k`` gives the right edge, otherwise interpolate
    inside bucket ``i`` (its flat-stretch skip can never fire, as ``weights[i] > bp >= weights[i - 1]``).
    The sums and cumulative sums run along contiguous rows exactly as TensorBoard's 1-D calls do, so the
    results are bit-identical, not merely close.
    """
    m, k, _ = block.shape
    counts = np.ascontiguousarray(block[:, :, 2])
    right_edges = block[:, :, 1]
    minmin = block[:, 0, 0][:, None]
    maxmax = block[:, -1, 1][:, None]
    total = counts.sum(axis=1)
    denom = np.where(total != 0, total, 1.0)[:, None]
    with np.errstate(all="ignore"):
        weights = (counts * _BPS[-1] / denom).cumsum(axis=1)
    out = np.empty((m, len(_BPS)))
    good = np.all(np.isfinite(weights) & (counts >= 0), axis=1)
    for r in np.flatnonzero(~good):
        out[r] = _compress_scalar(block[r])
    if not good.any():
        return out
    if not good.all():
        counts, right_edges, weights = counts[good], right_edges[good], weights[good]
        minmin, maxmax = minmin[good], maxmax[good]
    rows = np.arange(len(weights))[:, None]
    # Number of weights <= each basis point (= searchsorted side="right" on a monotone row); nine 2-D passes
    # beat one [m, k, 9] comparison by 3x.
    idx = np.stack([np.count_nonzero(weights <= bp, axis=1) for bp in _BPS], axis=1)
    inside = idx < k
    i = np.minimum(idx, k - 1)
    im1 = np.maximum(i - 1, 0)
    cum = weights[rows, i]
    prev = np.where(i > 0, weights[rows, im1], 0.0)
    prev_edge = right_edges[rows, im1]
    lhs = np.where((i == 0) | (prev == 0), minmin, np.where(minmin > prev_edge, minmin, prev_edge))
    edge = right_edges[rows, i]
    rhs = np.where(maxmax < edge, maxmax, edge)
    with np.errstate(all="ignore"):
        value = _lerp(_BPS[None, :], prev, cum, lhs, rhs)
    out[good] = np.where(inside, value, maxmax)
    return out


def compress_histogram(hist_k3: np.ndarray) -> np.ndarray:
    """The nine distribution percentiles of one ``[k, 3]`` histogram, at :data:`BASIS_POINTS`.

    Identical to TensorBoard's ``compressor.compress_histogram`` (which the distributions dashboard draws):
    counts become cumulative weights out of 10000 and each basis point is linearly interpolated inside the
    bucket where the cumulative weight crosses it, between ``max(previous right edge, first left edge)``
    (or the first left edge for the first non-empty bucket) and ``min(right edge, last right edge)``. A
    basis point at or past the total weight is the last right edge; an empty histogram (``k == 0``) is all
    zeros and an all-zero-count histogram is all its last right edge. Returns float64 ``[9]``.
    """
    return distribution([hist_k3])[0]


def distribution(histograms: HistogramsLike) -> np.ndarray:
    """:func:`compress_histogram` of every step: float64 ``[n, 9]``, vectorised per distinct bucket count.

    Steps are grouped by ``k`` (usually one group: TF2 writes 30 buckets every step) and each group is one
    dense ``[m, k, 3]`` computation. Grouping rather than zero-padding keeps the float summation order
    equal to TensorBoard's, so results match it exactly.
    """
    packed = pack(histograms)
    n = packed.n
    out = np.zeros((n, len(_BPS)))
    sizes = packed.sizes
    distinct = np.unique(sizes)
    if len(distinct) == 1 and distinct[0] > 0:  # every step has k buckets: a free reshape, no gather
        out[:] = _compress_block(packed.buckets.reshape(n, int(distinct[0]), 3))
        return out
    for k in distinct:
        if k == 0:
            continue  # TensorBoard: an empty histogram compresses to zeros
        steps = np.flatnonzero(sizes == k)
        rows = packed.offsets[steps][:, None] + np.arange(k)[None, :]
        out[steps] = _compress_block(packed.buckets[rows])
    return out


# ----------------------------------------------------------------------------------------------- stats


class HistogramStats(NamedTuple):
    """Summary numbers for the step under the cursor."""

    min: float
    max: float
    count: float
    mean: float
    std: float


def histogram_stats(hist_k3: np.ndarray) -> HistogramStats:
    """Min, max, total count, mean and (population) standard deviation of one ``[k, 3]`` histogram.

    The exact values are gone once data is bucketed, so mean and std treat each bucket's count as sitting at
    the bucket centre: exact for constant data and zero-width buckets, otherwise off by up to half a bucket
    width (TF2's 30 equal buckets keep that small). ``min``/``max`` are the outer edges of the non-empty
    buckets, which TensorBoard's writers set to the true data min and max. Buckets with non-finite edges or
    counts count toward ``count`` only where the count is finite and are left out of the other numbers;
    anything undefined (no data) is NaN.
    """
    b = _as_k3(hist_k3)
    nan = float("nan")
    counts = b[:, 2]
    finite_counts = np.isfinite(counts)
    total = float(counts[finite_counts].sum())
    use = finite_counts & (counts > 0) & np.isfinite(b[:, 0]) & np.isfinite(b[:, 1])
    if not use.any():
        return HistogramStats(nan, nan, total, nan, nan)
    left, right, c = b[use, 0], b[use, 1], counts[use]
    centres = (left + right) / 2
    weight = c.sum()
    mean = float((centres * c).sum() / weight)
    var = float((c * (centres - mean) ** 2).sum() / weight)
    lo = float(np.minimum(left, right).min())
    hi = float(np.maximum(left, right).max())
    return HistogramStats(lo, hi, total, mean, var**0.5)


def oddities(buckets: np.ndarray, offsets: np.ndarray) -> str:
    """What the views leave out or clamp in a packed series (rows ``buckets[offsets[i]:offsets[i+1]]``
    for step ``i``), in words: how many steps hold no bucket, negative counts, non-finite values, or
    edges in the wrong order; ``""`` when none does.

    The views draw such steps as well as they can (see the module docstring), so without this a
    hostile or broken writer's data would look like a real, if odd, distribution.
    """
    b = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    if n <= 0:
        return ""
    sizes = np.diff(offsets)
    owner = np.repeat(np.arange(n), sizes)

    def steps_with(bad_rows: np.ndarray) -> int:
        return int(np.count_nonzero(np.bincount(owner[bad_rows], minlength=n))) if bad_rows.any() else 0

    with np.errstate(invalid="ignore"):
        found = [
            (int(np.count_nonzero(sizes == 0)), "no bucket"),
            (steps_with(b[:, 2] < 0), "negative counts"),
            (steps_with(~np.isfinite(b).all(axis=1)), "NaN or infinite values"),
            (steps_with(b[:, 0] > b[:, 1]), "a left edge past its right edge"),
        ]
    parts = [f"{k:,} step{'s' if k != 1 else ''} with {what}" for k, what in found if k]
    return ", ".join(parts)
