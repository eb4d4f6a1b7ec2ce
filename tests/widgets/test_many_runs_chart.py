"""A chart of hundreds of runs is drawn off the event loop: ``j`` in the tag list moves the cursor at
once and the chart follows with the next tag's lines (no timing asserted: it waits for the frame)."""

from __future__ import annotations

import os
import threading
from dataclasses import replace

import numpy as np

from tui.app import TbtuiApp
from tui.render.chart import legend_line
from tui.tfevents.writer import EventFileWriter
from tui.views.cache import SmoothCache
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import (
    BACKGROUND_LOADING_RUNS,
    BACKGROUND_RUNS,
    ScalarChart,
    _Request,
    build_chart,
)
from tui.widgets.tag_list import TagList

RUNS = BACKGROUND_RUNS + 50  # enough that the chart is drawn by its worker


def _write(root: str, runs: int = RUNS) -> None:
    steps = np.arange(12)
    for r in range(runs):
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


async def test_a_run_toggled_among_hundreds_shows_in_the_legend_at_once_and_the_lines_follow(
    tmp_path, tb, monkeypatch
):
    """``space`` in the runs pane: the chart's legend (who is charted, ``+N``) changes with the key,
    over the lines on screen while the worker draws the new ones (held here until the legend is
    seen); the frame the worker brings is the chart a draw from nothing shows, legend row unchanged."""
    root = str(tmp_path / "logs")
    _write(root)
    gate = threading.Event()
    gate.set()
    build = _Request.build

    def held(self, *args, **kwargs):
        gate.wait(60)  # set again by the test (or at its end, should it fail)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(_Request, "build", held)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart, runs = app.query_one(ScalarChart), app.query_one(RunList)
        await tb.wait_for(pilot, lambda: _charting(chart, "a/first"), what="first chart")
        try:
            runs.focus()
            await pilot.pause()
            row, w = chart.last.plot_top - 1, chart.last.width
            before = chart._texts[row].plain
            assert before == legend_line(chart.last_series, w).plain and "lr_0000" in before
            for shown in (RUNS - 1, RUNS):
                gate.clear()
                await pilot.press("space")
                want = legend_line([s for s in chart.sources if len(s.series)], w)
                await tb.wait_for(pilot, lambda: chart._texts[row] == want, what="the new legend")  # noqa: B023
                assert len(chart.last_series) != shown  # the lines on screen are still the last frame's
                assert ("lr_0000" in want.plain) == (shown == RUNS)
                strip = chart._strips[row]
                gate.set()
                await tb.wait_for(pilot, lambda: len(chart.last_series) == shown, what="the new lines")  # noqa: B023
                fresh = build_chart(
                    chart.tag, chart.sources, chart.options, w, chart.last.height, cache=SmoothCache()
                )
                assert chart.last.plain() == fresh[0].plain()
                assert chart._strips[row] is strip  # the legend the key showed is the frame's
            assert chart._texts[row].plain == before
        finally:
            gate.set()  # a failure leaves no worker waiting


async def test_while_the_first_pass_reads_a_chart_of_many_runs_is_drawn_by_the_worker(tmp_path, tb):
    """A chart of more than BACKGROUND_LOADING_RUNS runs (a light one, drawn in place once loaded)
    is drawn by the worker while the first pass reads: its frames follow the loader's slices, and a
    key must not wait behind them. The frame it draws is the one drawing in place gives."""
    runs = BACKGROUND_LOADING_RUNS + 10
    root = str(tmp_path / "logs")
    _write(root, runs)
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        await tb.wait_for(
            pilot, lambda: chart.last is not None and len(chart.last_series) == runs, what="chart"
        )
        tag, sources = chart.tag, chart.sources
        w, h = chart.size.width, chart.size.height
        # As a push of the first pass hands it (the frame key changes: here the smoothing).
        smoother = replace(chart.options, smoothing=0.9)
        chart.show(tag, sources, smoother, loading=True)
        assert chart._requests.busy  # offered to the worker, not drawn on the event loop
        want = build_chart(tag, sources, smoother, w, h, cache=SmoothCache())[0].plain()
        await tb.wait_for(pilot, lambda: chart.last is not None and chart.last.plain() == want, what="frame")
        # Once the pass is read, the same light chart is drawn in place, as part of the push.
        chart.show(tag, sources, chart.options.with_smoothing(0.2))
        assert not chart._requests.busy
        want = build_chart(tag, sources, chart.options, w, h, cache=SmoothCache())[0].plain()
        assert chart.last.plain() == want
