"""render_chart's additions for the other dashboards: a plain-number x axis, scatter series, margin bands."""

from __future__ import annotations

import numpy as np

from tui.render.braille import BRAILLE_BASE
from tui.render.chart import ChartSeries, render_chart


def _dots(chart) -> int:
    """Braille dots drawn in the plot area."""
    total = 0
    for line in chart.lines[chart.plot_top : chart.plot_top + chart.plot_height]:
        for ch in line.plain[chart.plot_left :]:
            if BRAILLE_BASE < ord(ch) <= BRAILLE_BASE + 0xFF:
                total += (ord(ch) - BRAILLE_BASE).bit_count()
    return total


def test_value_axis_labels_plain_numbers_and_the_cursor_says_no_step() -> None:
    s = ChartSeries("r", np.array([0.0, 0.5, 1.0]), np.array([1.0, 0.8, 0.2]))
    chart = render_chart([s], 60, 14, x_mode="value", x_range=(0, 1), y_range=(0, 1), cursor_x=0.5)
    assert chart.lines[-1].plain.split() == ["0", "0.2", "0.4", "0.6", "0.8", "1"]
    assert chart.lines[0].plain.startswith("0.5  ● r 0.8")
    assert "step" not in chart.plain()
    assert all(line.cell_len == 60 for line in chart.lines) and len(chart.lines) == 14


def test_points_series_draws_dots_only() -> None:
    x = np.array([0.0, 10.0, 0.0, 10.0])
    y = np.array([0.0, 10.0, 10.0, 0.0])
    kw = dict(x_range=(0, 10), y_range=(0, 10), x_mode="value", show_legend=False)
    scatter = render_chart([ChartSeries("p", x, y, points=True)], 30, 10, **kw)
    line = render_chart([ChartSeries("p", x, y)], 30, 10, **kw)
    assert _dots(scatter) == 4
    assert _dots(line) > 40


def test_band_fills_between_lower_and_upper_behind_the_line() -> None:
    x = np.arange(5.0)
    y = np.full(5, 5.0)
    kw = dict(x_mode="step", show_legend=False, y_range=(0, 10))
    plain = render_chart([ChartSeries("m", x, y)], 40, 12, **kw)
    banded = render_chart([ChartSeries("m", x, y, band=(y - 2, y + 2))], 40, 12, **kw)
    assert _dots(banded) > 4 * _dots(plain)
    # The band stays inside its rows: nothing above value + 2 or below value - 2.
    rows = [ln.plain[banded.plot_left :] for ln in banded.lines[: banded.plot_height]]
    painted = [r for r, text in enumerate(rows) if text.strip()]
    row_of = lambda v: (10 - v) / 10 * (banded.plot_height * 4 - 1) / 4  # noqa: E731
    assert min(painted) >= int(row_of(7.0)) and max(painted) <= int(row_of(3.0)) + 1


def test_band_widens_the_y_range() -> None:
    x = np.arange(3.0)
    y = np.array([1.0, 1.0, 1.0])
    chart = render_chart([ChartSeries("m", x, y, band=(y - 5, y + 5))], 40, 12)
    lo, hi = chart.y_range
    assert lo < -4 and hi > 6


def test_the_empty_tag_has_a_title_as_the_tag_list_names_it() -> None:
    """torch keeps a scalar tagged "": its chart had no title row (``bool("")``), unlike every other
    chart; the tag list, summary and the title name it ``""``, and no title is still ``None``."""
    s = ChartSeries("r", np.arange(5.0), np.arange(5.0))
    assert render_chart([s], 40, 12, title="").lines[0].plain.rstrip() == '""'
    assert render_chart([s], 40, 12, title="loss").lines[0].plain.rstrip() == "loss"
    assert render_chart([s], 40, 12, title=None).lines[0].plain.lstrip().startswith("●")
