"""The Histograms/Distributions series list's rows: exact cells."""

from __future__ import annotations

from rich.style import Style

from tui.widgets.series_list import SeriesEntry, SeriesList


def test_a_run_named_in_wide_characters_keeps_its_count_in_the_row():
    """A run ``実験/a`` lost its step count off the row's end: its name was padded by characters,
    and each of 実験 takes two cells."""
    rows = SeriesList()
    rows.set_groups([("w", [SeriesEntry("実験/a", "red", 3), SeriesEntry("exp/a", "red", 3)])])
    wide, narrow = (rows.render_row(i, 20, Style()) for i in (1, 2))
    assert wide.plain == "  ■ 実験/a         3"
    assert narrow.plain == "  ■ exp/a          3"
    assert wide.cell_len == narrow.cell_len == 20
