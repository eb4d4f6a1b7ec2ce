"""Ridgeline and overlay renderers: exact text on tiny inputs, exact size on awkward ones."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import Color
from rich.style import Style
from rich.text import Text

from tui.render.ridgeline import (
    CURSOR_COLOR,
    RIDGE_BRIGHT,
    RIDGE_DIM,
    pick_slices,
    render_overlay,
    render_ridgeline,
)

TWO_STEPS = np.array([[0.0, 2.0, 4.0, 0.0], [4.0, 2.0, 0.0, 1.0]])


def plain(lines: list[Text]) -> list[str]:
    return [line.plain for line in lines]


def style_at(text: Text, offset: int) -> Style:
    """The style a cell ends up with: the text's base style, then every span over it in order."""
    styles = [Style.parse(text.style) if isinstance(text.style, str) else text.style]
    styles += [s.style for s in text.spans if s.start <= offset < s.end]
    return Style.combine(Style.parse(s) if isinstance(s, str) else s for s in styles)


def rgb(color: str) -> Color:
    return Color.parse(color)


def assert_frame(lines: list[Text], width: int, height: int) -> None:
    assert len(lines) == height
    for line in lines:
        assert isinstance(line, Text)
        assert line.cell_len == width, repr(line.plain)


# ----------------------------------------------------------------------------------------------- ridgeline


def test_two_step_ridgeline_exact_text():
    lines = render_ridgeline(TWO_STEPS, [0, 10], 12, 6, value_range=(0.0, 4.0), smooth=False)
    assert plain(lines) == [
        "    ███     ",
        "██▅▅███     ",
        "██▅▅███▁▁ 0 ",
        "████▁▁▁▇▇ 10",
        "┬───┬───┬   ",
        "0   2   4   ",
    ]
    # Older slice (step 0, baseline row 2) dim and behind; newer (step 10, baseline row 3) bright, in front.
    assert style_at(lines[0], 4).color == rgb(RIDGE_DIM)
    assert style_at(lines[3], 0).color == rgb(RIDGE_BRIGHT)
    # The front slice's partial top over the fully covering older slice: bright block on a dim background.
    front_over_back = style_at(lines[2], 2)
    assert (front_over_back.color, front_over_back.bgcolor) == (rgb(RIDGE_BRIGHT), rgb(RIDGE_DIM))
    # A partial block with nothing behind it has no background.
    assert style_at(lines[1], 2).bgcolor is None
    # Step labels sit on their slice's baseline in the slice's colour.
    assert style_at(lines[2], 10).color == rgb(RIDGE_DIM)
    assert style_at(lines[3], 10).color == rgb(RIDGE_BRIGHT)


def test_two_step_ridgeline_smooth_interpolates_between_bin_centres():
    lines = render_ridgeline(TWO_STEPS, [0, 10], 12, 6, value_range=(0.0, 4.0))
    assert plain(lines) == [
        "    ▂▇      ",
        "█▆▁▅██▇     ",
        "███▄███▅▁ 0 ",
        "████▇▂▃▆▇ 10",
        "┬───┬───┬   ",
        "0   2   4   ",
    ]


def test_cursor_slice_is_highlighted_and_labelled_bold():
    lines = render_ridgeline(TWO_STEPS, [0, 10], 12, 6, value_range=(0.0, 4.0), smooth=False, cursor_index=0)
    assert style_at(lines[0], 4).color == rgb(CURSOR_COLOR)
    label = style_at(lines[2], 10)
    assert label.color == rgb(CURSOR_COLOR) and label.bold
    assert style_at(lines[3], 0).color == rgb(RIDGE_BRIGHT)  # the other slice keeps its ramp colour


