"""The live app under file-system faults (issue 11, findings 10, 11, 17): what the runs pane and the
status line say, through the real loader thread and change feed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tui.app import TbtuiApp
from tui.widgets.run_list import RunList
from tui.widgets.status_bar import StatusBar


async def started(pilot, tb) -> TbtuiApp:
    app = pilot.app
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    await pilot.pause()
    return app


def rows(app: TbtuiApp) -> dict:
    return {r.name: r for r in app.query_one(RunList).rows}


async def test_a_replaced_file_is_read_afresh_and_a_deleted_run_is_marked(logdir, tmp_path, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        # Replace alpha's file with a longer one (steps 100..149), as a copy tool would.
        new = tb.write_run(str(tmp_path / "elsewhere"), "alpha", 50, start=100)
        (old,) = app.logdir.runs["alpha"].files
        os.replace(new, old)
        await tb.wait_for(pilot, lambda: rows(app)["alpha"].last_step == 149, what="alpha read afresh")
        steps = app.logdir.runs["alpha"].scalars["train/loss"].steps.tolist()
        assert steps == list(range(100, 150))  # no point of the old file is kept
        assert rows(app)["alpha"].damaged
        app.query_one(RunList).select_run("alpha")
        await tb.wait_for(
            pilot,
            lambda: (
                "! alpha: events.out.tfevents" in app.query_one(StatusBar).render().plain
                and "replaced by another file; the run was re-read" in app.query_one(StatusBar).render().plain
            ),
            what="the notice",
        )
        # A deleted run stays listed, marked.
        victim = next(n for n in app.logdir.runs if n != "alpha")
        shutil.rmtree(os.path.join(logdir, victim))
        await tb.wait_for(pilot, lambda: rows(app)[victim].damaged, what="the gone mark")
        app.query_one(RunList).select_run(victim)
        await tb.wait_for(pilot, lambda: "gone" in app.query_one(StatusBar).render().plain, what="gone")


async def test_a_logdir_that_is_a_file_says_so(tmp_path, tb):
    path = tmp_path / "logs"
    path.write_text("not a folder")
    app = TbtuiApp(str(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await tb.wait_for(
            pilot, lambda: "is not a directory" in app.query_one(StatusBar).render().plain, what="the notice"
        )
        assert "does not exist" not in app.query_one(StatusBar).render().plain


async def test_a_file_rewritten_in_place_is_read_afresh_without_another_event(logdir, tmp_path, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        (old,) = app.logdir.runs["alpha"].files
        new = tb.write_run(str(tmp_path / "elsewhere"), "alpha", 50, start=100)
        with open(old, "r+b") as f:  # same inode, other content: only the first record tells
            f.write(Path(new).read_bytes())
        await tb.wait_for(pilot, lambda: rows(app)["alpha"].last_step == 149, what="alpha read afresh")
        assert app.logdir.runs["alpha"].scalars["train/loss"].steps.tolist() == list(range(100, 150))
