"""Braille canvas: exact characters for tiny drawings, layers, clipping and non-finite input."""

from __future__ import annotations

import numpy as np
from rich.style import Style

from tui.render.braille import BrailleCanvas, PixelMap, scale_to_pixels


def line(canvas: BrailleCanvas, xs, ys, layer: int = 0, **kw) -> None:
    canvas.plot_line(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), layer, **kw)


def test_diagonal_on_two_cells():
    c = BrailleCanvas(2, 1)
    line(c, [0, 3], [0, 3])
    # Dots (0,0) (1,1) in the first cell: bits 0x01|0x10; (2,2) (3,3) in the second: 0x04|0x80.
    assert c.strings() == ["\u2811\u2884"]
    assert c.strings() == ["⠑⢄"]


def test_anti_diagonal():
    c = BrailleCanvas(2, 1)
    line(c, [0, 3], [3, 0])
    assert c.strings() == ["⡠⠊"]


def test_horizontal_and_vertical_lines():
    c = BrailleCanvas(2, 1)
    line(c, [0, 3], [1, 1])
    assert c.strings() == ["⠒⠒"]
    c = BrailleCanvas(2, 1)
    line(c, [0, 0], [0, 3])
    line(c, [3, 3], [0, 3])
    assert c.strings() == ["⡇⢸"]


def test_full_cell_and_multi_row():
    c = BrailleCanvas(1, 2)
    line(c, [0, 0], [0, 7])
    line(c, [1, 1], [0, 3])
    assert c.strings() == ["⣿", "⡇"]


def test_nan_breaks_the_line():
    c = BrailleCanvas(2, 1)
    line(c, [0, 1, np.nan, 2, 3], [0, 0, np.nan, 3, 3])
    assert c.strings() == ["⠉⣀"]
    joined = BrailleCanvas(2, 1)
    line(joined, [0, 1, 2, 3], [0, 0, 3, 3])
    assert joined.strings() != c.strings()


def test_isolated_point_between_gaps_is_a_dot():
    c = BrailleCanvas(2, 1)
    line(c, [np.nan, 2, np.nan], [0, 0, 0])
    assert c.strings() == [" ⠁"]


def test_infinite_coordinates_are_skipped():
    c = BrailleCanvas(2, 1)
    line(c, [0, 1, np.inf, 2, 3], [1, 1, 1, 1, 1])
    assert c.strings() == ["⠒⠒"]


def test_segments_far_outside_are_clipped():
    c = BrailleCanvas(2, 1)
    line(c, [-1e12, 1e12], [1, 1])
    assert c.strings() == ["⠒⠒"]
    # Huge coordinates neither overflow nor allocate per pixel: the diagonal y = x is still exact.
    c = BrailleCanvas(2, 1)
    line(c, [-1e300, 1e300], [-1e300, 1e300])
    assert c.strings() == ["⠑⢄"]
    c = BrailleCanvas(2, 1)
    line(c, [-10, -5], [0, 3])
    assert c.strings() == ["  "]


def test_points():
    c = BrailleCanvas(2, 1)
    c.plot_points(np.array([0.0, 3.0, np.nan, 9.0]), np.array([0.0, 3.0, 1.0, 0.0]), 0)
    assert c.strings() == ["⠁⢀"]


def test_empty_cells_blank_or_braille():
    c = BrailleCanvas(3, 1)
    line(c, [0, 1], [0, 0])
    assert c.strings() == ["⠉  "]
    assert c.strings(blank="\u2800") == ["⠉⠀⠀"]
    rows = c.rows(["red"], blank="\u2800")
    assert rows[0].plain == "⠉⠀⠀"


def test_rows_styles_and_merged_spans():
    c = BrailleCanvas(6, 1)
    line(c, [0, 3], [0, 0], layer=0)  # cells 0-1
    line(c, [4, 7], [3, 3], layer=1)  # cells 2-3
    line(c, [10, 11], [0, 0], layer=0)  # cell 5
    red, blue = Style(color="red"), Style(color="blue")
    (row,) = c.rows([red, blue])
    assert row.plain == "⠉⠉⣀⣀ ⠉"
    spans = [(s.start, s.end, s.style) for s in row.spans]
    assert spans == [(0, 2, red), (2, 4, blue), (5, 6, red)]


def test_later_draw_wins_a_shared_cell():
    c = BrailleCanvas(1, 1)
    line(c, [0, 1], [0, 0], layer=0)
    line(c, [0, 1], [3, 3], layer=1)
    # The second layer owns the cell, with only its own dots.
    assert c.strings() == ["⣀"]
    assert c.layers.tolist() == [[1]]


def test_higher_priority_beats_later_draw():
    c = BrailleCanvas(1, 1)
    line(c, [0, 1], [0, 0], layer=0, priority=1)
    line(c, [0, 1], [3, 3], layer=1, priority=0)
    assert c.strings() == ["⠉"]
    assert c.layers.tolist() == [[0]]


def test_same_layer_accumulates_dots():
    c = BrailleCanvas(1, 1)
    line(c, [0, 1], [0, 0], layer=2)
    line(c, [0, 1], [3, 3], layer=2)
    assert c.strings() == ["⣉"]
    (row,) = c.rows(["red", "green", "blue"])
    assert row.spans[0].style == "blue"


def test_vline_stays_behind_data():
    c = BrailleCanvas(2, 2)
    line(c, [0, 3], [1, 1], layer=0)
    c.plot_vline(0.0, 1)
    assert c.strings() == ["⠒⠒", "⡇ "]
    assert c.layers.tolist() == [[0, 0], [1, -1]]


def test_scale_to_pixels():
    v = np.array([0.0, 5.0, 10.0, np.nan])
    np.testing.assert_array_equal(scale_to_pixels(v, 0, 10, 11), [0, 5, 10, np.nan])
    np.testing.assert_array_equal(scale_to_pixels(v, 0, 10, 11, invert=True), [10, 5, 0, np.nan])
    logged = scale_to_pixels(np.array([1.0, 10.0, 100.0, 0.0, -1.0]), 1, 100, 5, log=True)
    np.testing.assert_allclose(logged[:3], [0, 2, 4])
    assert np.isnan(logged[3:]).all()
    np.testing.assert_array_equal(scale_to_pixels(np.array([3.0]), 3, 3, 9), [4.0])


def test_pixel_map_puts_low_values_at_the_bottom():
    px, py = PixelMap((0, 1), (0, 1), 4, 8).points(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(px, [0, 3])
    np.testing.assert_allclose(py, [7, 0])


def test_zero_sized_canvas_is_harmless():
    c = BrailleCanvas(0, 0)
    line(c, [0, 1], [0, 1])
    assert c.strings() == []
    assert c.rows([]) == []
