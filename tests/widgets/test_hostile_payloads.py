"""Hostile payloads through every tab (issue 11): each is a message on screen, never a crash.

One logdir holds a run per kind of damage, written with tensorboardX's own summary functions and then
bent where a broken or hostile writer would bend them: histograms with bucket arrays that disagree,
negative counts, NaN edges and no bucket at all; a graph with a cycle, missing inputs, huge attribute
tensors and 10,000 nested scopes; hparams whose payload does not parse or whose values are lists; PR
curve tensors of the wrong shape; a mesh whose faces point past its vertices; audio whose WAV bytes
are garbage. The app visits each tab with the damaged run focused and must say what is wrong while
drawing the rest. The last tests make a renderer raise outright, which the panes' one guard
(:mod:`tui.widgets.pane`) and the line widgets' turn into a named notice.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from tensorboardX import summary as tbx

from tui.app import TABS, TbtuiApp
from tui.tfevents.proto import event_pb2, graph_pb2, hparams_pb2, summary_pb2, tensor_pb2
from tui.tfevents.writer import EventFileWriter
from tui.widgets.run_list import RunList
from tui.widgets.status_bar import StatusBar

TAB_KEY = {spec.id: str(n % 10) for n, spec in enumerate(TABS, start=1)}


def ours(tbx_summary) -> summary_pb2.Summary:
    """A tensorboardX Summary as this project's proto (same wire format)."""
    return summary_pb2.Summary.FromString(tbx_summary.SerializeToString())


def write(root, run: str, summaries: list[tuple[int, summary_pb2.Summary]]) -> None:
    with EventFileWriter(os.path.join(root, run)) as w:
        for step, s in summaries:
            ev = event_pb2.Event(step=step, wall_time=1.7e9 + step)
            ev.summary.CopyFrom(s)
            w.write_event(ev)


def legacy_hist(limits: list[float], counts: list[float]) -> summary_pb2.Summary:
    """tensorboardX's histogram with its bucket arrays replaced (they may disagree in length)."""
    s = ours(tbx.histogram("h", np.arange(10.0), bins="auto"))
    h = s.value[0].histo
    del h.bucket_limit[:], h.bucket[:]
    h.bucket_limit.extend(limits)
    h.bucket.extend(counts)
    return s


def tensor_hist(rows) -> summary_pb2.Summary:
    """A TF2-style histogram tensor ``[k, 3]`` (left, right, count) with any values."""
    arr = np.asarray(rows, dtype="<f8").reshape(-1, 3)
    s = summary_pb2.Summary()
    v = s.value.add(tag="h")
    v.metadata.plugin_data.plugin_name = "histograms"
    v.tensor.dtype = tensor_pb2.DT_DOUBLE
    for d in arr.shape:
        v.tensor.tensor_shape.dim.add(size=d)
    v.tensor.tensor_content = arr.tobytes()
    return s


def hostile_graph() -> graph_pb2.GraphDef:
    g = graph_pb2.GraphDef()
    g.node.add(name="a", op="AddV2", input=["b", "missing:0", "^gone"])  # a cycle and two missing inputs
    g.node.add(name="b", op="AddV2", input=["a"])
    big = g.node.add(name="big", op="Const")  # 4 MB of attribute tensor
    big.attr["value"].tensor.dtype = tensor_pb2.DT_FLOAT
    big.attr["value"].tensor.tensor_shape.dim.add(size=1_000_000)
    big.attr["value"].tensor.tensor_content = np.zeros(1_000_000, np.float32).tobytes()
    liar = g.node.add(name="liar", op="Const")  # a shape of 2**320 elements and no data
    liar.attr["value"].tensor.dtype = tensor_pb2.DT_FLOAT
    for _ in range(8):
        liar.attr["value"].tensor.tensor_shape.dim.add(size=1 << 40)
    deep = "/".join(f"s{i}" for i in range(10_000))
    g.node.add(name=f"{deep}/leaf", op="Identity", input=["a"])
    return g


def hparams_value(tag: str, content: bytes) -> summary_pb2.Summary:
    s = summary_pb2.Summary()
    v = s.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "hparams"
    v.metadata.plugin_data.content = content
    return s