def test_many_steps_pick_evenly_spaced_slices_ending_with_the_last():
    steps = np.arange(100) * 10
    data = np.ones((100, 8))
    lines = render_ridgeline(data, steps, 40, 12, value_range=(0.0, 1.0))
    assert_frame(lines, 40, 12)
    labels = [line.plain[-4:].strip() for line in lines[:10]]
    shown = [int(x) for x in labels if x]
    assert shown == sorted(shown) and shown[0] == 0 and shown[-1] == 990
    assert 2 <= len(shown) <= 10
    capped = render_ridgeline(data, steps, 40, 12, value_range=(0.0, 1.0), max_slices=3)
    assert [line.plain[-4:].strip() for line in capped[:10] if line.plain[-4:].strip()] == ["0", "500", "990"]


def test_cursor_step_is_drawn_even_when_not_evenly_picked():
    steps = np.arange(100)
    lines = render_ridgeline(
        np.ones((100, 4)), steps, 30, 8, value_range=(0, 1), max_slices=3, cursor_index=37
    )
    labels = [line.plain[-3:].strip() for line in lines[:6] if line.plain[-3:].strip()]
    assert "37" in labels and labels[-1] == "99" and len(labels) == 3


def test_axis_uses_value_format():
    lines = render_ridgeline(
        TWO_STEPS, [0, 10], 20, 6, value_range=(0.0, 4.0), value_format=lambda v: f"<{v:g}>"
    )
    assert "<0>" in lines[-1].plain and "<4>" in lines[-1].plain


@pytest.mark.parametrize(
    "data, steps",
    [
        (np.zeros((0, 30)), []),  # no steps
        (np.array([[0.0, 1.0, 3.0, 1.0]]), [7]),  # one step
        (np.zeros((3, 4)), [0, 1, 2]),  # all-zero counts
        (np.full((2, 3), np.nan), [1, 2]),  # NaN counts
        (np.array([[np.inf, 1.0, -2.0]]), [0]),  # inf and negative counts
        (np.ones((5000, 30)), np.arange(5000)),  # far more steps than rows
        (np.ones((3, 1)), [0, 1, 2]),  # a single bin
    ],
)
@pytest.mark.parametrize("width, height", [(1, 1), (3, 2), (6, 4), (12, 6), (80, 24)])
def test_degenerate_inputs_render_exact_size(data, steps, width, height):
    for render in (render_ridgeline, render_overlay):
        assert_frame(
            render(data, steps, width, height, value_range=(0.0, 1.0), cursor_index=0), width, height
        )


def test_zero_or_negative_size_and_odd_ranges():
    assert render_ridgeline(TWO_STEPS, [0, 1], 5, 0, value_range=(0, 1)) == []
    assert plain(render_ridgeline(TWO_STEPS, [0, 1], 0, 2, value_range=(0, 1))) == ["", ""]
    for value_range in [(1.0, 1.0), (float("nan"), float("inf")), (3.0, -3.0)]:
        assert_frame(render_ridgeline(TWO_STEPS, [0, 1], 20, 6, value_range=value_range), 20, 6)
        assert_frame(render_overlay(TWO_STEPS, [0, 1], 20, 6, value_range=value_range), 20, 6)


# ------------------------------------------------------------------------------------------------- overlay


def test_two_step_overlay_exact_text():
    lines = render_overlay(TWO_STEPS, [0, 10], 12, 6, value_range=(0.0, 4.0), smooth=False)
    assert plain(lines) == [
        "⠉⠉⡇ ⢸⠉⢹   10",
        "  ⡇ ⢸ ⢸   0 ",
        "  ⡏⠉⢹ ⢸⣀⣀   ",
        "⣀⣀⡇ ⢸⣀⣸⣀⣀   ",
        "┬───┬───┬   ",
        "0   2   4   ",
    ]
    assert style_at(lines[0], 0).color == rgb(RIDGE_BRIGHT)  # newest on top of the shared cells
    assert style_at(lines[0], 5).color == rgb(RIDGE_DIM)  # only the older step reaches there
    assert style_at(lines[0], 10).color == rgb(RIDGE_BRIGHT)  # legend: newest step first
    assert style_at(lines[1], 10).color == rgb(RIDGE_DIM)


