"""Issue 12: runs differ in any terminal (256 or 16 colours, NO_COLOR) and show the names that differ."""

from __future__ import annotations

import re

import pytest
import textual.constants
from rich.color import ColorSystem
from rich.style import Style

from tui.app import TbtuiApp
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart

SWEEP = [f"exp_a/seed{i}" for i in range(4)] + [f"exp_b/seed{i}" for i in range(4)]
SYSTEMS = {"256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD}


@pytest.fixture
def sweep(tmp_path, tb) -> str:
    root = str(tmp_path / "logs")
    for run in SWEEP:
        tb.write_run(root, run, steps=5)
    return root


def _mark_colors(app: TbtuiApp, system: ColorSystem) -> list:
    """The colour of each runs-pane row's mark as the terminal gets it (after Rich's downgrade)."""
    runs = app.query_one(RunList)
    out = []
    for i in range(runs.row_count()):
        row = runs.render_row(i, 30, Style())
        span_style = next(s.style for s in row.spans if row.plain[s.start : s.end] == "●")
        out.append(Style.parse(str(span_style)).color.downgrade(system).number)
    return out


@pytest.mark.parametrize("system", ["256", "standard"])
async def test_eight_runs_have_eight_colours_after_the_downgrade(sweep, tb, monkeypatch, system):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    app = TbtuiApp(sweep)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        assert app.console.color_system == system
        colors = _mark_colors(app, SYSTEMS[system])
        assert len(colors) == 8 and len(set(colors)) == 8, colors


async def test_under_no_color_every_run_has_its_own_marker_in_runs_pane_legend_and_readout(
    sweep, tb, monkeypatch
):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(sweep)
    async with app.run_test(size=(180, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        assert app.no_color
        runs = app.query_one(RunList)
        rows = [runs.render_row(i, 30, Style()).plain for i in range(runs.row_count())]
        markers = [r.split()[1] for r in rows]
        assert len(set(markers)) == 8, rows
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("G")  # cursor on the last step: values in the legend and the readout
        await pilot.pause()
        legend = chart.last.lines[1].plain
        items = re.findall(r"●(\S) (\S+)", legend)
        assert [m for m, _ in items] == markers, legend
        # What differs stays: exp_a vs exp_b and the seed, not a middle cut of "exp_" + "eed0".
        assert len({name for _, name in items}) == 8 and "…b/seed3" in legend, legend
        readout = "\n".join(t.plain for t in chart.last_readout)
        assert {ln.split()[0][1:] for ln in readout.splitlines() if ln.startswith("●")} <= set(markers)


async def test_the_shared_prefix_is_stripped_so_legend_names_differ(tmp_path, tb):
    root = str(tmp_path / "logs")
    for run in ("sweep/lr_0.1/bs32", "sweep/lr_0.1/bs128", "sweep/lr_0.01/bs32"):
        tb.write_run(root, run, steps=5)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        legend = chart.last.lines[1].plain
        for name in ("lr_0.1/bs32", "lr_0.1/bs128", "lr_0.01/bs32"):
            assert name in legend, legend
        assert "sweep/" not in legend
        rows = [r.plain for r in map(lambda i: app.query_one(RunList).render_row(i, 30, Style()), range(3))]
        assert any("lr_0.1/bs128" in r for r in rows), rows


async def test_the_readout_lists_every_run_scrolls_and_sorts(sweep, tb):
    app = TbtuiApp(sweep)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("G")
        await pilot.pause()

        def listed() -> list[str]:
            return [t.plain.split()[0][1:] for t in chart.last_readout if t.plain.startswith("●")]

        first = listed()
        assert "more runs" not in " ".join(t.plain for t in chart.last_readout)
        assert first[0] == "A" and len(first) >= 4
        seen = set(first)
        for _ in range(8):
            await pilot.press("J")
            await pilot.pause()
            seen |= set(listed())
        assert seen == set("ABCDEFGH")  # every run, by scrolling
        await pilot.press("t")  # largest value first
        await pilot.pause()
        values = [float(t.plain.split()[3]) for t in chart.last_readout if t.plain.startswith("●")]
        assert values == sorted(values, reverse=True)
        header = chart.last_readout[0].plain.split()
        assert "↓value" in header and {"step", "smoothed", "value"} <= set(header)


async def test_past_48_runs_markers_stay_unique_and_names_stay_in_a_column(tmp_path, tb):
    """Run 49 was marked ``A`` like run 1 (same colour too, 48 = 4 x 12); now ``A2``, padded."""
    root = str(tmp_path / "logs")
    names = [f"r{i:02d}" for i in range(52)]
    for run in names:
        tb.write_run(root, run, steps=2)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        runs = app.query_one(RunList)
        rows = [runs.render_row(i, 30, Style()).plain for i in range(runs.row_count())]
        markers = [r.split()[1] for r in rows]
        assert len(set(markers)) == 52, markers
        assert markers[48:] == ["A2", "B2", "C2", "D2"]
        assert {r.index("r", 3) for r in rows} == {5}, rows[:2] + rows[-2:]  # one name column
        await pilot.press("G")  # the last run, A..D2 on screen
        await pilot.pause()
        lines = [runs.render_line(y).text for y in range(runs.size.height)]
        assert any(" D2 r51" in ln for ln in lines), lines
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("G")
        await pilot.pause()
        rows_out = [t.plain for t in chart.last_readout if t.plain.startswith("●")]
        starts = {ln.index(" r") for ln in rows_out}
        assert len(starts) == 1, rows_out  # names aligned in the readout too


async def test_the_runs_pane_shows_the_part_of_a_name_that_differs(tmp_path, tb):
    """At 120 columns the runs pane cut ``experiment_alpha/seed_00000`` in the middle to
    ``experime…_00000``, losing alpha/beta; it now takes the longest shorter form that fits whole."""
    root = str(tmp_path / "logs")
    names = [f"sweep/experiment_{a}/seed_{i:05d}" for a in ("alpha", "beta") for i in range(2)]
    for run in names:
        tb.write_run(root, run, steps=2)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        runs = app.query_one(RunList)
        rows = [runs.render_line(y).text for y in range(4)]
        for row, (group, seed) in zip(
            rows, [("alpha", 0), ("alpha", 1), ("beta", 0), ("beta", 1)], strict=True
        ):
            assert group in row and f"{seed:05d}" in row, rows
