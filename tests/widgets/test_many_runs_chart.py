"""A chart of hundreds of runs is drawn off the event loop: ``j`` in the tag list moves the cursor at
once and the chart follows with the next tag's lines (no timing asserted: it waits for the frame)."""

from __future__ import annotations

import os

import numpy as np

from tui.app import TbtuiApp
from tui.tfevents.writer import EventFileWriter
from tui.views.cache import SmoothCache
from tui.widgets.scalar_chart import BACKGROUND_RUNS, ScalarChart, build_chart
from tui.widgets.tag_list import TagList

RUNS = BACKGROUND_RUNS + 50  # enough that the chart is drawn by its worker


def _write(root: str) -> None:
    steps = np.arange(12)
    for r in range(RUNS):
        with EventFileWriter(os.path.join(root, f"sweep/lr_{r:04d}")) as w:
            for s in steps.tolist():
                w.add_scalar("a/first", float(np.sin(s / 3 + r)), s, 1.7e9 + s)
                w.add_scalar("a/second", float(r % 7 - s), s, 1.7e9 + s)


def _charting(chart: ScalarChart, tag: str) -> bool:
    """The chart on screen is ``tag``'s, with every run (a frame of a partial load may come first)."""
    return chart.last is not None and tag in chart.last.lines[0].plain and len(chart.last_series) == RUNS


async def test_j_in_the_tag_list_with_many_runs_changes_the_chart(tmp_path, tb):
    root = str(tmp_path / "logs")
    _write(root)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        tags = app.query_one(TagList)
        chart = app.query_one(ScalarChart)
        tags.select_tag("a/first")
        tags.focus()
        await tb.wait_for(pilot, lambda: _charting(chart, "a/first"), what="first chart")
        before = chart.last.plain()
        await pilot.press("j")
        assert tags.selected_tag == "a/second"
        await tb.wait_for(pilot, lambda: _charting(chart, "a/second"), what="next chart")
        assert chart.last.plain() != before
        # The second tag's values run from 6 down to -11: the y axis says so.
        assert chart.last.y_range[0] < -11 and chart.last.y_range[1] > 6
        # What is on screen is that frame.
        shown = "\n".join(line.text for line in chart._strips)
        assert "a/second" in shown


async def test_the_next_tags_chart_is_drawn_ahead_so_j_samples_no_line_again(tmp_path, tb):
    """Once a heavy chart is on screen, the tags next to it are drawn in a worker (their runs' cells
    kept, tui.render.layers): ``j`` then finds every line of the next tag drawn, and shows the chart
    a draw from nothing shows."""
    root = str(tmp_path / "logs")
    _write(root)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        tags = app.query_one(TagList)
        chart = app.query_one(ScalarChart)
        tags.select_tag("a/first")
        tags.focus()
        await tb.wait_for(pilot, lambda: _charting(chart, "a/first"), what="first chart")
        await tb.wait_for(pilot, lambda: len(chart.kept) == 2 * RUNS, what="the next tag drawn ahead")
        held = chart.kept.nbytes
        await pilot.press("j")
        await tb.wait_for(pilot, lambda: _charting(chart, "a/second"), what="next chart")
        assert chart.kept.nbytes == held  # nothing drawn anew
        w, h = chart.last.width, chart.last.height
        fresh = build_chart("a/second", chart.sources, chart.options, w, h, cache=SmoothCache())[0]
        assert chart.last.plain() == fresh.plain()
