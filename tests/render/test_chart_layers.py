"""A chart drawn through kept layers (tui.render.layers) is the chart drawn afresh, cell for cell.

The layers keep each series' ranges and drawn cells by its key and version; every frame here is
drawn twice, once through layers kept from the frames before it (runs hidden and shown again,
points appended, the view changed) and once with nothing kept, and the two must match in every
character and style.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.render.braille import PixelMap
from tui.render.chart import ChartSeries, render_chart
from tui.render.layers import ChartLayers, Interrupted
from tui.render.palette import color_for
from tui.views.smoothing import smooth


def _cells(text) -> list[tuple[str, object]]:
    styles = [None] * len(text.plain)
    for span in text.spans:
        for k in range(span.start, span.end):
            styles[k] = span.style
    return list(zip(text.plain, styles, strict=True))


def _same(a, b) -> None:
    assert [_cells(line) for line in a.lines] == [_cells(line) for line in b.lines]
    assert repr((a.x_range, a.y_range, a.cursor)) == repr((b.x_range, b.y_range, b.cursor))  # NaN values


class _Runs:
    """Series that grow: ``x``/``raw`` per run, a version per run that moves when it changes."""

    def __init__(self, values: list[list[float]], smoothed: bool) -> None:
        self.raw = [np.asarray(v, dtype=np.float64) for v in values]
        self.version = [0] * len(values)
        self.smoothed = smoothed
        self._made: dict[tuple[int, int], ChartSeries] = {}

    def append(self, run: int, more: list[float]) -> None:
        self.raw[run] = np.concatenate([self.raw[run], np.asarray(more, dtype=np.float64)])
        self.version[run] += 1

    def series(self, shown: list[int]) -> list[ChartSeries]:
        return [self._one(i) for i in shown]

    def _one(self, i: int) -> ChartSeries:
        made = self._made.get((i, self.version[i]))
        if made is None:
            raw = self.raw[i]
            x = np.arange(raw.size, dtype=np.float64) * (1 + i % 3)
            y = smooth(raw, 0.6) if self.smoothed and raw.size > 1 else raw
            made = self._made[(i, self.version[i])] = ChartSeries(
                f"run{i}",
                x,
                y,
                color=color_for(i),
                raw_y=raw if y is not raw else None,
                key=("run", i, self.smoothed),
                version=(self.version[i], raw.size),
            )
        return made


value = st.one_of(st.floats(-5, 5), st.just(float("nan")), st.just(float("inf")), st.just(1e-3))
op = st.one_of(
    st.tuples(st.just("hide"), st.integers(0, 5)),
    st.tuples(st.just("show"), st.integers(0, 5)),
    st.tuples(st.just("append"), st.integers(0, 5), st.lists(value, min_size=1, max_size=4)),
    st.tuples(
        st.just("view"), st.booleans(), st.sampled_from([None, (2.0, 9.0)]), st.sampled_from([None, 4.0])
    ),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(value, max_size=25), min_size=1, max_size=6),
    st.lists(op, max_size=8),
    st.booleans(),
    st.booleans(),
)
def test_frames_drawn_from_kept_layers_equal_frames_drawn_afresh(values, ops, smoothed, outliers):
    runs = _Runs(values, smoothed)
    shown = list(range(len(values)))
    layers = ChartLayers()
    view: dict = {"log_y": False, "x_range": None, "cursor_x": None}
    for step in [None, *ops]:
        if step is not None:
            kind, *args = step
            if kind == "hide" and args[0] in shown:
                shown.remove(args[0])
            elif kind == "show" and args[0] < len(values) and args[0] not in shown:
                shown = sorted([*shown, args[0]])
            elif kind == "append" and args[0] < len(values):
                runs.append(args[0], args[1])
            elif kind == "view":
                view = {"log_y": args[0], "x_range": args[1], "cursor_x": args[2]}
        series = runs.series(shown)
        kw = dict(view, ignore_outliers=outliers, headroom=True, title="t")
        _same(render_chart(series, 40, 14, layers=layers, **kw), render_chart(series, 40, 14, **kw))


def test_hiding_one_of_2000_runs_draws_the_chart_a_fresh_draw_draws_and_only_samples_nothing_new():
    rng = np.random.default_rng(3)
    runs = _Runs([np.sin(np.arange(50) / 7 + r) + rng.normal(0, 0.1, 50) for r in range(2000)], True)
    layers = ChartLayers()
    everyone = list(range(2000))
    first = render_chart(runs.series(everyone), 100, 30, layers=layers, headroom=True)
    kept = layers.nbytes
    hidden = [r for r in everyone if r != 17]
    fresh = render_chart(runs.series(hidden), 100, 30, headroom=True)
    _same(render_chart(runs.series(hidden), 100, 30, layers=layers, headroom=True), fresh)
    # Shown again: the first frame, from what was kept (nothing was drawn anew: the bytes held stay).
    _same(render_chart(runs.series(everyone), 100, 30, layers=layers, headroom=True), first)
    assert layers.nbytes == kept
    # A run that gained points is drawn again; the frame is still the fresh one.
    runs.append(5, [0.5, 0.25])
    fresh = render_chart(runs.series(everyone), 100, 30, headroom=True)
    _same(render_chart(runs.series(everyone), 100, 30, layers=layers, headroom=True), fresh)


def test_kept_layers_stay_within_their_bytes():
    rng = np.random.default_rng(4)
    runs = _Runs([rng.normal(0, 1, 200) for _ in range(300)], True)
    layers = ChartLayers(max_bytes=256 << 10)
    for width in (60, 80, 100):  # another pixel map: every run drawn again, the old cells replaced
        chart = render_chart(runs.series(list(range(300))), width, 20, layers=layers)
        _same(chart, render_chart(runs.series(list(range(300))), width, 20))
        assert layers.nbytes <= 256 << 10


def test_a_draw_ahead_of_need_keeps_each_runs_cells_gives_way_when_told_and_paints_nothing():
    """ChartLayers.until: the chart drawn ahead (the next tag's, while the user reads this one) only
    makes the cells of the runs it lacks, stops between chunks of runs when its ``stop`` says so
    (keeping what it made), and the frame asked for later samples nothing again."""
    runs = _Runs([np.cos(np.arange(40) / 5 + r) for r in range(700)], False)
    series = runs.series(list(range(700)))
    layers = ChartLayers()
    checks = []

    def stop_at_the_second_chunk() -> bool:
        checks.append(1)
        return len(checks) > 1

    try:
        render_chart(series, 90, 24, layers=layers.until(stop_at_the_second_chunk), headroom=True)
    except Interrupted:
        pass
    else:
        raise AssertionError("the draw ahead did not give way")
    assert 0 < len(layers) < 700  # the first chunk's cells are kept
    ahead = render_chart(series, 90, 24, layers=layers.until(lambda: False), headroom=True)
    assert not any(set(line.plain) & set(chr(c) for c in range(0x2801, 0x2900)) for line in ahead.lines)
    assert len(layers) == 700
    held = layers.nbytes
    _same(
        render_chart(series, 90, 24, layers=layers, headroom=True),
        render_chart(series, 90, 24, headroom=True),
    )
    assert layers.nbytes == held  # every run's cells came from the draw ahead


def test_equal_states_are_one_object_so_lookups_compare_by_identity():
    layers = ChartLayers()
    a = layers.interned(PixelMap((0.0, 1.0), (2.0, 3.0), 10, 8))
    assert layers.interned(PixelMap((0.0, 1.0), (2.0, 3.0), 10, 8)) is a
    assert layers.until(lambda: False).interned(PixelMap((0.0, 1.0), (2.0, 3.0), 10, 8)) is a
    assert layers.interned(PixelMap((0.0, 1.0), (2.0, 3.5), 10, 8)) != a
