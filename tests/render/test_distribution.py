"""Distribution bands renderer: exact text on tiny inputs, column folding, degenerate input."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import Color
from rich.style import Style
from rich.text import Text

from tui.render.distribution import BAND_COLORS, MEDIAN_COLOR, column_percentiles, render_distribution

NINE = np.arange(9.0)  # percentiles 0..8: each band edge one unit from the next


def style_at(text: Text, offset: int) -> Style:
    styles = [Style.parse(text.style) if isinstance(text.style, str) else text.style]
    styles += [s.style for s in text.spans if s.start <= offset < s.end]
    return Style.combine(Style.parse(s) if isinstance(s, str) else s for s in styles)


def colors_at(text: Text, offset: int) -> tuple[Color | None, Color | None]:
    style = style_at(text, offset)
    return style.color, style.bgcolor


def band(i: int) -> Color:
    return Color.parse(BAND_COLORS[i])


def assert_frame(lines: list[Text], width: int, height: int) -> None:
    assert len(lines) == height
    for line in lines:
        assert isinstance(line, Text)
        assert line.cell_len == width, repr(line.plain)


def test_constant_bands_exact_text_and_colours():
    # y range 0..8 over 6 rows: six eighths a unit, so every band edge falls inside a cell.
    lines = render_distribution([0, 1, 2, 3], np.tile(NINE, (4, 1)), 12, 8)
    assert [line.plain for line in lines] == [
        " │▂▂▂▂▂▂▂▂▂▂",
        " │▄▄▄▄▄▄▄▄▄▄",
        "5┤▁▁▁▁▁▁▁▁▁▁",
        " │▂▂▂▂▂▂▂▂▂▂",
        " │▄▄▄▄▄▄▄▄▄▄",
        "0┤▆▆▆▆▆▆▆▆▆▆",
        " └┬─────┬───",
        "  0     2   ",
    ]
    # Bottom row: the 0-100 band below the 6.68-93.32 band; up the plot each edge moves one band inward.
    assert colors_at(lines[5], 2) == (band(0), band(1))
    assert colors_at(lines[4], 2) == (band(1), band(2))
    assert colors_at(lines[3], 2) == (band(2), band(3))
    # The median (4 = 24 eighths up: the bottom of row 2) is a low line over the innermost band.
    assert colors_at(lines[2], 2) == (Color.parse(MEDIAN_COLOR), band(3))
    assert colors_at(lines[1], 2) == (band(2), band(1))  # upper edges mirror the lower ones
    assert colors_at(lines[0], 2) == (band(1), band(0))  # the 0-100 band reaches the top of the range


def test_constant_data_draws_only_the_median_line():
    lines = render_distribution([0, 1, 2], np.full((3, 9), 2.0), 12, 6)
    assert [line.plain for line in lines] == [
        " │          ",
        " │          ",
        "2┤▔▔▔▔▔▔▔▔▔▔",
        " │          ",
        " └┬────┬───┬",
        "  0    1   2",
    ]
    assert colors_at(lines[2], 2) == (Color.parse(MEDIAN_COLOR), None)


def test_cursor_marker_and_x_format():
    lines = render_distribution(
        [0, 10, 20], np.tile(NINE, (3, 1)), 14, 6, cursor_index=1, x_format=lambda v: f"{v:g}s"
    )
    assert lines[-2].plain == " └┬─────▲────┬"
    assert lines[-1].plain == " 0s    10s 20s"
    assert style_at(lines[-2], 8).bold


def test_y_format_and_value_range():
    lines = render_distribution(
        [0, 1], np.tile(NINE, (2, 1)), 20, 10, value_range=(-10.0, 10.0), y_format=str
    )
    labels = [line.plain.split("┤")[0].strip() for line in lines[:8] if "┤" in line.plain]
    assert labels and all(float(x) in (-10.0, -5.0, 0.0, 5.0, 10.0) for x in labels)


def test_column_percentiles_folds_steps_into_envelopes():
    x = np.arange(10.0)
    p = x[:, None] + NINE[None, :]
    cols, x0, x1 = column_percentiles(x, p, 2)
    assert (x0, x1) == (0.0, 9.0)
    # Column 0 holds steps 0..4: lowest lower edges, highest upper edges, mean median.
    assert cols[0].tolist() == [0, 1, 2, 3, 6, 9, 10, 11, 12]
    assert cols[1].tolist() == [5, 6, 7, 8, 11, 14, 15, 16, 17]


def test_column_percentiles_interpolates_between_sparse_steps():
    cols, _, _ = column_percentiles(np.array([0.0, 4.0]), np.array([[0.0] * 9, [8.0] * 9]), 4)
    assert cols[:, 0].tolist() == [0.0, 3.0, 5.0, 8.0]  # ends hold the steps; the middle interpolates


def test_column_percentiles_single_step_and_unsorted_x():
    cols, x0, x1 = column_percentiles(np.array([5.0]), NINE[None, :], 3)
    assert (cols == NINE).all() and (x0, x1) == (4.5, 5.5)
    cols, _, _ = column_percentiles(np.array([2.0, 0.0, 1.0]), np.array([[2.0] * 9, [0.0] * 9, [1.0] * 9]), 3)
    assert cols[:, 4].tolist() == [0.0, 1.0, 2.0]


def test_a_spike_at_one_step_survives_downsampling():
    n = 1000
    p = np.tile(NINE, (n, 1))
    p[617, 8] = 100.0
    lines = render_distribution(np.arange(n), p, 30, 12)
    assert any(ch != " " for ch in lines[0].plain[3:])  # the top row is reached only by the spike


@pytest.mark.parametrize(
    "x, p",
    [
        ([], np.zeros((0, 9))),
        ([3], NINE[None, :]),
        ([0, 1], np.full((2, 9), np.nan)),
        ([0, 1, 2], np.array([NINE, np.full(9, np.nan), NINE + 1])),
        ([0, 1], np.array([NINE, [-np.inf, 0, 0, 0, 0, 0, 0, 0, np.inf]])),
        ([0, np.nan, 2], np.tile(NINE, (3, 1))),
        ([7, 7, 7], np.tile(NINE, (3, 1))),
        (np.arange(10000), np.tile(NINE, (10000, 1))),
    ],
)
@pytest.mark.parametrize("width, height", [(1, 1), (4, 3), (8, 4), (12, 8), (100, 30)])
def test_degenerate_inputs_render_exact_size(x, p, width, height):
    assert_frame(render_distribution(x, p, width, height, cursor_index=0), width, height)


def test_zero_size():
    assert render_distribution([0], NINE[None, :], 10, 0) == []
    assert [line.plain for line in render_distribution([0], NINE[None, :], 0, 2)] == ["", ""]
