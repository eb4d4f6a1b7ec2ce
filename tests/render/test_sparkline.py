"""Sparklines: exact strings."""

from __future__ import annotations

import numpy as np

from tui.render.sparkline import sparkline


def test_ramp():
    assert sparkline(np.arange(8), 8) == "▁▂▃▄▅▆▇█"
    assert sparkline(np.arange(8)[::-1], 8) == "█▇▆▅▄▃▂▁"


def test_long_ramp_is_downsampled():
    assert sparkline(np.arange(800), 8) == "▁▂▃▄▅▆▇█"


def test_fewer_values_than_columns_are_left_aligned():
    assert sparkline(np.array([0.0, 1.0]), 5) == "▁█   "


def test_constant_is_a_flat_mid_line():
    assert sparkline(np.full(3, 7.0), 3) == "▄▄▄"
    assert sparkline(np.full(100, -2.0), 4) == "▄▄▄▄"


def test_empty_and_all_nan_are_spaces():
    assert sparkline(np.array([]), 4) == "    "
    assert sparkline(np.full(10, np.nan), 3) == "   "
    assert sparkline(np.arange(3), 0) == ""


def test_nan_and_inf_are_ignored():
    assert sparkline(np.array([0.0, np.nan, 1.0, np.inf]), 4) == "▁ █ "


def test_spikes_survive_downsampling():
    up = np.zeros(10_000)
    up[4321] = 1.0
    assert sparkline(up, 10) == "▁▁▁▁█▁▁▁▁▁"
    down = np.ones(10_000)
    down[9999] = 0.0
    assert sparkline(down, 10) == "█████████▁"


def test_always_exactly_width():
    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 8, 9, 1000):
        for w in (1, 5, 8, 33):
            assert len(sparkline(rng.normal(size=n), w)) == w
