"""build_chart through kept layers: a run whose colour or names changed (the runs' shared prefix
moved, another palette) is drawn as a draw from nothing draws it, while its points are kept."""

from __future__ import annotations

import numpy as np

from tui.model.series import ScalarSeries
from tui.render.layers import ChartLayers
from tui.views.cache import SmoothCache
from tui.views.chart_options import ChartOptions
from tui.widgets.scalar_chart import ChartSource, build_chart


def _series(r: int) -> ScalarSeries:
    s = ScalarSeries()
    steps = np.arange(20, dtype=np.int64)
    s.append(steps, 1.7e9 + steps.astype(np.float64), np.sin(steps / 4 + r).astype(np.float32))
    return s


def _draw(sources: list[ChartSource], layers: ChartLayers | None):
    chart, _, series = build_chart(
        "loss", sources, ChartOptions(), 60, 16, cache=SmoothCache(), layers=layers
    )
    return [
        (line.plain, [(sp.start, sp.end, str(sp.style)) for sp in line.spans]) for line in chart.lines
    ], series


def test_a_run_named_or_coloured_anew_is_drawn_as_named_now() -> None:
    runs = [_series(r) for r in range(3)]
    layers = ChartLayers()
    before = [
        ChartSource(f"sweep/r{r}", c, s, m, f"r{r}")
        for r, (s, c, m) in enumerate(zip(runs, ("red", "green", "blue"), "ABC", strict=True))
    ]
    assert _draw(before, layers)[0] == _draw(before, None)[0]
    after = [
        ChartSource("sweep/r0", "yellow", runs[0], "A", "r0"),
        ChartSource("sweep/r1", "green", runs[1], "B", "sweep/r1", ("r1",)),
        before[2],
    ]
    drawn, series = _draw(after, layers)
    assert drawn == _draw(after, None)[0]
    assert [(s.color, s.label, s.short) for s in series] == [
        ("yellow", "r0", ()),
        ("green", "sweep/r1", ("r1",)),
        ("blue", "r2", ()),
    ]
    # Kept as named now: the next frame takes them from the layers as they are.
    assert _draw(after, layers)[1] == series
