"""Pilot tests of the dashboard: chart, histograms and graph of the focused run at once (``d``)."""

from __future__ import annotations

import os

from textual.widgets import TabbedContent

from tui.app import TbtuiApp
from tui.widgets.dashboard import Dashboard
from tui.widgets.graph_tree import GraphTree
from tui.widgets.histogram_view import HistogramView
from tui.widgets.run_list import RunList

CORPUS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "corpus", "torch_mnist_like")
FIRST = "runs/ablation/cnn/lr_0.05"  # scalars, histograms and an op graph
SUB = "runs/ablation/cnn/lr_0.05/hparams"  # hparam scalars only
LR01 = "runs/lr_0.01"


async def started(pilot, tb) -> TbtuiApp:
    app = pilot.app
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    await pilot.pause()
    return app


def dash_of(app: TbtuiApp) -> Dashboard:
    dash = app.dashboard
    assert dash is not None
    return dash


def chart_runs(dash: Dashboard) -> list[str]:
    return [s.name for s in dash.chart.last_series]


def graph_drawn(dash: Dashboard, run: str) -> bool:
    graph = dash.graph
    return graph.run == run and graph.graph is not None and not graph.showing_message


async def open_dashboard(pilot, tb) -> Dashboard:
    app = await started(pilot, tb)
    await pilot.press("d")
    dash = dash_of(app)
    await tb.wait_for(
        pilot,
        lambda: dash.chart.last is not None and dash.histograms.last_lines and graph_drawn(dash, FIRST),
        what="the three panels drawn",
    )
    return dash


async def test_d_shows_chart_histograms_and_graph_side_by_side_at_160x48(tb):
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        dash = await open_dashboard(pilot, tb)
        assert app.dashboard_on and dash.display and not app.query_one(TabbedContent).display
        assert dash.run == FIRST
        # The chart: the focused run's series of a scalar tag it logged.
        assert chart_runs(dash) == [FIRST]
        assert dash.scalar_tag in app.logdir.runs[FIRST].scalars
        # The histogram stack: the focused run's first histogram tag, one ridge per step.
        hist = app.query_one("#dash-hist", HistogramView)
        assert dash.histogram_tag in app.logdir.runs[FIRST].histograms
        assert [s.run for s in hist.sources] == [FIRST] and hist.shown_runs == [FIRST]
        assert dash.histogram_tag in hist.last_lines[0].plain
        # The graph tree of the same run, top level scopes listed.
        tree = dash.query_one(GraphTree)
        assert [c.data.entry.path for c in tree.root.children if c.data] == ["input", "output", "TinyCNN"]
        # All three are big enough to read: chart and histograms side by side, the graph under them.
        chart_r, hist_r, graph_r = (dash.panel(n).region for n in ("scalars", "histograms", "graph"))
        assert chart_r.width >= 60 and chart_r.height >= 20, chart_r
        assert hist_r.width >= 60 and hist_r.height >= 20, hist_r
        assert chart_r.y == hist_r.y and chart_r.right <= hist_r.x
        assert graph_r.y >= chart_r.bottom and graph_r.width >= 120 and graph_r.height >= 12, graph_r
        # Back to the tabs with d: the tab that was active, with the context it missed.
        await pilot.press("d")
        await pilot.pause()
        assert not app.dashboard_on and not dash.display
        assert app.query_one(TabbedContent).active == "scalars"


async def test_the_panels_follow_the_focused_run(tb):
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        dash = await open_dashboard(pilot, tb)
        assert app.focused is app.query_one(RunList)
        await pilot.press("j")  # the hparams sub-run: scalars only
        await tb.wait_for(pilot, lambda: dash.run == SUB, what="the sub-run")
        await pilot.pause()
        assert chart_runs(dash) == [SUB]
        assert dash.scalar_tag is not None and dash.scalar_tag.startswith("hparam/")
        assert dash.histogram_tag is None and dash.histograms.sources == []
        assert "no histograms" in " ".join(t.plain for t in dash.histograms.last_lines).lower()
        assert dash.graph.showing_message and dash.graph.run == SUB
        await pilot.press("j", "j", "j")  # runs/lr_0.01: everything again
        await tb.wait_for(pilot, lambda: graph_drawn(dash, LR01), what="lr_0.01's graph")
        assert chart_runs(dash) == [LR01]
        assert [s.run for s in dash.histograms.sources] == [LR01]
        assert dash.graph.tree.root.children


async def test_context_changes_reach_every_panel(tb):
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        dash = await open_dashboard(pilot, tb)
        await pilot.press("s", "x")  # more smoothing, relative time
        await pilot.pause()
        assert dash.chart.options.smoothing == 0.8 and dash.chart.options.x_mode == "relative"
        assert dash.histograms.x_mode == "relative"
        # Hiding the focused run: every panel moves to the first visible run.
        await pilot.press("space")  # the runs pane has the keyboard, on the first run
        await tb.wait_for(pilot, lambda: dash.run != FIRST, what="the next visible run")
        shown = dash.run
        assert shown == SUB and chart_runs(dash) == [SUB] and dash.graph.run == SUB
        await pilot.press("space")
        await tb.wait_for(pilot, lambda: graph_drawn(dash, FIRST), what="the run back")


