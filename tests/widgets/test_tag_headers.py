"""The tag list's group headers: the cursor on one keeps the chart on the tag it came from."""

from __future__ import annotations

from pathlib import Path

from tui.app import TbtuiApp
from tui.widgets.histograms_pane import HistogramsPane
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.tag_list import TagList

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


async def test_a_group_header_under_the_cursor_keeps_the_chart_of_the_last_tag(tb) -> None:
    """j from train/lr onto the "▾ val" header, then any update (s: smoothing) blanked the chart to
    "No scalar data for the visible runs" though every run and tag was still there."""
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        tags, chart = app.query_one(TagList), app.query_one(ScalarChart)
        tags.focus()
        assert tags.select_tag("train/lr")
        await tb.wait_for(pilot, lambda: chart.tag == "train/lr", what="train/lr charted")
        await pilot.press("j", "s")  # onto the val group's header; a new smoothing redraws
        assert tags.selected_tag is None and tags.shown_tag == "train/lr"
        await pilot.pause()
        assert chart.tag == "train/lr" and app.view.options.smoothing != 0.6
        await pilot.press("j")  # into the group: its first tag
        await tb.wait_for(pilot, lambda: chart.tag == "val/acc", what="val/acc charted")


async def test_histograms_keep_their_tag_on_a_group_header_too(tb) -> None:
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("2")
        await tb.wait_for(pilot, lambda: isinstance(app.active_pane, HistogramsPane), what="histograms tab")
        pane = app.active_pane
        pane.tag_list.focus()
        assert pane.tag_list.select_tag("grads/out.weight")
        await tb.wait_for(pilot, lambda: pane.view.tag == "grads/out.weight", what="charted")
        await pilot.press("j", "x")  # onto the weights header; a new x axis redraws
        await pilot.pause()
        assert pane.view.tag == "grads/out.weight"
