"""Issue 12 #5: ``h``/``l`` move the cursor one logged step (of any visible run), ``H``/``L`` ten, in
every chart with a cursor; never one screen column (which skipped ~15 steps of an 800-step run)."""

from __future__ import annotations

import os

import numpy as np

from tui.app import TbtuiApp
from tui.tfevents.writer import EventFileWriter
from tui.widgets.custom_scalars_pane import MarginChart
from tui.widgets.pr_curves_pane import PrChartView
from tui.widgets.scalar_chart import ScalarChart


def _write(root: str, run: str, steps) -> None:
    with EventFileWriter(os.path.join(root, run)) as w:
        for s in steps:
            w.add_scalar("loss", 1.0 / (s + 1), int(s), 1_700_000_000.0 + s)


async def test_scalar_cursor_moves_one_step_of_the_union_of_runs(tmp_path, tb) -> None:
    root = str(tmp_path / "logs")
    _write(root, "even", range(0, 800, 2))
    _write(root, "odd", range(1, 800, 2))
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        chart.focus()
        await tb.wait_for(pilot, lambda: chart.last is not None, what="chart")
        await pilot.press("g")
        assert chart.cursor_x == 0
        await pilot.press("l")
        assert chart.cursor_x == 1  # the odd run's first point: one step, not a column
        await pilot.press("l", "l")
        assert chart.cursor_x == 3
        await pilot.press("L")
        assert chart.cursor_x == 13
        await pilot.press("h")
        assert chart.cursor_x == 12
        await pilot.press("H")
        assert chart.cursor_x == 2
        await pilot.press("G", "L")  # clamped at the last step
        assert chart.cursor_x == 799
        chart.cursor_x = 500.5  # between points (a click puts it there): the next step up, or down
        await pilot.press("l")
        assert chart.cursor_x == 501
        chart.cursor_x = 500.5
        await pilot.press("h")
        assert chart.cursor_x == 500


async def test_margin_chart_moves_ten_steps_with_shift(written, tb) -> None:
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("9")
        margin = app.query_one(MarginChart)
        await pilot.pause()
        await pilot.press("enter", "j")
        await tb.wait_for(pilot, lambda: app.focused is margin, what="margin chart")
        await pilot.press("l", "L")
        assert margin.cursor_step == 5  # steps 0..5: ten on clamps at the last
        await pilot.press("H")
        assert margin.cursor_step == 0


async def test_pr_cursor_moves_one_threshold_at_a_time(written, tb) -> None:
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("8")
        chart = app.query_one(PrChartView)
        await pilot.pause()
        await pilot.press("j")  # pr/val: 33 thresholds at three steps
        await pilot.pause()
        await pilot.press("enter")
        await tb.wait_for(pilot, lambda: app.focused is chart and chart.recalls.size > 4, what="curves")
        recalls = chart.recalls
        assert np.all(np.diff(recalls) > 0)
        await pilot.press("l")
        assert chart.cursor_recall == recalls[0]
        await pilot.press("l")
        assert chart.cursor_recall == recalls[1]
        await pilot.press("L")
        last = min(11, recalls.size - 1)
        assert chart.cursor_recall == recalls[last]
        await pilot.press("h")
        assert chart.cursor_recall == recalls[last - 1]
