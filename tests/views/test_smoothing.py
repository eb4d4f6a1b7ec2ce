"""Smoothing must equal TensorBoard's scalar loop (reproduced in ``smooth_reference``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tui.views.smoothing import smooth, smooth_reference


def noisy(n: int, seed: int = 0, nan_fraction: float = 0.01) -> np.ndarray:
    """A loss-like curve kept away from zero (so relative error is meaningful), with NaN/inf holes."""
    rng = np.random.default_rng(seed)
    y = 2.0 + np.exp(-np.arange(n) / (n / 5 + 1)) + rng.normal(0, 0.2, n)
    y[rng.random(n) < nan_fraction] = np.nan
    if n > 10:
        y[3] = np.inf
        y[7] = -np.inf
    return y


def assert_matches_loop(y: np.ndarray, w: float, rtol: float = 1e-12) -> None:
    got = smooth(y, w)
    want = smooth_reference(y, w)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[~np.isfinite(want)], want[~np.isfinite(want)])
    ok = np.isfinite(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=rtol, atol=0)


@pytest.mark.parametrize("w", [0.0, 0.001, 0.01, 0.3, 0.6, 0.9, 0.99, 0.999])
def test_matches_loop_with_gaps(w):
    assert_matches_loop(noisy(50_000, seed=int(w * 1000)), w)


@pytest.mark.parametrize("w", [0.6, 0.999])
def test_matches_loop_on_a_million_points(w):
    assert_matches_loop(noisy(1_000_000, seed=7), w)


def test_weight_is_clamped():
    y = noisy(1000)
    np.testing.assert_array_equal(smooth(y, 1.0), smooth(y, 0.999))
    np.testing.assert_array_equal(smooth(y, 5.0), smooth(y, 0.999))
    np.testing.assert_array_equal(smooth(y, -1.0), y)
    np.testing.assert_array_equal(smooth(y, float("nan")), y)


def test_zero_weight_is_identity():
    y = noisy(1000)
    np.testing.assert_array_equal(smooth(y, 0.0), y)


def test_constant_series_is_returned_as_is():
    y = np.full(100, 0.1)
    y[10] = np.nan
    out = smooth(y, 0.9)
    np.testing.assert_array_equal(out, y)
    np.testing.assert_array_equal(smooth_reference(y, 0.9), y)


def test_small_hand_computed_example():
    # w = 0.5: last = 0.5, 1.25; debias 1/(1-0.5) and 1/(1-0.25).
    out = smooth(np.array([1.0, np.nan, 2.0]), 0.5)
    np.testing.assert_allclose(out[[0, 2]], [1.0, (0.25 + 0.5 * 2.0) / 0.75])
    assert np.isnan(out[1])


def test_degenerate_inputs():
    assert smooth(np.array([]), 0.6).size == 0
    all_nan = np.full(5, np.nan)
    assert np.isnan(smooth(all_nan, 0.6)).all()
    np.testing.assert_array_equal(smooth(np.array([3.0]), 0.6), [3.0])


def test_input_is_not_modified():
    y = noisy(5000)
    before = y.copy()
    smooth(y, 0.9)
    np.testing.assert_array_equal(y, before)


def test_accepts_float32_and_lists():
    np.testing.assert_allclose(smooth([1.0, 2.0, 3.0], 0.5), smooth_reference(np.array([1.0, 2.0, 3.0]), 0.5))
    f32 = np.array([1, 5, 2, 8], dtype=np.float32)
    assert smooth(f32, 0.5).dtype == np.float64


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(0, 300), elements=st.floats(-1e6, 1e6) | st.just(np.nan)),
    st.floats(0.0, 1.0),
)
def test_property_matches_loop(y, w):
    got = smooth(y, w)
    want = smooth_reference(y, w)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = np.isfinite(want)
    # Cancellation around zero makes relative error meaningless: bound by the data's magnitude.
    scale = np.nanmax(np.abs(y)) if ok.any() else 1.0
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-9, atol=1e-9 * scale)
