"""A live chart's smoothing cache holds one copy per series, however often the series grew (issue 11).

The soak (benchmarks/soak.py: 10 runs at 100 steps/s, tab keys) grew the app from 71 to 180 MB
in three minutes: the Scalars chart keyed its smoothed copies on the series' version, which moves
with every loader slice, so each redraw of a grown series left one more copy until the cache's
64 MB bound (and the chart grid's the same). Drawn here without Textual or timing: the chart's own
frame builder, fed a series that grows between draws as the loader grows it.
"""

from __future__ import annotations

import numpy as np

from tui.model.series import ScalarSeries
from tui.views.cache import SmoothCache
from tui.views.chart_options import ChartOptions
from tui.widgets.scalar_chart import ChartSource, build_chart


def test_a_series_redrawn_as_it_grows_keeps_one_smoothed_copy() -> None:
    runs = {name: ScalarSeries() for name in ("a", "b", "c")}
    sources = [ChartSource(name, "red", series) for name, series in runs.items()]
    cache = SmoothCache()
    options = ChartOptions(smoothing=0.6)
    step = 0
    for _ in range(40):  # 40 loader slices, a redraw after each (a push, or a key back to Scalars)
        for series in runs.values():
            steps = np.arange(step, step + 10)
            series.append(steps, steps * 1.0, np.sin(steps).astype(np.float32))
        step += 10
        _, _, drawn = build_chart("loss", sources, options, 80, 20, cache=cache)
        assert [len(s.y) for s in drawn] == [step] * 3
    assert len(cache) == 3  # one a run: before the fix, one a run and version (120 here)
    assert cache.nbytes == sum(s.y.nbytes for s in drawn)
    again = build_chart("loss", sources, options, 80, 20, cache=cache)[2]
    assert all(x.y is y.y for x, y in zip(again, drawn, strict=True))  # no change: no smoothing again
