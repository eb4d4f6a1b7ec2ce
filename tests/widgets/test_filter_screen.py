"""Typing into the runs filter and erasing it: the runs pane and the chart show what a fresh app
opened with that filter shows, whatever the app kept from before.

The runs pane keeps each run's row while the filter leaves it out and a list per set of runs listed
(tui/views/state.py), and the chart keeps each run's drawn cells (tui/render/layers.py): none of it
may show on screen as anything but what drawing from nothing gives. 250 runs, so the whole list's
chart is drawn by the chart's worker and the filtered ones in place; each template's values lie in
a range of their own, so the y axis changes with the runs listed. No timing: each screen is waited for.
"""

from __future__ import annotations

import os
import shutil

from tui.app import TbtuiApp
from tui.tfevents.writer import EventFileWriter
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart

RUNS = 250
TEMPLATES = 5
NAME = "events.out.tfevents.1700000000.test"


def _write(root: str) -> None:
    templates = os.path.join(root, "..", "templates")
    for k in range(TEMPLATES):
        with EventFileWriter(os.path.join(templates, str(k)), filename=NAME) as w:
            for s in range(12):
                w.add_scalar("m/a", 10.0 * k + s % 5, s, 1.7e9 + s)
    for r in range(RUNS):
        run = os.path.join(root, f"sweep_{r // 100}", f"lr_{r:04d}")
        os.makedirs(run)
        shutil.copyfile(os.path.join(templates, str(r % TEMPLATES), NAME), os.path.join(run, NAME))


def _panes(app: TbtuiApp) -> tuple:
    """The runs pane's rows as text (the cursor's style follows the focus, which the filter bar has)
    and the chart's lines with their styles, or None while the chart's worker draws."""
    runs, chart = app.query_one(RunList), app.query_one(ScalarChart)
    if chart.shown_key != chart.current_key() or chart._requests.busy:
        return None
    rows = tuple(runs.render_line(y).text for y in range(runs.scrollable_content_region.height))
    return rows, tuple(tuple(strip) for strip in chart._strips)


async def _fresh(root: str, runs: str, tb) -> tuple:
    app = TbtuiApp(root, runs=runs)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), limit=1200, what="first load")
        await tb.wait_for(pilot, lambda: _panes(app) is not None, limit=1200, what="the chart")
        return _panes(app)


async def test_the_screen_after_typing_and_erasing_a_filter_is_a_fresh_apps(tmp_path, tb):
    root = str(tmp_path / "logs")
    _write(root)
    expected = {text: await _fresh(root, text, tb) for text in ("lr_00", "lr_000")}
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), limit=1200, what="first load")
        await pilot.press("slash")  # the filter bar takes a row from the chart: open it first
        await tb.wait_for(pilot, lambda: _panes(app) is not None, limit=1200, what="the chart")
        unfiltered = _panes(app)
        assert expected["lr_000"] != expected["lr_00"] != unfiltered
        await pilot.press(*"lr_00")
        await tb.wait_for(pilot, lambda: _panes(app) == expected["lr_00"], what='"lr_00" typed')
        await pilot.press("0")
        await tb.wait_for(pilot, lambda: _panes(app) == expected["lr_000"], what='"lr_000" typed')
        await pilot.press("backspace")  # lr_00: its rows and lines kept from the way in
        await tb.wait_for(pilot, lambda: _panes(app) == expected["lr_00"], what='"lr_00" again')
        await pilot.press(*["backspace"] * 4)  # "l": every run
        await tb.wait_for(pilot, lambda: _panes(app) == unfiltered, what='"l": every run again')
        await pilot.press("backspace")
        await tb.wait_for(pilot, lambda: _panes(app) == unfiltered, what="no filter")
        assert app.view.run_regex == ""
