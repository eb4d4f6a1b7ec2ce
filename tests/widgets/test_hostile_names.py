"""No log text reaches the terminal as a control sequence: every tab and the dashboard, hostile names.

Run names, tags, text summaries, graph node names, hparams values, PR curve and custom-scalars tags,
chart titles, audio labels, mesh names and projector metadata carry CSI, OSC, C1, bidi and zero-width
characters. After each tab (and the dashboard) has drawn them, the screen's text holds no ESC, BEL or
C1 byte and no bidi or zero-width control: each was made visible (``\\x1b``) instead. And a widget
handed such text raw (a forgotten ``inert``) still puts none on the terminal: the app's line filter
is the boundary.
"""

from __future__ import annotations

import re

import numpy as np
from textual.widgets import Static

from tui.app import TABS, TbtuiApp
from tui.cli.demo import demo_hparams
from tui.tfevents.proto import graph_pb2
from tui.tfevents.writer import EventFileWriter, png_bytes
from tui.widgets.inert_lines import InertLines
from tui.widgets.series_list import SeriesList

#: CSI (clear screen), OSC 52 (set the clipboard), OSC 0 (retitle), C1 CSI, bidi override, zero-width.
HOSTILE = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07\x9b31m\u202eevil\u200b\u2066\ufeff\u2028"
#: What must never reach the screen: C0 controls but newline, DEL, C1, bidi and zero-width controls.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def hostile_logdir(root, *, plugins: bool = True) -> str:
    run = root / f"run{HOSTILE}"
    graph = graph_pb2.GraphDef()
    graph.node.add(name=f"scope{HOSTILE}/a", op=f"Const{HOSTILE}")
    graph.node.add(name=f"scope{HOSTILE}/b", op="AddV2", input=[f"scope{HOSTILE}/a"])
    with EventFileWriter(str(run)) as w:
        for step in range(5):
            w.add_scalar(f"loss{HOSTILE}", 1.0 / (step + 1), step, 1.7e9 + step)
            w.add_histogram(
                f"weights{HOSTILE}", np.random.default_rng(step).normal(size=100), step, 1.7e9 + step
            )
        w.add_text(f"notes{HOSTILE}", f"hello {HOSTILE} **md**", 0, 1.7e9)
        w.add_image(f"img{HOSTILE}", png_bytes(np.zeros((4, 4, 3), dtype=np.uint8)), 4, 4, 0, 1.7e9)
        w.add_graph(graph)
        for tag, content in demo_hparams(f"model{HOSTILE}", 0.1, 1):
            w.add_hparams(content, tag)
    if plugins:
        _plugins(root / f"plugins{HOSTILE}")
    return str(root)


def _plugins(run) -> None:
    """PR curves, a custom-scalars layout, audio, a mesh and an embedding, every name hostile
    (tensorboardX writes them as the real writers do)."""
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(3)
    w = SummaryWriter(str(run))
    labels = rng.integers(0, 2, 50)
    for step in range(2):
        w.add_pr_curve(f"pr{HOSTILE}", labels, rng.random(50), step, num_thresholds=9)
    w.add_custom_scalars(
        {
            f"cat{HOSTILE}": {
                f"lines{HOSTILE}": ["Multiline", [f"cs{HOSTILE}"]],
                f"band{HOSTILE}": ["Margin", [f"cs{HOSTILE}", f"cs{HOSTILE}", f"cs{HOSTILE}"]],
            }
        }
    )
    for s in range(3):
        w.add_scalar(f"cs{HOSTILE}", s / 3, s)
    w.add_audio(f"audio{HOSTILE}", np.sin(np.arange(800) / 5.0).astype(np.float32), 1, sample_rate=8000)
    verts = rng.normal(size=(1, 20, 3)).astype(np.float32)
    w.add_mesh(f"mesh{HOSTILE}", vertices=verts, global_step=1)
    w.add_embedding(rng.normal(size=(8, 3)), metadata=[f"m{HOSTILE}{i}" for i in range(8)], tag="emb")
    w.close()


def shown_kind(more) -> str:
    """Which kind of item (audio, mesh, projector) the Audio · Mesh · Projector tab shows."""
    return more.items.get(more.selected[1], ("",))[0] if more.selected is not None else ""


def screen_text(app) -> str:
    """What the screen shows, as text (an SVG keeps every character the screen holds)."""
    return app.export_screenshot()


async def test_no_control_character_reaches_the_screen(tmp_path, tb):
    await _visit_every_tab(TbtuiApp(hostile_logdir(tmp_path)), tb)