def test_overlay_draws_cursor_step_last_in_cursor_colour():
    lines = render_overlay(TWO_STEPS, [0, 10], 12, 6, value_range=(0.0, 4.0), smooth=False, cursor_index=0)
    # Cells both lines pass through: the newest step wins normally, the cursor step when it is set.
    plain_lines = render_overlay(TWO_STEPS, [0, 10], 12, 6, value_range=(0.0, 4.0), smooth=False)
    for row, col in [(2, 2), (3, 6)]:
        assert style_at(plain_lines[row], col).color == rgb(RIDGE_BRIGHT)
        assert style_at(lines[row], col).color == rgb(CURSOR_COLOR)
    assert style_at(lines[1], 10).color == rgb(CURSOR_COLOR)


# -------------------------------------------------------------------------------------------------- labels


class CountingLabels:
    """A lazy label sequence that records which labels the renderer asked for."""

    def __init__(self, n: int) -> None:
        self.n, self.asked = n, []

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> str:
        self.asked.append(i)
        return f"t{i}"


def test_labels_replace_the_step_numbers():
    ridge = render_ridgeline(
        TWO_STEPS, [0, 10], 14, 6, value_range=(0.0, 4.0), smooth=False, labels=["0s", "1.5m"]
    )
    assert plain(ridge) == [
        "    ███       ",
        "██▅▅███       ",
        "██▅▅███▁▁ 0s  ",
        "████▁▁▁▇▇ 1.5m",
        "┬───┬───┬     ",
        "0   2   4     ",
    ]
    assert style_at(ridge[2], 10).color == rgb(RIDGE_DIM)  # still in the slice's colour
    overlay = render_overlay(
        TWO_STEPS, [0, 10], 14, 6, value_range=(0.0, 4.0), smooth=False, labels=["0s", "1.5m"]
    )
    assert [line.plain[10:] for line in overlay[:3]] == ["1.5m", "0s  ", "    "]  # newest first


def test_labels_default_to_steps_and_too_few_labels_give_none():
    default = render_ridgeline(TWO_STEPS, [0, 10], 14, 6, value_range=(0.0, 4.0))
    assert plain(render_ridgeline(TWO_STEPS, [0, 10], 14, 6, value_range=(0.0, 4.0), labels=None)) == plain(
        default
    )
    for render in (render_ridgeline, render_overlay):
        short = render(TWO_STEPS, [0, 10], 14, 6, value_range=(0.0, 4.0), labels=["only one"])
        assert_frame(short, 14, 6)
        assert not any(ch.isalpha() for line in short for ch in line.plain)  # no label column


def test_only_the_drawn_slices_labels_are_looked_up():
    labels = CountingLabels(5000)
    lines = render_ridgeline(np.ones((5000, 8)), np.arange(5000), 40, 12, value_range=(0, 1), labels=labels)
    assert_frame(lines, 40, 12)
    assert 2 <= len(labels.asked) <= 10 and labels.asked[-1] == 4999
    assert lines[9].plain.rstrip().endswith("t4999")
    legend = CountingLabels(5000)
    render_overlay(
        np.ones((5000, 8)), np.arange(5000), 40, 12, value_range=(0, 1), labels=legend, cursor_index=2501
    )
    assert sorted(legend.asked) == [0, 2501, 4999]  # newest, oldest, cursor: never all 5000


# ------------------------------------------------------------------------------------------------- helpers


def test_pick_slices():
    assert pick_slices(10, 3).tolist() in ([0, 4, 9], [0, 5, 9])
    assert pick_slices(5, 10).tolist() == [0, 1, 2, 3, 4]
    assert pick_slices(5, 1).tolist() == [4]
    assert pick_slices(0, 3).tolist() == []
    with_cursor = pick_slices(100, 4, cursor_index=50)
    assert 50 in with_cursor and with_cursor[-1] == 99 and len(with_cursor) == 4
    assert pick_slices(100, 1, cursor_index=3).tolist() == [3]
    # A cursor outside the series is ignored.
    assert pick_slices(10, 3, cursor_index=99).tolist() == pick_slices(10, 3).tolist()
