"""Issue 12 #4: the app opens on the curve users want, `--open` picks another, and the tag, smoothing,
hidden runs and x mode of the last session on a logdir come back (kept in the user's cache directory,
never in the logdir)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tui.app import TbtuiApp
from tui.cli.dispatch import build_parser
from tui.model.logdir import FIRST_SLICE
from tui.tfevents.writer import EventFileWriter
from tui.views.first_screen import preferred_tag, state_path
from tui.widgets.histograms_pane import HistogramsPane
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.tag_list import TagList

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def _files(root: str) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def test_preferred_tag_is_the_longest_curve_named_like_loss() -> None:
    order = ["hparam/best_val_acc", "hparam/final_train_loss", "loss", "train/acc", "train/loss", "val/loss"]
    points = {"hparam/best_val_acc": 12, "hparam/final_train_loss": 12, "train/acc": 3600, "val/loss": 156}
    points |= {"loss": 312, "train/loss": 3600}
    assert preferred_tag(points, order) == "train/loss"
    assert preferred_tag({"a": 1, "b/loss": 1}, ["a", "b/loss"]) == "b/loss"  # only one-point values
    assert preferred_tag({"acc": 5, "hparam/loss": 1}, ["acc", "hparam/loss"]) == "acc"
    assert preferred_tag({}, []) is None
    # A sweep of 55 runs: each run's one-point hparam/loss sums to 55 points, still not a curve.
    sweep = {"hparam/loss": 55, "train/metric_00": 55 * 40}
    assert preferred_tag(sweep, list(sweep), {"hparam/loss": 1, "train/metric_00": 40}) == "train/metric_00"


async def test_a_sweep_opens_on_a_curve_not_its_runs_one_point_hparam_loss(tmp_path, tb) -> None:
    """Twelve runs, each with a one-point hparam/loss and a 3-point curve: the sum (12 points) made
    hparam/loss look like a curve named like loss, and the sweep opened on a chart of dots."""
    for i in range(12):
        with EventFileWriter(str(tmp_path / f"run{i:02d}")) as w:
            w.add_scalar("hparam/loss", 0.5, 0, 1.7e9)
            for s in range(3):
                w.add_scalar("train/acc", 0.1 * s, s, 1.7e9 + s)
    app = TbtuiApp(str(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.pause()
        assert app.query_one(ScalarChart).tag == "train/acc"


async def test_torch_logs_open_on_the_training_loss_not_a_one_point_hparam(tb) -> None:
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.pause()
        tags = app.query_one(TagList)
        assert tags.tags[0].startswith("hparam/")  # what the first row is, and the old first screen
        assert tags.selected_tag == "train/loss"
        assert app.query_one(ScalarChart).tag == "train/loss"


async def test_open_picks_the_tag_by_name_or_regex(tb) -> None:
    args = build_parser()[0].parse_args(["logs", "--tag", "val/acc"])
    assert args.open == "val/acc" and args.tags is None  # --tag is --open, not an abbreviated --tags
    for wanted, expect in (("val/acc", "val/acc"), ("TRAIN/L[r]", "train/lr")):
        app = TbtuiApp(str(CORPUS / "torch_mnist_like"), open_tag=wanted)
        async with app.run_test(size=(120, 40)) as pilot:
            await tb.wait_for(pilot, lambda a=app: tb.loaded(a), what="first load")
            await pilot.pause()
            assert app.query_one(TagList).selected_tag == expect


async def test_choices_come_back_on_the_next_open_and_the_logdir_is_untouched(logdir, tb) -> None:
    before = _files(logdir)
    app = TbtuiApp(logdir, remember=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.pause()
        assert app.query_one(TagList).selected_tag == "train/loss"
        app.query_one(RunList).focus()
        await pilot.press("j", "space")  # hide beta
        app.query_one(TagList).focus()
        await pilot.press("k")  # train/acc
        await pilot.press("s", "s", "x")  # smoothing 0.6 -> 0.9, x: relative
        await pilot.pause()
        assert app.query_one(TagList).selected_tag == "train/acc"
    path = state_path(logdir)
    assert path.startswith(os.environ["XDG_CACHE_HOME"]) and os.path.dirname(path).endswith("tbtui/state")
    assert os.listdir(os.path.dirname(path)) == [os.path.basename(path)]  # no temp file left
    assert _files(logdir) == before

    app = TbtuiApp(logdir, remember=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="reopen")
        await pilot.pause()
        assert app.view.options.smoothing == 0.9 and app.view.options.x_mode == "relative"
        assert app.view.hidden == {"beta"}
        assert app.query_one(TagList).selected_tag == "train/acc"
        assert app.query_one(ScalarChart).tag == "train/acc"
        assert [s.run for s in app.query_one(ScalarChart).sources] == ["alpha", "nested/gamma"]

    # The command line wins over what was remembered.
    app = TbtuiApp(logdir, remember=True, smoothing=0.0, x_mode="step")
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="reopen with flags")
        assert app.view.options.smoothing == 0.0 and app.view.options.x_mode == "step"


async def test_a_corrupt_state_file_is_ignored(logdir, tb) -> None:
    path = state_path(logdir)
    os.makedirs(os.path.dirname(path))
    for junk in (b"\xff{not json", json.dumps({"logdir": logdir, "smoothing": "lots", "hidden": 3}).encode()):
        Path(path).write_bytes(junk)
        app = TbtuiApp(logdir, remember=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await tb.wait_for(pilot, lambda a=app: tb.loaded(a), what="first load")
            await pilot.pause()
            assert app.view.options.smoothing == 0.6 and app.view.hidden == set()
            assert app.query_one(TagList).selected_tag == "train/loss"


async def test_the_pick_waits_for_the_whole_first_pass_not_the_first_slice(tmp_path, tb) -> None:
    """The first push holds one run's first megabyte: a short `train/loss` of the first run must not
    win over a longer `loss` further on (seen on a live run next to a sweep), and the tag list's own
    selection of its first row is not the user choosing."""
    root = str(tmp_path / "logs")
    with EventFileWriter(os.path.join(root, "a_live")) as w:
        for s in range(5):
            w.add_scalar("train/loss", 1.0, s, tb.WALL0 + s)
    with EventFileWriter(os.path.join(root, "b_sweep")) as w:
        for s in range(20_000):  # more than the first slice (1 MiB) before any loss point
            w.add_scalar("acc", 0.5, s, tb.WALL0 + s)
        for s in range(100):
            w.add_scalar("loss", 1.0, s, tb.WALL0 + s)
    assert os.path.getsize(w.path) > FIRST_SLICE
    app = TbtuiApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.pause()
        assert app.query_one(TagList).selected_tag == "loss"
        assert app.query_one(ScalarChart).tag == "loss"


async def test_an_empty_logdir_says_there_are_no_event_files_yet(tmp_path, tb) -> None:
    """An empty logdir showed "No scalar data for the visible runs" and an empty runs pane: nothing
    said that no event file was found, nor what one is. Hidden runs and a tag filter say so too."""
    root = tmp_path / "logs"
    root.mkdir()
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        await tb.wait_for(pilot, lambda: "No event files" in chart_text(chart), what="the empty message")
        assert "tfevents" in chart_text(chart)
        with EventFileWriter(str(root / "run")) as w:
            w.add_scalar("loss", 1.0, 0, tb.WALL0)
        await tb.wait_for(pilot, lambda: chart.tag == "loss", what="the run once written")
        await pilot.press("space")  # the runs pane has the keyboard: hide the only run
        await tb.wait_for(pilot, lambda: "hidden" in chart_text(chart), what="all runs hidden")
        assert "1 run" in chart_text(chart)


def chart_text(chart: ScalarChart) -> str:
    return " ".join(" ".join(strip.text.split()) for strip in chart._strips or [])


async def test_the_histograms_tab_of_an_empty_logdir_says_so_too(tmp_path, tb) -> None:
    root = tmp_path / "logs"
    root.mkdir()
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("2")
        await tb.wait_for(pilot, lambda: isinstance(app.active_pane, HistogramsPane), what="histograms tab")
        view = app.active_pane.view
        await tb.wait_for(
            pilot, lambda: "No event files" in " ".join(t.plain for t in view.last_lines), what="why"
        )
