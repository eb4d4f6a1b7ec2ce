"""The runs the screen shows are read first while a sweep loads, and the status bar counts runs.

The loader is held back slice by slice (each ``Logdir.refresh`` waits for the test's go), and each
slice reads one run (``slice_bytes=1``), so which runs a slice reads is decided by the screen at
that moment, not by timing: after ``G`` moves the runs list to its last row, the next slices read
the runs on screen there, not the ones below the first screen in name order.
"""

from __future__ import annotations

import threading

from tui.app import TbtuiApp
from tui.model import loader
from tui.widgets.run_list import RunList
from tui.widgets.status_bar import StatusBar

RUNS = 120


def _read(app: TbtuiApp) -> set[str]:
    return {name for name, run in app.logdir.runs.items() if run.scalars}


async def test_runs_on_screen_are_read_before_the_runs_below_the_fold(tmp_path, tb, monkeypatch) -> None:
    root = str(tmp_path / "sweep")
    names = [f"lr_{i:03d}" for i in range(RUNS)]
    for name in names:
        tb.write_run(root, name, steps=3)
    # Every slice published (the loader holds slices back after its first second otherwise, and
    # here each slice waits for the test).
    monkeypatch.setattr(loader, "FIRST_SECONDS", 1e9)
    app = TbtuiApp(root, slice_bytes=1)
    go = threading.Semaphore(0)
    refresh = app.logdir.refresh

    def held_back(*args, **kwargs):
        go.acquire(timeout=30)  # (never stuck for good: a failed test still ends)
        return refresh(*args, **kwargs)

    app.logdir.refresh = held_back
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            runs = app.query_one(RunList)
            go.release(3)
            await tb.wait_for(pilot, lambda: len(_read(app)) == 3, what="three runs read")
            assert _read(app) == set(names[:3])  # the first screen's: the top of the list
            status = lambda: str(app.query_one(StatusBar).render())  # noqa: E731
            await tb.wait_for(pilot, lambda: f"loading 3/{RUNS} runs" in status(), what="the runs counted")

            runs.focus()
            await pilot.press("G")
            await tb.wait_for(pilot, lambda: names[-1] in runs.on_screen(), what="the last rows on screen")
            shown = set(runs.on_screen())
            assert names[60] not in shown  # (the middle of the list is off screen)
            go.release(10)
            await tb.wait_for(pilot, lambda: len(_read(app)) == 13, what="ten more runs read")
            assert _read(app) - set(names[:3]) <= shown
            go.release(10_000)
            await tb.wait_for(pilot, lambda: tb.loaded(app), limit=1200, what="every run read")
            assert _read(app) == set(names)
    finally:
        go.release(10_000)
