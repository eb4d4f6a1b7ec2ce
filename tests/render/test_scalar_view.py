"""Snapshots to chart series (x modes, smoothing over a raw underlay) and the cursor readout."""

from __future__ import annotations

import numpy as np
from rich.cells import cell_len
from rich.text import Text

from tui.model.series import ScalarSnapshot
from tui.render.scalar_view import ReadoutRow, chart_series, hstack, readout_lines
from tui.views.cache import SmoothCache
from tui.views.smoothing import smooth
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


def test_smooth_cache_keeps_one_entry_per_series_as_it_grows():
    """A live series drawn at 100 lengths holds one smoothed copy, not one per length (issue 11)."""
    cache = SmoothCache(size=256)
    values = np.arange(1000, dtype=np.float64)
    for n in range(900, 1000):
        np.testing.assert_allclose(cache.get(("run", "tag"), values[:n], 0.6), smooth(values[:n], 0.6))
    assert len(cache) == 1
    cache.get(("other", "tag"), values, 0.6)
    cache.get(("run", "tag"), values, 0.9)
    assert len(cache) == 3


def _rows():
    return [
        ReadoutRow("exp_a/seed0", "A", "red", 120, 0.51234, 0.5, 1_700_000_000.0, 300.0, ("…a/seed0",)),
        ReadoutRow("nested/gamma", "B", "blue", 120, 1.5, 1.7, 1_700_000_030.0, 3630.0),
        ReadoutRow("c", "C", "green", 120, float("nan"), float("nan"), 1_700_000_060.0, 60.0),
    ]


def test_readout_lists_every_run_with_tensorboards_tooltip_columns():
    lines, top = readout_lines(_rows(), 80, 4)
    plain = [t.plain.rstrip() for t in lines]
    assert top == 0 and len(lines) == 4
    assert plain[0].split() == ["step", "smoothed", "value", "time", "relative"]
    assert plain[1].split()[:5] == ["●A", "exp_a/seed0", "120", "0.51234", "0.5"]
    assert plain[1].endswith("5m") and plain[2].endswith("1h") and plain[3].split()[0] == "●C"


def test_readout_sorts_by_value_or_name_nan_last():
    order = lambda o: [t.plain.split()[0] for t in readout_lines(_rows(), 80, 4, order=o)[0][1:]]  # noqa: E731
    assert order("descending") == ["●B", "●A", "●C"]
    assert order("ascending") == ["●A", "●B", "●C"]
    assert order("name") == ["●C", "●A", "●B"]


def test_readout_scrolls_and_drops_time_columns_when_narrow():
    lines, top = readout_lines(_rows(), 80, 3, top=5)
    assert top == 1 and lines[0].plain.split()[0] == "2-3/3"
    assert [t.plain.split()[0] for t in lines[1:]] == ["●B", "●C"]
    narrow = [t.plain for t in readout_lines(_rows(), 32, 4)[0]]
    assert "relative" not in narrow[0] and "time" not in narrow[0] and "smoothed" in narrow[0]
    assert all(len(t) == 32 for t in narrow)


def test_hstack_pads_blocks_side_by_side():
    out = hstack([[Text("ab"), Text("c")], [Text("xyz")]], [3, 2], 1)
    assert [t.plain for t in out] == ["ab  xy", "c     "]


def test_smooth_cache_misses_when_the_stamp_moves_and_keeps_one_entry():
    """The stamp (a series' version) names its state: a purge that leaves the length as it was still
    smooths again, and a series stamped anew at every draw holds one entry, not one per stamp."""
    cache = SmoothCache(size=256)
    values = np.arange(100, dtype=np.float64)
    a = cache.get(("run", "tag"), values, 0.6, stamp=1)
    assert cache.get(("run", "tag"), values, 0.6, stamp=1) is a
    purged = values[::-1].copy()
    np.testing.assert_allclose(cache.get(("run", "tag"), purged, 0.6, stamp=2), smooth(purged, 0.6))
    for version in range(3, 50):
        cache.get(("run", "tag"), values, 0.6, stamp=version)
    assert len(cache) == 1 and cache.nbytes == values.nbytes


def test_readout_columns_line_up_under_a_run_named_in_wide_characters():
    """Runs ``実験/a`` and ``exp/a``: their step columns end in one cell column (the wide name was
    padded by characters, pushing its numbers two cells right and off the edge)."""
    rows = [
        ReadoutRow("実験/a", "A", "red", 120, 0.5, 0.5, 1_700_000_000.0, 300.0),
        ReadoutRow("exp/a", "B", "blue", 120, 0.5, 0.5, 1_700_000_000.0, 300.0),
    ]
    lines, _ = readout_lines(rows, 60, 3)
    ends = [cell_len(t.plain[: t.plain.index("120") + 3]) for t in lines[1:]]
    assert ends[0] == ends[1]
    assert all(t.cell_len == 60 for t in lines)