def pr_of_shape(shape: tuple[int, ...]) -> summary_pb2.Summary:
    s = ours(tbx.pr_curve("pr", np.array([0, 1, 1, 0] * 5), np.linspace(0, 1, 20), num_thresholds=11))
    t = s.value[0].tensor
    del t.tensor_shape.dim[:]
    for d in shape:
        t.tensor_shape.dim.add(size=d)
    t.ClearField("float_val")
    t.tensor_content = np.full(shape, -3.0, np.float32).tobytes()
    return s


@pytest.fixture(scope="module")
def logdir(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp("hostile") / "logs")
    nan, inf = float("nan"), float("inf")
    write(root, "h_mismatch", [(0, legacy_hist([0.1, 0.2], [1, 2, 3, 4, 5])), (1, tensor_hist([[0, 1, 2]]))])
    write(root, "h_negative", [(i, tensor_hist([[0, 1, -5], [1, 2, 3], [2, 3, -1e300]])) for i in range(3)])
    write(root, "h_nan", [(i, tensor_hist([[nan, 1, 5], [1, nan, 3], [2, inf, nan]])) for i in range(3)])
    write(root, "h_empty", [(i, tensor_hist(np.zeros((0, 3)))) for i in range(3)])
    with EventFileWriter(os.path.join(root, "g_hostile")) as w:
        w.add_graph(hostile_graph())
    start = hparams_pb2.HParamsPluginData(version=0)
    start.session_start_info.hparams["layers"].list_value.values.add(number_value=3)
    start.session_start_info.hparams["lr"].number_value = 0.1
    write(root, "hp_list", [(0, hparams_value("_hparams_/session_start_info", start.SerializeToString()))])
    write(root, "hp_garbage", [(0, hparams_value("_hparams_/session_start_info", b"\x12\x05gar\xff\xff"))])
    good_pr = ours(tbx.pr_curve("pr", np.array([0, 1, 1, 0] * 5), np.linspace(0, 1, 20), num_thresholds=11))
    write(root, "pr_wrong", [(0, pr_of_shape((3, 5))), (1, pr_of_shape((6,))), (2, good_pr)])
    verts = np.random.default_rng(0).normal(size=(1, 20, 3)).astype(np.float32)
    faces = np.array([[[0, 1, 2], [5, 99_999, -4]]], dtype=np.int32)
    write(root, "mesh_bad", [(0, ours(tbx.mesh("m", verts, None, faces)))])
    clip = ours(tbx.audio("a", np.zeros(100, np.float32), 8000))
    clip.value[0].audio.encoded_audio_string = b"RIFF\xff\xff\xff\x7fWAVEfmt " + b"\0" * 30
    write(root, "audio_bad", [(0, clip)])
    return root


def screen(app: TbtuiApp) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def status(app: TbtuiApp) -> str:
    return app.query_one(StatusBar).render().plain


async def open_app(pilot, tb) -> TbtuiApp:
    app = pilot.app
    await tb.wait_for(pilot, lambda: app.is_settled and len(app.logdir.runs) == 10, what="loaded")
    return app


async def show(pilot, tb, tab: str, run: str, *expected: str, where=screen) -> None:
    """Focus ``run``, open ``tab``, and wait until every expected text is on screen (or ``where``)."""
    app = pilot.app
    app.query_one(RunList).select_run(run)
    await pilot.press(TAB_KEY[tab])
    await tb.wait_for(
        pilot,
        lambda: all(e in where(app) for e in expected),
        what=f"{tab}/{run}: {expected} in {where(app)[-600:]!r}",
    )
    assert app.crash is None and app.is_running