async def test_panes_draw_log_text_inert_without_the_terminal_boundary(tmp_path, tb):
    """Log text is made inert where it enters the view (display names, SafeText, the status notice),
    not only by the line filter behind it (tui/widgets/inert_lines.py): with the filter taken out, no
    tab shows a control character."""
    app = TbtuiApp(hostile_logdir(tmp_path))
    with_boundary = app.get_line_filters
    app.get_line_filters = lambda: [f for f in with_boundary() if not isinstance(f, InertLines)]
    await _visit_every_tab(app, tb)


async def _visit_every_tab(app: TbtuiApp, tb) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await tb.wait_for(pilot, lambda: app.is_settled and len(app.logdir.runs) == 2, what="loaded")
        assert not app.hidden_tabs  # every dashboard has data: PR Curves (8), Custom Scalars (9), More (0)
        for n, spec in enumerate(TABS, start=1):
            await pilot.press(str(n % 10))
            await tb.wait_for(pilot, lambda spec=spec: app.active_pane is app.panes[spec.id], what=spec.id)
            await pilot.pause(0.2)
            shown = screen_text(app)
            assert not FORBIDDEN.search(shown), (spec.id, FORBIDDEN.findall(shown))
            assert "\\x1b" in shown, spec.id  # the names are there, made visible
        more = app.panes["more"]
        for kind in ("audio", "mesh", "projector"):  # each item of the last tab drawn in turn
            header = next(h for h, (k, _) in more.items.items() if k == kind)
            lst = more.query_one(SeriesList)
            run = next(r.name for r in app.logdir.runs.values() if r.name.startswith("plugins"))
            assert lst.select(run, header), (kind, header)
            await tb.wait_for(pilot, lambda kind=kind: shown_kind(more) == kind, what=kind)
            await pilot.pause(0.3)
            shown = screen_text(app)
            assert not FORBIDDEN.search(shown), (kind, FORBIDDEN.findall(shown))
            assert "\\x1b" in shown, kind
        await pilot.press("d")
        await tb.wait_for(pilot, lambda: app.dashboard_on, what="dashboard")
        await pilot.pause(0.3)
        shown = screen_text(app)
        assert not FORBIDDEN.search(shown), ("dashboard", FORBIDDEN.findall(shown))


async def test_raw_text_in_any_widget_reaches_the_terminal_escaped(tmp_path) -> None:
    """The boundary itself: text no one made inert, in a plain Static and a border title."""
    app = TbtuiApp(str(tmp_path))
    async with app.run_test(size=(100, 20)) as pilot:
        raw = Static(f"raw {HOSTILE} end", id="raw")
        raw.border_title = f"title {HOSTILE}"
        await app.screen.mount(raw)
        await pilot.pause(0.2)
        shown = screen_text(app)
        assert not FORBIDDEN.search(shown), FORBIDDEN.findall(shown)
        # (Rich drops BEL itself; what is left is written out, not sent.)
        assert "raw \\x1b[2J\\x1b]52;c;ZXZpbA==\\x1b]0;pwned\\x9b31m\\u202eevil" in shown.replace(
            "&#160;", " "
        )


async def test_chart_grid_titles_and_cursor_readout_show_names_inert(tmp_path, tb):
    """Issue 11 #7: the grid's titles (tag names) and the cursor readout (run names) were printed raw."""
    from tui.widgets.chart_grid import ChartGrid
    from tui.widgets.scalar_chart import ScalarChart
    from tui.widgets.tag_list import TagList

    app = TbtuiApp(hostile_logdir(tmp_path, plugins=False))
    async with app.run_test(size=(140, 40)) as pilot:
        await tb.wait_for(pilot, lambda: app.is_settled and len(app.logdir.runs) == 1, what="loaded")
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("G")  # the cursor on the last step: the readout names the run
        await tb.wait_for(pilot, lambda: bool(chart.last_readout), what="readout")
        readout = "".join(line.plain for line in chart.last_readout)
        assert "run\\x1b[2J" in readout and not FORBIDDEN.search(readout), FORBIDDEN.findall(readout)
        assert not FORBIDDEN.search(screen_text(app))
        app.query_one(TagList).focus()
        await pilot.press("v")
        grid = app.query_one(ChartGrid)
        await tb.wait_for(pilot, lambda: grid.display and grid.drawn, what="grid")
        await pilot.pause(0.2)
        shown = screen_text(app)
        assert not FORBIDDEN.search(shown), FORBIDDEN.findall(shown)
        assert "loss\\x1b[2J" in shown
