"""The PR Curves tab on logs torch and tensorboardX wrote: tab bar, keys, step slider and cursor readout."""

from __future__ import annotations

from textual.widgets import TabbedContent

from tui.app import TbtuiApp
from tui.model.logdir import Logdir
from tui.model.pr_curves import read_pr_curves
from tui.widgets.pr_curves_pane import PrChartView, PrCurvesPane
from tui.widgets.step_slider import StepSlider
from tui.widgets.tag_list import TagList


async def test_pr_tab_shows_curves_steps_and_the_cursor_readout(written, tb) -> None:
    truth = read_pr_curves(Logdir(str(written.logdir)).load_all().runs["."])
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        tabs = app.query_one(TabbedContent)
        assert "pr_curves" not in app.hidden_tabs  # the writer logged PR curves: the tab is in the bar
        await pilot.press("8")
        pane = app.query_one(PrCurvesPane)
        await tb.wait_for(pilot, lambda: tabs.active == "pr_curves" and pane.tag is not None, what="tab")
        tags = pane.query_one(TagList)
        assert tags.tags == ["pr/raw", "pr/val"] and pane.tag == "pr/raw"
        await pilot.press("j")
        await tb.wait_for(pilot, lambda: pane.tag == "pr/val" and pane.steps == (0, 1, 2), what="decoded")
        slider = pane.query_one(StepSlider)
        assert pane.steps == (0, 1, 2) and pane.step == 2 and slider.index == 2  # follows the newest
        title = pane.query_one(".pr-title").render_line(0).text
        assert title.startswith("pr/val") and "y precision, x recall" in title  # the axes have no titles
        await pilot.press("left_square_bracket")
        assert pane.step == 1 and slider.index == 1
        await pilot.press("enter")  # the chart takes the keyboard
        chart = pane.query_one(PrChartView)
        assert app.focused is chart and chart.cursor_recall is None
        await pilot.press("l")
        assert chart.cursor_recall == chart.recalls[0]  # the lowest recall a curve has
        for _ in range(3):
            await pilot.press("l")
        await pilot.pause()
        r = chart.cursor_recall
        assert 0 < r < 1
        # The readout names the threshold nearest the cursor's recall at the chosen step.
        curve = truth["pr/val"].at_step(1)
        p = curve.point(curve.nearest_to_recall(r))
        text = chart.plain()
        assert f"TP {p.tp}" in text and f"FP {p.fp}" in text and f"TN {p.tn}" in text and f"FN {p.fn}" in text
        assert "thr " in text and "●A ." in text  # the run's marker, as in the legend
        await pilot.press("escape")
        assert chart.cursor_recall is None and "TP " not in chart.plain()
        await pilot.press("k")
        assert pane.tag == "pr/raw"


async def test_pr_tab_stays_out_of_the_bar_without_curves_but_its_key_opens_it(logdir, tb) -> None:
    app = TbtuiApp(logdir)
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        assert "pr_curves" in app.hidden_tabs
        await pilot.press("8")
        tabs = app.query_one(TabbedContent)
        await tb.wait_for(pilot, lambda: tabs.active == "pr_curves", what="tab")
        pane = app.query_one(PrCurvesPane)
        await pilot.pause()
        assert "No PR curves in the 3 visible runs" in str(pane.query_one(".pr-empty").render())


async def test_under_no_color_the_legend_and_readout_tell_runs_apart_by_marker(
    tmp_path, tb, monkeypatch
) -> None:
    """Under NO_COLOR the PR legend said ``● exp/adam  ● exp/sgd`` and the readout ``● exp/adam``:
    two lines and two readout rows that only colour told apart. Both now carry the run's marker
    letter, the one the runs pane shows, and the name without the prefix the runs share."""
    import numpy as np
    from rich.style import Style

    tbx = __import__("pytest").importorskip("tensorboardX")
    from tui.widgets.run_list import RunList

    rng = np.random.default_rng(0)
    for run in ("exp/adam", "exp/sgd"):
        w = tbx.SummaryWriter(str(tmp_path / "logs" / run))
        w.add_pr_curve("pr", rng.integers(0, 2, 40), rng.random(40), 0, num_thresholds=9)
        w.close()
    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(str(tmp_path / "logs"))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        assert app.no_color
        runs = app.query_one(RunList)
        markers = {
            runs.render_row(i, 30, Style()).plain.split()[2]: runs.render_row(i, 30, Style()).plain.split()[1]
            for i in range(runs.row_count())
        }
        assert sorted(markers) == ["adam", "sgd"] and len(set(markers.values())) == 2, markers
        await pilot.press("8")
        pane = app.query_one(PrCurvesPane)
        chart = pane.query_one(PrChartView)
        await tb.wait_for(
            pilot, lambda: chart.last is not None and len(chart.last.points) == 2, what="curves"
        )
        legend = chart.last.lines[0].plain
        for name, marker in markers.items():
            assert f"●{marker} {name}" in legend, legend
        await pilot.press("enter", "l", "l")
        await tb.wait_for(pilot, lambda: "TP " in chart.plain(), what="readout")
        readout = [ln for ln in chart.plain().splitlines() if "TP " in ln]
        assert sorted(ln.split()[0] for ln in readout) == sorted(f"●{m}" for m in markers.values()), readout
