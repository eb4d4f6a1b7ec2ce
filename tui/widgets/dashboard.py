"""The dashboard: a scalar chart, a histogram stack and the graph tree at once, for the focused run.

The tabs show one dashboard at a time; this layout puts the three that say most about one training
run side by side, all following the run highlighted in the runs pane (``d`` in the app toggles it,
``--layout dashboard`` starts with it). It composes the tabs' own widgets rather than copying them:

- a :class:`~tui.widgets.scalar_chart.ScalarChart`, fed the way the Scalars tab feeds it; ``j`` / ``k``
  step through the run's scalar tags, ``v`` overlays every visible run instead of only the focused one;
- a :class:`~tui.widgets.histogram_view.HistogramView` (the Histograms tab's ridgeline); ``j`` / ``k``
  step through the run's histogram tags, ``m`` switches offset / overlay;
- a :class:`~tui.widgets.graph_pane.GraphPane`, unchanged, handed the same context.

The app sets this pane's ``context`` like any tab's; the dashboard hands it on, so live data, run
toggles, smoothing and the x mode reach all three panels. The tag each panel shows is the one the
user asked for while the focused run has it, else that run's first tag of the kind: moving through
runs never leaves a panel blank just because runs log different tags.

Wide screens lay the chart and the histograms side by side over the graph. Narrow ones (the app's
``-narrow`` screen class) stack the panels and give the height to the one the keyboard is in; the
others shrink to their title row, and Tab / shift+Tab (or a click) opens them.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.widget import Widget

from tui.model.tags import group_tags
from tui.views.cache import LruCache
from tui.views.safe import inert
from tui.views.selection import PaneContext, neighbour
from tui.widgets.graph_pane import GraphPane
from tui.widgets.histogram_view import HistogramPlotBase, HistogramView, HistSource
from tui.widgets.pane import Pane
from tui.widgets.scalar_chart import ChartSource, ScalarChart

__all__ = ["PANELS", "Dashboard"]

#: The panels, in focus (Tab) order: their CSS class is ``dash-<name>``.
PANELS = ("scalars", "histograms", "graph")


class Dashboard(Pane):
    """Chart, histograms and graph of the focused run, side by side (see the module docstring)."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    Dashboard {
        height: 1fr;
        layout: grid;
        grid-size: 2 2;
        grid-columns: 1fr 1fr;
        grid-rows: 3fr 2fr;
    }

    Dashboard .dash-panel {
        width: 1fr;
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
    }

    Dashboard .dash-panel:focus-within {
        border: round $accent;
        border-title-color: $text;
    }

    Dashboard .dash-graph {
        column-span: 2;
    }

    Dashboard #dash-chart, Dashboard .dash-hist, Dashboard GraphPane {
        width: 1fr;
        height: 1fr;
    }

    Dashboard GraphPane .graph-tree {
        border: none;
    }

    /* The panel may be one row high (stacked at 80x24): the message starts on that row. */
    Dashboard GraphPane .graph-message {
        padding: 0 1;
    }

    Dashboard GraphPane .graph-detail {
        border: none;
        border-left: vkey $panel;
    }

    Dashboard GraphPane .graph-tree:focus, Dashboard GraphPane .graph-detail:focus {
        border: none;
    }

    Dashboard GraphPane .graph-detail:focus {
        border-left: vkey $accent;
    }

    Screen.-narrow Dashboard {
        layout: vertical;
    }

    Screen.-narrow Dashboard .dash-panel {
        height: 3;
    }

    Screen.-narrow Dashboard .dash-panel.-current {
        height: 1fr;
    }

    Screen.-narrow Dashboard GraphPane .graph-body {
        layout: horizontal;
    }

    Screen.-narrow Dashboard GraphPane .graph-tree {
        width: 3fr;
    }

    Screen.-narrow Dashboard GraphPane .graph-detail {
        width: 2fr;
    }
    """

    HELP_TITLE = "Dashboard (d)"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_all_runs", "All runs/focused"),
        Binding("m", "toggle_hist_mode", "Offset/overlay"),
    ]

    def __init__(self, *, id: str | None = None, graph_cache: LruCache | None = None) -> None:
        """``graph_cache``: parsed graphs shared with the Graph tab (so a graph is parsed once)."""
        super().__init__(id=id)
        self.graph_cache = graph_cache
        #: The chart overlays every visible run (else only the focused one).
        self.all_runs = False
        #: The tags the user asked for (j/k, or the tabs' selection when the dashboard opened).
        self.wanted_scalar: str | None = None
        self.wanted_histogram: str | None = None
        #: What the panels show now (tests and the app read these).
        self.run: str | None = None
        self.scalar_tag: str | None = None
        self.histogram_tag: str | None = None
        #: The panel the keyboard was in last; narrow screens give it the height.
        self.current = PANELS[0]
        self._tags_cache: dict[tuple, list[str]] = {}
        self._ready = False  # the app may hand over a context before the panels exist

    def compose(self) -> ComposeResult:
        with Container(classes="dash-panel dash-scalars -current"):
            yield ScalarChart(id="dash-chart")
        with Container(classes="dash-panel dash-histograms"):
            yield HistogramView(id="dash-hist", classes="dash-hist")
        with Container(classes="dash-panel dash-graph"):
            yield GraphPane(id="dash-graph", cache=self.graph_cache)

    def on_mount(self) -> None:
        self._ready = True
        self.panel("graph").border_title = "Graph"
        self.histograms.EMPTY = "No histograms in this run"
        self._titles()
        if self.context is not None:
            self.watch_context(None, self.context)

    # -- parts ----------------------------------------------------------------------------------

    def panel(self, name: str) -> Container:
        return self.query_one(f".dash-{name}", Container)

    @property
    def chart(self) -> ScalarChart:
        return self.query_one(ScalarChart)

    @property
    def histograms(self) -> HistogramView:
        return self.query_one(HistogramView)

    @property
    def graph(self) -> GraphPane:
        return self.query_one(GraphPane)

    def focus_panel(self, name: str) -> None:
        """Put the keyboard in a panel (its first focusable widget that shows); asked before the
        panels exist (the first ``d``, from a focused chart), once they do."""
        if not self._ready:
            self.call_after_refresh(self.focus_panel, name)
            return
        panel = self.panel(name)
        target = next((w for w in self.screen.focus_chain if panel in w.ancestors), None)
        if target is not None:
            target.focus()

    # -- context --------------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None or not self._ready:
            return
        self.run = self._run_of(new)
        # The graph panel is the Graph tab's pane: it follows ``focused_run``, so it gets the run
        # the other panels show (the focused run when it is visible, else the first visible run).
        self.graph.context = dataclasses.replace(new, focused_run=self.run)
        self._show_chart()
        self._show_histograms()

    @staticmethod
    def _run_of(ctx: PaneContext) -> str | None:
        if ctx.focused_run is not None and ctx.focused_run in ctx.runs:
            return ctx.focused_run
        return ctx.runs[0] if ctx.runs else None

    def tags(self, kind: str, names: list[str]) -> list[str]:
        """Tags of ``kind`` ("scalars" / "histograms") of runs ``names`` passing the filter, in TB order."""
        ctx = self.context
        if ctx is None:
            return []
        key = (kind, tuple(names), ctx.generation, ctx.tag_regex, id(ctx.logdir))
        hit = self._tags_cache.get(key)
        if hit is None:
            found: set[str] = set()
            for name in names:
                run = ctx.logdir.runs.get(name)
                if run is not None:
                    found.update(getattr(run, kind))
            hit = [t for _, members in group_tags(t for t in found if ctx.tag_matches(t)) for t in members]
            if len(self._tags_cache) > 64:
                self._tags_cache.clear()
            self._tags_cache[key] = hit
        return hit

    def _chart_runs(self) -> list[str]:
        ctx = self.context
        if ctx is None:
            return []
        if self.all_runs:
            return list(ctx.runs)
        return [self.run] if self.run is not None else []

    def _show_chart(self) -> None:
        ctx = self.context
        if ctx is None or not self._ready:
            return
        names = self._chart_runs()
        tags = self.tags("scalars", names)
        tag = self.wanted_scalar if self.wanted_scalar in tags else (tags[0] if tags else None)
        self.scalar_tag = tag
        sources = []
        for name in names:
            run = ctx.logdir.runs.get(name)
            series = run.scalars.get(tag) if run is not None and tag is not None else None
            if series is not None:
                sources.append(ChartSource(name, ctx.color(name), series, *ctx.source_names(name)))
        self.chart.show(tag, sources, ctx.options, loading=ctx.loading)
        self._titles()

    def _show_histograms(self) -> None:
        ctx = self.context
        if ctx is None or not self._ready:
            return
        name = self.run
        tags = self.tags("histograms", [name] if name is not None else [])
        tag = self.wanted_histogram if self.wanted_histogram in tags else (tags[0] if tags else None)
        self.histogram_tag = tag
        run = ctx.logdir.runs.get(name) if name is not None else None
        series = run.histograms.get(tag) if run is not None and tag is not None else None
        sources = [] if series is None else [HistSource.of(ctx, name, series)]
        self.histograms.show(tag, sources, x_mode=ctx.options.x_mode)
        self._titles()

    def _titles(self) -> None:
        # The run as the runs pane names it (marker letter, name without the shared prefix).
        ctx, name = self.context, self.run
        if name is not None and ctx is not None:
            marker, label, _ = ctx.source_names(name)
            name = f"{marker} {label or name}" if marker else label or name
        run = f" · {inert(name)}" if name is not None else ""
        who = " · all visible runs" if self.all_runs else run
        self.panel("scalars").border_title = f"Scalars{who}"
        hist = "Histograms" if self.histogram_tag is not None or self.run is None else "Histograms: none"
        self.panel("histograms").border_title = hist + run

    def follow_tags(self, scalar: str | None = None, histogram: str | None = None) -> None:
        """Ask for these tags (the tabs' selections when the dashboard opens); None keeps the choice."""
        if scalar is not None:
            self.wanted_scalar = scalar
        if histogram is not None:
            self.wanted_histogram = histogram
        self._show_chart()
        self._show_histograms()

    # -- events ---------------------------------------------------------------------------------

    def on_scalar_chart_step_tag(self, event: ScalarChart.StepTag) -> None:
        event.stop()
        tag = neighbour(self.tags("scalars", self._chart_runs()), self.scalar_tag, event.delta)
        if tag is not None:
            self.wanted_scalar = tag
            self._show_chart()

    def on_histogram_plot_base_step_tag(self, event: HistogramPlotBase.StepTag) -> None:
        event.stop()
        runs = [self.run] if self.run is not None else []
        tag = neighbour(self.tags("histograms", runs), self.histogram_tag, event.delta)
        if tag is not None:
            self.wanted_histogram = tag
            self._show_histograms()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        node: Widget | None = event.widget
        while node is not None and node is not self:
            for name in PANELS:
                if node.has_class(f"dash-{name}"):
                    self.set_current(name)
                    return
            node = node.parent  # type: ignore[assignment]

    def set_current(self, name: str) -> None:
        """Mark the panel the keyboard is in (narrow screens open it; its keys show in the footer)."""
        if name == self.current:
            return
        self.current = name
        for other in PANELS:
            self.panel(other).set_class(other == name, "-current")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_all_runs":
            return self.current == "scalars"
        if action == "toggle_hist_mode":
            return self.current == "histograms"
        return True

    # -- actions --------------------------------------------------------------------------------

    def action_toggle_all_runs(self) -> None:
        self.all_runs = not self.all_runs
        self._show_chart()

    def action_toggle_hist_mode(self) -> None:
        self.histograms.toggle_mode()
