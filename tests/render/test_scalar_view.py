"""Snapshots to chart series (x modes, smoothing over a raw underlay) and the cursor readout."""

from __future__ import annotations

import numpy as np
from rich.text import Text

from tui.model.series import ScalarSnapshot
from tui.render.chart import CursorHit
from tui.render.scalar_view import SmoothCache, chart_series, cursor_lines, hstack
from tui.render.smoothing import smooth
from tui.views.xaxis import x_values

SNAP = ScalarSnapshot(
    steps=np.array([0, 10, 20, 30], dtype=np.int64),
    wall_times=np.array([100.0, 101.5, 103.0, 110.0]),
    values=np.array([4.0, 2.0, 3.0, 1.0]),
)


def test_x_values_per_mode():
    np.testing.assert_array_equal(x_values(SNAP.steps, SNAP.wall_times, "step"), [0, 10, 20, 30])
    np.testing.assert_array_equal(x_values(SNAP.steps, SNAP.wall_times, "relative"), [0, 1.5, 3, 10])
    np.testing.assert_array_equal(x_values(SNAP.steps, SNAP.wall_times, "wall"), [100, 101.5, 103, 110])
    empty = ScalarSnapshot(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    assert x_values(empty.steps, empty.wall_times, "relative").size == 0


def test_chart_series_smooths_over_a_raw_underlay():
    s = chart_series("run", SNAP, "red", x_mode="step", smoothing=0.6)
    np.testing.assert_allclose(s.y, smooth(SNAP.values, 0.6))
    np.testing.assert_array_equal(s.raw_y, SNAP.values)
    plain = chart_series("run", SNAP, "red", x_mode="step", smoothing=0.0)
    np.testing.assert_array_equal(plain.y, SNAP.values)
    assert plain.raw_y is None


def test_smooth_cache_reuses_results_until_the_series_grows():
    cache = SmoothCache(size=2)
    a = cache.get(("run", "tag"), SNAP.values, 0.6)
    assert cache.get(("run", "tag"), SNAP.values, 0.6) is a
    longer = np.append(SNAP.values, 0.5)
    b = cache.get(("run", "tag"), longer, 0.6)
    assert b is not a and len(b) == 5
    np.testing.assert_allclose(cache.get(("run", "tag"), SNAP.values, 0.9), smooth(SNAP.values, 0.9))


def test_cursor_lines_align_columns():
    hits = [CursorHit(0, "alpha", 3, 3.0, 0.51234, 0.5), CursorHit(1, "nested/gamma", 3, 3.0, 1.5, None)]
    lines = [t.plain for t in cursor_lines(hits, ["red", "blue"], 50, "step", steps=[3, 3])]
    assert lines == [
        "● alpha         step 3  0.51234  raw 0.5          ",
        "● nested/gamma  step 3      1.5                   ",
    ]
    rel = [t.plain for t in cursor_lines(hits, ["red", "blue"], 50, "relative", steps=[3, 3])]
    assert rel[0] == "● alpha         step 3 3s  0.51234  raw 0.5       "
    many = [t.plain for t in cursor_lines(hits * 2, ["red", "blue"], 40, "step", steps=[3] * 4, max_lines=3)]
    assert many[-1] == "  +2 more runs                          "
    assert len(many) == 3


def test_hstack_pads_blocks_side_by_side():
    out = hstack([[Text("ab"), Text("c")], [Text("xyz")]], [3, 2], 1)
    assert [t.plain for t in out] == ["ab  xy", "c     "]