async def test_hostile_histograms_are_named_in_both_histogram_tabs(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_app(pilot, tb)
        for tab in ("histograms", "distributions"):
            await show(pilot, tb, tab, "h_negative", "h_negative", "3 steps with negative counts")
            await show(pilot, tb, tab, "h_nan", "3 steps with NaN or infinite values")
            await show(pilot, tb, tab, "h_empty", "3 steps with no bucket")
            # The bucket arrays that disagree cannot be read: named by byte offset; the good step is drawn.
            await show(pilot, tb, tab, "h_mismatch", "h_mismatch", "1 step")
            await show(pilot, tb, tab, "h_mismatch", "at byte", "not a readable event", where=status)
            for key in ("tab", "tab", "l", "L", "h", "m", "v", "v", "n"):
                await pilot.press(key)
            await pilot.pause()
            assert app.crash is None


async def test_hostile_graph_is_drawn_with_its_missing_inputs_named(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_app(pilot, tb)
        await show(pilot, tb, "graph", "g_hostile", "5 nodes", "(missing node)")
        for key in ("t", "escape", "down", "down", "down", "enter", "e", "e"):  # trace the cycle, open scopes
            await pilot.press(key)
        # Find the node 10,000 scopes down: the tree opens 100 levels (Textual's Tree recurses a frame a
        # level: opening them all ended the app), the detail shows the node itself.
        await pilot.press("slash", *"leaf", "enter")
        await tb.wait_for(
            pilot, lambda: "deeper than the 100 scope levels the tree opens" in status(app), what="notice"
        )
        detail = app.panes["graph"].detail_text()
        assert "s9998/s9999/leaf" in detail and "Identity" in detail
        await pilot.press("tab", "e", "enter", "down", "enter")
        await pilot.pause()
        assert app.crash is None


async def test_hparams_of_the_wrong_type_are_named(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_app(pilot, tb)
        said = "hp_garbage: _hparams_/session_start_info is not a readable hparams payload (and 1 more)"
        await show(pilot, tb, "hparams", "hp_list", "hp_list", "0.1", said)
        assert app.panes["hparams"].data.problems == (
            "hp_garbage: _hparams_/session_start_info is not a readable hparams payload",
            "hp_list: hparam layers is a list, not a number, string or bool",
        )


async def test_pr_curves_of_the_wrong_shape_mesh_and_audio_are_named(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_app(pilot, tb)
        await show(pilot, tb, "pr_curves", "pr_wrong", "2 unreadable step(s)")
        await pilot.press("tab", "h", "h", "l", "left_square_bracket", "left_square_bracket")
        more = app.panes["more"]
        await pilot.press(TAB_KEY["more"])
        await tb.wait_for(pilot, lambda: more.is_mounted and more.query("SeriesList, RowList"), what="more")
        for want in ("cannot decode audio", "faces index vertices that do not exist"):
            for _ in range(6):  # walk the list until the entry that holds this problem is shown
                if want in screen(app):
                    break
                await pilot.press("down")
                await pilot.pause(0.2)
            await tb.wait_for(pilot, lambda want=want: want in screen(app), what=want)
        assert app.crash is None


async def test_a_renderer_that_raises_is_a_named_notice_and_the_rest_stays(logdir, tb, monkeypatch):
    from tui.widgets import histogram_view

    def boom(*args, **kwargs):
        raise RuntimeError("bad \x1b]0;pwned\x07 data")

    monkeypatch.setattr(histogram_view, "render_ridgeline", boom)
    app = TbtuiApp(logdir)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_app(pilot, tb)
        said = "cannot show h of h_negative: RuntimeError: bad \\x1b]0;pwned\\x07 data"
        await show(pilot, tb, "histograms", "h_negative", said)  # in the view's own frame
        await tb.wait_for(pilot, lambda: said in status(app), what="the notice")
        assert "\x1b" not in screen(app)
        # The runs pane and the other tabs are as they were.
        await show(pilot, tb, "graph", "g_hostile", "(missing node)")
        assert "h_negative" in screen(app)


async def test_a_pane_whose_context_handler_raises_says_so(logdir, tb, monkeypatch):
    from tui.widgets import hparams_pane

    def boom(runs):
        raise ValueError("no such column")

    monkeypatch.setattr(hparams_pane, "collect", boom)
    app = TbtuiApp(logdir)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_app(pilot, tb)
        await show(
            pilot, tb, "hparams", "hp_list", "cannot show hparams: ValueError: no such column", where=status
        )
        await show(pilot, tb, "pr_curves", "pr_wrong", "unreadable step(s)")
