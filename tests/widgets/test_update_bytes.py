"""Issue 12 #7: a live step repaints only what changed, so an update costs few bytes on the wire.

The bytes counted are exactly what Textual would write to the terminal for each screen update
(``CompositorUpdate.render_segments``, captured in ``App._display`` under Pilot), so the budget is
asserted without a pty and without timing: each step is written, the test waits until the runs pane
shows it and the screen has caught up, and counts what was rendered since the write.
"""

from __future__ import annotations

import itertools
import math

import pytest
from rich.segment import Segment
from rich.style import Style
from textual._compositor import CompositorUpdate
from textual.geometry import Region
from textual.strip import Strip

from tui.app import TbtuiApp
from tui.render.chart import snap_y_range
from tui.tfevents.writer import EventFileWriter
from tui.views.xaxis import live_x_domain
from tui.widgets.line_widget import changed_regions
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart

BUDGET = 2048  # bytes per one-step update of a one-tag run (the target at 120x40)


def loss(step: int) -> float:
    """benchmarks/terminal_bytes.py's loss: decaying, with deterministic noise."""
    noise = math.sin(step * 12.9898) * 43758.5453 % 1.0 - 0.5
    return 0.15 + 2.0 * math.exp(-step / 300.0) + 0.08 * noise


class Wire:
    """Counts the bytes of every screen update the app renders."""

    def __init__(self, app: TbtuiApp) -> None:
        self.bytes = 0
        display = app._display

        def counting(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.bytes += len(renderable.render_segments(app.console).encode("utf-8"))
            display(screen, renderable)

        app._display = counting  # type: ignore[method-assign]

    def take(self) -> int:
        n, self.bytes = self.bytes, 0
        return n


async def caught_up(pilot, tb, condition) -> None:
    await tb.wait_for(pilot, condition, what="the new step on screen")
    for _ in range(3):  # the refresh the push asked for, and anything it set off
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_live_step_costs_under_2_kb_and_idle_costs_nothing(tmp_path, tb, size):
    # 201 points: x 0..200 takes the live domain 0..250, so the next ten steps fit in it.
    writer = EventFileWriter(str(tmp_path / "logs" / "run"), legacy=True)
    for s in range(201):
        writer.add_scalar("loss", loss(s), s, 1e9 + s)
    writer.flush()
    app = TbtuiApp(str(tmp_path / "logs"))
    wire = Wire(app)
    async with app.run_test(size=size) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        await tb.wait_for(pilot, lambda: chart.last is not None, what="the chart")
        for _ in range(5):
            await pilot.pause()
        wire.take()
        per_update = []
        for step in range(201, 211):
            writer.add_scalar("loss", loss(step), step, 1e9 + step)
            writer.flush()
            await caught_up(pilot, tb, lambda step=step: app.query_one(RunList).rows[0].last_step == step)
            per_update.append(wire.take())
            assert chart.last is not None and chart.last.x_range == (0.0, 250.0)
        # A step that lands in a cell already drawn, within the status clock's second, costs nothing.
        assert all(n < BUDGET for n in per_update) and sum(per_update) > 0, per_update
        # Idle: nothing changes, nothing is written.
        for _ in range(10):
            await pilot.pause(0.02)
        assert wire.take() == 0
    writer.close()


def test_the_live_x_domain_grows_by_steps_and_never_shrinks():
    ends = [live_x_domain(0.0, float(hi))[1] for hi in range(1, 20_001)]
    assert all(end > hi for hi, end in zip(range(1, 20_001), ends, strict=True))  # headroom, always
    assert all(b >= a for a, b in itertools.pairwise(ends))  # monotone: no flicker back
    assert len(set(ends)) <= 45  # ten spans a decade: 20,000 appended points rescale ~45 times
    assert live_x_domain(1000.0, 1200.0) == (1000.0, 1250.0)  # counted from the first x
    assert live_x_domain(5.0, 5.0) == (5.0, 5.0)  # one point: the chart pads it as before


def test_a_snapped_y_range_moves_only_when_the_data_crosses_a_quantum():
    lows = [snap_y_range(0.15 + 2.0 * math.exp(-s / 300.0), 2.2)[0] for s in range(200, 260)]
    assert len(set(lows)) <= 3  # a falling loss moves the floor a few times, not every step
    lo, hi = snap_y_range(0.123, 0.987)
    assert lo <= 0.123 and hi >= 0.987 and (lo, hi) == (0.1, 1.0)
    lo, hi = snap_y_range(0.003, 40.0, log_y=True)
    assert lo <= 0.003 and hi >= 40.0


def test_changed_regions_are_the_cells_that_differ():
    old = [Strip.blank(10), Strip.blank(10)]
    red = Style(color="red")
    new = [Strip.blank(10), Strip([Segment("   "), Segment("ab", red), Segment("     ")], 10)]
    assert changed_regions(old, new) == [Region(3, 1, 2, 1)]
    assert changed_regions(old, old) == []
    assert changed_regions(old, [Strip.blank(9), Strip.blank(10)]) is None  # resized: repaint all
    restyled = [
        Strip.blank(10),
        Strip([Segment("   "), Segment("ab", Style(color="blue")), Segment("     ")], 10),
    ]
    assert changed_regions(new, restyled) == [Region(3, 1, 2, 1)]  # colour alone counts
    wide = [Strip.blank(10), Strip([Segment("名前"), Segment("x"), Segment("     ")], 10)]
    wider = [Strip.blank(10), Strip([Segment("名前"), Segment("y"), Segment("     ")], 10)]
    assert changed_regions(wide, wider) == [Region(4, 1, 1, 1)]  # cells, not characters
