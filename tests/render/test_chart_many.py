"""Charts of thousands of runs are drawn in one pass: the same cells as drawing them one by one.

Each vectorised step is checked against the per-series function it replaces (hypothesis over
ragged input), and a chart of 2,000 runs against a canvas filled one ``plot_line`` at a time.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.render.braille import BrailleCanvas, scale_to_pixels
from tui.render.chart import (
    ChartSeries,
    ChartTheme,
    _dimmed,
    _safe_style,
    downsample_minmax,
    legend_line,
    render_chart,
)
from tui.render.palette import color_for
from tui.render.ragged import downsample_sorted_many, nearest_many, sorted_segments
from tui.views.smoothing import smooth, smooth_many

coords = st.one_of(
    st.floats(-20, 60, allow_nan=False),
    st.just(float("nan")),
    st.just(float("inf")),
    st.floats(-1e12, 1e12, allow_nan=False),
)
lines_st = st.lists(
    st.tuples(
        st.lists(st.tuples(coords, coords), max_size=12),
        st.integers(0, 4),  # layer
        st.integers(-1, 2),  # priority
    ),
    min_size=1,
    max_size=8,
)


def _ragged(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([a.size for a in arrays], out=offsets[1:])
    flat = np.concatenate(arrays) if arrays else np.zeros(0)
    return flat.astype(np.float64), offsets


@settings(max_examples=150, deadline=None)
@given(lines_st, st.lists(st.tuples(coords, coords), max_size=6), st.booleans())
def test_plot_lines_leaves_what_plot_line_one_by_one_leaves(lines, before, predraw):
    one, many = BrailleCanvas(12, 4), BrailleCanvas(12, 4)
    if predraw and before:  # something already on the canvas, in layer 0
        for c in (one, many):
            c.plot_line(np.array([p[0] for p in before]), np.array([p[1] for p in before]), 0)
    xs = [np.array([p[0] for p in pts], dtype=np.float64) for pts, _, _ in lines]
    ys = [np.array([p[1] for p in pts], dtype=np.float64) for pts, _, _ in lines]
    for x, y, (_, layer, prio) in zip(xs, ys, lines, strict=True):
        one.plot_line(x, y, layer, priority=prio)
    px, offsets = _ragged(xs)
    py, _ = _ragged(ys)
    many.plot_lines(px, py, offsets, np.array([k for _, k, _ in lines]), np.array([p for _, _, p in lines]))
    np.testing.assert_array_equal(many.bits, one.bits)
    owners = [np.where(c.bits > 0, c.layers, -1) for c in (many, one)]
    np.testing.assert_array_equal(*owners)


series_st = st.lists(
    st.lists(st.one_of(st.floats(-5, 5), st.just(float("nan")), st.just(float("inf"))), max_size=30),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(series_st, st.floats(-3, 3), st.floats(0, 40), st.integers(1, 9))
def test_downsample_sorted_many_equals_downsample_minmax_per_series(values, lo, span, cols):
    # Sorted x with repeats; y with NaN and inf.
    xs = [np.sort(np.round(np.linspace(-4, 30, len(v)) * 0.5)) for v in values]
    ys = [np.asarray(v, dtype=np.float64) for v in values]
    x, off = _ragged(xs)
    y, _ = _ragged(ys)
    gx, gy, goff = downsample_sorted_many(x, y, off, lo, lo + span, cols)
    for i, (sx, sy) in enumerate(zip(xs, ys, strict=True)):
        ex, ey = downsample_minmax(sx, sy, lo, lo + span, cols, sorted_x=True)
        np.testing.assert_array_equal(gx[goff[i] : goff[i + 1]], ex)
        np.testing.assert_array_equal(gy[goff[i] : goff[i + 1]], ey)


def _nearest_reference(x: np.ndarray, target: float, sorted_x: bool) -> int:
    if x.size == 0:
        return -1
    if sorted_x:
        i = int(np.searchsorted(x, target))
        cands = [j for j in (i - 1, i) if 0 <= j < x.size]
        return min(cands, key=lambda j: (abs(x[j] - target), j))
    d = np.abs(x - target)
    if not np.isfinite(d).any():
        return -1
    return int(np.nanargmin(np.where(np.isfinite(d), d, np.nan)))


@settings(max_examples=150, deadline=None)
@given(series_st, st.floats(-6, 6))
def test_nearest_many_equals_a_search_per_series(values, target):
    xs = [np.asarray(v, dtype=np.float64) for v in values]
    xs += [np.sort(np.nan_to_num(x, nan=0.0)) for x in xs]  # sorted ones too
    x, off = _ragged(xs)
    srt = sorted_segments(x, off)
    got = nearest_many(x, off, srt, target)
    for i, sx in enumerate(xs):
        assert got[i] == _nearest_reference(sx, target, bool(srt[i]))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(float("nan")), st.just(1.0)), max_size=70),
        max_size=8,
    ),
    st.sampled_from([0.0, 0.5, 0.6, 0.95, 0.999]),
)
def test_smooth_many_equals_smooth_value_for_value(values, weight):
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    for got, one in zip(smooth_many(arrays, weight), arrays, strict=True):
        np.testing.assert_array_equal(got, smooth(one, weight))


def _cells(text) -> list[tuple[str, object]]:
    """(character, style) of every cell of a rich Text."""
    styles = [None] * len(text.plain)
    for span in text.spans:
        for k in range(span.start, span.end):
            styles[k] = span.style
    return list(zip(text.plain, styles, strict=True))


def test_2000_runs_render_into_the_same_cells_as_drawing_them_one_by_one():
    rng = np.random.default_rng(7)
    series = []
    for r in range(2000):
        n = int(rng.integers(1, 60))
        steps = np.arange(n, dtype=np.float64) * float(rng.integers(1, 4))
        raw = np.sin(steps / 7 + r) + rng.normal(0, 0.1, n)
        series.append(
            ChartSeries(f"run{r}", steps, smooth(raw, 0.6), color=color_for(r), raw_y=raw if n > 1 else None)
        )
    chart = render_chart(series, 100, 30)
    # The reference: the canvas filled one plot_line at a time, raw then line, run by run.
    canvas = BrailleCanvas(chart.plot_width, chart.plot_height)
    wp, hp = canvas.pixel_width, canvas.pixel_height
    (xlo, xhi), (ylo, yhi) = chart.x_range, chart.y_range
    half = 0.5 * (xhi - xlo) / max(wp - 1, 1)
    n = len(series)
    for i, s in enumerate(series):
        for values, layer, prio in ((s.raw_y, i, 0), (s.y, n + i, 1)):
            if values is None:
                continue
            dx, dy = downsample_minmax(s.x, values, xlo - half, xhi + half, wp, sorted_x=True)
            px = scale_to_pixels(dx, xlo, xhi, wp)
            py = scale_to_pixels(dy, ylo, yhi, hp, invert=True)
            canvas.plot_line(px, py, layer, priority=prio)
    theme = ChartTheme()
    colors = [s.color for s in series]
    expected = canvas.rows([_dimmed(c, theme) for c in colors] + [_safe_style(c) for c in colors])
    for r, want in enumerate(expected):
        got = chart.lines[chart.plot_top + r][chart.plot_left :]
        assert _cells(got) == _cells(want), f"plot row {r}"


def test_a_legend_of_2000_runs_is_one_line_with_a_count_of_the_rest():
    series = [ChartSeries(f"run{r}", np.arange(3.0), np.arange(3.0), color=color_for(r)) for r in range(2000)]
    chart = render_chart(series, 80, 20, title="t")
    legend = chart.lines[1].plain
    assert legend.rstrip().endswith(tuple(f"+{k}" for k in range(1960, 2000)))
    assert len(legend) == 80


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(20, 140), st.booleans(), st.booleans())
def test_legend_line_is_the_legend_row_render_chart_draws(n, width, title, short):
    """What a chart shows of its runs ahead of its lines (a toggle among thousands) is the row the
    chart then draws: names, markers, shorter forms and colours, the same cells."""
    series = [
        ChartSeries(
            f"sweep/run_{r:04d}",
            np.arange(3.0),
            np.arange(3.0) + r,
            color=color_for(r),
            label=f"run_{r:04d}" if short else "",
            marker=chr(65 + r % 26),
            short=(f"r{r}",) if short else (),
        )
        for r in range(n)
    ]
    chart = render_chart(series, width, 20, title="t" if title else None)
    row = chart.lines[chart.plot_top - 1]
    assert _cells(legend_line(series, width)) == _cells(row)
