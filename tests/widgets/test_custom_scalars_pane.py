"""The Custom Scalars tab on torch and tensorboardX layouts: charts, margin band, keys, no-layout message."""

from __future__ import annotations

from textual.widgets import TabbedContent

from tui.app import TbtuiApp
from tui.widgets.custom_scalars_pane import CustomScalarsPane, MarginChart
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.tag_list import TagList


async def test_layout_charts_lines_margin_band_and_cursor(written, tb) -> None:
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        assert "custom_scalars" not in app.hidden_tabs
        await pilot.press("9")
        tabs = app.query_one(TabbedContent)
        pane = app.query_one(CustomScalarsPane)
        await tb.wait_for(pilot, lambda: tabs.active == "custom_scalars", what="tab")
        await pilot.pause()
        charts = pane.query_one(TagList)
        # TensorBoard's merged layout: categories in the order written, charts by title.
        assert charts.groups == [("Losses", ["Losses/both"]), ("Accuracy", ["Accuracy/band"])]
        assert pane.chart_id == "Losses/both" and app.focused is charts
        multi = pane.query_one(ScalarChart)
        # "loss/train" and the regex "loss/v.*" match two of the run's scalar tags.
        assert multi.display and [s.run for s in multi.sources] == ["loss/train", "loss/val"]
        await pilot.press("enter")
        assert app.focused is multi
        await pilot.press("l")
        await pilot.pause()
        assert multi.cursor_x == 0.0  # the scalar chart's own cursor: first step
        await pilot.press("j")  # next chart from the chart itself
        await pilot.pause()
        margin = pane.query_one(MarginChart)
        assert pane.chart_id == "Accuracy/band" and margin.display and not multi.display
        assert app.focused is margin
        assert margin.steps.tolist() == [0, 1, 2, 3, 4, 5]
        await pilot.press("l", "l", "l")
        assert margin.cursor_step == 2
        text = margin.plain()
        # acc = 0.5 + 0.05 s with its band [acc_lo, acc_hi] = acc -+ 0.05, at step 2.
        assert "step 2" in text and "0.6" in text and "[0.55, 0.65]" in text
        await pilot.press("escape")
        assert margin.cursor is None and "step 2" not in margin.plain()
        await pilot.press("k")
        await pilot.pause()
        assert pane.chart_id == "Losses/both" and app.focused is multi


async def test_without_a_layout_the_tab_explains_itself(logdir, tb) -> None:
    app = TbtuiApp(logdir)
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        assert "custom_scalars" in app.hidden_tabs
        await pilot.press("9")
        await pilot.pause()
        pane = app.query_one(CustomScalarsPane)
        assert app.query_one(TabbedContent).active == "custom_scalars"
        assert "No custom scalars layout" in str(pane.query_one(".cs-empty").render())


async def test_a_multiline_legend_tells_its_lines_apart(tb) -> None:
    """Two runs x two tags in 120 columns: the legend read "● exp/…loss" four times (the run and tag
    joined, cut in the middle); now the shared "exp/" and "loss" are left out first."""
    import re
    from pathlib import Path

    tbx = Path(__file__).parents[1] / "data" / "corpus" / "tbx"
    app = TbtuiApp(str(tbx))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("9")
        pane = app.query_one(CustomScalarsPane)
        multi = pane.query_one(ScalarChart)
        await tb.wait_for(pilot, lambda: multi.display and multi.last is not None, what="the chart")
        assert len(multi.sources) == 4
        legend = multi.last.lines[1].plain
        items = re.findall(r"●(\S*) (\S+)", legend)
        assert len(items) == 4 and len({name for _, name in items}) == 4, legend
        # Each line names its run by the run's marker letter, as the runs pane does (under NO_COLOR
        # the legend was four "●" and cut names); the label tells a run's two lines apart.
        runs = [
            max((r for r in app.view.run_markers if s.run.startswith(r + "/")), key=len)
            for s in multi.sources
        ]
        assert [m for m, _ in items] == [app.view.run_markers[r] for r in runs], legend
        assert len({m for m, _ in items}) == 2 and all(m for m, _ in items), legend


async def test_with_every_run_hidden_the_panes_say_so(tb) -> None:
    """With every run hidden, the custom scalars chart said "'train vs val': no points yet" (as if
    the data had not arrived) and the Text, Images, PR and More tabs "No ... in the 0 visible runs":
    each now says the runs are hidden and how to show them, as the Scalars tab does."""
    from pathlib import Path

    from tui.widgets.more_pane import MorePane
    from tui.widgets.pr_curves_pane import PrCurvesPane
    from tui.widgets.run_list import RunList
    from tui.widgets.text_pane import TextPane

    tbx = Path(__file__).parents[1] / "data" / "corpus" / "tbx"
    app = TbtuiApp(str(tbx))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        runs = app.query_one(RunList)
        runs.focus()
        for _ in range(runs.row_count()):
            await pilot.press("space", "j")
        await tb.wait_for(pilot, lambda: not app.context().runs, what="every run hidden")
        want = "No visible runs: 8 runs hidden"

        def screen() -> str:
            strips = app.screen._compositor.render_strips()
            return " ".join(" ".join("".join(s.text for s in strip).split()) for strip in strips)

        for key, pane in (("9", CustomScalarsPane), ("5", TextPane), ("8", PrCurvesPane), ("0", MorePane)):
            await pilot.press(key)
            await tb.wait_for(pilot, lambda pane=pane: isinstance(app.active_pane, pane), what=key)
            await pilot.pause(0.2)
            await tb.wait_for(pilot, lambda: want in screen(), limit=60, what=f"tab {key}: {screen()[:1500]}")
            assert (
                "no points yet" not in screen() and "0 visible runs" not in screen() and "↵" not in screen()
            )
