"""2,000 runs load in the app, and a key in the runs list and one in the tags list change the screen.

The scale the issue names (a sweep of thousands of runs) in a Pilot test: every run is written (one
small event file each, copied: writing them one by one would be most of the test), the first pass
reads them all, and then ``j`` in the runs list moves its cursor row and ``j`` in the tags list
moves the tag and brings the next tag's chart of every run (drawn by the chart's worker: waited
for, never timed). benchmarks/scale.py measures how long these take.
"""

from __future__ import annotations

import os
import shutil

from tui.app import TbtuiApp
from tui.tfevents.writer import EventFileWriter
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.tag_list import TagList

RUNS = 2000
NAME = "events.out.tfevents.1700000000.test"


def _write(root: str) -> None:
    first = os.path.join(root, "sweep_00", "lr_0000")
    with EventFileWriter(first, filename=NAME) as w:
        for s in range(4):
            w.add_scalar("m/first", 1.0 + s, s, 1.7e9 + s)
            w.add_scalar("m/second", -1.0 - s, s, 1.7e9 + s)
    for r in range(1, RUNS):
        run = os.path.join(root, f"sweep_{r // 100:02d}", f"lr_{r:04d}")
        os.makedirs(run)
        shutil.copyfile(os.path.join(first, NAME), os.path.join(run, NAME))


def _screen(app) -> str:
    """What the screen shows, as text."""
    return app.export_screenshot()


def _charting(chart: ScalarChart, tag: str) -> bool:
    return chart.last is not None and tag in chart.last.lines[0].plain and len(chart.last_series) == RUNS


async def test_keys_in_the_runs_and_tags_lists_change_the_screen_with_2000_runs(tmp_path, tb):
    root = str(tmp_path / "logs")
    _write(root)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), limit=2400, what="2,000 runs loaded")
        runs, tags, chart = app.query_one(RunList), app.query_one(TagList), app.query_one(ScalarChart)
        assert len(runs.rows) == RUNS
        assert not app.load_state.history
        await tb.wait_for(pilot, lambda: _charting(chart, "m/first"), limit=2400, what="every run charted")

        runs.focus()
        await pilot.pause()
        before = _screen(app)
        assert runs.cursor == 0
        await pilot.press("j")
        assert runs.cursor == 1 and runs.current_run == "sweep_00/lr_0001"
        await tb.wait_for(pilot, lambda: _screen(app) != before, what="the runs list's cursor row on screen")

        tags.focus()
        await pilot.pause()
        before = _screen(app)
        await pilot.press("j")
        assert tags.selected_tag == "m/second"
        # The chart's title names the new tag at once (over the old lines while the worker draws).
        await tb.wait_for(pilot, lambda: "m/second" in chart._strips[0].text, what="the new title")
        await tb.wait_for(pilot, lambda: _charting(chart, "m/second"), limit=2400, what="next chart")
        await tb.wait_for(pilot, lambda: "m/second" in _screen(app), what="the next tag's chart on screen")
        assert _screen(app) != before
        # The frame is the second tag's: its values (-1 to -4, smoothed) are all below zero, the
        # first tag's all above.
        assert chart.last.y_range[1] < 0
