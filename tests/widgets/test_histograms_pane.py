"""Pilot tests of the Histograms tab through the real app: tags, modes, cursor, runs, live data."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import numpy as np
from rich.color import Color
from rich.style import Style

from tui.app import TbtuiApp
from tui.model.histograms import histogram_stats
from tui.render.ridgeline import CURSOR_COLOR
from tui.render.ticks import format_number
from tui.render.ticks import slice_labels as labels_for
from tui.tfevents.writer import EventFileWriter
from tui.views.cache import HistogramData
from tui.widgets.histogram_view import HistogramView
from tui.widgets.histograms_pane import HistogramsPane, latest_shape
from tui.widgets.run_list import RunList

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


async def open_tab(pilot, tb, key: str = "2") -> HistogramsPane:
    app = pilot.app
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    await pilot.press(key)
    await tb.wait_for(pilot, lambda: isinstance(app.active_pane, HistogramsPane), what="histograms tab")
    pane = app.active_pane
    await tb.wait_for(pilot, lambda: bool(pane.view.last_lines), what="a first frame")
    pane.tag_list.focus()  # the pane's keys work while focus is inside it (the app starts in the runs pane)
    await pilot.pause()
    return pane


async def select(pilot, tb, pane: HistogramsPane, tag: str) -> HistogramView:
    assert pane.tag_list.select_tag(tag), f"{tag} not listed"
    view = pane.view
    await tb.wait_for(pilot, lambda: view.tag == tag and tag in plain(view)[0], what=f"{tag} drawn")
    return view


def plain(view: HistogramView) -> list[str]:
    return [line.plain for line in view.last_lines]


def readout(view: HistogramView) -> str:
    lines = plain(view)[len(view.last_lines) - view.readout_height :] if view.readout_height else []
    return " ".join(" ".join(lines).split())


def slice_labels(view: HistogramView) -> list[str]:
    """Step labels at the right end of the plot rows (the ridgeline labels each slice's baseline)."""
    out = []
    for line in plain(view)[1 : len(view.last_lines) - view.readout_height - 2]:
        words = line.split()
        if words and words[-1].isdigit() and line.rstrip().endswith(words[-1]) and len(words) > 1:
            out.append(words[-1])
    return out


async def test_torch_legacy_histograms_are_listed_grouped_and_drawn(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        groups = dict(pane.tag_list.groups)
        assert set(groups) == {"activations", "grads", "weights"}
        assert "weights/fc1.weight" in groups["weights"] and "weights/conv1.weight" in groups["weights"]
        view = await select(pilot, tb, pane, "weights/fc1.weight")
        # The focused run (the CNN, first in the runs pane) has no fc1: the first run that has it shows.
        assert app.view.focused_run == "runs/ablation/cnn/lr_0.05"
        assert view.shown_runs == ["runs/lr_0.01"]
        lines = plain(view)
        assert lines[0].split() == ["■", "E", "lr_0.01", "weights/fc1.weight", "offset", "·", "16", "steps"]
        labels = slice_labels(view)
        assert labels[0] == "0" and labels[-1] == "299" and len(labels) >= 8
        assert view.readout_height in (1, 2)  # the readout wraps rather than crop at this width
        assert "┬" in lines[-2 - view.readout_height]  # the value axis, its labels, then the readout
        snap = app.logdir.runs["runs/lr_0.01"].histograms["weights/fc1.weight"].snapshot()
        stats = histogram_stats(snap.histogram(len(snap) - 1))
        assert readout(view).startswith(f"latest 299 min {format_number(stats.min, 4)} ")
        assert f"count {int(stats.count):,}" in readout(view)
        assert f"std {format_number(stats.std, 4)}" in readout(view)


async def test_mode_toggle_between_offset_and_overlay(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc2.weight")
        offset = plain(view)
        assert not any(ch in BRAILLE for line in offset for ch in line)
        await pilot.press("m")
        await tb.wait_for(pilot, lambda: " overlay · " in plain(view)[0], what="overlay")
        assert view.mode == "overlay"
        assert sum(ch in BRAILLE for line in plain(view) for ch in line) > 50
        await pilot.press("m")
        await tb.wait_for(pilot, lambda: " offset · " in plain(view)[0], what="offset again")
        assert plain(view) == offset


def right_labels(view: HistogramView) -> list[str]:
    """Whatever names the slices at the right end of the plot rows (steps, times or clock times)."""
    out = []
    for line in plain(view)[1 : len(view.last_lines) - view.readout_height - 2]:
        words = line.split()
        plot_chars = set(words[-1]) & (BRAILLE | set("▁▂▃▄▅▆▇█")) if words else set()
        if len(words) > 1 and not plot_chars and line.rstrip().endswith(words[-1]):
            out.append(words[-1])
    return out


SECONDS = re.compile(r"\d+(\.\d+)?s")
CLOCK = re.compile(r"\d\d:\d\d:\d\d")


async def test_slice_labels_and_readout_follow_the_apps_x_mode(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc1.weight")
        run = app.logdir.runs[view.shown_runs[0]]
        snap = run.histograms["weights/fc1.weight"].snapshot()
        since = snap.wall_times - snap.wall_times[0]
        steps = right_labels(view)
        assert steps[0] == "0" and steps[-1] == "299" and len(steps) == len(set(steps)) >= 8

        await pilot.press("x")
        await tb.wait_for(
            pilot,
            lambda: app.view.options.x_mode == "relative" and view.x_mode == "relative",
            what="relative",
        )
        await tb.wait_for(pilot, lambda: right_labels(view) != steps, what="relabelled")
        rel = right_labels(view)
        assert len(rel) == len(steps) and all(SECONDS.fullmatch(lab) for lab in rel), rel
        secs = [float(lab[:-1]) for lab in rel]
        assert secs == sorted(secs) and secs[0] < 0.05  # the first histogram comes right at the start
        assert abs(secs[-1] - float(since[-1])) <= 0.01 and secs[-1] > 1.0  # about 1.6 s in
        assert readout(view).startswith(f"latest 299 at {rel[-1]} min ")

        view.focus()  # the cursor's readout names the cursor slice's time, as its label does
        await pilot.press("g")
        await tb.wait_for(pilot, lambda: readout(view).startswith("step 0 at "), what="cursor on step 0")
        assert readout(view).startswith(f"step 0 at {rel[0]} min ")
        await pilot.press("escape")

        await pilot.press("m")  # the overlay's legend: newest, then oldest
        await tb.wait_for(pilot, lambda: " overlay · " in plain(view)[0], what="overlay")
        assert right_labels(view) == [rel[-1], rel[0]]
        await pilot.press("m")

        await pilot.press("x")
        await tb.wait_for(pilot, lambda: view.x_mode == "wall", what="wall")
        await tb.wait_for(pilot, lambda: " offset · " in plain(view)[0], what="offset again")
        await tb.wait_for(pilot, lambda: right_labels(view) != rel, what="clock labels")
        clock = right_labels(view)
        assert len(clock) == len(steps) and all(CLOCK.fullmatch(lab) for lab in clock), clock
        assert clock == sorted(clock)
        assert clock[-1] == time.strftime("%H:%M:%S", time.localtime(float(snap.wall_times[-1])))
        assert readout(view).startswith(f"latest 299 at {clock[-1]} min ")

        await pilot.press("x")
        await tb.wait_for(pilot, lambda: view.x_mode == "step" and right_labels(view) == steps, what="steps")
        assert readout(view).startswith("latest 299 min ")


def test_slice_labels_per_x_mode():
    steps = np.array([0, 10, 20, 30])
    walls = 1_700_000_000.0 + np.array([0.004, 12.3, 60.0, 125.0])
    assert labels_for(steps, walls, "step") is None
    rel = labels_for(steps, walls, "relative")  # time counts from the series' first point
    assert list(rel) == ["0s", "12s", "1m", "2.08m"]  # rounded to a hundredth of the span: 1 s here
    assert rel[-1] == "2.08m" and rel[1:3] == ["12s", "1m"]
    wall = labels_for(steps, walls, "wall")
    assert [wall[i] for i in range(4)] == [time.strftime("%H:%M:%S", time.localtime(float(w))) for w in walls]
    days = labels_for(steps, walls + np.array([0, 0, 0, 3 * 86400]), "wall")
    assert days[3] == time.strftime("%m-%d %H:%M", time.localtime(float(walls[3] + 3 * 86400)))
    assert labels_for(steps[:0], walls[:0], "wall") is None


async def test_step_cursor_moves_through_steps_and_reads_out_stats(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc1.bias")
        view.focus()
        await pilot.press("G")
        await tb.wait_for(
            pilot, lambda: readout(view).startswith("step 299 "), what="cursor on the last step"
        )
        assert view.cursor_step == 299
        await pilot.press("h", "h")
        await tb.wait_for(pilot, lambda: readout(view).startswith("step 260 "), what="two steps back")
        snap = app.logdir.runs[view.shown_runs[0]].histograms["weights/fc1.bias"].snapshot()
        stats = histogram_stats(snap.histogram(int(np.flatnonzero(snap.steps == 260)[0])))
        for name in ("min", "max", "mean", "std"):
            assert f"{name} {format_number(getattr(stats, name), 4)}" in readout(view)
        # The cursor slice is drawn (and its step label coloured) in the cursor colour.
        row = next(line for line in view.last_lines if line.plain.rstrip().endswith(" 260"))
        colors = {span.style.color for span in row.spans if hasattr(span.style, "color")}
        assert Color.parse(CURSOR_COLOR) in colors
        await pilot.press("L")  # ten steps on, clamped at the last
        await tb.wait_for(pilot, lambda: view.cursor_step == 299, what="clamped at the end")
        await pilot.press("g", "l")
        await tb.wait_for(pilot, lambda: view.cursor_step == 20, what="second step")
        await pilot.press("escape")
        await tb.wait_for(pilot, lambda: readout(view).startswith("latest 299 "), what="cursor hidden")
        # Up and down walk the tags, as in the Scalars chart.
        await pilot.press("j")
        await tb.wait_for(pilot, lambda: view.tag == "weights/fc1.weight", what="next tag")


async def test_switching_and_side_by_side_runs(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc1.weight")
        assert view.shown_runs == ["runs/lr_0.01"]
        await pilot.press("n")
        await tb.wait_for(pilot, lambda: view.shown_runs == ["runs/lr_0.1"], what="next run")
        # The runs pane follows, so the whole app agrees on the focused run.
        await tb.wait_for(pilot, lambda: app.view.focused_run == "runs/lr_0.1", what="focus follows")
        assert app.query_one(RunList).current_run == "runs/lr_0.1"
        await pilot.press("n")  # wraps around the runs that hold the tag
        await tb.wait_for(pilot, lambda: view.shown_runs == ["runs/lr_0.01"], what="wrapped")
        await pilot.press("N")
        await tb.wait_for(pilot, lambda: view.shown_runs == ["runs/lr_0.1"], what="previous run")
        # Moving the runs pane highlight directly also switches the plot.
        app.query_one(RunList).select_run("runs/lr_0.01")
        await tb.wait_for(pilot, lambda: view.shown_runs == ["runs/lr_0.01"], what="runs pane focus")

        await pilot.press("v")
        await tb.wait_for(pilot, lambda: len(view.shown_runs) == 2, what="side by side")
        assert view.shown_runs == ["runs/lr_0.01", "runs/lr_0.1"]
        lines = plain(view)
        assert lines[0].startswith("weights/fc1.weight  2 runs side by side")
        assert "E lr_0.01" in lines[1] and "J lr_0.1" in lines[1]
        # Both panels share one value axis: the label row is the same text twice.
        labels = lines[-1 - view.readout_height]
        half = (len(labels) - 2) // 2
        assert labels[:half].split() == labels[half + 2 :].split()
        await pilot.press("v")
        await tb.wait_for(pilot, lambda: view.shown_runs == ["runs/lr_0.01"], what="single again")


async def test_tf2_tensor_histograms_show(tb):
    app = TbtuiApp(str(CORPUS / "tf2"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        assert "dense/kernel/histogram" in pane.tag_list.tags
        assert "weights/sequential/hidden/kernel" in pane.tag_list.tags  # tf.summary in a custom loop
        view = await select(pilot, tb, pane, "dense/kernel/histogram")
        assert view.shown_runs == ["keras/train"]
        assert plain(view)[0].split()[1:8] == [
            "B",
            "keras/train",
            "dense/kernel/histogram",
            "offset",
            "·",
            "3",
            "steps",
        ]
        assert slice_labels(view) == ["0", "1", "2"]
        # Glorot-uniform kernels: the newest slice fills most of the value axis, not a single spike.
        last_row = next(line for line in plain(view) if line.rstrip().endswith(" 2"))
        assert last_row.count("█") > 0.5 * len(last_row)


async def test_tensorboardx_histograms_show(tb):
    app = TbtuiApp(str(CORPUS / "tbx"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "param/hidden.weight")
        assert view.shown_runs == ["exp/adam_lr1e-2"]
        assert "20 steps" in plain(view)[0]
        view = await select(pilot, tb, pane, "raw/predicted_prob")  # add_histogram_raw
        assert "20 steps" in plain(view)[0]


async def test_one_step_tag(tb, tmp_path):
    root = tmp_path / "one"
    with EventFileWriter(str(root / "run")) as w:
        w.add_histogram("w/only", np.random.default_rng(1).normal(size=500), step=7)
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "w/only")
        assert "1 step " in plain(view)[0] + " "
        assert slice_labels(view) == ["7"]
        assert readout(view).startswith("latest 7 ")
        await pilot.press("m")
        await tb.wait_for(pilot, lambda: " overlay · " in plain(view)[0], what="overlay of one step")
        view.focus()
        await pilot.press("l")
        await tb.wait_for(pilot, lambda: readout(view).startswith("step 7 "), what="cursor on the step")


async def test_thousands_of_steps_and_live_appends(tb, tmp_path):
    root = tmp_path / "long"
    rng = np.random.default_rng(2)
    w = EventFileWriter(str(root / "run"))
    for s in range(3000):
        w.add_histogram("weights/w", rng.normal(s / 3000, 1.0, 64), step=s, wall_time=1e9 + s)
    w.flush()
    try:
        app = TbtuiApp(str(root))
        async with app.run_test(size=(140, 40)) as pilot:
            pane = await open_tab(pilot, tb)
            view = await select(pilot, tb, pane, "weights/w")
            assert "3,000 steps" in plain(view)[0]
            labels = slice_labels(view)
            assert labels[0] == "0" and labels[-1] == "2999"
            assert len(labels) <= 36  # at most one slice a row
            view.focus()
            await pilot.press("G", "H")
            await tb.wait_for(pilot, lambda: view.cursor_step == 2989, what="ten steps back")
            assert "2989" in slice_labels(view)  # the cursor step is always one of the slices

            # New steps arrive while the tab is open: the plot follows without a key press.
            for s in range(3000, 3010):
                w.add_histogram("weights/w", rng.normal(1.0, 1.0, 64), step=s, wall_time=1e9 + s)
            w.flush()
            await tb.wait_for(pilot, lambda: "3,010 steps" in plain(view)[0], what="live steps", limit=600)
            assert slice_labels(view)[-1] == "3009"
    finally:
        w.close()


async def test_big_uncached_series_is_prepared_in_a_worker(tb, tmp_path):
    root = tmp_path / "big"
    with EventFileWriter(str(root / "run")) as w:
        for s in range(200):
            w.add_histogram("h", np.random.default_rng(s).normal(size=100), step=s)
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = pane.view
        await tb.wait_for(pilot, lambda: "200 steps" in plain(view)[0], what="first frame")
        before = plain(view)
        view.offload_rows = 0  # everything counts as big now
        view.data = HistogramData()  # and nothing is cached
        prepared_on: list[str] = []
        prepare = view.prepare

        def recording(panels):
            prepared_on.append(threading.current_thread().name)
            return prepare(panels)

        view.prepare = recording
        await pilot.press("m", "m")  # two redraws; the first starts a worker
        main = threading.main_thread().name
        await tb.wait_for(pilot, lambda: any(n != main for n in prepared_on), what="a worker")
        await tb.wait_for(pilot, lambda: plain(view) == before, what="the worker's frame")


async def test_tag_rows_show_the_newest_histograms_shape(tb):
    app = TbtuiApp(str(CORPUS / "tf2"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        info = pane.tag_list.info("dense/kernel/histogram", 8)  # what the tag's row draws
        snap = app.logdir.runs["keras/train"].histograms["dense/kernel/histogram"].snapshot()
        assert info.spark == latest_shape(snap.histogram(2), 8)
        assert len(info.spark) == 8 and set(info.spark) <= set("▁▂▃▄▅▆▇█")


async def test_hostile_tag_names_are_inert(tb, tmp_path):
    root = tmp_path / "hostile"
    with EventFileWriter(os.path.join(str(root), "run\x1b[31m")) as w:
        w.add_histogram("evil\x1b]52;c;AAAA\x07/w", np.arange(10.0), step=0)
    app = TbtuiApp(str(root))
    async with app.run_test(size=(140, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = pane.view
        await tb.wait_for(pilot, lambda: "evil" in plain(view)[0], what="the hostile tag drawn")
        assert "\x1b" not in "".join(plain(view)) and "\x07" not in "".join(plain(view))
        assert "evil\\x1b]52;c;AAAA\\x07/w" in plain(view)[0] and "run\\x1b[31m" in plain(view)[0]
        # The tags list shows the same visible escapes, and selecting it still finds the logged tag.
        assert pane.tag_list.tags == ["evil\\x1b]52;c;AAAA\\x07/w"]
        assert pane.selected_tag == "evil\x1b]52;c;AAAA\x07/w"
        rows = [pane.tag_list.render_row(i, 40, Style()).plain for i in range(pane.tag_list.row_count())]
        assert not any("\x1b" in row or "\x07" in row for row in rows)


async def test_a_failing_worker_is_a_message_not_a_crash_or_a_retry_loop(tb, tmp_path):
    root = tmp_path / "fail"
    with EventFileWriter(str(root / "run")) as w:
        for s in range(20):
            w.add_histogram("h", np.random.default_rng(s).normal(size=100), step=s)
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = pane.view
        await tb.wait_for(pilot, lambda: "20 steps" in plain(view)[0], what="first frame")

        calls: list[int] = []

        def broken(panels):
            calls.append(1)
            raise ValueError("bad buckets")

        view.prepare = broken
        view.offload_rows = 0
        view.data = HistogramData()
        await pilot.press("m")
        await tb.wait_for(pilot, lambda: any("bad buckets" in line for line in plain(view)), what="the error")
        workers = len(calls)
        await pilot.press("m", "m")
        await pilot.pause()
        assert len(calls) == workers and any("ValueError: bad buckets" in line for line in plain(view))


async def test_a_narrow_histogram_title_keeps_the_mode(tb):
    """Beside the runs and tags panes the title ended "20 steps  · of…": the mode m switches was cut."""
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc1.weight")
        title = plain(view)[0]
        assert "offset" in title and "E lr_0.01" in title, title


async def test_the_title_names_the_run_as_the_runs_pane_does_and_cuts_the_name_not_the_count(tb):
    """At 120 columns the title read "■ runs/ablation/cnn/lr_0.05  activations/logits  …": the run's
    full name (the runs pane and legend show it without the shared "runs/" and with its marker) took
    the room, and the mode and step count were cut."""
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "activations/logits")
        assert view.shown_runs == ["runs/ablation/cnn/lr_0.05"]
        title = plain(view)[0].rstrip()
        assert title.startswith("■ A ") and "runs/" not in title, title
        assert title.endswith(("offset", "offset · 16 steps")) and "activations/logits" in title, title
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(160, 30)) as pilot:  # room enough: the whole label
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "activations/logits")
        assert plain(view)[0].split()[:4] == ["■", "A", "ablation/cnn/lr_0.05", "activations/logits"]
