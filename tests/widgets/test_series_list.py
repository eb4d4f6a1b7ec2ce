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


def test_a_row_names_the_run_as_the_runs_pane_does_marker_and_label() -> None:
    """Text, Images and Audio listed ``exp/adam_lr1e-2`` where the runs pane, legend and HParams say
    ``A adam_lr1e-2``: the marker tells runs apart without colour, the label drops the shared folder."""
    rows = SeriesList()
    rows.set_groups(
        [
            (
                "t",
                [
                    SeriesEntry("exp/adam_lr1e-2", "red", 3, "A", "adam_lr1e-2"),
                    SeriesEntry("exp/b", "red", 12),
                ],
            )
        ]
    )
    marked, bare = (rows.render_row(i, 24, Style()).plain for i in (1, 2))
    assert marked == "  ■ A adam_lr1e-2      3"
    assert bare == "  ■ exp/b             12"
