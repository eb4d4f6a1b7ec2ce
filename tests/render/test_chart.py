"""Chart rendering: downsampling, ranges, ticks and formatting, layout, cursor, degenerate input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rich.cells import cell_len
from rich.style import Style

from tui.render.chart import (
    RUN_COLORS,
    ChartSeries,
    color_for,
    compute_y_range,
    downsample_minmax,
    render_chart,
    render_chart_plain,
)
from tui.render.ticks import (
    format_number,
    format_relative,
    format_step,
    format_tick_labels,
    format_wall,
    linear_ticks,
    log_ticks,
    nice_step,
    time_ticks,
)

# ---------------------------------------------------------------------------- downsampling


def test_downsample_keeps_a_single_point_spike_in_a_million():
    n = 1_000_000
    x = np.arange(n, dtype=np.float64)
    y = np.zeros(n)
    y[654_321] = 1000.0
    y[123_456] = -5.0
    dx, dy = downsample_minmax(x, y, 0, n - 1, 240)
    assert dy.max() == 1000.0
    assert dy.min() == -5.0
    assert dx.size <= 4 * 240
    # The spike sits in the column that holds x = 654321.
    col = math.floor(654_321 / (n - 1) * 240)
    spike_x = dx[dy == 1000.0][0]
    assert math.floor(spike_x / (n - 1) * 240) == col


def test_downsample_first_min_max_last_per_column():
    x = np.arange(8, dtype=np.float64)
    y = np.array([5.0, 1.0, 9.0, 6.0, 2.0, 2.0, 3.0, 4.0])
    dx, dy = downsample_minmax(x, y, 0, 8, 2)  # columns [0, 4) and [4, 8)
    np.testing.assert_array_equal(dy, [5, 1, 9, 6, 2, 2, 4, 4])
    np.testing.assert_array_equal(dx, [0, 1.5, 1.5, 3, 4, 5.5, 5.5, 7])


def test_downsample_small_columns_keep_their_points():
    x = np.array([0.0, 1.0, 1.5, 3.0])
    y = np.array([1.0, 2.0, 3.0, 4.0])
    dx, dy = downsample_minmax(x, y, 0, 4, 4)
    np.testing.assert_array_equal(dx, x)
    np.testing.assert_array_equal(dy, y)


def test_downsample_window_keeps_one_neighbour_each_side():
    x = np.arange(100, dtype=np.float64)
    y = x * 2
    dx, dy = downsample_minmax(x, y, 40.5, 50.5, 100)
    assert dx[0] == 40 and dx[-1] == 51
    assert np.all((dx[1:-1] >= 41) & (dx[1:-1] <= 50))
    np.testing.assert_array_equal(dy, dx * 2)


def test_downsample_nan_becomes_a_break():
    x = np.arange(6, dtype=np.float64)
    y = np.array([1.0, 2.0, np.nan, 4.0, np.inf, 6.0])
    _dx, dy = downsample_minmax(x, y, 0, 6, 1)
    # first, finite min, finite max, break, last
    np.testing.assert_array_equal(dy[[0, 1, 2, 4]], [1, 1, 6, 6])
    assert np.isnan(dy[3])


def test_downsample_unsorted_x_follows_data_order():
    x = np.array([0.0, 1.0, 2.0, 9.0, 8.0, 1.0])
    y = np.arange(6, dtype=np.float64)
    dx, dy = downsample_minmax(x, y, 0, 10, 10)
    np.testing.assert_array_equal(dx, x)
    np.testing.assert_array_equal(dy, y)


def test_downsample_scrambled_x_is_drawn_in_x_order():
    rng = np.random.default_rng(3)
    x = rng.permutation(100_000).astype(np.float64)
    y = np.sin(x / 1000)
    y[x == 777] = 50.0
    dx, dy = downsample_minmax(x, y, 0, 100_000, 100)
    assert dx.size <= 4 * 100 and np.all(np.diff(dx) >= 0)
    assert dy.max() == 50.0


def test_downsample_degenerate():
    assert downsample_minmax(np.array([]), np.array([]), 0, 1, 10)[0].size == 0
    _, dy = downsample_minmax(np.array([3.0]), np.array([7.0]), 3, 3, 10)
    np.testing.assert_array_equal(dy, [7.0])
    _dx, dy = downsample_minmax(np.array([np.nan, 1.0]), np.array([1.0, 2.0]), 0, 2, 4)
    assert dy[-1] == 2.0 and np.isnan(dy).any()


# ---------------------------------------------------------------------------- ranges


def test_y_range_pads_five_percent():
    assert compute_y_range([np.array([0.0, 10.0])]) == pytest.approx((-0.5, 10.5))


def test_y_range_constant_and_empty():
    assert compute_y_range([np.array([2.0, 2.0])]) == (0.0, 4.0)
    assert compute_y_range([np.array([-3.0])]) == (-6.0, 0.0)
    assert compute_y_range([np.array([0.0])]) == (-1.0, 1.0)
    assert compute_y_range([np.array([np.nan, np.inf])]) == (-0.1, 1.1)
    assert compute_y_range([]) == (-0.1, 1.1)


def test_y_range_ignores_outliers_like_tensorboard():
    y = np.concatenate([np.linspace(0, 1, 1000), [1e6, -1e6]])
    lo, hi = compute_y_range([y], ignore_outliers=True)
    assert -0.2 < lo < 0.1 and 0.9 < hi < 1.2
    lo, hi = compute_y_range([y])
    assert lo < -1e5 and hi > 1e5


def test_y_range_log_uses_positive_values_only():
    lo, hi = compute_y_range([np.array([-5.0, 0.0, 1.0, 100.0])], log_y=True)
    assert 0 < lo < 1 and hi > 100
    assert compute_y_range([np.array([-1.0, 0.0])], log_y=True) == (1.0, 10.0)


# ---------------------------------------------------------------------------- ticks and labels


@pytest.mark.parametrize(
    "lo,hi,max_ticks",
    [
        (0, 1, 5),
        (-0.2, 4.2, 3),
        (0.1, 0.37, 5),
        (0, 12345, 6),
        (-3e-7, 7e-7, 4),
        (1e9, 1.00001e9, 5),
        (5, 5.5, 8),
    ],
)
def test_linear_ticks_are_nice(lo, hi, max_ticks):
    ticks = linear_ticks(lo, hi, max_ticks)
    assert 1 <= len(ticks) <= max_ticks
    assert all(lo - 1e-12 <= t <= hi + 1e-12 for t in ticks)
    if len(ticks) >= 2:
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-6
        assert all(abs(round(t / step) * step - t) < step * 1e-6 for t in ticks)


def test_linear_ticks_examples():
    assert linear_ticks(0, 1, 6) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert linear_ticks(-0.2, 4.2, 3) == [0, 2, 4]
    assert linear_ticks(0, 3, 10, integer=True) == [0, 1, 2, 3]
    assert linear_ticks(2, 2, 5) == [2]
    assert linear_ticks(math.nan, 1, 5) == []
    assert nice_step(7, 1) == 10


def test_log_ticks():
    assert log_ticks(1e-3, 10, 10) == pytest.approx([1e-3, 1e-2, 1e-1, 1, 10])
    assert log_ticks(2, 40, 5) == pytest.approx([2, 5, 10, 20])
    many = log_ticks(1e-30, 1e30, 5)
    assert len(many) <= 5 and all(math.log10(t) == round(math.log10(t)) for t in many)
    assert log_ticks(-1, 0, 5) == []


def test_time_ticks_land_on_round_durations():
    assert time_ticks(0, 3600, 5) == [0, 900, 1800, 2700, 3600]
    assert [format_relative(t, compound=True) for t in time_ticks(0, 400, 6)] == ["0s", "2m", "4m", "6m"]


def test_format_number():
    cases = {
        0: "0",
        0.125: "0.125",
        42: "42",
        999.9: "1k",
        1500: "1.5k",
        12000: "12k",
        999_999: "1M",
        3.4e6: "3.4M",
        2.5e9: "2.5G",
        1e-5: "1e-05",
        1.234e-5: "1.23e-05",
        -2.5: "-2.5",
        0.1 + 0.2: "0.3",
        math.nan: "nan",
        -math.inf: "-inf",
    }
    assert {v: format_number(v) for v in cases} == cases


def test_format_tick_labels_share_precision():
    assert format_tick_labels([0.1, 0.2, 0.30000000000000004]) == ["0.1", "0.2", "0.3"]
    assert format_tick_labels([0, 0.5, 1, 1.5]) == ["0", "0.5", "1", "1.5"]
    assert format_tick_labels([0, 5000, 10000]) == ["0", "5k", "10k"]
    assert format_tick_labels([1000, 1500, 2000]) == ["1k", "1.5k", "2k"]
    assert format_tick_labels([1e-5, 2e-5, 3e-5]) == ["1e-05", "2e-05", "3e-05"]
    assert format_tick_labels([-1, -0.5, 0]) == ["-1", "-0.5", "0"]


def test_format_step_and_relative_and_wall():
    assert [format_step(v) for v in (0, 500, 9999, 12000, 1_234_567)] == ["0", "500", "9999", "12k", "1.23M"]
    assert [format_relative(v) for v in (0, 30, 300, 5400, 2 * 86400, 0.5)] == [
        "0s",
        "30s",
        "5m",
        "1.5h",
        "2d",
        "0.5s",
    ]
    assert format_relative(5400, compound=True) == "1h30m"
    assert format_relative(135, compound=True) == "2m15s"
    import time

    t = time.mktime((2024, 3, 5, 14, 7, 9, 0, 0, -1))
    assert format_wall(t, 3600) == "14:07"
    assert format_wall(t, 60) == "14:07:09"
    assert format_wall(t, 3 * 86400) == "03-05 14:07"
    assert format_wall(t, 30 * 86400, step=86400) == "03-05"
    assert format_wall(math.nan) == "?"


# ---------------------------------------------------------------------------- layout


def _series(n: int = 200, runs: int = 3) -> list[ChartSeries]:
    rng = np.random.default_rng(1)
    x = np.arange(n, dtype=np.float64)
    out = []
    for i in range(runs):
        raw = np.exp(-x / 50) + rng.normal(0, 0.05, n) + i * 0.1
        out.append(ChartSeries(f"run_{i}/with/a/longish/name", x, raw * 0.9, raw_y=raw))
    return out


DEGENERATE = {
    "none": [],
    "empty": [ChartSeries("e", np.array([]), np.array([]))],
    "one_point": [ChartSeries("p", np.array([5.0]), np.array([2.0]))],
    "constant": [ChartSeries("c", np.arange(10.0), np.full(10, 3.0))],
    "all_nan": [ChartSeries("n", np.arange(10.0), np.full(10, np.nan))],
    "infs": [ChartSeries("i", np.arange(6.0), np.array([np.nan, np.inf, 1, -np.inf, 2, 1e308]))],
    "nan_x": [ChartSeries("nx", np.array([0.0, np.nan, 2.0]), np.array([1.0, 2.0, 3.0]))],
    "mismatched": [ChartSeries("m", np.arange(10.0), np.arange(4.0))],
    "huge": [ChartSeries("h", np.array([0.0, 1.0]), np.array([-1e300, 1e300]))],
    "float_limits": [ChartSeries("f", np.array([-1.7e308, 1.7e308]), np.array([1.7e308, 1.7e308]))],
    "subnormal": [ChartSeries("s", np.array([0.0, 1.0]), np.array([5e-324, 1e-320]))],
    "tiny_span": [ChartSeries("t", np.array([0.0, 1.0]), np.array([1.0, 1.0 + 1e-15]))],
    "normal": _series(),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
@pytest.mark.parametrize(
    "width,height", [(1, 1), (3, 2), (10, 3), (12, 4), (20, 6), (40, 10), (80, 24), (120, 40)]
)
@pytest.mark.parametrize("log_y,outliers", [(False, False), (True, False), (False, True), (True, True)])
def test_exact_size_for_any_input(name, width, height, log_y, outliers):
    series = DEGENERATE[name]
    for x_mode in ("step", "relative", "wall"):
        chart = render_chart(
            series,
            width,
            height,
            x_mode=x_mode,
            log_y=log_y,
            title="a title",
            cursor_x=3.0,
            ignore_outliers=outliers,
        )
        assert len(chart.lines) == height
        assert all(cell_len(line.plain) == width for line in chart.lines)
        assert all(line.cell_len == width for line in chart.lines)
        assert 0 <= chart.plot_left <= width
        assert chart.plot_left + chart.plot_width <= width
        assert chart.plot_top + chart.plot_height <= height


def test_zero_size():
    assert render_chart(_series(), 0, 0).lines == []
    assert [line.plain for line in render_chart(_series(), 0, 2).lines] == ["", ""]


def test_wide_characters_in_names_keep_the_width():
    series = [ChartSeries("学習率/損失関数の名前", np.arange(10.0), np.arange(10.0))]
    for width in (10, 17, 30):
        chart = render_chart(series, width, 8)
        assert all(cell_len(line.plain) == width for line in chart.lines)


def test_golden_small_chart():
    s = [ChartSeries("a", np.arange(5.0), np.arange(5.0))]
    assert render_chart_plain(s, 20, 8, show_legend=False) == (
        "4┤               ⢀⡠⠔\n"
        " │            ⣀⠤⠒⠁  \n"
        " │         ⡠⠔⠊      \n"
        "2┤      ⡠⠔⠊⠁        \n"
        " │  ⢀⠤⠒⠉            \n"
        "0┤⠔⠊⠁               \n"
        " └┬────────┬───────┬\n"
        "  0        2       4\n"
    )


def test_golden_two_runs_with_cursor_and_legend():
    s = [
        ChartSeries("up", np.arange(5.0), np.arange(5.0)),
        ChartSeries("down", np.arange(5.0), 4 - np.arange(5.0)),
    ]
    assert render_chart_plain(s, 24, 9, cursor_x=1) == (
        "step 1  ● up 1  ● down 3\n"
        "4┤⠢⠤⣀  ⢸             ⣀⠤⠔\n"
        " │   ⠉⠒⠤⣀        ⣀⠤⠒⠉   \n"
        " │     ⢸ ⠉⠒⠤⣀⣀⠤⠒⠉       \n"
        "2┤     ⢸ ⣀⠤⠒⠉⠉⠒⠤⣀       \n"
        " │   ⣀⠤⠒⠉        ⠉⠒⠤⣀   \n"
        "0┤⠔⠒⠉  ⢸             ⠉⠒⠢\n"
        " └┬──────────┬─────────┬\n"
        "  0          2         4\n"
    )


def test_layout_drops_furniture_when_short():
    s = _series()
    tall = render_chart(s, 60, 20, title="loss")
    assert tall.lines[0].plain.startswith("loss") and tall.plot_top == 2
    assert "●" in tall.lines[1].plain
    short = render_chart(s, 60, 4, title="loss")
    assert short.plot_top == 0 and short.plot_height == 3
    assert "loss" not in "".join(line.plain for line in short.lines)


def test_legend_truncates_names_to_fit():
    chart = render_chart(_series(runs=3), 40, 12)
    legend = chart.lines[0].plain
    assert legend.count("●") == 3 and "…" in legend
    narrow = render_chart(_series(runs=6), 20, 12).lines[0].plain
    assert "+" in narrow and cell_len(narrow) == 20


def test_legend_names_stay_readable_and_the_rest_is_counted():
    """Eight runs in 50 cells drew eight names of three cells (``●B a…r  ●D b…h``), none readable:
    a name keeps 8 cells (or all of a shorter one), and the runs that do not fit are ``+N``."""
    x = np.arange(5.0)
    names = ["a_truncated_mid_header", "b_crc_mismatch", "d2_no_header_record", "e2_restart_with_start"]
    names += ["e_restart_no_purge", "f2_nan_inf_tf2", "f_nan_inf", "g_unicode_tags"]
    series = [ChartSeries(nm, x, x + i) for i, nm in enumerate(names)]
    legend = render_chart(series, 50, 12).lines[0].plain
    shown = [item.strip() for item in legend.split("●")[1:]]
    assert 1 < len(shown) < 8 and legend.rstrip().endswith(f"+{8 - len(shown)}"), legend
    assert all(cell_len(item.split("  +")[0]) >= 8 for item in shown), legend


def test_colours_and_raw_underlay():
    x = np.arange(50, dtype=np.float64)
    s = [ChartSeries("a", x, np.full(50, 1.0) + x * 0.01, raw_y=np.sin(x) + 1.2, color="#ff0000")]
    chart = render_chart(s, 40, 12, show_legend=False)
    styles = {str(span.style) for line in chart.lines for span in line.spans}
    assert "#ff0000" in styles  # the line itself
    dim = [st for st in styles if st.startswith("#") and st not in ("#ff0000",)]
    # the raw underlay is the same hue blended towards the background
    assert any(Style.parse(st).color.triplet.red > Style.parse(st).color.triplet.green for st in dim)


def test_palette():
    assert len(RUN_COLORS) >= 12 and len(set(RUN_COLORS)) == len(RUN_COLORS)
    assert color_for(0) == RUN_COLORS[0] and color_for(len(RUN_COLORS)) == RUN_COLORS[0]


# ---------------------------------------------------------------------------- cursor, zoom, log


def test_cursor_reports_nearest_point_per_series():
    a = ChartSeries("a", np.arange(0, 100, 10, dtype=np.float64), np.arange(10, dtype=np.float64) ** 2)
    b = ChartSeries(
        "b", np.array([0.0, 50.0, 20.0]), np.array([7.0, 8.0, 9.0]), raw_y=np.array([1.0, 2.0, 3.0])
    )
    chart = render_chart([a, b], 60, 12, cursor_x=33)
    assert [(h.name, h.index, h.x, h.y) for h in chart.cursor] == [("a", 3, 30.0, 9.0), ("b", 2, 20.0, 9.0)]
    assert chart.cursor[1].raw_y == 3.0
    assert chart.cursor[0].raw_y is None
    chart = render_chart([a, b], 60, 12, cursor_x=36)
    assert chart.cursor[0].index == 4 and chart.cursor[1].index == 1
    # the cursor column maps back to (about) the cursor's x
    x_back = chart.x_at_column(chart.cursor_column)
    assert abs(x_back - 36) <= (chart.x_range[1] - chart.x_range[0]) / chart.plot_width
    assert chart.column_at_x(36) == chart.cursor_column


def test_cursor_line_is_drawn_in_its_own_style():
    s = [ChartSeries("a", np.arange(10.0), np.zeros(10), color="#00ff00")]
    chart = render_chart(s, 30, 10, cursor_x=5, show_legend=False)
    col = chart.cursor_column
    cells = [line.plain[col] for line in chart.lines[: chart.plot_height]]
    assert sum(c in "⡇⢸" for c in cells) >= chart.plot_height - 1


def test_zoom_window_sets_x_range_and_hides_outside_data():
    x = np.arange(1000, dtype=np.float64)
    y = np.where(x < 500, 0.0, 100.0)
    chart = render_chart([ChartSeries("a", x, y)], 40, 10, x_range=(0, 400))
    assert chart.x_range == (0, 400)
    # y range comes from the visible window only: the jump to 100 happens off screen
    assert chart.y_range == (-1.0, 1.0)


def test_log_scale_drops_non_positive_values():
    s = [ChartSeries("a", np.arange(5.0), np.array([-1.0, 0.0, 1.0, 10.0, 100.0]))]
    chart = render_chart(s, 30, 10, log_y=True)
    lo, hi = chart.y_range
    assert 0 < lo < 1 and hi > 100
    assert all(t > 0 for t in chart.y_ticks)
    # the two non-positive points draw nothing: the left quarter of the plot stays empty
    left = chart.plot_left + chart.plot_width // 4
    body = chart.lines[chart.plot_top : chart.plot_top + chart.plot_height]
    assert all(line.plain[chart.plot_left : left].strip() == "" for line in body)
    only_bad = render_chart(
        [ChartSeries("b", np.arange(3.0), np.array([-1.0, 0.0, -2.0]))], 30, 10, log_y=True
    )
    assert "no data" in only_bad.plain()


def test_fixed_y_range_and_outliers():
    x = np.arange(100, dtype=np.float64)
    y = np.sin(x / 10)
    y[50] = 1e6
    assert render_chart([ChartSeries("a", x, y)], 40, 10, y_range=(-2, 2)).y_range == (-2, 2)
    hi = render_chart([ChartSeries("a", x, y)], 40, 10, ignore_outliers=True).y_range[1]
    assert hi < 2


def test_x_modes_label_the_axis():
    x = np.arange(0, 7200, 60, dtype=np.float64)
    s = [ChartSeries("a", x, np.sin(x))]
    rel = render_chart(s, 60, 8, x_mode="relative").lines[-1].plain
    assert "30m" in rel or "1h" in rel
    import time

    t0 = time.mktime((2024, 3, 5, 10, 0, 0, 0, 0, -1))
    wall = render_chart([ChartSeries("a", x + t0, np.sin(x))], 60, 8, x_mode="wall").lines[-1].plain
    assert "11:00" in wall


def test_plain_export_with_and_without_colour():
    s = _series()
    plain = render_chart_plain(s, 50, 10)
    assert "\x1b[" not in plain and plain.count("\n") == 10
    coloured = render_chart_plain(s, 50, 10, color=True)
    assert "\x1b[" in coloured and coloured.count("\n") == 10
