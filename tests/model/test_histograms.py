"""Histogram rebinning, percentiles and stats, checked against TensorBoard's own arithmetic.

The corpus fixtures in tests/data/histograms/*.npz were extracted with TensorBoard's EventAccumulator and
data_compat migration (see extract.py there), so they are exactly what its dashboards compute from.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from tui.model.histograms import (
    BASIS_POINTS,
    PackedHistograms,
    compress_histogram,
    distribution,
    global_range,
    histogram_stats,
    pack,
    rebin,
    widen_range,
)

DATA = Path(__file__).parent.parent / "data" / "histograms"
FIXTURES = sorted(DATA.glob("*.npz"))


def load(path: Path) -> tuple[np.ndarray, list[np.ndarray]]:
    d = np.load(path)
    offsets, buckets = d["offsets"], d["buckets"]
    return d["steps"], [buckets[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]


def k3(edges, counts) -> np.ndarray:
    edges = np.asarray(edges, dtype=float)
    return np.stack([edges[:-1], edges[1:], np.asarray(counts, dtype=float)], axis=1)


def tb_rebuild_bins(buckets: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """A slow, literal port of TensorBoard's rebuildBins/getBinContribution (histogram_util.ts).

    One deliberate difference, the one rebin documents: the last bin ends exactly at ``hi``. TensorBoard
    computes it as ``lo + (bins - 1) * dx + dx``, which can round below ``hi`` and then silently drops a
    zero-width bucket sitting on ``hi`` (constant data at the series maximum).
    """
    dx = (hi - lo) / bins
    out = []
    index, carried = 0, 0.0
    for i in range(bins):
        res_left = lo + i * dx
        last_bin = i == bins - 1
        res_right = hi if last_bin else res_left + dx
        y, carried = carried, 0.0
        while index < len(buckets):
            left, right, count = buckets[index]
            if left > res_right or right < res_left:
                cur, nxt = 0.0, 0.0
            elif right - left == 0:
                cur, nxt = (0.0, count) if (not last_bin and right >= res_right) else (count, 0.0)
            else:
                cur, nxt = count * (min(right, res_right) - max(left, res_left)) / (right - left), 0.0
            y += cur
            carried += nxt
            if right > res_right:
                break
            index += 1
        out.append(y)
    return np.array(out)


def random_histogram(rng: np.random.Generator) -> np.ndarray:
    """Sorted, non-overlapping buckets: contiguous or with gaps, sometimes with zero-width buckets inside."""
    k = int(rng.integers(1, 40))
    edges = np.sort(rng.normal(rng.normal(0, 3), rng.uniform(0.1, 5), size=2 * k))
    left, right = edges[0::2], edges[1::2]
    if rng.random() < 0.5:  # contiguous, like TF2 and trimmed legacy buckets
        right = np.concatenate((left[1:], right[-1:]))
    if rng.random() < 0.3:
        collapse = rng.random(k) < 0.2
        right = np.where(collapse, left, right)
    counts = rng.integers(0, 50, size=k).astype(float)
    return np.stack([left, right, counts], axis=1)


# ------------------------------------------------------------------------------------------- ranges


def test_global_range_ignores_non_finite_edges():
    hs = [
        k3([0.5, 1, 2], [1, 1]),
        np.array([[-np.inf, -3.0, 2.0], [np.nan, np.nan, 0.0], [4.0, np.inf, 1.0]]),
    ]
    assert global_range(hs) == (-3.0, 4.0)
    assert all(math.isnan(v) for v in global_range([np.full((3, 3), np.nan), np.zeros((0, 3))]))
    assert all(math.isnan(v) for v in global_range([]))


def test_widen_range_follows_tensorboard_for_zero_width():
    assert widen_range(0.0, 0.0) == (-1.0, 1.0)
    assert widen_range(5.0, 5.0) == (5.0 / 1.1 - 1.0, 5.0 * 1.1 + 1.0)
    assert widen_range(float("nan"), float("nan")) == (-1.0, 1.0)
    assert widen_range(2.0, 1.0) == (1.0, 2.0)
    assert widen_range(-1.0, 3.0) == (-1.0, 3.0)


# ------------------------------------------------------------------------------------------ rebinning


def test_rebin_tensorboard_docstring_examples():
    # histogram_util.ts: bins [5][   10   ] over two result bins gives [10][5].
    assert rebin([k3([0, 1, 3], [5, 10])], 0.0, 4.0, bins=2).tolist() == [[10.0, 5.0]]
    # A zero-width bucket on the edge between two result bins goes to the right-hand one.
    hist = np.array([[0.0, 2.0, 0.0], [2.0, 2.0, 20.0], [2.0, 4.0, 0.0]])
    assert rebin([hist], 0.0, 4.0, bins=2).tolist() == [[0.0, 20.0]]


def test_rebin_zero_width_buckets_at_the_ends():
    hs = [np.array([[0.0, 0.0, 3.0]]), np.array([[30.0, 30.0, 4.0]]), np.array([[7.5, 7.5, 1.0]])]
    out = rebin(hs, 0.0, 30.0, bins=30)
    assert out[0, 0] == 3.0 and out[0].sum() == 3.0
    assert out[1, 29] == 4.0 and out[1].sum() == 4.0
    assert out[2, 7] == 1.0 and out[2].sum() == 1.0


def test_rebin_bucket_spanning_many_bins_spreads_uniformly():
    out = rebin([k3([1, 9], [16])], 0.0, 10.0, bins=10)
    np.testing.assert_allclose(out[0], [0, 2, 2, 2, 2, 2, 2, 2, 2, 0])


def test_rebin_matches_tensorboard_loop_and_conserves_counts_on_random_data():
    rng = np.random.default_rng(20261125)
    for _ in range(40):
        hs = [random_histogram(rng) for _ in range(int(rng.integers(1, 12)))]
        lo, hi = widen_range(*global_range(hs))
        bins = int(rng.choice([1, 2, 7, 30, 64]))
        fast = rebin(hs, lo, hi, bins=bins)
        assert fast.shape == (len(hs), bins)
        for row, hist in zip(fast, hs, strict=True):
            slow = tb_rebuild_bins(hist, lo, hi, bins)
            np.testing.assert_allclose(row, slow, rtol=1e-9, atol=1e-9 * max(hist[:, 2].sum(), 1))
            np.testing.assert_allclose(row.sum(), hist[:, 2].sum(), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_rebin_corpus_conserves_counts_and_matches_tensorboard(path):
    _, hs = load(path)
    lo, hi = widen_range(*global_range(hs))
    out = rebin(hs, lo, hi)
    assert out.shape == (len(hs), 30)
    for row, hist in zip(out, hs, strict=True):
        finite = np.isfinite(hist).all()
        if finite:
            np.testing.assert_allclose(row, tb_rebuild_bins(hist, lo, hi, 30), rtol=1e-9, atol=1e-9)
        total = hist[:, 2][~np.isnan(hist[:, :2]).any(axis=1)].sum()
        np.testing.assert_allclose(row.sum(), total, rtol=1e-12)


def test_rebin_restricted_range_drops_what_falls_outside():
    out = rebin([k3([0, 2, 4], [2, 2])], 1.0, 3.0, bins=2)
    np.testing.assert_allclose(out, [[1.0, 1.0]])


def test_rebin_degenerate_inputs():
    assert rebin([], 0.0, 1.0).shape == (0, 30)
    assert rebin([np.zeros((0, 3)), np.zeros((0, 3))], 0.0, 1.0, bins=4).tolist() == [[0.0] * 4] * 2
    # Constant data: TensorBoard widens the range and the spike lands in one bin.
    hs = [np.array([[0.0, 0.0, 64.0]]), np.zeros((0, 3))]
    lo, hi = widen_range(*global_range(hs))
    out = rebin(hs, lo, hi)
    assert out[0].sum() == 64.0 and np.count_nonzero(out[0]) == 1
    np.testing.assert_array_equal(out[0], tb_rebuild_bins(hs[0], lo, hi, 30))
    # Non-finite edges and counts: no exception, nothing NaN, finite counts conserved.
    odd = np.array(
        [
            [0.1, np.inf, 3.0],
            [np.inf, np.inf, 2.0],
            [np.nan, np.nan, 5.0],
            [-np.inf, 0.5, 1.0],
            [0.2, 0.4, np.nan],
            [0.9, 0.3, 4.0],  # reversed edges
        ]
    )
    out = rebin([odd], 0.0, 1.0, bins=5)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out.sum(), 3.0 + 2.0 + 1.0 + 4.0)
    assert out[0, 4] >= 2.0  # [inf, inf] piles up at the right end


def test_rebin_accepts_packed_and_int_input():
    hs = [np.array([[0, 1, 2], [1, 2, 3]]), np.array([[0.5, 1.5, 1.0]])]
    packed = pack(hs)
    assert isinstance(packed, PackedHistograms)
    assert packed.n == 2 and packed.sizes.tolist() == [2, 1]
    np.testing.assert_array_equal(packed.step(1), [[0.5, 1.5, 1.0]])
    np.testing.assert_array_equal(rebin(hs, 0, 2, bins=4), rebin(packed, 0, 2, bins=4))
    assert pack(packed) is packed


def test_rebin_does_not_modify_its_input():
    hist = k3([0, 1, 2, 3], [1, 2, 3])
    before = hist.copy()
    packed = pack([hist])
    rebin(packed, 0.5, 2.5, bins=3)
    np.testing.assert_array_equal(hist, before)
    np.testing.assert_array_equal(packed.buckets, before)


# ---------------------------------------------------------------------------------------- percentiles


def tb_compress():
    compressor = pytest.importorskip("tensorboard.plugins.distribution.compressor")

    def run(hist: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TensorBoard's own divide-by-zero on NaN input
            return np.array([value for _, value in compressor.compress_histogram(hist)])

    return run


def test_compress_histogram_by_hand():
    expected = [0.0, 0.1336, 0.3174, 0.617, 1.0, 1.383, 1.6826, 1.8664, 2.0]
    np.testing.assert_allclose(compress_histogram(k3([0, 1, 2], [1, 1])), expected, rtol=1e-12)


def test_compress_histogram_edge_cases():
    assert compress_histogram(np.zeros((0, 3))).tolist() == [0.0] * 9  # empty histogram
    assert compress_histogram(k3([1, 2, 3], [0, 0])).tolist() == [3.0] * 9  # all-zero counts
    assert compress_histogram(np.array([[3.0, 3.0, 5.0]])).tolist() == [3.0] * 9  # constant data
    assert len(BASIS_POINTS) == 9 and compress_histogram(k3([0, 1], [1])).shape == (9,)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_distribution_equals_tensorboard_compressor_on_corpus(path):
    reference = tb_compress()
    _, hs = load(path)
    ours = distribution(hs)
    assert ours.shape == (len(hs), 9)
    for i, hist in enumerate(hs):
        np.testing.assert_allclose(ours[i], reference(hist), rtol=0, atol=1e-9)
        np.testing.assert_allclose(compress_histogram(hist), reference(hist), rtol=0, atol=1e-9)


def test_distribution_equals_tensorboard_compressor_on_random_and_odd_histograms():
    reference = tb_compress()
    rng = np.random.default_rng(7)
    hists = []
    for _ in range(1500):
        k = int(rng.integers(0, 12))
        edges = np.sort(rng.normal(size=k + 1))
        if rng.random() < 0.15:
            edges[:] = edges[0]
        counts = rng.integers(0, 5, k).astype(float)
        if rng.random() < 0.3:
            counts = rng.random(k) * rng.choice([1.0, 1e-300, 1e300])
        if k and rng.random() < 0.05:
            counts[rng.integers(k)] = rng.choice([np.nan, -1.0, np.inf])
        if rng.random() < 0.05:
            edges[rng.integers(k + 1)] = rng.choice([np.nan, np.inf, -np.inf])
        hists.append(np.stack([edges[:-1], edges[1:], counts], axis=1) if k else np.zeros((0, 3)))
    ours = distribution(hists)  # mixed bucket counts: grouped per k
    for hist, row in zip(hists, ours, strict=True):
        ref = reference(hist)
        finite = np.abs(ref[np.isfinite(ref)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        np.testing.assert_allclose(row, ref, rtol=0, atol=1e-9 * scale)


def test_distribution_of_uniform_k_equals_per_step():
    rng = np.random.default_rng(3)
    hs = [k3(np.linspace(-1, 1, 31) + i, rng.integers(0, 9, 30)) for i in range(50)]
    np.testing.assert_array_equal(distribution(hs), np.stack([compress_histogram(h) for h in hs]))
    assert distribution([]).shape == (0, 9)


# ---------------------------------------------------------------------------------------------- stats


def test_histogram_stats_use_bucket_centres():
    stats = histogram_stats(k3([0, 2, 4], [1, 3]))
    assert (stats.min, stats.max, stats.count) == (0.0, 4.0, 4.0)
    assert stats.mean == pytest.approx(2.5)
    assert stats.std == pytest.approx(math.sqrt(0.75))


def test_histogram_stats_min_max_come_from_non_empty_buckets():
    stats = histogram_stats(k3([0, 1, 2, 3], [0, 5, 0]))
    assert (stats.min, stats.max, stats.count, stats.mean, stats.std) == (1.0, 2.0, 5.0, 1.5, 0.0)


def test_histogram_stats_degenerate():
    empty = histogram_stats(np.zeros((0, 3)))
    assert empty.count == 0 and all(math.isnan(v) for v in (empty.min, empty.max, empty.mean, empty.std))
    constant = histogram_stats(np.array([[2.0, 2.0, 7.0]]))
    assert constant == (2.0, 2.0, 7.0, 2.0, 0.0)
    odd = histogram_stats(np.array([[0.1, np.inf, 3.0], [np.nan, np.nan, np.nan], [0.0, 0.1, 1.0]]))
    assert odd.count == 4.0 and odd.min == 0.0 and odd.max == 0.1


def test_oddities_name_each_kind_of_odd_step():
    from tui.model.histograms import oddities

    nan, inf = float("nan"), float("inf")
    steps = [
        np.array([[0.0, 1.0, 2.0]]),  # fine
        np.zeros((0, 3)),  # no bucket
        np.array([[0.0, 1.0, -1.0], [1.0, 2.0, -2.0]]),  # negative counts (one step, two rows)
        np.array([[nan, 1.0, 1.0], [1.0, inf, 1.0]]),  # non-finite
        np.array([[2.0, 1.0, 1.0]]),  # backwards
    ]
    packed = pack(steps)
    assert oddities(packed.buckets, packed.offsets) == (
        "1 step with no bucket, 1 step with negative counts, 1 step with NaN or infinite values, "
        "1 step with a left edge past its right edge"
    )
    fine = pack([np.array([[0.0, 1.0, 2.0]])] * 3)
    assert oddities(fine.buckets, fine.offsets) == ""
    assert oddities(np.zeros((0, 3)), np.zeros(1, np.int64)) == ""
