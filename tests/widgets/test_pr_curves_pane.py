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
        assert "thr " in text and "● ." in text
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