async def test_chart_keys_step_tags_and_overlay_all_runs(tb):
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        dash = await open_dashboard(pilot, tb)
        tags = dash.tags("scalars", [FIRST])
        # The Scalars tab's tag (the longest loss curve: see test_first_screen.py).
        assert dash.scalar_tag == app.panes["scalars"].selected_tag == "train/loss"
        first = tags.index(dash.scalar_tag)
        await pilot.press("tab")
        assert app.focused is dash.chart
        await pilot.press("j", "j")
        await pilot.pause()
        assert dash.scalar_tag == tags[first + 2] and dash.chart.tag == tags[first + 2]
        await pilot.press("v")  # every visible run that has the tag
        await pilot.pause()
        assert len(chart_runs(dash)) > 1 and FIRST in chart_runs(dash)
        await pilot.press("tab", "j")  # histograms: the next tag
        await pilot.pause()
        assert dash.histogram_tag == dash.tags("histograms", [FIRST])[1]


async def test_focus_moves_between_the_panels_with_tab(tb):
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        dash = await open_dashboard(pilot, tb)
        runs = app.query_one(RunList)
        await pilot.press("tab")
        assert app.focused is dash.chart and dash.current == "scalars"
        await pilot.press("tab")
        assert app.focused is dash.histograms and dash.current == "histograms"
        await pilot.press("tab")
        assert app.focused is dash.graph.tree and dash.current == "graph"
        await pilot.press("shift+tab")
        assert app.focused is dash.histograms
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is runs


async def test_focus_asked_before_the_panels_exist_lands_once_they_do(tb):
    """The first ``d`` from a focused chart asks the dashboard for its chart panel right after mounting
    it; in a real terminal that came before the panels existed and the app ended with NoMatches."""
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, tb)
        app.action_toggle_dashboard()  # mounts the dashboard; its panels are composed later
        dash = dash_of(app)
        dash.focus_panel("scalars")  # at once, as a slow terminal's refresh would
        await tb.wait_for(
            pilot, lambda: dash.is_mounted and app.focused is dash.chart, what="the dashboard's chart focused"
        )
        assert app.is_running and app.crash is None


async def test_number_keys_leave_the_dashboard_for_that_tab(tb):
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_dashboard(pilot, tb)
        await pilot.press("2")
        await pilot.pause()
        assert not app.dashboard_on
        tabs = app.query_one(TabbedContent)
        assert tabs.display and tabs.active == "histograms"
        assert app.active_pane is not None and app.active_pane.context is not None


async def test_start_up_layout_and_80x24_stack(tb):
    app = TbtuiApp(CORPUS, layout="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, tb)
        dash = dash_of(app)
        await tb.wait_for(pilot, lambda: dash.chart.last is not None, what="the chart")
        assert app.dashboard_on and not app.query_one(TabbedContent).display
        panels = {n: dash.panel(n).region for n in ("scalars", "histograms", "graph")}
        # Stacked: the current panel (the chart) takes the height, the others show their title row.
        assert panels["scalars"].height >= 12 and panels["scalars"].width >= 50
        assert panels["histograms"].height == 3 and panels["graph"].height == 3
        assert dash.chart.last.plot_width >= 40
        # Below 100 columns the runs pane is collapsed: the dashboard's chart has the keys.
        assert not app.query_one(RunList).display and app.focused is dash.chart
        await pilot.press("tab")  # chart -> histograms
        await pilot.pause()
        assert app.focused is dash.histograms and dash.current == "histograms"
        assert dash.panel("histograms").region.height >= 12
        assert dash.panel("scalars").region.height == 3
        assert dash.histograms.shown_runs == [FIRST]
        await pilot.press("tab")
        await tb.wait_for(pilot, lambda: graph_drawn(dash, FIRST), what="the graph")
        await pilot.pause()
        assert dash.current == "graph" and dash.panel("graph").region.height >= 12


async def test_new_data_reaches_the_dashboard(logdir, tb):
    app = TbtuiApp(logdir, layout="dashboard")
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, tb)
        dash = dash_of(app)
        await tb.wait_for(pilot, lambda: dash.chart.last is not None, what="the chart")
        assert chart_runs(dash) == ["alpha"]
        assert dash.graph.showing_message  # this logdir has no graph: the panel says so
        tb.write_run(logdir, "alpha", 5, start=tb.STEPS)
        await tb.wait_for(
            pilot,
            lambda: len(dash.chart.last_series) == 1 and len(dash.chart.last_series[0].x) == tb.STEPS + 5,
            what="alpha's new steps in the dashboard chart",
        )


async def test_at_80x24_the_graph_panel_row_says_why_it_is_empty(logdir, tb):
    """Stacked, the graph panel has one row inside its border: the message's top padding left the
    row blank, so a run without a graph showed an empty box."""
    app = TbtuiApp(logdir, layout="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, tb)
        dash = dash_of(app)
        await tb.wait_for(pilot, lambda: dash.graph.showing_message, what="the graph panel's message")
        await pilot.pause()
        message = dash.graph.query_one(".graph-message")
        assert dash.panel("graph").region.height == 3
        assert message.content_region.height >= 1
        assert "has no graph" in message.render_line(0).text


async def test_titles_name_the_run_as_the_runs_pane_does(tb):
    """The dashboard's panel titles and the graph's title said "runs/ablation/cnn/lr_0.05" beside a
    runs pane of "A ablation/cnn/lr_0.05": they now name the run the same way, marker letter and the
    name without the prefix every run shares."""
    app = TbtuiApp(CORPUS)
    async with app.run_test(size=(160, 48)) as pilot:
        dash = await open_dashboard(pilot, tb)
        await tb.wait_for(pilot, lambda: graph_drawn(dash, FIRST), what="the graph")
        marker, label = app.view.run_markers[FIRST], FIRST.removeprefix("runs/")
        assert label != FIRST and marker
        for panel in ("scalars", "histograms"):
            title = str(dash.panel(panel).border_title)
            assert title.endswith(f" · {marker} {label}") and FIRST not in title, title
        graph_title = str(dash.graph.query_one(".graph-title").render())
        assert graph_title.startswith(f"{marker} {label} · "), graph_title
