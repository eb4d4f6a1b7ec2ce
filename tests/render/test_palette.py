"""Run colours stay distinct where they are shown: after Rich's downgrade to 256 and to 16 colours."""

from __future__ import annotations

import itertools

import pytest
from rich.color import Color, ColorSystem

from tui.render.palette import ANSI_COLORS, CUBE_COLORS, palette_for

SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD}


@pytest.mark.parametrize("system", ["truecolor", "256", "standard"])
def test_eight_runs_are_pairwise_distinct_after_the_downgrade(system):
    pal = palette_for(system)
    shown = [Color.parse(pal(i)).downgrade(SYSTEMS[system]) for i in range(8)]
    keys = [c.number if c.number is not None else c.triplet for c in shown]
    assert len(set(keys)) == 8, keys


def test_the_whole_cube_palette_maps_to_itself_at_256_colours():
    numbers = [Color.parse(c).downgrade(ColorSystem.EIGHT_BIT).number for c in CUBE_COLORS]
    assert len(set(numbers)) == len(CUBE_COLORS)
    # Exact cube entries: a 256-colour terminal shows the colour a truecolor one does.
    assert all(Color.from_ansi(n).get_truecolor().hex == c for n, c in zip(numbers, CUBE_COLORS, strict=True))


def test_the_16_colour_palette_uses_eleven_different_ansi_colours_and_no_black_dark_blue_or_white():
    """White and bright white are the app's text and accent (the focus, the cursor): no run has them."""
    numbers = [Color.parse(c).downgrade(ColorSystem.STANDARD).number for c in ANSI_COLORS]
    assert len(set(numbers)) == len(ANSI_COLORS) == 11
    assert not {0, 4, 8, 7, 15} & set(numbers)


def test_neighbours_differ_in_hue_so_seed_pairs_never_look_alike():
    """Adjacent runs (``seed0``, ``seed1``) are at least 60 degrees of hue apart (or one is grey)."""
    import colorsys

    for a, b in itertools.pairwise(CUBE_COLORS):
        ha, _, sa = colorsys.rgb_to_hls(*(x / 255 for x in Color.parse(a).get_truecolor()))
        hb, _, sb = colorsys.rgb_to_hls(*(x / 255 for x in Color.parse(b).get_truecolor()))
        d = abs(ha - hb) * 360
        assert min(d, 360 - d) >= 60 or min(sa, sb) < 0.1, (a, b)


@pytest.mark.parametrize("system", ["truecolor", "256", "standard"])
def test_the_cursor_colour_of_histograms_distributions_and_charts_is_no_runs_colour(system):
    """The histogram cursor was ``#58a6ff``: xterm-256 colour 75 after the downgrade, run B's line colour,
    so the cursor step read as a slice of run B. It is the scalar chart's cursor colour, a white."""
    from tui.render.chart import ChartTheme
    from tui.render.ridgeline import CURSOR_COLOR

    assert ChartTheme().cursor == CURSOR_COLOR
    pal = palette_for(system)
    runs = [pal(i) for i in range(len(CUBE_COLORS))]
    for cursor in (CURSOR_COLOR, ChartTheme().cursor):
        shown = Color.parse(cursor).downgrade(SYSTEMS[system])
        key = shown.number if shown.number is not None else shown.triplet
        run_keys = []
        for c in runs:
            d = Color.parse(c).downgrade(SYSTEMS[system])
            run_keys.append(d.number if d.number is not None else d.triplet)
        assert key not in run_keys, (cursor, system)
