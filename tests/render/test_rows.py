"""Rows of the runs and tags lists and the status line: exact strings."""

from __future__ import annotations

from tui.render.rows import TagInfo, ellipsize_middle, fit_name, group_row, run_row, status_line, tag_row
from tui.views.state import RunRow


def test_ellipsize_middle_keeps_both_ends():
    assert ellipsize_middle("abcdefghij", 5) == "ab…ij"
    assert ellipsize_middle("abc", 5) == "abc"
    assert ellipsize_middle("abcdef", 1) == "…"
    assert ellipsize_middle("実験実験実験", 5) == "実…験"  # wide characters count two cells; padded


def test_run_row_shows_mark_name_last_step_and_damage():
    row = run_row(RunRow("runs/lr_0.1/loss_train", "red", shown=True, last_step=299, damaged=False), 24)
    assert row.plain == "● runs/lr_…s_train 299  "
    assert row.cell_len == 24
    hidden = run_row(RunRow("runs/lr_0.1/loss_train", "red", shown=False, last_step=None, damaged=True), 24)
    assert hidden.plain == "○ runs/lr_0…ss_train – !"


def test_group_and_tag_rows():
    assert group_row("train", 3, 16, collapsed=False).plain == "▾ train (3)     "
    assert group_row("train", 3, 16, collapsed=True).plain == "▸ train (3)     "
    assert tag_row("loss", 30, TagInfo(spark="▁▂▃▄", value=2.0971)).plain == "  loss           ▁▂▃▄    2.097"
    # Too narrow for the sparkline: the name keeps at least 8 cells, the value stays.
    assert (
        tag_row("a_very_long_tag_name_here", 20, TagInfo(spark="▁▂▃▄", value=2.0971)).plain
        == "  a_very…_here 2.097"
    )
    assert tag_row("x", 6, TagInfo(value=1.0)).plain == "  x   "


def test_tag_rows_of_equal_names_line_up_whatever_their_values():
    """60 heads `loss_head_00`..: the sparklines start in one column and the values end in one,
    though `0.05219`, `0.209` and `1.895` differ in length (they zig-zagged by a cell or two)."""
    rows = [
        tag_row(f"loss_head_{i:02d}", 34, TagInfo(spark="█▅▃▂▂▁▁▁", value=v))
        for i, v in enumerate((0.05219, 0.209, 1.895))
    ]
    assert {r.plain.index("█") for r in rows} == {17}
    assert [r.plain[-8:] for r in rows] == [" 0.05219", "   0.209", "   1.895"]
    assert all(r.cell_len == 34 for r in rows)


def test_status_line_separates_parts_and_right_aligns_help():
    assert status_line([("a", "bold"), ("b", "")], 20, right="? help").plain == "a │ b         ? help"
    assert status_line([("a", ""), ("", ""), ("c", "")], 8).plain == "a │ c   "
    assert status_line([("abcdefghij", "")], 4).plain == "abcd"


def test_fit_name_never_cuts_an_elided_form_into_ellipses_alone():
    """A 55-run legend named a run "……8": its form "…18_lr=0.003_bs=32_seed=18" cut to 3 cells."""
    name = "model=resnet18_lr=0.003_bs=32_seed=18"
    assert fit_name(name, ("…18_lr=0.003_bs=32_seed=18",), 3) == "m…8"
    assert fit_name("exp_b/seed3", ("…b/seed3", "…b/…3"), 4) == "…b…3"  # still the part that differs


def test_run_rows_take_the_shorter_form_that_fits():
    alpha = RunRow(
        "experiment_alpha/seed_00000",
        "#ffffff",
        shown=True,
        last_step=199,
        marker="A",
        status="live",
        since="live",
        forms=("…alpha/seed_00000", "…alpha/…00000"),
    )
    row = run_row(alpha, 30).plain
    assert "…alpha/…00000" in row and len(row) == 30


def test_a_tag_name_of_wide_characters_keeps_its_sparkline_and_value_in_line():
    """A tensorboardX tag ``ünïcødé/✓ 日本`` showed its sparkline two cells right and lost its value:
    the name was padded by characters, and 日本 takes four cells in two characters."""
    wide = tag_row("✓ 日本", 34, TagInfo(spark="▄", value=2.0))
    plain = tag_row("✓ abcd", 34, TagInfo(spark="▄", value=2.0))
    assert wide.cell_len == 34
    assert wide.plain.endswith("       2")
    assert wide.plain.index("▄") == plain.plain.index("▄") - 2  # 2 characters fewer, same cells
