"""Issue 12 #8 and run status: each run says live, stalled (for how long) or finished; NaN/inf values are
marked on the chart and counted in the tag list; a truncated file gets its `!` as `summary` reports
it; a "file vanished" notice goes once the run has new data."""

from __future__ import annotations

import math
import os
import time

from tui.app import TbtuiApp
from tui.render.rows import NAN_MARK, POS_INF_MARK
from tui.tfevents.proto import event_pb2
from tui.tfevents.records import VANISHED
from tui.tfevents.writer import EventFileWriter
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.status_bar import StatusBar
from tui.widgets.tag_list import TagList


def _write(
    root: str, run: str, end_wall: float, *, steps: int = 30, values=None, mtime=None, filename=None
) -> str:
    """``steps`` points one second apart ending at ``end_wall``; the file's mtime set to ``mtime``."""
    with EventFileWriter(os.path.join(root, run), file_version=False, filename=filename) as w:
        # The header's wall time too: a real file's is when it was created, not when it was copied.
        w.write_event(event_pb2.Event(wall_time=end_wall - steps, file_version="brain.Event:2"))
        for s in range(steps):
            v = values[s] if values is not None else 1.0 / (s + 1)
            w.add_scalar("loss", v, s, end_wall - (steps - 1 - s))
        path = w.path
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def _rows(app: TbtuiApp) -> dict[str, tuple[str, str, bool]]:
    return {r.name: (r.status, r.since, r.damaged) for r in app.query_one(RunList).rows}


async def test_runs_say_live_stalled_or_finished_and_a_truncated_file_is_marked(tmp_path, tb) -> None:
    root = str(tmp_path / "logs")
    now = time.time()
    _write(root, "fresh", now)
    _write(root, "crashed", now - 12 * 60, mtime=now - 12 * 60)
    _write(root, "old", now - 3 * 86400, mtime=now - 3 * 86400)
    _write(root, "copied", now - 3 * 86400)  # copied today: a fresh mtime, old events
    torn = _write(root, "torn", now - 5 * 60, mtime=now - 5 * 60)
    with open(torn, "r+b") as f:  # the last record cut short
        f.truncate(os.path.getsize(torn) - 7)
    os.utime(torn, (now - 5 * 60, now - 5 * 60))
    app = TbtuiApp(root, slice_bytes=512)  # history read in many slices is still history, not growth
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.pause()
        rows = _rows(app)
        assert rows["fresh"] == ("live", "live", False)
        assert rows["crashed"] == ("stalled", "12m", False)
        assert rows["old"] == ("finished", "done", False)
        assert rows["copied"] == ("finished", "done", False)
        assert rows["torn"][2]  # a file cut short 5 minutes ago is damage now, not in 10 minutes
        run_list = app.query_one(RunList)
        texts = [run_list.render_row(i, 30, run_list.rich_style).plain for i in range(run_list.row_count())]
        assert any("12m" in t and "crashed" in t for t in texts), texts
        assert any(t.rstrip().endswith("!") and "torn" in t for t in texts), texts
        run_list.focus()
        run_list.select_run("crashed")
        await pilot.pause()
        notice = app.query_one(StatusBar).info.notice
        assert "crashed: stalled: no new event for 12 min (it logged every 1 s)" in notice


async def test_a_diverged_run_is_marked_on_the_chart_and_counted_in_the_tag_list(tmp_path, tb) -> None:
    root = str(tmp_path / "logs")
    now = time.time()
    values = [1.0 / (s + 1) for s in range(30)]
    values[10], values[20], values[25] = math.nan, math.inf, math.nan
    _write(root, "diverged", now, values=values)
    _write(root, "fine", now)
    app = TbtuiApp(root, smoothing=0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.pause()
        tags = app.query_one(TagList)
        row = tags.render_row(0, 34, tags.rich_style).plain
        assert f"{NAN_MARK}3" in row, row
        chart = app.query_one(ScalarChart)
        plot = [ln.plain for ln in chart.last.lines]
        top, bottom = chart.last.plot_top, chart.last.plot_top + chart.last.plot_height - 1
        assert plot[bottom].count(NAN_MARK) == 2 and POS_INF_MARK in plot[top], "\n".join(plot)
        # The count is of the visible runs: hiding the diverged one takes it away, showing it back.
        for shown in (False, True):
            app.view.toggle_run("diverged")
            app.push()
            await pilot.pause()
            row = tags.render_row(0, 34, tags.rich_style).plain
            assert (f"{NAN_MARK}3" in row) == shown, row


async def test_a_vanished_file_notice_goes_once_the_run_has_new_data(tmp_path, tb) -> None:
    root = str(tmp_path / "logs")
    now = time.time()
    first = _write(root, "run", now, steps=5)
    app = TbtuiApp(root, poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        run = app.logdir.runs["run"]
        reader = run.files[first]
        with open(first, "ab") as f:
            f.write(b"\x00" * 3)  # a torn tail: the reader keeps this file as its current one
        await tb.wait_for(pilot, lambda: reader.tail == 3, what="the torn tail")
        os.remove(first)
        await tb.wait_for(
            pilot, lambda: any(VANISHED in p for p in app.logdir.runs["run"].problems), what="vanished"
        )
        # The writer's next file: a later name (never the vanished file's, whatever the clock says).
        _write(root, "run", now + 10, steps=5, filename=os.path.basename(first) + ".2")
        await tb.wait_for(
            pilot,
            lambda: app.logdir.runs["run"].point_count() == 10 and not _rows(app)["run"][2],
            what="new data and no mark",
        )
        assert not any(VANISHED in p for p in app.logdir.runs["run"].problems)


async def test_the_status_word_says_what_the_runs_do(tmp_path, tb) -> None:
    """The status bar said "live" (the loader watching for changes) with every run done; its word
    now sums up the listed runs as the runs pane shows them: idle, stalled, live."""
    root = str(tmp_path / "logs")
    now = time.time()
    _write(root, "old", now - 3 * 86400, mtime=now - 3 * 86400)
    _write(root, "older", now - 4 * 86400, mtime=now - 4 * 86400)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        bar = app.query_one(StatusBar)
        await tb.wait_for(pilot, lambda: bar.info.state == "idle", what=f"idle, not {bar.info.state!r}")
        assert " idle " in bar.render().plain and "live" not in bar.render().plain
        _write(root, "crashed", now - 12 * 60, mtime=now - 12 * 60)
        await tb.wait_for(pilot, lambda: bar.info.state == "stalled", what=f"stalled, not {bar.info.state!r}")
        _write(root, "fresh", time.time())
        await tb.wait_for(pilot, lambda: bar.info.state == "live", what=f"live, not {bar.info.state!r}")
        app.view.run_regex = "^old"  # the word follows the runs listed
        app.push()
        assert bar.info.state == "idle"
