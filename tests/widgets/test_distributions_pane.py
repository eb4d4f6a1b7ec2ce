"""Pilot tests of the Distributions tab through the real app: bands, x modes, cursor, runs."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

from tui.app import TbtuiApp
from tui.model.histograms import PackedHistograms, distribution
from tui.render.ticks import format_number, format_x
from tui.tfevents.writer import EventFileWriter
from tui.views.xaxis import x_values
from tui.widgets.distribution_view import DistributionView
from tui.widgets.distributions_pane import DistributionsPane

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
BAND_CHARS = set("▁▂▃▄▅▆▇█▀▔")


async def open_tab(pilot, tb) -> DistributionsPane:
    app = pilot.app
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    await pilot.press("3")
    await tb.wait_for(pilot, lambda: isinstance(app.active_pane, DistributionsPane), what="distributions tab")
    pane = app.active_pane
    await tb.wait_for(pilot, lambda: bool(pane.view.last_lines), what="a first frame")
    pane.tag_list.focus()
    await pilot.pause()
    return pane


def plain(view: DistributionView) -> list[str]:
    return [line.plain for line in view.last_lines]


def readout(view: DistributionView) -> str:
    lines = plain(view)[len(view.last_lines) - view.readout_height :] if view.readout_height else []
    return " ".join(" ".join(lines).split())


def x_labels(view: DistributionView) -> list[str]:
    return plain(view)[-1 - view.readout_height].split()


async def select(pilot, tb, pane: DistributionsPane, tag: str) -> DistributionView:
    assert pane.tag_list.select_tag(tag), f"{tag} not listed"
    view = pane.view
    await tb.wait_for(pilot, lambda: view.tag == tag and tag in plain(view)[0], what=f"{tag} drawn")
    return view


def percentiles(app: TbtuiApp, run: str, tag: str) -> np.ndarray:
    snap = app.logdir.runs[run].histograms[tag].snapshot()
    return distribution(PackedHistograms(snap.rows, snap.offsets))


async def test_torch_distribution_bands_axes_and_readout(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc2.weight")
        assert view.shown_runs == ["runs/lr_0.01"]
        lines = plain(view)
        assert lines[0].split()[:6] == ["■", "E", "lr_0.01", "weights/fc2.weight", "16", "steps"]
        plot = lines[1 : len(lines) - view.readout_height - 2]
        assert all(re.match(r"^ *-?[0-9.]* *[┤│]", row) for row in plot)  # the value axis on the left
        assert sum(ch in BAND_CHARS for row in plot for ch in row) > 500
        assert "└" in lines[-2 - view.readout_height]
        labels = x_labels(view)
        assert labels[0] == "0" and int(labels[-1]) <= 299
        pct = percentiles(app, "runs/lr_0.01", "weights/fc2.weight")[-1]
        text = readout(view)
        assert text.startswith("latest 299 max ")
        for label, col in (("max", 8), ("median", 4), ("16%", 2), ("min", 0)):
            assert f"{label} {format_number(float(pct[col]), 4)}" in text


async def test_x_axis_follows_the_apps_x_mode(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc2.weight")
        run = app.logdir.runs[view.shown_runs[0]]
        await pilot.press("x")
        await tb.wait_for(
            pilot, lambda: view.x_mode == "relative" and view.shown_key is not None, what="relative"
        )
        await tb.wait_for(pilot, lambda: all(lab.endswith("s") for lab in x_labels(view)), what="seconds")
        snap = run.histograms["weights/fc2.weight"].snapshot()
        x = x_values(snap.steps, snap.wall_times, "relative")
        assert x[0] == 0 and f"at {format_x(float(x[-1]), 'relative')}" in readout(view)
        await pilot.press("x")
        await tb.wait_for(pilot, lambda: view.x_mode == "wall", what="wall")
        await tb.wait_for(
            pilot,
            lambda: all(re.fullmatch(r"\d\d:\d\d(:\d\d)?", lab) for lab in x_labels(view)),
            what="clock",
        )
        first = time.strftime("%H:%M", time.localtime(float(snap.wall_times.min())))
        assert x_labels(view)[0][:5] >= first
        await pilot.press("x")
        await tb.wait_for(
            pilot, lambda: view.x_mode == "step" and x_labels(view)[0] == "0", what="steps again"
        )


async def test_cursor_marks_the_axis_and_reads_out_the_step(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "grads/out.bias")
        view.focus()
        await pilot.press("g", "l", "l")
        await tb.wait_for(pilot, lambda: readout(view).startswith("step 40 "), what="cursor at step 40")
        axis = plain(view)[-2 - view.readout_height]
        assert axis.count("▲") == 1
        pct = percentiles(app, view.shown_runs[0], "grads/out.bias")[2]
        assert f"median {format_number(float(pct[4]), 4)}" in readout(view)
        await pilot.press("escape")
        await tb.wait_for(pilot, lambda: readout(view).startswith("latest 299 "), what="cursor hidden")
        assert "▲" not in plain(view)[-2 - view.readout_height]


async def test_run_switching_and_side_by_side_share_the_value_axis(tb):
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(160, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "activations/logits")
        assert view.shown_runs == ["runs/ablation/cnn/lr_0.05"]
        await pilot.press("n")
        await tb.wait_for(pilot, lambda: view.shown_runs == ["runs/lr_0.01"], what="next run")
        await tb.wait_for(pilot, lambda: app.view.focused_run == "runs/lr_0.01", what="runs pane follows")
        await pilot.press("v")
        await tb.wait_for(pilot, lambda: len(view.shown_runs) > 1, what="side by side")
        assert view.shown_runs == ["runs/ablation/cnn/lr_0.05", "runs/lr_0.01"]  # 2 of 3 fit in 90 columns
        assert plain(view)[0].startswith("activations/logits  2 of 3 runs side by side")
        # One value axis for both panels: the same y tick labels at the same rows.
        rows = plain(view)[2 : len(view.last_lines) - view.readout_height - 2]
        half = (len(rows[0]) - 2) // 2
        left = [re.match(r"^ *(-?[0-9.]*)", r[:half]).group(1) for r in rows]
        right = [re.match(r"^ *(-?[0-9.]*)", r[half + 2 :]).group(1) for r in rows]
        assert left == right and any(left)


async def test_tf2_and_tensorboard_native_histograms(tb):
    app = TbtuiApp(str(CORPUS / "tf2"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "probs/kernel/histogram")
        assert view.shown_runs == ["keras/train"]
        assert x_labels(view)[0] == "0" and x_labels(view)[-1] == "2"
    app = TbtuiApp(str(CORPUS / "tb_native"))
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await open_tab(pilot, tb)
        for tag in ("dist/bimodal", "dist/constant_zeros", "dist/empty", "dist/drifting_normal"):
            view = await select(pilot, tb, pane, tag)
            assert "40 steps" in plain(view)[0]
            assert readout(view).startswith("latest ")


async def test_one_step_distribution(tb, tmp_path):
    root = tmp_path / "one"
    with EventFileWriter(str(root / "run"), legacy=True) as w:
        w.add_histogram("w/only", np.random.default_rng(3).normal(size=400), step=5)
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "w/only")
        assert "1 step" in plain(view)[0]
        assert readout(view).startswith("latest 5 max ")
        plot = plain(view)[1 : len(view.last_lines) - view.readout_height - 2]
        assert sum(ch in BAND_CHARS for row in plot for ch in row) > 100  # one step fills the width


async def test_on_sixteen_colours_every_band_is_visible_and_distinct(tb, monkeypatch):
    """On a 16-colour terminal (TERM=screen, TERM=linux) Rich's downgrade made the outermost band
    (min to max) black on the black background and the next two bands one yellow: the bands are
    now four standard colours, none black, no glyph drawn in its own background's colour."""
    import textual.constants
    from rich.color import ColorSystem

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.console.color_system == "standard"
        pane = await open_tab(pilot, tb)
        view = await select(pilot, tb, pane, "weights/fc2.weight")
        colours: set[int] = set()
        same = 0
        for line in view.last_lines[1 : len(view.last_lines) - view.readout_height - 2]:
            for span in line.spans:
                glyphs = set(line.plain[span.start : span.end]) & BAND_CHARS
                style = span.style if not isinstance(span.style, str) else None
                if not glyphs or style is None or style.color is None:
                    continue
                fg = style.color.downgrade(ColorSystem.STANDARD).number
                bg = style.bgcolor.downgrade(ColorSystem.STANDARD).number if style.bgcolor else None
                colours.add(fg)
                same += fg == bg
        assert same == 0
        assert 0 not in colours and len(colours) >= 4, colours
