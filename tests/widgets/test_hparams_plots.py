"""The HParams tab's plots beside the table on sessions torch and tensorboardX wrote: c cycles them, the
table's cursor columns choose the scatter's axes, the cursor row is drawn on top."""

from __future__ import annotations

from tui.app import TbtuiApp
from tui.widgets.hparams_pane import HParamsPane
from tui.widgets.hparams_table import SessionTable
from tui.widgets.lines_view import LinesView


async def test_parallel_coordinates_then_scatter_then_none(written, tb) -> None:
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("6")
        pane = app.query_one(HParamsPane)
        await tb.wait_for(pilot, lambda: len(pane.rows) == 2, what="sessions")
        table = pane.query_one(SessionTable)
        await tb.wait_for(pilot, lambda: app.focused is table, what="table focus")
        plot = pane.query_one(".hparams-pane-plot", LinesView)
        assert pane.plot == "parallel" and plot.display
        await pilot.pause()
        text = plot.plain().splitlines()
        assert text[0].split() == ["lr", "opt", "hparam/acc"]  # an axis per hparam and metric
        assert sorted(text[1].split()) == sorted(["0.1", "adam", "0.9"])
        await pilot.press("c")
        assert pane.plot == "scatter"
        x, y = pane.plot_axes()
        assert (x.label, y.label) == ("lr", "hparam/acc")  # the first of each until the cursor moves
        await pilot.press("l", "l")  # run -> lr -> opt
        await pilot.pause()
        x, y = pane.plot_axes()
        assert (x.label, y.label) == ("opt", "hparam/acc")
        shown = plot.plain()
        assert "hparam/acc against opt" in shown and "0 adam" in shown  # the categorical x axis' key
        dots = [ln for ln in shown.splitlines() if any(0x2800 < ord(ch) <= 0x28FF for ch in ln)]
        assert len(dots) == 2  # one dot per session, at two accuracies
        await pilot.press("c")
        assert pane.plot == "none" and not plot.display
        await pilot.press("c")
        assert pane.plot == "parallel" and plot.display
